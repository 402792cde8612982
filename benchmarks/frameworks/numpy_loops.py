"""The hand-written NumPy reference loops (``reference_numpy``) and the GEMM floor."""

import gemm_floor
import numpy as np
import reference_numpy

from frameworks import MLP_BATCH, MLP_LEARNING_RATE, MLP_SIZES, XOR_LEARNING_RATE


class _BareXorSession:
    """The bare loop: no history, and no prediction row of its own (it is numpy's)."""

    def __init__(self, net):
        self.net = net

    def fit(self, epochs):
        self.net.fit(epochs)

    def loss(self):
        history = self.net.history
        return history["loss"][-1] if history else None


class _XorSession(_BareXorSession):
    def predict(self):
        return self.net.predict()


class _MlpSession:
    def __init__(self, x, labels):
        self.x, self.labels = x, labels
        self.net = reference_numpy.MlpNet(MLP_SIZES, MLP_BATCH, MLP_LEARNING_RATE)

    def epoch(self):
        self.net.fit_epoch(self.x, self.labels)

    def predict(self, x, batch_size):
        # 32 is the default batch size the Keras-style frameworks use
        return self.net.predict(x, None if batch_size == "all" else (batch_size or 32))

    def accuracy(self):
        return self.net.history["accuracy"][-1]


class NumpyLoops:
    """``history=True``: Keras-style loss and accuracy each epoch; False: the bare XOR loop."""

    def __init__(self, threads, history=True):
        self.history = history

    def versions(self):
        return {"numpy": np.__version__}

    def xor(self, x, y):
        net = reference_numpy.XorNet(x, y, learning_rate=XOR_LEARNING_RATE, history=self.history)
        return _XorSession(net) if self.history else _BareXorSession(net)

    def mlp(self, x, labels, onehot):
        return _MlpSession(x, labels)


class _FloorSession:
    def __init__(self, samples):
        self.floor = gemm_floor.GemmFloor(samples, MLP_SIZES, MLP_BATCH)

    def epoch(self):
        self.floor.epoch()

    def accuracy(self):
        return None


class GemmFloorOnly:
    """The matrix products of an MLP epoch alone: the floor for the ``mlp`` workload."""

    def __init__(self, threads):
        pass

    def versions(self):
        return {"numpy": np.__version__}

    def mlp(self, x, labels, onehot):
        return _FloorSession(len(x))
