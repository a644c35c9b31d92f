#!/usr/bin/env python3
"""The reference study in Keras: times the default experiment so that OptBench's
speed can be compared with Keras/TensorFlow on the same machine.

Same setup as `optbench` with no options: Fashion-MNIST from the IDX files (the
first 5,000 training images for validation), MLP 784-300-100-10 (ReLU, ReLU,
softmax), sparse categorical cross-entropy, batch 32, Keras's default SGD,
momentum (SGD 0.9), RMSprop and Adam.

    python3 -m venv venv && venv/bin/pip install tensorflow-cpu keras
    venv/bin/python scripts/keras_reference.py --epochs 30 --output keras.json

Prints one line per epoch and writes a JSON summary: per optimizer the history,
seconds per epoch (median), total training seconds, test accuracy and macro F1.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np

DEFAULT_DIRS = [
    os.environ.get("OPTBENCH_DATA_DIR", ""),
    os.path.expanduser("~/.keras/datasets/fashion-mnist"),
    "/usr/share/datasets/fashion-mnist",
    os.path.expanduser("~/.cache/optbench/fashion-mnist"),
]


def read_idx(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise FileNotFoundError(os.path.join(folder, name))


def load(data_dir):
    folders = [data_dir] if data_dir else [d for d in DEFAULT_DIRS if d]
    for folder in folders:
        try:
            return (read_idx(folder, "train-images-idx3-ubyte"), read_idx(folder, "train-labels-idx1-ubyte"),
                    read_idx(folder, "t10k-images-idx3-ubyte"), read_idx(folder, "t10k-labels-idx1-ubyte"))
        except FileNotFoundError:
            continue
    sys.exit("keras_reference.py: Fashion-MNIST not found; pass --data-dir or install dataset-fashion-mnist")


def macro_f1(y_true, y_pred, classes=10):
    scores = []
    for c in range(classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        scores.append(0.0 if 2 * tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--optimizers", default="sgd,momentum,rmsprop,adam")
    parser.add_argument("--data-dir")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", help="write the JSON summary here")
    args = parser.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    X_train_full, y_train_full, X_test, y_test = load(args.data_dir)
    X_valid, X_train = X_train_full[:5000] / 255.0, X_train_full[5000:] / 255.0
    y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
    X_test = X_test / 255.0

    makers = {
        "sgd": lambda: keras.optimizers.SGD(),
        "momentum": lambda: keras.optimizers.SGD(momentum=0.9),
        "rmsprop": lambda: keras.optimizers.RMSprop(),
        "adam": lambda: keras.optimizers.Adam(),
    }

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    runs = []
    for name in args.optimizers.split(","):
        keras.utils.set_random_seed(args.seed)
        model = keras.models.Sequential([
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(300, activation="relu"),
            keras.layers.Dense(100, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        model.compile(loss="sparse_categorical_crossentropy", optimizer=makers[name](), metrics=["accuracy"])
        timer = EpochTimer()
        timer.seconds = []
        start = time.perf_counter()
        history = model.fit(X_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
                            validation_data=(X_valid, y_valid), callbacks=[timer], verbose=2)
        train_seconds = time.perf_counter() - start
        y_pred = np.argmax(model.predict(X_test, verbose=0), axis=1)
        runs.append({
            "optimizer": name,
            "test_accuracy": float(np.mean(y_pred == y_test)),
            "macro_f1": macro_f1(y_test, y_pred),
            "median_epoch_seconds": float(np.median(timer.seconds)),
            "epoch_seconds": timer.seconds,
            "train_seconds": train_seconds,
            "history": {k: [float(x) for x in v] for k, v in history.history.items()},
        })
        print(f"{name}: median {runs[-1]['median_epoch_seconds']:.2f} s/epoch, "
              f"test accuracy {runs[-1]['test_accuracy']:.4f}", flush=True)

    summary = {"keras": keras.__version__, "tensorflow": tf.__version__, "epochs": args.epochs, "runs": runs}
    if args.output:
        with open(args.output, "w") as f:
            json.dump(summary, f, indent=1)
    print(json.dumps({r["optimizer"]: r["median_epoch_seconds"] for r in runs}))


if __name__ == "__main__":
    main()
