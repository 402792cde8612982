"""fit/evaluate/predict take pandas objects, lists, PyDatasets, generators and iterables."""

import io
import threading

import numpy as np
import pandas as pd
import pytest

import neuronet
from neuronet import callbacks, optimizers
from neuronet.errors import DataError, ShapeError
from neuronet.layers import Dense
from neuronet.models import Sequential
from neuronet.models.batches import is_batch_source
from neuronet.utils.sequence import PyDataset, Sequence

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X[:, :1] + X[:, 1:2] > 0).astype("float32")
W = np.linspace(0.5, 2.0, len(X)).astype("float32")
SIZE = 10  # 4 batches of 10 samples


def make_model(seed=7):
    neuronet.set_random_seed(seed)
    model = Sequential([Dense(4, activation="tanh", input_dim=3), Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=optimizers.SGD(learning_rate=0.1),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def batch(i, x=X, y=Y, w=None, size=SIZE):
    rows = slice(i * size, (i + 1) * size)
    return (x[rows], y[rows]) if w is None else (x[rows], y[rows], w[rows])


class Batches(PyDataset):
    """The samples of X/Y in batches of SIZE, logging what fit asks of it."""

    def __init__(self, x=X, y=Y, w=None, size=SIZE, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.w, self.size = x, y, w, size
        self.log = []
        self.threads = set()

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, index):
        self.log.append(index)
        self.threads.add(threading.get_ident())
        return batch(index, self.x, self.y, self.w, self.size)

    def on_epoch_begin(self):
        self.log.append("begin")

    def on_epoch_end(self):
        self.log.append("end")


def generator(x=X, y=Y, forever=True):
    while True:
        for i in range(len(x) // SIZE):
            yield batch(i, x, y)
        if not forever:
            return


def steps_taken(model):
    return int(model.optimizer.iterations.numpy())


def assert_same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)


# --- pandas and lists ------------------------------------------------------------------------
def test_dataframe_and_series_train_as_the_arrays_do():
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(40)[::-1])
    labels = pd.Series(Y[:, 0], name="label")
    a, b = make_model(), make_model()
    ha = a.fit(X, Y, validation_data=(X, Y), sample_weight=W, epochs=2, shuffle=False, verbose=0)
    hb = b.fit(
        frame,
        labels,
        validation_data=(frame, labels.to_frame()),
        sample_weight=pd.Series(W),
        epochs=2,
        shuffle=False,
        verbose=0,
    )
    assert ha.history == hb.history
    assert_same_weights(a, b)
    assert a.evaluate(X, Y, verbose=0) == b.evaluate(frame, labels, verbose=0)
    np.testing.assert_array_equal(a.predict(X), b.predict(frame))


def test_dataframe_columns_are_used_in_their_order():
    model = make_model()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    np.testing.assert_array_equal(
        model.predict(frame[["c", "a", "b"]]), model.predict(X[:, [2, 0, 1]])
    )
    assert not np.allclose(model.predict(frame[["c", "a", "b"]]), model.predict(frame))


def test_nested_lists_train_as_the_arrays_do():
    a, b = make_model(), make_model()
    a.fit(X, Y[:, 0], epochs=2, batch_size=8, shuffle=False, verbose=0)
    b.fit(X.tolist(), Y[:, 0].tolist(), epochs=2, batch_size=8, shuffle=False, verbose=0)
    assert_same_weights(a, b)
    np.testing.assert_array_equal(a.predict(X[:5]), b.predict(X[:5].tolist()))


def test_pandas_values_that_are_not_numbers_are_named():
    model = make_model()
    frame = pd.DataFrame({"a": X[:, 0], "city": ["x"] * 40, "b": X[:, 1]})
    with pytest.raises(DataError, match=r"non-numeric column 'city'"):
        model.fit(frame, Y, verbose=0)
    with pytest.raises(DataError, match=r"Series of dtype .* does not hold numbers"):
        model.fit(X, pd.Series(["yes", "no"] * 20), verbose=0)
    missing = pd.DataFrame(X, columns=["a", "b", "c"]).astype({"b": "Float64"})
    missing.loc[5, "b"] = pd.NA
    with pytest.raises(DataError, match=r"row 5, column 'b'"):
        model.fit(missing, Y, verbose=0)
    assert steps_taken(model) == 0


# --- PyDataset --------------------------------------------------------------------------------
def test_a_pydataset_of_the_same_batches_gives_the_same_model_as_arrays():
    a, b = make_model(), make_model()
    ha = a.fit(X, Y, batch_size=SIZE, epochs=3, shuffle=False, verbose=0)
    hb = b.fit(Batches(), epochs=3, shuffle=False, verbose=0)
    assert list(hb.history) == list(ha.history) == ["loss", "accuracy"]
    assert hb.history == ha.history
    assert_same_weights(a, b)
    assert b.evaluate(Batches(), verbose=0) == a.evaluate(X, Y, batch_size=SIZE, verbose=0)
    np.testing.assert_array_equal(b.predict(Batches()), a.predict(X))


def test_batches_may_be_pandas_objects_or_lists():
    frame, labels = pd.DataFrame(X, columns=["a", "b", "c"]), pd.Series(Y[:, 0])
    pandas_batches = [
        (frame[i * SIZE : (i + 1) * SIZE], labels[i * SIZE : (i + 1) * SIZE]) for i in range(4)
    ]
    list_batches = [
        [X[i * SIZE : (i + 1) * SIZE].tolist(), Y[i * SIZE : (i + 1) * SIZE].tolist()]
        for i in range(4)
    ]
    a, b, c = make_model(), make_model(), make_model()
    a.fit(X, Y, batch_size=SIZE, epochs=2, shuffle=False, verbose=0)
    b.fit(iter(pandas_batches * 2), steps_per_epoch=4, epochs=2, verbose=0)
    c.fit(iter(list_batches * 2), steps_per_epoch=4, epochs=2, verbose=0)
    assert_same_weights(a, b)
    assert_same_weights(a, c)


def test_batches_with_sample_weights_and_class_weight_match_the_arrays():
    a, b = make_model(), make_model()
    a.fit(X, Y, sample_weight=W, batch_size=SIZE, epochs=2, shuffle=False, verbose=0)
    b.fit(Batches(w=W), epochs=2, shuffle=False, verbose=0)
    assert_same_weights(a, b)
    assert a.evaluate(X, Y, sample_weight=W, batch_size=SIZE, verbose=0) == b.evaluate(
        Batches(w=W), verbose=0
    )
    c, d = make_model(), make_model()
    weights = {0: 0.5, 1: 3.0}
    c.fit(X, Y, class_weight=weights, batch_size=SIZE, epochs=2, shuffle=False, verbose=0)
    d.fit(Batches(), class_weight=weights, epochs=2, shuffle=False, verbose=0)
    assert_same_weights(c, d)


def test_epoch_hooks_and_batch_order_each_epoch():
    data = Batches()
    make_model().fit(data, epochs=2, shuffle=False, verbose=0)
    assert data.log == ["begin", 0, 1, 2, 3, "end"] * 2
    data.log.clear()
    make_model().evaluate(data, verbose=0)
    assert data.log == ["begin", 0, 1, 2, 3, "end"]


def test_shuffle_visits_every_batch_in_a_new_seeded_order_each_epoch():
    def orders(seed):
        data = Batches()
        model = make_model()
        neuronet.set_random_seed(seed)
        model.fit(data, epochs=4, verbose=0)  # shuffle=True, fit's default
        flat = [i for i in data.log if i not in ("begin", "end")]
        return [flat[k : k + 4] for k in range(0, 16, 4)]

    first = orders(1)
    assert all(sorted(order) == [0, 1, 2, 3] for order in first)
    assert len({tuple(order) for order in first}) > 1
    assert orders(1) == first


def test_steps_per_epoch_continues_through_the_dataset_across_epochs():
    data = Batches()
    history = make_model().fit(data, steps_per_epoch=3, epochs=2, shuffle=False, verbose=0)
    assert [i for i in data.log if i != "begin"] == [0, 1, 2, "end", 3, 0, 1, "end"]
    assert len(history.history["loss"]) == 2
    data.log.clear()
    make_model().fit(data, steps_per_epoch=6, shuffle=False, verbose=0)  # more than it holds
    assert [i for i in data.log if i != "begin"] == [0, 1, 2, 3, 0, 1, "end"]


def test_steps_beyond_the_data_end_evaluate_and_predict_with_keras_warning():
    model = make_model()
    with pytest.warns(UserWarning, match="ran out of data"):
        outputs = model.predict(Batches(), steps=6)
    np.testing.assert_array_equal(outputs, model.predict(X))
    with pytest.warns(UserWarning, match="ran out of data"):
        loss = model.evaluate(generator(forever=False), steps=6, verbose=0)
    assert loss == model.evaluate(X, Y, batch_size=SIZE, verbose=0)


def test_an_endless_dataset_needs_steps_per_epoch():
    class Endless(PyDataset):
        num_batches = None

        def __getitem__(self, index):
            return batch(index % 4)

    with pytest.raises(DataError, match="steps_per_epoch"):
        make_model().fit(Endless(), verbose=0)
    a, b = make_model(), make_model()
    a.fit(X, Y, batch_size=SIZE, epochs=2, shuffle=False, verbose=0)
    b.fit(Endless(), steps_per_epoch=4, epochs=2, verbose=0)
    assert_same_weights(a, b)
    assert b.evaluate(Endless(), steps=4, verbose=0) == a.evaluate(X, Y, batch_size=SIZE, verbose=0)


def test_worker_threads_build_the_same_batches():
    a, b = make_model(), make_model()
    a.fit(Batches(), epochs=2, shuffle=False, verbose=0)
    threaded = Batches(workers=3, max_queue_size=2)
    b.fit(threaded, epochs=2, shuffle=False, verbose=0)
    assert_same_weights(a, b)
    assert threading.get_ident() not in threaded.threads
    np.testing.assert_array_equal(a.predict(Batches()), b.predict(Batches(workers=2)))


def test_keras_2_style_sequences_and_duck_typed_datasets_work():
    class Keras2Sequence(Sequence):  # no super().__init__(), as Keras 2 code reads
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return batch(index)

    class DuckTyped:  # a keras.utils.PyDataset subclass looks like this to neuronet
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return batch(index)

        def on_epoch_end(self):
            pass

    a, b, c = make_model(), make_model(), make_model()
    a.fit(X, Y, batch_size=SIZE, shuffle=False, verbose=0)
    b.fit(Keras2Sequence(), shuffle=False, verbose=0)
    c.fit(DuckTyped(), shuffle=False, verbose=0)
    assert_same_weights(a, b)
    assert_same_weights(a, c)
    assert [xb.shape for xb, _ in Keras2Sequence()] == [(10, 3)] * 4


def test_the_base_class_says_what_to_implement():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        PyDataset()[0]
    with pytest.raises(NotImplementedError, match="__len__"):
        len(list(PyDataset()))
    with pytest.raises(ValueError, match="workers"):
        PyDataset(workers=-1)
    assert Sequence is PyDataset


# --- generators and iterables -----------------------------------------------------------------
def test_a_generator_with_steps_per_epoch_gives_the_same_model_as_arrays():
    a, b = make_model(), make_model()
    ha = a.fit(X[:30], Y[:30], validation_data=(X[30:], Y[30:]), batch_size=SIZE, epochs=3,
               shuffle=False, verbose=0)  # fmt: skip
    hb = b.fit(generator(X[:30], Y[:30]), steps_per_epoch=3, epochs=3,
               validation_data=(X[30:], Y[30:]), verbose=0)  # fmt: skip
    assert hb.history == ha.history
    assert_same_weights(a, b)


def test_a_generator_read_once_needs_steps_per_epoch_for_several_epochs():
    model = make_model()
    with pytest.raises(DataError, match="steps_per_epoch"):
        model.fit(generator(forever=False), epochs=2, verbose=0)
    assert steps_taken(model) == 0  # refused before anything changed
    history = model.fit(generator(forever=False), epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    with pytest.raises(DataError, match="yielded no batches"):
        model.fit(iter([]), verbose=0)


def test_a_generator_that_runs_out_stops_training_with_keras_warning():
    model = make_model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(generator(forever=False), steps_per_epoch=3, epochs=5, verbose=0)
    # 4 batches: epoch 1 takes 3, epoch 2 gets the last one, then the input has ended.
    assert len(history.history["loss"]) == 2


def test_an_iterable_is_read_again_each_epoch():
    class Reiterable:
        def __iter__(self):
            return generator(forever=False)

    a, b = make_model(), make_model()
    a.fit(X, Y, batch_size=SIZE, epochs=3, shuffle=False, verbose=0)
    b.fit(Reiterable(), epochs=3, verbose=0)
    assert_same_weights(a, b)


def test_validation_data_may_be_a_dataset_or_a_generator():
    a, b, c = make_model(), make_model(), make_model()
    ha = a.fit(X[:30], Y[:30], validation_data=(X[30:], Y[30:]), batch_size=SIZE, epochs=2,
               shuffle=False, verbose=0)  # fmt: skip
    hb = b.fit(X[:30], Y[:30], validation_data=Batches(X[30:], Y[30:]), batch_size=SIZE,
               epochs=2, shuffle=False, verbose=0)  # fmt: skip
    hc = c.fit(Batches(X[:30], Y[:30]), validation_data=generator(X[30:], Y[30:]),
               validation_steps=1, epochs=2, shuffle=False, verbose=0)  # fmt: skip
    assert ha.history == hb.history == hc.history
    with pytest.raises(DataError, match="validation_steps"):
        make_model().fit(X, Y, validation_data=generator(forever=False), epochs=2, verbose=0)


def test_evaluate_and_predict_take_sources_and_steps():
    model = make_model()
    expected = model.predict(X)
    np.testing.assert_array_equal(model.predict(generator(forever=False)), expected)
    np.testing.assert_array_equal(
        model.predict((xb for xb, _ in generator(forever=False))), expected
    )
    np.testing.assert_array_equal(model.predict(generator(), steps=2), expected[:20])
    loss = model.evaluate(X[:20], Y[:20], batch_size=SIZE, verbose=0)
    assert model.evaluate(generator(), steps=2, verbose=0) == loss
    logs = model.evaluate(Batches(), steps=2, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"] and logs["loss"] == loss[0]
    nan_rows = (np.where(np.arange(10)[:, None] == 3, np.nan, X[:10]),)
    assert np.isnan(model.predict(iter([nan_rows]))[3]).all()  # NaN passes, as for arrays


# --- errors -------------------------------------------------------------------------------------
def test_array_arguments_are_refused_with_a_source():
    model = make_model()
    with pytest.raises(DataError, match="`batch_size` argument must not be specified"):
        model.fit(Batches(), batch_size=10, verbose=0)
    with pytest.raises(DataError, match="`batch_size` argument must not be specified"):
        model.predict(Batches(), batch_size=10)
    with pytest.raises(DataError, match="`y` should not be passed"):
        model.evaluate(Batches(), Y, verbose=0)
    with pytest.raises(DataError, match="validation_split"):
        model.fit(Batches(), validation_split=0.2, verbose=0)
    with pytest.raises(DataError, match="steps_per_epoch"):
        model.fit(X, Y, steps_per_epoch=2, verbose=0)  # arrays: every epoch uses all samples
    assert steps_taken(model) == 0


def test_the_first_batch_is_checked_before_anything_changes():
    model = make_model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ShapeError, match=r"Batch 0 of `x` \(a PyDataset\).*input_dim=4"):
        model.fit(Batches(x=RNG.normal(size=(40, 4))), shuffle=False, verbose=0)
    with pytest.raises(DataError, match=r"Batch 0 of .*labels in \[0, 1\]"):
        model.fit(Batches(y=Y * 2), shuffle=False, verbose=0)
    with pytest.raises(DataError, match=r"Batch 0 .*holds no targets"):
        model.fit(iter([X[:10]]), verbose=0)
    with pytest.raises(DataError, match=r"Batch 0 .*tuple of 4 items"):
        model.fit(iter([(X, Y, W, W)]), verbose=0)
    with pytest.raises(DataError, match=r"Batch 0 of `validation_data`.*contains nan"):
        model.fit(Batches(), validation_data=iter([(X * np.nan, Y)]), verbose=0)
    assert steps_taken(model) == 0
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_a_later_batch_of_another_shape_is_named_with_both_shapes():
    batches = [batch(0), batch(1), (X[:10, :2], Y[:10])]
    model = make_model()
    with pytest.raises(ShapeError) as error:
        model.fit(iter(batches), verbose=0)
    message = str(error.value)
    assert "Batch 2 of `x` (an iterator)" in message
    assert "(10, 2)" in message and "(None, 3)" in message
    assert steps_taken(model) == 2  # the batches before it were trained on
    with pytest.raises(DataError, match=r"Batch 1 .*labels in \[0, 1\]"):
        model.fit(iter([batch(0), (X[:10], Y[:10] + 1)]), verbose=0)


# --- what the loop reports ----------------------------------------------------------------------
class Terminal(io.StringIO):
    def isatty(self):
        return True


class Params(callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seen = dict(self.params)


def test_progress_counts_steps_known_or_not():
    params = Params()
    out = Terminal()
    bar = callbacks.ProgbarLogger(stream=out)
    make_model().fit(Batches(), epochs=1, callbacks=[params, bar], verbose=1)
    assert params.seen["steps"] == 4 and params.seen.get("samples") is None
    assert "1/4 [" in out.getvalue() and "4/4 [" in out.getvalue()
    out = Terminal()
    bar = callbacks.ProgbarLogger(stream=out)
    make_model().fit(generator(), steps_per_epoch=3, callbacks=[params, bar], verbose=1)
    assert params.seen["steps"] == 3 and "3/3 [" in out.getvalue()
    out = Terminal()
    bar = callbacks.ProgbarLogger(stream=out)
    model = make_model()
    model.fit(generator(forever=False), callbacks=[params, bar], verbose=1)
    assert params.seen["steps"] is None  # a generator's length is unknown
    assert "1/Unknown" in out.getvalue() and "4/4 [" in out.getvalue()


def test_what_counts_as_a_batch_source():
    assert is_batch_source(Batches()) and is_batch_source(generator()) and is_batch_source(iter([]))
    for data in (X, X.tolist(), tuple(X.tolist()), pd.DataFrame(X), pd.Series(Y[:, 0]), {"a": X}):
        assert not is_batch_source(data)
