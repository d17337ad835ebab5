#!/usr/bin/env python3
"""Score samples with a model exported by redunet-streams, outside the JVM (NumPy only).

    ./redunet model export --bootstrap-servers localhost:9092 --out model.json
    # or: curl -s -H 'Authorization: Bearer TOKEN' localhost:8080/model/export > model.json
    python3 clients/python/redunet_model.py model.json < samples.jsonl > predictions.jsonl

Each input line is a JSON sample as the samples topic takes it ({"id": ..., "features": [...]},
other fields ignored); each output line is {"sampleId", "modelVersion", "predictedLabel",
"scores": [{"label", "deltaLBits", "membership"}], "noveltyBits", "novel"}, the fields of the
application's predictions (deltaLBits null for a class without statistics, membership null
without layers). A line that cannot be scored gets {"sampleId", "error"}.

The computation is the application's StreamingModel.score, step by step (docs/MODEL_FORMAT.md):
features read as 32-bit floats; z0 = x/|x| (or the PCA projection normalize(P (x/|x| - mu)));
each vector layer z <- normalize(z + eta (E z - sum_j gamma_j pi_j C_j z)) with
pi = softmax(-lambda max(|C_j z|, 1e-8)); then the MICL increments dL(z_L, j) in bits.
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
        if doc.get("network") != "vector":
            raise ValueError("unsupported network %r (this scorer reads vector)" % doc.get("network"))
        self.version = int(doc["version"])
        self.input_dimension = int(doc["inputDimension"])
        self.feature_dimension = int(doc["featureDimension"])
        self.classes = list(doc["classes"])
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
        t = doc.get("noveltyThreshold")
        self.novelty_threshold = None if t is None else float(t)

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
