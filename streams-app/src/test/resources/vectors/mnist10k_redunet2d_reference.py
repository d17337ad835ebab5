#!/usr/bin/env python3
"""NumPy port of the reference 2D translation-invariant ReduNet (ryanchankh/redunet_paper:
mnist2d.py, redunet/lift.py Lift2D, redunet/fourier2d.py Fourier2D, redunet/vector.py Vector,
redunet/arch.py Architecture, functionals.py, evaluate.knn / evaluate.nearsub), run on the
project's split of the shipped mnist10k: the first N images of each digit in file order train,
the next M of each digit (or all the others) test.

Faithful to the reference in: raw uint8 pixels (0..255) as input; Lift2D = circular padding
(0, k-1) on both axes, cross-correlation (torch conv2d), ReLU, no normalisation before the lift;
Fourier2D.preprocess = normalise over C*H*W, fft2 ortho over (H, W); per frequency
E = alpha (I + alpha S)^-1, C_j = alpha_j (I + alpha_j S_j)^-1, alpha = C/(m eps), alpha_j =
C/(m_j eps) (no factor H*W), S = sum_i v_i v_i^H (all 784 bins kept, no conjugate symmetry);
operators applied as einsum("bi...,ih...->bh...", V, W.conj()); membership softmax(-lambda
||C_j v||) over all C*H*W coefficients, clipped at 1e-8, for training samples too; update
v + eta (E v - sum_j gamma_j pi_j C_j v), normalised over C*H*W; postprocess ifft2 ortho,
normalise, .real; classifiers on l2-normalised flattened features. The reference's logged loss
(compute_loss with the estimated labels y_hat of the layer's output, weights m_j/m) is printed,
and so is Delta R of the layer's output with the true labels (what the Java experiment prints as
"Delta R of its input" of the next layer).

Differences from the reference, deliberately: float64 throughout (torch's conv is float32);
nearest subspace uses an exact SVD (sklearn TruncatedSVD is randomized); kNN ties go to the
smallest label; the lifting filters are either the reference's (np.random.seed(10), N(0,1),
--filters numpy) or the Java project's (java.util.Random(seed).nextGaussian() in row-major
order, --filters java, the default, so that the two implementations can be compared).

Run from the repository root (NumPy only; about 1 minute for the first command, one core):
    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    python3 streams-app/src/test/resources/vectors/mnist10k_redunet2d_reference.py \
        --train-per-class 20 --test-per-class 10 --channels 4 --layers 3
        (the golden values of SpectralMnistReferencePortTest)
    python3 streams-app/src/test/resources/vectors/mnist10k_redunet2d_reference.py \
        --layers 5 --test-per-class 100 --raw
        (the comparison with ./redunet experiment finetune --rows forward --threads 1 --layers 5
        --test-per-class 100 in docs/FINETUNE.md section 5)
Progress (one JSON line per layer) goes to stderr, the summary (one JSON object) to stdout.
"""
import argparse
import gzip
import json
import math
import sys
import time

import numpy as np

DATA = 'streams-app/src/main/resources/datasets/mnist10k/'


def load_mnist10k(path=DATA):
    X = np.frombuffer(gzip.open(path + 'mnist10k-images-idx3-ubyte.gz').read()[16:], dtype=np.uint8)
    y = np.frombuffer(gzip.open(path + 'mnist10k-labels-idx1-ubyte.gz').read()[8:], dtype=np.uint8)
    return X.reshape(-1, 1, 28, 28), y.astype(np.int64)


def split(y, train_per_class, test_per_class, classes=range(10)):
    """The Java MnistSplitOptions split: file order, first N per class train, next M test
    (M = None: all the others). Returns index arrays in file order."""
    seen = {c: 0 for c in classes}
    tr, te = [], []
    for i, c in enumerate(y):
        c = int(c)
        if c not in seen:
            continue
        if seen[c] < train_per_class:
            tr.append(i)
        elif test_per_class is None or seen[c] < train_per_class + test_per_class:
            te.append(i)
        seen[c] += 1
    return np.array(tr), np.array(te)


class JavaRandom:
    """java.util.Random: the 48-bit LCG and the polar nextGaussian."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)
        self.next_next = None

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        r = self.seed >> (48 - bits)
        if r >= 1 << (bits - 1) and bits == 32:
            r -= 1 << 32
        return r

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) * 2.0 ** -53

    def next_gaussian(self):
        if self.next_next is not None:
            g, self.next_next = self.next_next, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        mul = math.sqrt(-2 * math.log(s) / s)
        self.next_next = v2 * mul
        return v1 * mul


def kernels(mode, out_channels, ksize, seed=10):
    if mode == 'numpy':  # functionals.generate_kernel('gaussian', size, seed=10)
        np.random.seed(seed)
        return np.random.normal(0., 1., size=(out_channels, 1, ksize, ksize))
    r = JavaRandom(seed)  # dev.redunet.data.Lifting: row-major w[o][i][a][b]
    return np.array([r.next_gaussian() for _ in range(out_channels * ksize * ksize)]).reshape(
        out_channels, 1, ksize, ksize)


def lift2d(X, K, relu=True):
    """Lift2D: F.pad(X, (0, k-1, 0, k-1), 'circular'); F.conv2d(_, K); relu.
    out[b,o,h,w] = sum_{i,a,c} K[o,i,a,c] X[b,i,(h+a)%H,(w+c)%W]  (circular cross-correlation),
    computed as ifft2(fft2(X) * conj(fft2(K padded to H x W)))."""
    B, Cin, H, W = X.shape
    Kp = np.zeros((K.shape[0], Cin, H, W))
    Kp[:, :, :K.shape[2], :K.shape[3]] = K
    FX = np.fft.fft2(X.astype(np.float64))
    FK = np.fft.fft2(Kp)
    out = np.fft.ifft2(np.einsum('bihw,oihw->bohw', FX, FK.conj())).real
    return np.maximum(out, 0) if relu else out


def normalize(X):
    n = np.linalg.norm(X.reshape(X.shape[0], -1), axis=1)
    n = np.clip(n, 1e-8, np.inf)
    return X / n.reshape((-1,) + (1,) * (X.ndim - 1))


class Fourier2D:
    """Per-layer operators on V in layout (F, b, C) (F = H*W bins, flattened row-major)."""

    def __init__(self, eta, eps, lmbda, num_classes):
        self.eta, self.eps, self.lmbda, self.k = eta, eps, lmbda, num_classes

    @staticmethod
    def cov(V):  # batch_cov: cov[f,i,k] = sum_b V[f,b,i] conj(V[f,b,k])
        return np.einsum('fbi,fbk->fik', V, V.conj(), optimize=True)

    def init(self, V, y):
        Fb, m, C = V.shape
        self.gam = np.array([(y == j).sum() for j in range(self.k)]) / y.size
        alpha = C / (m * self.eps)
        I = np.eye(C)
        self.E = alpha * np.linalg.inv(I + alpha * self.cov(V))
        Cs = np.zeros((self.k, Fb, C, C), complex)
        for j in range(self.k):
            Vj = V[:, y == j]
            mj = Vj.shape[1]
            if mj == 0:
                continue
            aj = C / (mj * self.eps)
            Cs[j] = aj * np.linalg.inv(I + aj * self.cov(Vj))
        self.Cs = Cs
        self.W = np.concatenate([self.E.conj()] + [Cs[j].conj() for j in range(self.k)], axis=2)

    def forward(self, V, chunk=200):
        if V.shape[1] > chunk:
            parts = [self.forward(V[:, i:i + chunk], chunk) for i in range(0, V.shape[1], chunk)]
            return np.concatenate([q[0] for q in parts], axis=1), np.concatenate([q[1] for q in parts])
        # einsum("bi...,ih...->bh...", V, W.conj()) for W = E and every C_j, as one product per bin
        C = V.shape[2]
        out = V @ self.W  # (F, b, (1 + k) C)
        expd = out[:, :, :C]
        comp = out[:, :, C:].reshape(V.shape[0], V.shape[1], self.k, C)  # (F, b, k, C)
        norm = np.sqrt((comp.real ** 2 + comp.imag ** 2).sum(axis=(0, 3))).T  # (k, b)
        norm = np.clip(norm, 1e-8, norm)
        z = -self.lmbda * norm
        z = z - z.max(axis=0)  # scipy.special.softmax(-lambda norm, axis=0)
        pred = np.exp(z)
        pred /= pred.sum(axis=0)
        y_approx = np.argmax(pred, axis=0)
        clus = np.einsum('fbkc,kb->fbc', comp, self.gam[:, None] * pred)
        V = V + self.eta * (expd - clus)
        n = np.sqrt((np.abs(V) ** 2).sum(axis=(0, 2)))
        return V / np.clip(n, 1e-8, np.inf)[None, :, None], y_approx

    def loss(self, V, y):
        """Fourier2D.compute_loss: R = sum_f logdet(I + alpha S(f)) / (2 H W), R_c = sum_j
        m_j/m * sum_f logdet(I + alpha_j S_j(f)) / (2 H W) over the classes of y."""
        Fb, m, C = V.shape
        I = np.eye(C)
        alpha = C / (m * self.eps)
        expd = np.linalg.slogdet(I + alpha * self.cov(V))[1].sum() / (2 * Fb)
        comp = 0.
        for j in range(self.k):
            Vj = V[:, y == j]
            mj = Vj.shape[1]
            if mj == 0:
                continue
            aj = C / (mj * self.eps)
            comp += mj / m * np.linalg.slogdet(I + aj * self.cov(Vj))[1].sum() / (2 * Fb)
        return expd - comp, expd, comp


def to_spectral(Z):  # Fourier2D.preprocess, to layout (F, b, C)
    B, C, H, W = Z.shape
    V = np.fft.fft2(normalize(Z), norm='ortho', axes=(2, 3))
    return np.ascontiguousarray(V.reshape(B, C, H * W).transpose(2, 0, 1))


def from_spectral(V, shape):  # Fourier2D.postprocess, then .real
    B, C, H, W = shape
    Z = np.fft.ifft2(V.transpose(1, 2, 0).reshape(B, C, H, W), norm='ortho', axes=(2, 3))
    return normalize(Z).real


def knn(Ztr, ytr, Zte, yte, k=5):
    S = Ztr @ Zte.T
    idx = np.argsort(-S, axis=0, kind='stable')[:k]
    lab = ytr[idx]
    pred = np.array([np.bincount(lab[:, i], minlength=ytr.max() + 1).argmax() for i in range(lab.shape[1])])
    return float((pred == yte).mean())


def nearsub(Ztr, ytr, Zte, yte, n_comp=10):
    classes = np.unique(yte)
    scores = []
    for j in classes:
        _, _, Vt = np.linalg.svd(Ztr[ytr == j], full_matrices=False)
        Vs = Vt[:n_comp].T
        scores.append(np.linalg.norm(Zte.T - Vs @ (Vs.T @ Zte.T), axis=0))
    return float((classes[np.argmin(scores, axis=0)] == yte).mean())


def classifiers(Ztr, ytr, Zte, yte):
    Ztr = normalize(Ztr.reshape(Ztr.shape[0], -1))
    Zte = normalize(Zte.reshape(Zte.shape[0], -1))
    return {'nearest_subspace': nearsub(Ztr, ytr, Zte, yte), 'knn': knn(Ztr, ytr, Zte, yte)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--train-per-class', type=int, default=50)
    p.add_argument('--test-per-class', type=int, default=None, help='default: all the others')
    p.add_argument('--channels', type=int, default=16)
    p.add_argument('--ksize', type=int, default=9)
    p.add_argument('--layers', type=int, default=30)
    p.add_argument('--eta', type=float, default=0.5)
    p.add_argument('--eps', type=float, default=0.1, help='eps squared')
    p.add_argument('--lmbda', type=float, default=500)
    p.add_argument('--filters', choices=['java', 'numpy'], default='java')
    p.add_argument('--seed', type=int, default=10)
    p.add_argument('--report-at', type=int, nargs='*', default=[], help='also evaluate after these depths')
    p.add_argument('--raw', action='store_true', help='also score raw normalised pixels and the lifting alone')
    p.add_argument('--dump-lift', type=str, default=None, help='write the lifted first training image (npy)')
    a = p.parse_args()
    t0 = time.time()
    X, y = load_mnist10k()
    tr, te = split(y, a.train_per_class, a.test_per_class)
    Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    K = kernels(a.filters, a.channels, a.ksize, a.seed)
    out = {'train': len(tr), 'test': len(te), 'channels': a.channels, 'layers': a.layers,
           'filters': a.filters, 'eta': a.eta, 'eps_sq': a.eps, 'lambda': a.lmbda,
           'kernel_first': K.ravel()[:3].tolist()}
    if a.raw:
        out['raw_pixels'] = classifiers(Xtr.astype(float), ytr, Xte.astype(float), yte)
    Ltr = lift2d(Xtr, K)
    Lte = np.concatenate([lift2d(Xte[i:i + 500], K) for i in range(0, len(Xte), 500)])
    if a.dump_lift:
        np.save(a.dump_lift, Ltr[0])
    if a.raw:
        out['lifting_only'] = classifiers(Ltr, ytr, Lte, yte)
    shape_tr, shape_te = Ltr.shape, Lte.shape
    Vtr = to_spectral(Ltr)
    Vte = np.concatenate([to_spectral(Lte[i:i + 500]) for i in range(0, len(Lte), 500)], axis=1)
    del Ltr, Lte
    layer = Fourier2D(a.eta, a.eps, a.lmbda, 10)
    out['delta_r_lift_true'] = layer.loss(Vtr, ytr)[0]
    per_layer, by_depth = [], {}
    for l in range(a.layers):
        layer.init(Vtr, ytr)
        Vtr, yhat_tr = layer.forward(Vtr)
        Vte, yhat_te = layer.forward(Vte)
        ref = layer.loss(Vtr, yhat_tr)
        true = layer.loss(Vtr, ytr)
        per_layer.append({'layer': l + 1, 'ref_loss_total': ref[0], 'ref_loss_expd': ref[1],
                          'ref_loss_comp': ref[2], 'delta_r_true': true[0],
                          'train_yhat_acc': float((yhat_tr == ytr).mean()),
                          'test_yhat_acc': float((yhat_te == yte).mean())})
        print(json.dumps(per_layer[-1]), file=sys.stderr, flush=True)
        if l + 1 in a.report_at and l + 1 != a.layers:
            by_depth[l + 1] = classifiers(from_spectral(Vtr, shape_tr), ytr, from_spectral(Vte, shape_te), yte)
            print(l + 1, by_depth[l + 1], file=sys.stderr, flush=True)
    out['per_layer'] = per_layer
    out['by_depth'] = by_depth
    out['features'] = classifiers(from_spectral(Vtr, shape_tr), ytr, from_spectral(Vte, shape_te), yte)
    out['seconds'] = time.time() - t0
    print(json.dumps(out))


if __name__ == '__main__':
    main()
