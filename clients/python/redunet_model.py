#!/usr/bin/env python3
"""Score samples with a model exported by redunet-streams, outside the JVM (NumPy only).

    ./redunet model export --bootstrap-servers localhost:9092 --out model.json
    # or: curl -s -H 'Authorization: Bearer TOKEN' localhost:8080/model/export > model.json
    python3 clients/python/redunet_model.py model.json < samples.jsonl > predictions.jsonl

Each input line is a JSON sample as the samples topic takes it ({"id": ..., "features": [...]},
optionally "shape": [C, T] or [C, H, W] (checked against a spectral model's input shape; an
image [H, W] fits [1, H, W]), other fields ignored); each output line is {"sampleId", "modelVersion", "predictedLabel",
"scores": [{"label", "deltaLBits", "membership"}], "noveltyBits", "novel"}, the fields of the
application's predictions (deltaLBits null for a class without statistics, membership null
without layers). A line that cannot be scored gets {"sampleId", "error"}.

The computation is the application's StreamingModel.score, step by step (docs/MODEL_FORMAT.md):
features read as 32-bit floats; z0 = x/|x| (or the PCA projection normalize(P (x/|x| - mu)));
each vector layer z <- normalize(z + eta (E z - sum_j gamma_j pi_j C_j z)) with
pi = softmax(-lambda max(|C_j z|, 1e-8)); then the MICL increments dL(z_L, j) in bits.

A spectral model ("network": "spectral") reads multichannel signals: the lifting (circular
cross-correlation with the exported filters, then ReLU), the ortho DFT (numpy.fft.rfft2 with
norm="ortho") restricted to the kept bins, normalised over all C*H*W coefficients; every spectral
layer applies per bin the exported complex operators E(f), C_j(f) and updates
v <- normalize(v + eta (E v - sum_j gamma_j pi_j C_j v)) with norms summed over all bins (kept bin
f counted binWeights[f] times); the classifier is the MICL of the shift-augmented classes, from
their per-bin statistics (docs/MODEL_FORMAT.md, "Spectral models").
"""

import argparse
import json
import math
import sys

import numpy as np

LN2 = math.log(2.0)
NORM_FLOOR = 1e-8


def _normalize(z):
    """Columns of z divided by max(|column|, 1e-8)."""
    norms = np.sqrt(np.sum(z * z, axis=0))
    return z * (1.0 / np.maximum(norms, NORM_FLOOR))


class Model:
    """One exported model version."""

    def __init__(self, doc):
        if doc.get("format") != "redunet-model":
            raise ValueError("not a redunet model export (format %r)" % doc.get("format"))
        if doc.get("formatVersion") not in (1, 2):
            raise ValueError("unsupported formatVersion %r (this scorer reads 1 and 2)" % doc.get("formatVersion"))
        self.network = doc.get("network")
        if self.network not in ("vector", "spectral"):
            raise ValueError("unsupported network %r (this scorer reads vector and spectral)" % self.network)
        self.version = int(doc["version"])
        self.input_dimension = int(doc["inputDimension"])
        self.feature_dimension = int(doc["featureDimension"])
        self.classes = list(doc["classes"])
        t = doc.get("noveltyThreshold")
        self.novelty_threshold = None if t is None else float(t)
        self.input_shape = None
        if self.network == "spectral":
            self.spectral = Spectral(doc)
            self.input_shape = list(doc["spectral"]["inputShape"])
            return
        proj = doc.get("projection")
        self.projection = None
        if proj is not None:
            self.projection = (np.array(proj["mean"], dtype=np.float64),
                               np.array(proj["components"], dtype=np.float64))
        self.layers = []
        for i, layer in enumerate(doc["layers"]):
            if layer["type"] != "vector":
                raise ValueError("layer %d: unsupported type %r" % (i, layer["type"]))
            self.layers.append((
                [int(c) for c in layer["classes"]],
                float(layer["eta"]),
                float(layer["lambda"]),
                np.array(layer["gamma"], dtype=np.float64),
                np.array(layer["E"], dtype=np.float64),
                [np.array(c, dtype=np.float64) for c in layer["C"]],
            ))
        micl = doc["micl"]
        self.eps_sq = float(micl["epsSq"])
        self.linear = micl.get("mode", "affine") == "linear"
        self.micl = [self._micl_class(c) for c in micl["classes"]]
        total = sum(c["count"] for c in micl["classes"])
        self.label_cost = [(-math.log(c["count"] / total) / LN2) if c["count"] > 0 else math.inf
                           for c in micl["classes"]]

    def _micl_class(self, c):
        """The cached factor of one class: (n, mu, inverse Cholesky factor, log2det, beta, L(X))."""
        n = float(c["count"])
        d = self.feature_dimension
        if n == 0.0:
            return None
        mu = np.array(c["mean"], dtype=np.float64)
        m = np.array(c["scatter"], dtype=np.float64)
        if self.linear:
            m = m + n * np.outer(mu, mu)
        eye = np.eye(d)
        a = d / (self.eps_sq * (n + 1.0))
        lower = np.linalg.cholesky(eye + a * m)
        log2det_next = 2.0 * np.sum(np.log(np.diag(lower))) / LN2
        now = np.linalg.cholesky(eye + (d / (self.eps_sq * n)) * m)
        length_now = 0.5 * (n + d) * 2.0 * np.sum(np.log(np.diag(now))) / LN2
        if not self.linear:
            length_now += 0.5 * d * math.log1p(float(mu @ mu) / self.eps_sq) / LN2
        beta = a if self.linear else a * n / (n + 1.0)
        return n, mu, np.linalg.inv(lower), log2det_next, beta, length_now

    def score(self, x):
        """x: D x m raw samples. Returns (deltaL m x k, membership m x k or None, predicted)."""
        if x.shape[0] != self.input_dimension:
            raise ValueError("the model takes %d features, got %d" % (self.input_dimension, x.shape[0]))
        if self.network == "spectral":
            return self.spectral.score(x, len(self.classes))
        if self.projection is None:
            z = _normalize(x)
        else:
            mean, comps = self.projection
            z = _normalize(comps @ (_normalize(x) - mean[:, None]))
        k = len(self.classes)
        m = x.shape[1]
        membership = None
        for i, (labels, eta, lam, gamma, e, cs) in enumerate(self.layers):
            ye = e @ z
            yc = [c @ z for c in cs]
            norms = np.array([np.sqrt(np.sum(y * y, axis=0)) for y in yc])
            logits = -lam * np.maximum(norms, NORM_FLOOR)
            w = np.exp(logits - logits.max(axis=0))
            pi = w / w.sum(axis=0)
            g = ye.copy()
            for j in range(len(cs)):
                g -= (gamma[j] * pi[j]) * yc[j]
            z = _normalize(z + eta * g)
            if i == len(self.layers) - 1:
                membership = np.zeros((m, k))
                for r, label in enumerate(labels):
                    if label < k:
                        membership[:, label] = pi[r]
        d = self.feature_dimension
        delta = np.full((m, k), np.inf)
        for j, c in enumerate(self.micl):
            if c is None:
                continue
            n, mu, inv_lower, log2det_next, beta, length_now = c
            dv = z if self.linear else z - mu[:, None]
            y = inv_lower @ dv
            q = np.sum(y * y, axis=0)
            ld = log2det_next + np.log1p(beta * q) / LN2
            length_new = 0.5 * (n + 1.0 + d) * ld
            if not self.linear:
                mu_next = (n * mu[:, None] + z) / (n + 1.0)
                length_new = length_new + 0.5 * d * np.log1p(np.sum(mu_next * mu_next, axis=0) / self.eps_sq) / LN2
            delta[:, j] = length_new - length_now + self.label_cost[j]
        predicted = []
        for row in delta:
            finite = np.isfinite(row)
            predicted.append(int(np.argmin(np.where(finite, row, np.inf))) if finite.any() else -1)
        return delta, membership, predicted

    def check_shape(self, shape):
        """Raises ValueError when a sample's shape does not fit a spectral model's input shape
        (a plain vector shape [n] or no shape always fits; an image [H, W] fits [1, H, W])."""
        if shape is None or self.input_shape is None or len(shape) <= 1:
            return
        expected = self.input_shape
        one_channel_image = len(shape) == 2 and len(expected) == 3 and expected[0] == 1 \
            and list(shape) == expected[1:]
        if list(shape) != expected and not one_channel_image:
            raise ValueError("shape %s differs from the model's input shape %s" % (list(shape), expected))

    def predictions(self, ids, x):
        """One prediction dict per column of x."""
        delta, membership, predicted = self.score(x)
        out = []
        for i, sample_id in enumerate(ids):
            row = delta[i]
            finite = row[np.isfinite(row)]
            novelty = float(finite.min()) / self.feature_dimension if finite.size else None
            out.append({
                "sampleId": sample_id,
                "modelVersion": self.version,
                "predictedLabel": self.classes[predicted[i]] if predicted[i] >= 0 else None,
                "scores": [{"label": label,
                            "deltaLBits": float(row[j]) if math.isfinite(row[j]) else None,
                            "membership": None if membership is None else float(membership[i, j])}
                           for j, label in enumerate(self.classes)],
                "noveltyBits": novelty,
                "novel": bool(novelty is not None and self.novelty_threshold is not None
                              and novelty > self.novelty_threshold),
            })
        return out


def _complex_matrices(obj):
    """{"re": B x C x C, "im": B x C x C} as a complex array of shape (B, C, C)."""
    return np.array(obj["re"], dtype=np.float64) + 1j * np.array(obj["im"], dtype=np.float64)


def _chw(shape):
    """(C, T) or (C, H, W) as (C, H, W), a 1D signal having H = 1."""
    return (shape[0], 1, shape[1]) if len(shape) == 2 else tuple(shape)


class Spectral:
    """The spectral part of an export: lifting, kept bins, layers and the shift-invariant MICL."""

    def __init__(self, doc):
        sp = doc["spectral"]
        if sp.get("transform", "ortho") != "ortho":
            raise ValueError("unsupported transform %r" % sp.get("transform"))
        self.input_shape = _chw(sp["inputShape"])
        self.layer_shape = _chw(sp["layerShape"])
        lifting = sp.get("lifting")
        self.lifting = None
        if lifting is not None:
            if lifting.get("nonlinearity") != "relu" or lifting.get("correlation") != "circular":
                raise ValueError("unsupported lifting %r/%r" % (lifting.get("correlation"), lifting.get("nonlinearity")))
            w = np.array(lifting["weights"], dtype=np.float64)
            if w.ndim == 3:  # 1D: (C', C, k) -> (C', C, 1, k)
                w = w[:, :, None, :]
            self.lifting = w
        bins = np.array(sp["bins"], dtype=np.int64).reshape(-1, 2)
        self.rows, self.cols = bins[:, 0], bins[:, 1]
        self.weights = np.array(sp["binWeights"], dtype=np.float64)
        if self.rows[0] != 0 or self.cols[0] != 0:
            raise ValueError("the first kept bin must be the DC bin (0, 0)")
        self.layers = []
        for i, layer in enumerate(doc["layers"]):
            if layer["type"] != "spectral":
                raise ValueError("layer %d: a spectral model with a %r layer" % (i, layer["type"]))
            ops = [None if c is None else _complex_matrices(c) for c in layer["C"]]
            self.layers.append((
                [int(c) for c in layer["classes"]],
                float(layer["eta"]),
                float(layer["lambda"]),
                np.array(layer["gamma"], dtype=np.float64),
                _complex_matrices(layer["E"]),
                ops,
            ))
        micl = doc["micl"]
        self.eps_sq = float(micl["epsSq"])
        self.linear = micl.get("mode", "affine") == "linear"
        total = sum(float(c["count"]) for c in micl["classes"])
        self.micl = [self._micl_class(c, total) for c in micl["classes"]]

    def _micl_class(self, c, total):
        """Per class: (inverse factors of K(f), mean, beta, half, constant + label cost, n')."""
        m = float(c["count"])
        if m == 0.0:
            return None
        channels, height, width = self.layer_shape
        n = height * width
        d = float(channels * n)
        augmented = m * n
        scale_next = d / (self.eps_sq * (augmented + 1.0)) * n
        scale_now = d / (self.eps_sq * augmented) * n
        scatter = _complex_matrices(c["scatter"])
        dc = np.array(c["dcSum"], dtype=np.float64)
        mean = None
        if not self.linear:
            mean = dc / m
            scatter = scatter.copy()
            scatter[0] -= np.outer(dc, dc) / m  # the mean of the augmented class lives in bin 0
        eye = np.eye(channels)
        lower_next = np.linalg.cholesky(eye + scale_next * scatter)
        lower_now = np.linalg.cholesky(eye + scale_now * scatter)
        log_next = 2.0 * np.sum(np.log(np.diagonal(lower_next, axis1=1, axis2=2).real), axis=1) / LN2
        log_now = 2.0 * np.sum(np.log(np.diagonal(lower_now, axis1=1, axis2=2).real), axis=1) / LN2
        ld_next = float(np.sum(self.weights * log_next))
        ld_now = float(np.sum(self.weights * log_now))
        beta = scale_next / n if self.linear else scale_next / n * augmented / (augmented + 1.0)
        half = 0.5 * (augmented + 1.0 + d)
        constant = half * (ld_next - ld_now) + 0.5 * ld_now - math.log(m / total) / LN2
        return np.linalg.inv(lower_next), mean, beta, half, constant, augmented

    def _prepare(self, x):
        """z0 of D x m raw samples: lift, ortho DFT on the kept bins, normalise. (B, C', m)."""
        m = x.shape[1]
        signals = x.T.reshape((m,) + self.input_shape)
        if self.lifting is not None:
            w = self.lifting
            lifted = np.zeros((m, w.shape[0]) + self.input_shape[1:])
            for a in range(w.shape[2]):
                for b in range(w.shape[3]):
                    # out[o][h][w] += w[o][i][a][b] x[i][(h + a) mod H][(w + b) mod W]
                    shifted = np.roll(signals, shift=(-a, -b), axis=(2, 3))
                    lifted += np.einsum("oi,mihw->mohw", w[:, :, a, b], shifted)
            signals = np.maximum(lifted, 0.0)
        spectrum = np.fft.rfft2(signals, norm="ortho")  # (m, C', H, W//2+1)
        v = spectrum[:, :, self.rows, self.cols].transpose(2, 1, 0)
        return self._normalize(v)

    def _norms(self, v):
        """The norm of every sample over all C*H*W coefficients: sqrt(sum_f w_f sum_c |v|^2)."""
        return np.sqrt(np.einsum("f,fcm->m", self.weights, (v * v.conj()).real))

    def _normalize(self, v):
        return v * (1.0 / np.maximum(self._norms(v), NORM_FLOOR))

    def score(self, x, k):
        """x: D x m raw samples. Returns (deltaL m x k, membership m x k or None, predicted)."""
        v = self._prepare(x)
        m = x.shape[1]
        membership = None
        for i, (labels, eta, lam, gamma, e, ops) in enumerate(self.layers):
            present = [j for j, c in enumerate(ops) if c is not None]
            ys = {j: ops[j] @ v for j in present}
            norms = np.array([np.maximum(self._norms(ys[j]), NORM_FLOOR) for j in present])
            logits = -lam * (norms - norms.min(axis=0))
            w = np.exp(logits)
            pi = w / w.sum(axis=0)
            g = e @ v
            for q, j in enumerate(present):
                g = g - (gamma[j] * pi[q]) * ys[j]
            v = self._normalize(v + eta * g)
            if i == len(self.layers) - 1:
                membership = np.zeros((m, k))
                for q, j in enumerate(present):
                    if labels[j] < k:
                        membership[:, labels[j]] = pi[q]
        channels, height, width = self.layer_shape
        d = float(channels * height * width)
        power = (v * v.conj()).real  # (B, C', m)
        non_dc = np.einsum("f,fcm->m", self.weights[1:], power[1:])
        delta = np.full((m, k), np.inf)
        for j, c in enumerate(self.micl):
            if c is None or j >= k:
                continue
            inv_lower, mean, beta, half, constant, augmented = c
            diff = v.copy()
            if mean is not None:
                diff[0] = diff[0] - mean[:, None]
            y = inv_lower @ diff
            q = np.einsum("f,fcm->m", self.weights, (y * y.conj()).real)
            score = constant + half * np.log1p(beta * q) / LN2
            if mean is not None:
                dc0 = diff[0]
                dot = mean @ dc0.real
                distance = np.sum((dc0 * dc0.conj()).real, axis=0) + non_dc
                change = (2.0 * dot + distance / (augmented + 1.0)) / (augmented + 1.0)
                score = score + 0.5 * d * np.log1p(change / (self.eps_sq + float(mean @ mean))) / LN2
            delta[:, j] = score
        predicted = []
        for row in delta:
            finite = np.isfinite(row)
            predicted.append(int(np.argmin(np.where(finite, row, np.inf))) if finite.any() else -1)
        return delta, membership, predicted


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the model export (JSON)")
    parser.add_argument("--batch", type=int, default=1000, help="samples scored together (default 1000)")
    args = parser.parse_args(argv)
    with open(args.model, encoding="utf-8") as f:
        model = Model(json.load(f))
    ids, columns = [], []

    def flush():
        if ids:
            x = np.array(columns, dtype=np.float64).T
            for p in model.predictions(ids, x):
                print(json.dumps(p))
            ids.clear()
            columns.clear()

    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        sample_id = None
        try:
            sample = json.loads(line)
            sample_id = sample.get("id")
            features = np.array(sample["features"], dtype=np.float32).astype(np.float64)
            if features.shape != (model.input_dimension,):
                raise ValueError("%d features, the model takes %d" % (features.size, model.input_dimension))
            model.check_shape(sample.get("shape"))
            if not np.all(np.isfinite(features)) or not np.any(features):
                raise ValueError("features are not finite, or all zero")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            flush()
            print(json.dumps({"sampleId": sample_id, "error": "line %d: %s" % (number, e)}))
            continue
        ids.append(sample_id)
        columns.append(features)
        if len(ids) >= args.batch:
            flush()
    flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
