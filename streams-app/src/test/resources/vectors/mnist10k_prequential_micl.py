"""Independent NumPy/SciPy cross-check of prequential MICL on the shipped 10,000-digit MNIST stream.

Setting (issue "MICL classification and compression clustering"): file order, unit-norm pixels,
eps^2 = 0.5, affine coding, model refreshed every W = 500 labelled samples from the cumulative
class statistics; samples before the first refresh are not scored. Implements MICL_SPEC eq. (5)
directly with dense NumPy linear algebra (no sufficient-statistics tricks, no active-set
restriction).

Run (paths relative to the repository root):
    OPENBLAS_NUM_THREADS=1 python3 streams-app/src/test/resources/vectors/mnist10k_prequential_micl.py

Output when checked in:
    scored 9500 correct 8936 accuracy 0.9406315789473684
"""
import gzip, numpy as np, time
from scipy.linalg import solve_triangular
def idx(p):
    b = gzip.open(p).read()
    nd = b[3]; shape = [int.from_bytes(b[4+4*i:8+4*i],'big') for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4+4*nd).reshape(shape)
X = idx('streams-app/src/main/resources/datasets/mnist10k/mnist10k-images-idx3-ubyte.gz').reshape(10000,-1).astype(float)
y = idx('streams-app/src/main/resources/datasets/mnist10k/mnist10k-labels-idx1-ubyte.gz').astype(int)
X /= np.linalg.norm(X, axis=1, keepdims=True)
D = X.shape[1]; eps2 = 0.5; W = 500; k = 10
correct = 0; scored = 0
t0 = time.time()
for w0 in range(W, len(X), W):
    tr = X[:w0]; ytr = y[:w0]; te = X[w0:w0+W]; yte = y[w0:w0+W]
    N = len(tr)
    scores = np.full((len(te), k), np.inf)
    for j in range(k):
        Xj = tr[ytr == j]; n = len(Xj)
        if n == 0: continue
        mu = Xj.mean(0); Xc = Xj - mu; C = Xc.T @ Xc
        a = D / (eps2 * (n + 1)); R = np.linalg.cholesky(np.eye(D) + a * C)
        ldK = 2 * np.log2(np.diag(R)).sum()
        Lcur = (n + D) / 2 * np.linalg.slogdet(np.eye(D) + D / (eps2 * n) * C)[1] / np.log(2) + D / 2 * np.log2(1 + mu @ mu / eps2)
        d = (te - mu).T
        Y = solve_triangular(R, d, lower=True)
        q = (Y * Y).sum(0)
        ld = ldK + np.log1p(a * n / (n + 1) * q) / np.log(2)
        mup = (n * mu + te) / (n + 1)
        Lnew = (n + 1 + D) / 2 * ld + D / 2 * np.log1p((mup * mup).sum(1) / eps2) / np.log(2)
        scores[:, j] = Lnew - Lcur - np.log2(n / N)
    pred = scores.argmin(1)
    correct += (pred == yte).sum(); scored += len(te)
print("scored", scored, "correct", correct, "accuracy", correct / scored, "time", time.time() - t0)
