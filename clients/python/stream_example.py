#!/usr/bin/env python3
"""Stream labelled samples through redunet-streams from Python and check its predictions.

A starting point for Python clients. It uses confluent-kafka (librdkafka; on Debian and
Ubuntu: apt-get install python3-confluent-kafka) and needs the application to write JSON
(redunet.output.format=json):

    ./redunet run --bootstrap-servers localhost:9092 -D redunet.output.format=json &
    python3 clients/python/stream_example.py --bootstrap-servers localhost:9092

What it does:

1. produces --samples labelled JSON samples to the samples topic, each keyed by its id
   (the JSON itself has no "id": the application takes the record key as the id), with
   record timestamps one millisecond apart, so that the stream's order (event time, then
   partition and offset) is the order they were sent in;
2. reads the JSON predictions with isolation.level=read_committed (only what the
   application's exactly-once transactions committed) until every id has one;
3. checks that every id has exactly one prediction and computes the accuracy of the
   ones made by a model (modelVersion >= 1; version 0 predicts nothing), prints both,
   and exits with 1 if a check fails;
4. with --model-url, asks the HTTP API for the current model (/model) and for the
   newest version the predictions name (/model?version=N).

The samples are a seeded mixture of Gaussian clusters, one per class (the same --seed
sends the same data); replace samples() with your own data. Progress goes to stderr; the
last line on stdout is a JSON summary.
"""

import argparse
import json
import random
import sys
import time
import urllib.error
import urllib.request
import uuid

from confluent_kafka import Consumer, KafkaError, Producer


def samples(count, classes, dim, seed):
    """Yields (id_suffix, features, label): class c is centred on the c-th axis of R^dim."""
    rng = random.Random(seed)
    for i in range(count):
        c = rng.randrange(classes)
        features = [rng.gauss(1.0 if j == c else 0.0, 0.2) for j in range(dim)]
        yield str(i), [round(x, 6) for x in features], "c%d" % c


def produce(args, run_samples):
    """Sends every sample keyed by its id; returns the true label of every id sent."""
    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        "enable.idempotence": True,  # no duplicates on retries
        "linger.ms": 5,
    })
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append("%s: %s" % (msg.key(), err))

    labels = {}
    start_ms = int(time.time() * 1000)
    for index, (suffix, features, label) in enumerate(run_samples):
        sample_id = args.id_prefix + suffix
        value = json.dumps({"features": features, "label": label}, separators=(",", ":"))
        while True:
            try:
                producer.produce(args.samples_topic, key=sample_id, value=value,
                                 timestamp=start_ms + index, on_delivery=delivered)
                break
            except BufferError:  # the local queue is full: let it drain
                producer.poll(0.1)
        producer.poll(0)
        labels[sample_id] = label
    left = producer.flush(30)
    if left or failures:
        sys.exit("stream_example: %d sample(s) not delivered: %s" % (left + len(failures),
                                                                      failures[:3]))
    return labels


def read_predictions(args, labels):
    """Reads JSON predictions until every id has one (then --settle more seconds)."""
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "stream-example-" + uuid.uuid4().hex,  # a new group reads everything
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.predictions_topic])
    predictions = {}  # id -> list of predictions (more than one is a duplicate)
    deadline = time.monotonic() + args.timeout
    settled_at = None
    last_report = time.monotonic()
    try:
        while time.monotonic() < deadline:
            if settled_at is not None and time.monotonic() >= settled_at:
                break
            msg = consumer.poll(0.5)
            if msg is None:
                pass
            elif msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    print("stream_example: consumer: %s" % msg.error(), file=sys.stderr)
            else:
                try:
                    p = json.loads(msg.value())  # one JSON object per record
                except ValueError:  # not UTF-8, or not JSON
                    p = None
                if not isinstance(p, dict) or "sampleId" not in p or "modelVersion" not in p:
                    sys.exit("stream_example: not a JSON prediction: %r (is the application"
                             " running with redunet.output.format=json?)" % msg.value()[:80])
                if p["sampleId"] in labels:
                    predictions.setdefault(p["sampleId"], []).append(p)
            if settled_at is None and len(predictions) == len(labels):
                settled_at = time.monotonic() + args.settle  # wait for any duplicate
            if time.monotonic() - last_report >= 5:
                last_report = time.monotonic()
                print("stream_example: %d of %d predictions" % (len(predictions), len(labels)),
                      file=sys.stderr)
    finally:
        consumer.close()
    return predictions


def get_json(url):
    """GET url; returns (HTTP status, JSON body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def follow_model(model_url, newest_seen):
    """The current model and the newest version the predictions used, from the HTTP API."""
    status, current = get_json(model_url + "/model")
    result = {"status": status, "version": current.get("model", {}).get("version")}
    if newest_seen > 0:
        status, seen = get_json("%s/model?version=%d" % (model_url, newest_seen))
        result["newest_seen"] = {"status": status,
                                 "version": seen.get("model", {}).get("version"),
                                 "classes": [c["name"] for c in
                                             seen.get("model", {}).get("classes", [])]}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", required=True, help="Kafka host:port[,...]")
    parser.add_argument("--samples-topic", default="redunet.samples")
    parser.add_argument("--predictions-topic", default="redunet.predictions")
    parser.add_argument("--samples", type=int, default=600, help="how many samples to send")
    parser.add_argument("--classes", type=int, default=3)
    parser.add_argument("--dim", type=int, default=8, help="features per sample (>= classes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--id-prefix", default=None,
                        help="prefix of the sample ids (default: a new one per run)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds to wait for the predictions")
    parser.add_argument("--settle", type=float, default=2,
                        help="seconds to keep reading after the last id, to see duplicates")
    parser.add_argument("--min-accuracy", type=float, default=0.0,
                        help="fail below this accuracy (of the predictions made by a model)")
    parser.add_argument("--model-url", default=None,
                        help="the application's HTTP address, e.g. http://127.0.0.1:8080")
    args = parser.parse_args()
    if args.dim < args.classes:
        parser.error("--dim must be at least --classes")
    if args.id_prefix is None:
        args.id_prefix = "py-%s-" % uuid.uuid4().hex[:8]

    labels = produce(args, samples(args.samples, args.classes, args.dim, args.seed))
    print("stream_example: sent %d samples to %s" % (len(labels), args.samples_topic),
          file=sys.stderr)
    predictions = read_predictions(args, labels)

    missing = sorted(set(labels) - set(predictions))
    duplicated = sorted(i for i, ps in predictions.items() if len(ps) > 1)
    scored = [ps[0] for ps in predictions.values() if ps[0]["predictedLabel"] is not None]
    correct = sum(1 for p in scored if p["predictedLabel"] == labels[p["sampleId"]])
    accuracy = correct / len(scored) if scored else None
    versions = sorted({p["modelVersion"] for ps in predictions.values() for p in ps})
    one_each = len(labels) - len(missing) - len(duplicated)

    print("one prediction per id: %d of %d ids (%d missing, %d with duplicates)"
          % (one_each, len(labels), len(missing), len(duplicated)))
    print("accuracy: %s on %d predictions made by a model (model versions %s)"
          % ("%.4f" % accuracy if accuracy is not None else "n/a", len(scored),
             "%d to %d" % (versions[0], versions[-1]) if versions else "none"))

    summary = {
        "sent": len(labels),
        "ids_predicted": len(predictions),
        "one_prediction_per_id": one_each,
        "missing": len(missing),
        "duplicated": len(duplicated),
        "scored": len(scored),
        "correct": correct,
        "accuracy": accuracy,
        "model_versions": versions,
    }
    if args.model_url:
        summary["model"] = follow_model(args.model_url.rstrip("/"), max(versions, default=0))
    ok = (not missing and not duplicated
          and (args.min_accuracy <= 0 or (accuracy is not None
                                          and accuracy >= args.min_accuracy)))
    summary["ok"] = ok
    print(json.dumps(summary, separators=(",", ":")))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
