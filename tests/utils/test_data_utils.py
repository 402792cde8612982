"""Keras's data utilities: to_categorical, normalize, split_dataset."""

import numpy as np
import pytest

import neuronet
from neuronet.utils import normalize, split_dataset, to_categorical

# --- to_categorical -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, expected",
    [((3,), (3, 5)), ((4, 3), (4, 3, 5)), ((3, 1), (3, 5)), ((3, 2, 1), (3, 2, 5))],
)
def test_to_categorical_shapes_and_round_trip(shape, expected):
    labels = np.random.default_rng(0).integers(0, 5, shape)
    one_hot = to_categorical(labels, 5)
    assert one_hot.shape == expected and one_hot.dtype == np.float32
    assert np.all(one_hot.sum(axis=-1) == 1)
    np.testing.assert_array_equal(one_hot.argmax(-1).reshape(labels.shape), labels)


def test_to_categorical_infers_the_class_count_and_refuses_bad_labels():
    assert to_categorical([0, 2, 5]).shape == (3, 6)
    with pytest.raises(ValueError, match="integer"):
        to_categorical([0.5, 1])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        to_categorical([0, 3], num_classes=3)


# --- normalize ----------------------------------------------------------------------------------


def test_normalize_rows_by_their_l2_norm():
    # 3-4-5 and 5-12-13 triangles: exact quotients; the zero row stays zero, not NaN.
    x = np.array([[3.0, 4.0], [0.0, 0.0], [-5.0, 12.0]], dtype="float32")
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0, 0], [-5 / 13, 12 / 13]], rtol=1e-6)
    assert out.dtype == np.float32 and out is not x
    assert x[0, 0] == 3.0  # a copy; the input is untouched


def test_normalize_axis_zero_as_keras():
    # Keras's test_normalize_numpy_axis_zero.
    x = np.array([[3.0, 0.0, 12.0], [4.0, 5.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0), [[0.6, 0.0, 1.0], [0.8, 1.0, 0.0]])


@pytest.mark.parametrize("order", [1, 2, 3, np.inf])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_normalize_matches_the_norm_definition(order, axis):
    x = np.random.default_rng(1).normal(size=(3, 4, 5))
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    if order == np.inf:
        norm = np.max(np.abs(x), axis=axis, keepdims=True)
    out = normalize(x, axis=axis, order=order)
    np.testing.assert_allclose(out, x / norm, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(out, ord=order, axis=axis), 1.0, rtol=1e-12)


def test_normalize_integers_and_lists_give_floats():
    out = normalize([[1, 1, 1, 1]], order=1)
    np.testing.assert_array_equal(out, [[0.25] * 4])
    assert out.dtype == np.float64


def test_normalize_refuses_bad_arguments():
    with pytest.raises(TypeError, match="axis"):
        normalize(np.ones((2, 2)), axis=None)
    with pytest.raises(ValueError):
        normalize(np.ones((2, 2)), order="fro")
    with pytest.raises(ValueError):
        normalize(np.ones((2, 2)), axis=2)


# --- split_dataset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "left_size, right_size, left_count, right_count",
    [
        (0.8, None, 8, 2),
        (None, 0.2, 8, 2),
        (3, None, 3, 7),
        (None, 3, 7, 3),
        (0.5, 0.5, 5, 5),
        (2, 3, 2, 3),  # the 5 samples between are left out, as in Keras
        (0.25, None, 2, 8),  # round(2.5) is 2: Python's rounding, as Keras
        (0.35, None, 4, 6),
        (0.3, 4, 3, 4),
    ],
)
def test_split_counts(left_size, right_size, left_count, right_count):
    left, right = split_dataset(np.arange(10), left_size=left_size, right_size=right_size)
    np.testing.assert_array_equal(left, np.arange(left_count))
    np.testing.assert_array_equal(right, np.arange(10 - right_count, 10))


def test_split_a_tuple_and_a_list_of_arrays_together():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 10
    (x_left, y_left), (x_right, y_right) = split_dataset((x, y), left_size=0.7)
    np.testing.assert_array_equal(x_left, x[:7])
    np.testing.assert_array_equal(y_right, y[7:])
    assert x_right.shape == (3, 2)
    left, right = split_dataset([x, y], right_size=2)
    assert isinstance(left, tuple) and isinstance(right, tuple)  # lists come back as tuples
    np.testing.assert_array_equal(right[1], [80, 90])


def test_split_returns_new_arrays():
    x = np.arange(10)
    left, right = split_dataset(x, left_size=5)
    left[0] = right[0] = -1
    np.testing.assert_array_equal(x, np.arange(10))


def test_shuffled_split_keeps_pairs_and_follows_the_seed():
    x = np.arange(10)
    (x_left, y_left), (x_right, y_right) = split_dataset(
        (x, x * 10), left_size=6, shuffle=True, seed=3
    )
    np.testing.assert_array_equal(y_left, x_left * 10)
    np.testing.assert_array_equal(y_right, x_right * 10)
    assert sorted(np.concatenate([x_left, x_right]).tolist()) == list(range(10))
    assert x_left.tolist() != list(range(6))  # shuffled (this seed moves the first six)
    again = split_dataset((x, x * 10), left_size=6, shuffle=True, seed=3)
    np.testing.assert_array_equal(again[0][0], x_left)
    other = split_dataset((x, x * 10), left_size=6, shuffle=True, seed=4)
    assert other[0][0].tolist() != x_left.tolist()


def test_shuffle_without_seed_follows_set_random_seed():
    neuronet.set_random_seed(7)
    first = split_dataset(np.arange(50), left_size=0.5, shuffle=True)
    neuronet.set_random_seed(7)
    second = split_dataset(np.arange(50), left_size=0.5, shuffle=True)
    np.testing.assert_array_equal(first[0], second[0])
    assert first[0].tolist() != list(range(25))


@pytest.mark.parametrize(
    "left_size, right_size, error, match",
    [
        (None, None, ValueError, "both are None"),
        ("0.5", None, TypeError, "`left_size` must be an int, a float or None, got str"),
        (None, True, TypeError, "`right_size` must be an int"),
        (0, 0, ValueError, "both zero"),
        (0, None, ValueError, r"`left_size` must be an int in \(0, 10\)"),
        (10, None, ValueError, r"`left_size` must be an int in \(0, 10\)"),
        (None, -1, ValueError, "`right_size` must be"),
        (1.0, None, ValueError, r"a float in \(0, 1\), got 1.0"),
        (0.0, None, ValueError, "a float in"),
        (0.6, 0.5, ValueError, "more than 1"),
        (6, 0.5, ValueError, "6 \\+ 5 samples, more than the 10"),
        (0.01, None, ValueError, "the left part would be empty"),
        (None, 0.04, ValueError, "the right part would be empty"),
    ],
)
def test_split_size_errors(left_size, right_size, error, match):
    with pytest.raises(error, match=match):
        split_dataset(np.arange(10), left_size=left_size, right_size=right_size)


def test_split_accepts_numpy_numbers():
    left, right = split_dataset(np.arange(10), left_size=np.int64(4), right_size=np.float32(0.5))
    assert (len(left), len(right)) == (4, 5)


@pytest.mark.parametrize(
    "dataset, error, match",
    [
        ({"x": np.arange(3)}, TypeError, "must be a NumPy array or a tuple/list of arrays"),
        (range(10), TypeError, "got range"),
        ((), ValueError, "empty tuple"),
        ([], ValueError, "empty list"),
        (
            [np.arange(3), [1, 2, 3]],
            ValueError,
            "list of numpy.ndarray objects, got list at index 1",
        ),
        ((np.arange(3), np.arange(4)), ValueError, "different lengths"),
        (np.float64(3.0), TypeError, "got float64"),
        (np.array(3.0), ValueError, "scalar"),
        (np.zeros((0, 3)), ValueError, "no samples"),
    ],
)
def test_split_dataset_errors(dataset, error, match):
    with pytest.raises(error, match=match):
        split_dataset(dataset, left_size=0.5)
