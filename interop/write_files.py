"""Write models with neuronet in every format, for check_in_keras.py to load with real Keras.

Usage: python interop/write_files.py OUT_DIR   (run with neuronet installed)
"""

import json
import sys
from pathlib import Path

import numpy as np

import neuronet
from neuronet import optimizers, regularizers
from neuronet.layers import Dense, Dropout, Input


def cases():
    """(name, model, x, y, optimizer, loss, metrics), trained a few steps so state exists."""
    rng = np.random.default_rng(0)
    xor_x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    xor_y = np.array([[0], [1], [1], [0]], dtype="float32")
    x5 = rng.normal(size=(24, 5)).astype("float32")
    labels = rng.integers(0, 4, size=24)
    x3 = rng.normal(size=(20, 3)).astype("float32")
    yield (
        "xor_sgd",
        neuronet.Sequential(
            [Dense(10, input_dim=2, activation="tanh"), Dense(1, activation="sigmoid")]
        ),
        xor_x,
        xor_y,
        optimizers.SGD(learning_rate=0.1),
        "binary_crossentropy",
        ["accuracy"],
    )
    yield (
        "classifier_adam",
        neuronet.Sequential(
            [
                Input(shape=(5,)),
                Dense(16, activation="relu"),
                Dropout(0.5),
                Dense(8, activation="relu", kernel_regularizer=regularizers.L2(0.01)),
                Dense(4, activation="softmax"),
            ]
        ),
        x5,
        np.eye(4, dtype="float32")[labels],
        optimizers.Adam(0.01),
        "categorical_crossentropy",
        ["accuracy"],
    )
    yield (
        "regression_rmsprop",
        neuronet.Sequential([Dense(6, input_shape=(3,), activation="elu"), Dense(2)]),
        x3,
        rng.normal(size=(20, 2)).astype("float32"),
        optimizers.RMSprop(0.01, momentum=0.9),
        "mse",
        ["mae"],
    )
    yield (
        "sparse_momentum",
        neuronet.Sequential(
            [Dense(8, input_dim=5, activation="gelu"), Dense(4, activation="softmax")]
        ),
        x5,
        labels,
        optimizers.SGD(0.05, momentum=0.9, nesterov=True),
        "sparse_categorical_crossentropy",
        ["accuracy"],
    )


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    index = []
    for name, model, x, y, optimizer, loss, metrics in cases():
        neuronet.set_random_seed(1)
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
        model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        model.save(out / f"{name}.keras")
        model.save(out / f"{name}.full.h5")
        model.save_weights(out / f"{name}.weights.h5")
        model.save_weights(out / f"{name}.k2weights.h5")
        (out / f"{name}.keras3.json").write_text(model.to_json())
        (out / f"{name}.keras2.json").write_text(model.to_json(dialect="keras2"))
        np.savez(out / f"{name}.npz", x=x, y=model.predict(x))
        index.append(
            {
                "name": name,
                "loss": loss,
                "optimizer": type(model.optimizer).__name__,
                "learning_rate": float(model.optimizer.learning_rate),
                "iterations": int(model.optimizer.iterations),
                "optimizer_variables": [
                    v.numpy().tolist() if v.numpy().ndim == 0 else None
                    for v in model.optimizer.variables
                ],
            }
        )
    (out / "cases.json").write_text(json.dumps(index, indent=1))
    print(f"wrote {len(index)} models to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
