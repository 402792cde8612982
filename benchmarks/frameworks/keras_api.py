"""neuronet, Keras 3 and tf_keras, driven by the same Keras code, as a user writes it.

``module`` is the package that plays ``keras``: ``neuronet``, ``keras`` or ``tf_keras``. The
models are ``Sequential`` stacks of ``Dense``/``Activation`` layers after an ``Input``, compiled
with ``SGD(learning_rate=...)``, trained with ``fit(..., verbose=0)`` and read with
``predict(..., verbose=0)``.
"""

import importlib
import os

from frameworks import MLP_BATCH, MLP_LEARNING_RATE, XOR_LEARNING_RATE


def _limit_tensorflow_threads(threads):
    """TensorFlow's intra-op pool gets ``threads``; one inter-op thread runs ops in order."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)


class _XorSession:
    def __init__(self, api, x, y):
        layers = api.layers
        self.model = api.models.Sequential(
            [
                layers.Input(shape=(2,)),
                layers.Dense(10),
                layers.Activation("tanh"),
                layers.Dense(1),
                layers.Activation("sigmoid"),
            ]
        )
        self.model.compile(
            loss="binary_crossentropy",
            optimizer=api.optimizers.SGD(learning_rate=XOR_LEARNING_RATE),
            metrics=["accuracy"],
        )
        self.x, self.y = x, y
        self.history = None

    def fit(self, epochs):
        self.history = self.model.fit(self.x, self.y, epochs=epochs, verbose=0)

    def predict(self):
        return self.model.predict(self.x, verbose=0)

    def loss(self):
        return float(self.history.history["loss"][-1]) if self.history else None


class _MlpSession:
    def __init__(self, api, x, onehot):
        layers = api.layers
        self.model = api.models.Sequential(
            [
                layers.Input(shape=(x.shape[1],)),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        self.model.compile(
            loss="categorical_crossentropy",
            optimizer=api.optimizers.SGD(learning_rate=MLP_LEARNING_RATE),
            metrics=["accuracy"],
        )
        self.x, self.onehot = x, onehot
        self.history = None

    def epoch(self):
        self.history = self.model.fit(
            self.x, self.onehot, batch_size=MLP_BATCH, epochs=1, verbose=0
        )

    def predict(self, x, batch_size):
        if batch_size == "all":
            return self.model.predict(x, batch_size=len(x), verbose=0)
        return self.model.predict(x, batch_size=batch_size, verbose=0)

    def accuracy(self):
        return float(self.history.history["accuracy"][-1]) if self.history else None


class KerasApi:
    def __init__(self, threads, module):
        if module != "neuronet":
            os.environ.setdefault("KERAS_BACKEND", "tensorflow")
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            _limit_tensorflow_threads(threads)
        self.module = module
        self.api = importlib.import_module(module)

    def versions(self):
        versions = {self.module: self.api.__version__}
        if self.module != "neuronet":
            import tensorflow as tf

            versions["tensorflow"] = tf.__version__
            versions["intra_op_threads"] = tf.config.threading.get_intra_op_parallelism_threads()
            versions["inter_op_threads"] = tf.config.threading.get_inter_op_parallelism_threads()
        return versions

    def xor(self, x, y):
        return _XorSession(self.api, x, y)

    def mlp(self, x, labels, onehot):
        return _MlpSession(self.api, x, onehot)
