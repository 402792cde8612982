"""A fake model with exactly what callbacks may use, and a helper to drive epochs by hand."""

import numpy as np
import pytest


class FakeOptimizer:
    def __init__(self, learning_rate=0.01):
        self._learning_rate = np.float32(learning_rate)

    @property
    def learning_rate(self):
        # Stored in float32 like a real optimizer variable, read back as a Python float.
        return float(self._learning_rate)

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = np.float32(value)


class FakeModel:
    """stop_training, get/set_weights, save/save_weights (recording calls), optimizer."""

    def __init__(self, learning_rate=0.01):
        self.stop_training = False
        self.weights = [np.zeros((2, 2)), np.zeros(2)]
        self.optimizer = FakeOptimizer(learning_rate)
        self.saved = []  # ("model" | "weights", filepath), in call order

    def get_weights(self):
        # Live arrays, as a careless model might return: callbacks must copy them.
        return self.weights

    def set_weights(self, weights):
        for variable, value in zip(self.weights, weights, strict=True):
            variable[...] = value

    def save(self, filepath):
        self.saved.append(("model", filepath))
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath):
        self.saved.append(("weights", filepath))
        with open(filepath, "w") as f:
            f.write("weights")

    def train_to(self, value):
        """Change the weights in place, as an optimizer step does."""
        for variable in self.weights:
            variable[...] = value


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def make_model():
    return FakeModel


@pytest.fixture
def run_epochs():
    return _run_epochs


def _run_epochs(callback, model, values, monitor="val_loss", stop=True):
    """Drive ``callback`` through epochs whose ``monitor`` takes ``values`` in turn.

    Before epoch ``i`` ends, the model's weights are set to ``i`` (so restored weights tell
    which epoch they came from). Stops like fit when ``stop_training`` is set; returns the
    number of epochs run.
    """
    callback.set_model(model)
    callback.on_train_begin()
    epochs_run = 0
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        model.train_to(float(epoch))
        callback.on_epoch_end(epoch, {"loss": 1.0, monitor: value})
        epochs_run += 1
        if stop and model.stop_training:
            break
    callback.on_train_end()
    return epochs_run
