"""fit/evaluate options, optimizer state, float64, seeds, and callbacks in real training."""

import subprocess
import sys

import numpy as np
import pytest

from neuronet import backend, callbacks, optimizers, regularizers
from neuronet.layers import Dense, Dropout
from neuronet.models import Sequential, load_model
from tests.conftest import ROOT

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X[:, :1] + X[:, 1:2] > 0).astype("float32")


def make_model(optimizer=None, **dense_kwargs):
    model = Sequential(
        [Dense(4, activation="tanh", input_dim=3, **dense_kwargs), Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer=optimizer or optimizers.SGD(learning_rate=0.1),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def clone_of(model, optimizer=None):
    twin = make_model(optimizer)
    twin.set_weights(model.get_weights())
    return twin


def test_validation_data_is_evaluated_after_each_epoch():
    model = make_model()
    history = model.fit(X[:30], Y[:30], epochs=3, validation_data=(X[30:], Y[30:]), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    loss, accuracy = model.evaluate(X[30:], Y[30:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    assert history.history["val_accuracy"][-1] == pytest.approx(accuracy)
    assert history.epoch == [0, 1, 2]


def test_validation_split_takes_the_last_samples_before_shuffling():
    model = make_model()
    twin = clone_of(model)
    split = model.fit(X, Y, validation_split=0.25, epochs=2, shuffle=False, verbose=0)
    explicit = twin.fit(
        X[:30], Y[:30], validation_data=(X[30:], Y[30:]), epochs=2, shuffle=False, verbose=0
    )
    for key in split.history:
        np.testing.assert_allclose(split.history[key], explicit.history[key], rtol=1e-6)


def test_sample_weight_in_the_loss():
    # sum_over_batch_size: sum(w_i * l_i) / n, not divided by the sum of the weights.
    model = make_model()
    weights = np.linspace(0, 2, len(X))
    per_sample = -(Y * np.log(model.predict(X)) + (1 - Y) * np.log(1 - model.predict(X)))
    expected = float(np.sum(weights * per_sample[:, 0]) / len(X))
    loss = model.evaluate(X, Y, sample_weight=weights, batch_size=len(X), verbose=0)[0]
    assert loss == pytest.approx(expected, rel=1e-5)


def test_class_weight_equals_the_matching_sample_weight():
    model = make_model()
    twin = clone_of(model)
    a = model.fit(X, Y, class_weight={0: 0.5, 1: 3.0}, epochs=2, shuffle=False, verbose=0)
    b = twin.fit(
        X, Y, sample_weight=np.where(Y[:, 0] == 1, 3.0, 0.5), epochs=2, shuffle=False, verbose=0
    )
    np.testing.assert_allclose(a.history["loss"], b.history["loss"], rtol=1e-6)
    for u, v in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6)


def test_initial_epoch_and_fit_continuing():
    model = make_model()
    twin = clone_of(model)
    model.fit(X, Y, epochs=2, shuffle=False, verbose=0)
    history = model.fit(X, Y, epochs=5, initial_epoch=2, shuffle=False, verbose=0)
    assert history.epoch == [2, 3, 4]
    twin.fit(X, Y, epochs=5, shuffle=False, verbose=0)
    for u, v in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6)


def test_optimizer_state_persists_across_fit_calls():
    model = make_model(optimizers.Adam(0.01))
    twin = clone_of(model, optimizers.Adam(0.01))
    model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert int(model.optimizer.iterations) == 5
    names = [v.name for v in model.optimizer.variables]
    assert names[:2] == ["iteration", "learning_rate"] and len(names) == 2 + 2 * 4
    model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    twin.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    assert int(model.optimizer.iterations) == 10
    for u, v in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6)


def test_regularization_is_part_of_the_reported_loss():
    model = make_model(kernel_regularizer=regularizers.L2(0.1))
    plain = clone_of(model)
    kernel = model.layers[0].kernel.numpy()
    with_penalty = model.evaluate(X, Y, verbose=0)[0]
    without = plain.evaluate(X, Y, verbose=0)[0]
    assert with_penalty == pytest.approx(without + 0.1 * np.sum(kernel**2), rel=1e-5)


def test_evaluate_return_forms_and_metric_names():
    model = make_model()
    assert model.metrics_names == ["loss", "accuracy"]
    values = model.evaluate(X, Y, verbose=0)
    as_dict = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "accuracy"] and values == list(as_dict.values())
    plain = Sequential([Dense(1, input_dim=3)])
    plain.compile(optimizer="sgd", loss="mse")
    assert isinstance(plain.evaluate(X, Y, verbose=0), float)
    assert isinstance(plain.train_on_batch(X, Y), float)
    np.testing.assert_array_equal(model.predict_on_batch(X), model.predict(X))
    np.testing.assert_array_equal(model.predict_proba(X), model.predict(X))


def test_float64_is_honoured_everywhere():
    backend.set_floatx("float64")
    model = make_model(optimizers.Adam(0.01))
    model.fit(X, Y, epochs=2, verbose=0)
    assert all(w.dtype == np.float64 for w in model.get_weights())
    slots = [v for v in model.optimizer.variables if v.name not in ("iteration",)]
    assert all(v.dtype == "float64" for v in slots)
    assert model.predict(X).dtype == np.float64


def test_same_seed_same_training_in_process():
    def run():
        backend.set_random_seed(42)
        model = Sequential(
            [Dense(8, activation="relu", input_dim=3), Dropout(0.5), Dense(1, activation="sigmoid")]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(X, Y, epochs=3, batch_size=4, verbose=0)
        return model.get_weights()

    for u, v in zip(run(), run()):
        np.testing.assert_array_equal(u, v)


SEEDED_SCRIPT = """
import hashlib, numpy as np, neuronet
from neuronet.layers import Dense, Dropout
neuronet.set_random_seed(42)
x = np.random.default_rng(0).normal(size=(40, 3)).astype('float32')
y = (x[:, :1] > 0).astype('float32')
m = neuronet.Sequential([Dense(8, activation='relu', input_dim=3), Dropout(0.5),
                         Dense(1, activation='sigmoid')])
m.compile(optimizer='adam', loss='binary_crossentropy')
m.fit(x, y, epochs=3, batch_size=4, verbose=0)
print(hashlib.sha256(b''.join(w.tobytes() for w in m.get_weights())).hexdigest())
"""


def test_same_seed_same_training_across_processes():
    digests = {
        subprocess.run(
            [sys.executable, "-c", SEEDED_SCRIPT],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(digests) == 1


def test_verbose_2_prints_one_summary_line_per_epoch(capsys):
    make_model().fit(X, Y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith(" - 0s - loss: ") and " - accuracy: " in lines[1]


def test_verbose_0_prints_nothing(capsys):
    make_model().fit(X, Y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""


def test_early_stopping_restores_the_best_weights():
    model = make_model(optimizers.SGD(learning_rate=5.0))  # too large: val_loss goes up and down
    best = {}

    class Remember(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if not best or logs["val_loss"] < best["loss"]:
                best.update(loss=logs["val_loss"], weights=self.model.get_weights())

    stopper = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(
        X[:30],
        Y[:30],
        epochs=50,
        validation_data=(X[30:], Y[30:]),
        callbacks=[Remember(), stopper],
        verbose=0,
    )
    assert len(history.epoch) < 50 or min(history.history["val_loss"]) == best["loss"]
    for u, v in zip(model.get_weights(), best["weights"]):
        np.testing.assert_array_equal(u, v)


def test_model_checkpoint_saves_models_that_load(tmp_path):
    path = tmp_path / "best.keras"
    model = make_model()
    model.fit(
        X[:30],
        Y[:30],
        epochs=3,
        validation_data=(X[30:], Y[30:]),
        verbose=0,
        callbacks=[callbacks.ModelCheckpoint(path, save_best_only=True)],
    )
    assert path.is_file()
    assert load_model(path).predict(X).shape == (40, 1)
    weights_path = tmp_path / "w-{epoch:02d}.weights.h5"
    model.fit(
        X,
        Y,
        epochs=2,
        verbose=0,
        callbacks=[callbacks.ModelCheckpoint(weights_path, monitor="loss", save_weights_only=True)],
    )
    assert sorted(p.name for p in tmp_path.glob("w-*")) == ["w-01.weights.h5", "w-02.weights.h5"]


def test_learning_rate_scheduler_and_reduce_on_plateau_change_the_optimizer():
    model = make_model()
    seen = []
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    probe = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(model.optimizer.learning_rate)
    )
    model.fit(X, Y, epochs=3, verbose=0, callbacks=[schedule, probe])
    np.testing.assert_allclose(seen, [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    reducer = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[reducer])
    # Epoch 1 improves on the initial "best" (inf); epoch 2 does not by min_delta: one halving.
    assert model.optimizer.learning_rate == pytest.approx(0.1 / 3 / 2, rel=1e-6)


def test_terminate_on_nan_stops_training_in_the_batch():
    model = Sequential([Dense(1, input_dim=3)])
    model.compile(optimizer=optimizers.SGD(learning_rate=1e10), loss="mse")
    with np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(
            X * 1e10, Y, epochs=5, batch_size=4, verbose=0, callbacks=[callbacks.TerminateOnNaN()]
        )
    assert len(history.epoch) <= 1
    assert int(model.optimizer.iterations) < 10


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    make_model().fit(X, Y, epochs=3, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    rows = path.read_text().splitlines()
    assert rows[0] == "epoch,accuracy,loss" and len(rows) == 4


def test_activity_regularization_is_part_of_the_reported_loss():
    # Keras 3 adds regularizer(outputs) as it is, not divided by the batch size.
    model = make_model(activity_regularizer=regularizers.L2(0.01))
    plain = clone_of(model)
    hidden = np.tanh(X @ model.layers[0].kernel.numpy() + model.layers[0].bias.numpy())
    expected = plain.evaluate(X, Y, verbose=0, batch_size=len(X))[0] + 0.01 * np.sum(hidden**2)
    loss = model.evaluate(X, Y, verbose=0, batch_size=len(X))[0]
    assert loss == pytest.approx(expected, rel=1e-5)


def test_weights_are_packed_and_the_optimizer_steps_them_at_once():
    model = make_model(optimizers.Adam(0.01))
    model.fit(X, Y, epochs=1, verbose=0)
    buffer = model.trainable_weights[0].pack
    assert buffer is not None and buffer.covers(model.trainable_weights)
    assert model.optimizer._flat
    model.layers[0].trainable = False  # a subset now: packed anew, optimizer per weight
    before = model.layers[0].kernel.numpy()
    model.fit(X, Y, epochs=1, verbose=0)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), before)


def test_reported_training_loss_uses_the_weights_before_the_update():
    # One batch, one epoch: the history's loss is the loss (penalty included) before the step.
    model = make_model(kernel_regularizer=regularizers.L2(0.1), activity_regularizer="l1")
    before = model.evaluate(X, Y, batch_size=len(X), verbose=0)[0]
    history = model.fit(X, Y, batch_size=len(X), epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(before, rel=1e-6)
