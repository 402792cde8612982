"""Crossentropies: Keras's numbers, gradients, the fused output gradient, label checks."""

import math

import numpy as np
import pytest

from neuronet import losses
from neuronet.errors import DataError
from neuronet.testing import check_loss_gradient, float64, numerical_gradient, relative_error

LN2, LN3 = math.log(2.0), math.log(3.0)
RNG = np.random.default_rng(11)
N = 6
BINARY_TRUE = RNG.integers(0, 2, size=(N, 3)).astype("float64")
PROBABILITIES = RNG.uniform(0.05, 0.95, size=(N, 3))  # away from the clip at 1e-7
LOGITS = RNG.normal(0.0, 2.0, size=(N, 3))
ONE_HOT = np.eye(4)[RNG.integers(0, 4, size=N)]
SPARSE = ONE_HOT.argmax(axis=-1)
CLASS_SCORES = RNG.uniform(0.1, 1.0, size=(N, 4))  # positive, not normalised on purpose
CLASS_LOGITS = RNG.normal(0.0, 2.0, size=(N, 4))
WEIGHTS = RNG.uniform(0.5, 2.0, size=N)
REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight", None]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# --- values worked by hand ----------------------------------------------------------------------


def test_binary_crossentropy_by_hand():
    # t = [1, 0], p = [0.8, 0.4]: (-ln 0.8 - ln 0.6) / 2 = (0.22314355 + 0.51082562) / 2
    np.testing.assert_allclose(
        losses.binary_crossentropy([[1.0, 0.0]], [[0.8, 0.4]]), [0.36698459], rtol=1e-7
    )
    # label_smoothing 0.2: t = [0.9, 0.1];
    # -(0.9 ln 0.8 + 0.1 ln 0.2) = 0.36177299, -(0.1 ln 0.4 + 0.9 ln 0.6) = 0.55137213
    np.testing.assert_allclose(
        losses.binary_crossentropy([[1.0, 0.0]], [[0.8, 0.4]], label_smoothing=0.2),
        [0.45657256],
        rtol=1e-7,
    )
    # logits: x = 0 gives ln 2 whatever the label; x = 2, t = 1 gives ln(1 + e^-2) = 0.12692801
    np.testing.assert_allclose(
        losses.binary_crossentropy([[1.0, 1.0]], [[0.0, 2.0]], from_logits=True),
        [(LN2 + 0.12692801) / 2],
        rtol=1e-7,
    )


def test_binary_crossentropy_clips_in_float64():
    # p = 1 with t = 0 is clipped to 1 - 1e-7: -ln(1e-7) = 16.11809565; p = 0, t = 1 the same
    np.testing.assert_allclose(
        losses.binary_crossentropy([[0.0, 1.0]], [[1.0, 0.0]]), [16.11809565], rtol=1e-6
    )
    # and the gradient is zero where the clip is active
    grad = losses.binary_crossentropy.grad([[0.0, 1.0, 1.0]], [[1.0, 0.0, 0.5]])
    np.testing.assert_allclose(grad, [[0.0, 0.0, -2.0 / 3.0]])


def test_keras_docstring_examples_binary():
    # keras.losses.BinaryCrossentropy's documented numbers, printed to 3 decimals
    y_true = [[0.0, 1.0], [0.0, 0.0]]
    logits = [[-18.6, 0.51], [2.94, -12.8]]
    bce = losses.BinaryCrossentropy(from_logits=True)
    np.testing.assert_allclose(bce(y_true, logits), 0.8654, atol=1e-3)
    np.testing.assert_allclose(bce(y_true, logits, sample_weight=[0.8, 0.2]), 0.243, atol=1e-3)
    summed = losses.BinaryCrossentropy(from_logits=True, reduction="sum")
    np.testing.assert_allclose(summed(y_true, logits), 1.730, atol=1e-3)
    unreduced = losses.BinaryCrossentropy(from_logits=True, reduction=None)
    np.testing.assert_allclose(unreduced(y_true, logits), [0.235, 1.496], atol=1e-3)
    np.testing.assert_allclose(
        losses.binary_crossentropy(y_true, [[0.6, 0.4], [0.4, 0.6]]), [0.916, 0.714], atol=1e-3
    )


def test_categorical_crossentropy_by_hand():
    y_true = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    # -ln 0.95 = 0.05129329, -ln 0.1 = 2.30258509 (Keras documents [0.0513, 2.303])
    expected = [0.05129329, 2.30258509]
    np.testing.assert_allclose(losses.categorical_crossentropy(y_true, y_pred), expected, 1e-6)
    np.testing.assert_allclose(
        losses.CategoricalCrossentropy()(y_true, y_pred), np.mean(expected), 1e-6
    )
    # predictions are divided by their sum first: [0.2, 0.2] is [0.5, 0.5], -ln 0.5 = ln 2
    np.testing.assert_allclose(losses.categorical_crossentropy([[1, 0]], [[0.2, 0.2]]), [LN2])
    # label_smoothing 0.1 over 2 classes: t = [0.95, 0.05];
    # -(0.95 ln 0.8 + 0.05 ln 0.2) = 0.21198637 + 0.08047190
    np.testing.assert_allclose(
        losses.categorical_crossentropy([[1, 0]], [[0.8, 0.2]], label_smoothing=0.1),
        [0.29245827],
        rtol=1e-7,
    )
    # equal logits over 3 classes: ln 3
    np.testing.assert_allclose(
        losses.categorical_crossentropy([[0, 0, 1]], [[0.0, 0.0, 0.0]], from_logits=True), [LN3]
    )


def test_categorical_crossentropy_warns_on_one_column():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy([[1.0]], [[0.7]])


def test_sparse_categorical_crossentropy_by_hand():
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    # TensorFlow's form -ln c[y] + ln(sum c) with c = clip(p): row 1 sums to 1 + 1e-7, so
    # 0.05129329 + 1e-7; row 2 is -ln 0.1. Keras documents 1.177, 0.814, 2.354.
    expected = [0.05129339, 2.30258509]
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([1, 2], y_pred), expected)
    scce = losses.SparseCategoricalCrossentropy()
    np.testing.assert_allclose(scce([1, 2], y_pred), 1.17693924, rtol=1e-7)
    # weights [0.3, 0.7]: (0.3 * 0.05129339 + 0.7 * 2.30258509) / 2
    np.testing.assert_allclose(scce([1, 2], y_pred, sample_weight=[0.3, 0.7]), 0.81359879, 1e-7)
    summed = losses.SparseCategoricalCrossentropy(reduction="sum")
    np.testing.assert_allclose(summed([1, 2], y_pred), 2.35387848, rtol=1e-7)
    # the clipped row is renormalised by its own sum: [0.2, 0.2] with label 0 gives ln 2
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([0], [[0.2, 0.2]]), [LN2])
    # equal logits: ln 3
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy([2], [[1.0, 1.0, 1.0]], from_logits=True), [LN3]
    )


@pytest.mark.parametrize("labels", [[1, 2], [[1], [2]], [1.0, 2.0], [[1.0], [2.0]]])
def test_sparse_label_shapes_and_types(labels):
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    reference = losses.sparse_categorical_crossentropy([1, 2], y_pred)
    np.testing.assert_array_equal(losses.sparse_categorical_crossentropy(labels, y_pred), reference)
    np.testing.assert_array_equal(
        losses.SparseCategoricalCrossentropy()(labels, y_pred), np.mean(reference)
    )


def test_sparse_ignore_class_by_hand():
    # rows 0 and 2 each cost ln 2; row 1 (label -1) is ignored: loss 0 and out of the mean
    y_pred = [[0.5, 0.25, 0.25], [0.1, 0.1, 0.8], [0.25, 0.25, 0.5]]
    labels = [0, -1, 2]
    per_sample = losses.sparse_categorical_crossentropy(labels, y_pred, ignore_class=-1)
    np.testing.assert_allclose(per_sample, [LN2, 0.0, LN2])
    for reduction, expected in [
        ("sum_over_batch_size", LN2),  # 2 ln 2 over the 2 valid samples
        ("sum", 2 * LN2),
        ("mean_with_sample_weight", LN2),  # the mask is the weight: sum 2
    ]:
        loss = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
        np.testing.assert_allclose(loss(labels, y_pred), expected)
    grad = losses.SparseCategoricalCrossentropy(ignore_class=-1).grad(labels, y_pred)
    np.testing.assert_array_equal(grad[1], 0.0)


def test_sparse_labels_out_of_range_or_wrong_axis():
    with pytest.raises(DataError, match="label value of 3"):
        losses.sparse_categorical_crossentropy([0, 3], [[0.5, 0.25, 0.25]] * 2)
    with pytest.raises(ValueError, match="axis=-1"):
        losses.sparse_categorical_crossentropy([0], [[0.5, 0.5]], axis=0)


# --- gradients in float64 -----------------------------------------------------------------------

GRADIENT_CASES = [
    ("bce", lambda r: losses.BinaryCrossentropy(reduction=r), BINARY_TRUE, PROBABILITIES),
    (
        "bce logits smoothing",
        lambda r: losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, reduction=r),
        BINARY_TRUE,
        LOGITS,
    ),
    (
        "bce smoothing",
        lambda r: losses.BinaryCrossentropy(label_smoothing=0.3, reduction=r),
        BINARY_TRUE,
        PROBABILITIES,
    ),
    (
        "bce column",
        lambda r: losses.BinaryCrossentropy(reduction=r),
        BINARY_TRUE[:, 0],
        PROBABILITIES[:, :1],
    ),
    ("cce", lambda r: losses.CategoricalCrossentropy(reduction=r), ONE_HOT, CLASS_SCORES),
    (
        "cce logits smoothing",
        lambda r: losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=0.2, reduction=r
        ),
        ONE_HOT,
        CLASS_LOGITS,
    ),
    (
        "cce smoothing",
        lambda r: losses.CategoricalCrossentropy(label_smoothing=0.1, reduction=r),
        ONE_HOT,
        CLASS_SCORES,
    ),
    ("scce", lambda r: losses.SparseCategoricalCrossentropy(reduction=r), SPARSE, CLASS_SCORES),
    (
        "scce logits column labels",
        lambda r: losses.SparseCategoricalCrossentropy(from_logits=True, reduction=r),
        SPARSE[:, None].astype("float64"),
        CLASS_LOGITS,
    ),
    (
        "scce ignore_class",
        lambda r: losses.SparseCategoricalCrossentropy(ignore_class=1, reduction=r),
        SPARSE,
        CLASS_SCORES,
    ),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", [None, WEIGHTS, WEIGHTS[:, None]])
@pytest.mark.parametrize("case", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_class_gradient(case, weights, reduction):
    _, make, y_true, y_pred = case
    with float64():
        check_loss_gradient(make(reduction), y_true, y_pred, weights)


def test_gradients_over_another_axis():
    # the mean (binary) or the classes (categorical) along axis 0 of a (3, 4) batch
    with float64():
        check_loss_gradient(
            losses.BinaryCrossentropy(axis=0), BINARY_TRUE[:3].T, PROBABILITIES.T[:, :3]
        )
        check_loss_gradient(
            losses.CategoricalCrossentropy(axis=0), ONE_HOT[:3].T, CLASS_SCORES[:3].T
        )


@pytest.mark.parametrize(
    "fn, kwargs, y_true, y_pred",
    [
        (losses.binary_crossentropy, {}, BINARY_TRUE, PROBABILITIES),
        (losses.binary_crossentropy, {"from_logits": True}, BINARY_TRUE, LOGITS),
        (losses.categorical_crossentropy, {"label_smoothing": 0.1}, ONE_HOT, CLASS_SCORES),
        (losses.categorical_crossentropy, {"from_logits": True}, ONE_HOT, CLASS_LOGITS),
        (losses.sparse_categorical_crossentropy, {}, SPARSE, CLASS_SCORES),
        (losses.sparse_categorical_crossentropy, {"from_logits": True}, SPARSE, CLASS_LOGITS),
    ],
)
def test_function_gradient_is_a_vector_jacobian_product(fn, kwargs, y_true, y_pred):
    grad_values = RNG.normal(size=N)
    y_pred = y_pred.copy()
    analytic = fn.grad(y_true, y_pred, grad_values=grad_values, **kwargs)
    numeric = numerical_gradient(lambda p: fn(y_true, p, **kwargs), y_pred, grad_values)
    assert relative_error(analytic, numeric) < 1e-6
    # without grad_values: the derivative of each per-sample value (the sum of the VJP rows)
    ones = numerical_gradient(lambda p: fn(y_true, p, **kwargs), y_pred, np.ones(N))
    assert relative_error(fn.grad(y_true, y_pred, **kwargs), ones) < 1e-6


# --- the fused output gradient ------------------------------------------------------------------

FUSED_CASES = [
    ("bce", losses.BinaryCrossentropy, {}, BINARY_TRUE, LOGITS, sigmoid),
    (
        "bce smoothing",
        losses.BinaryCrossentropy,
        {"label_smoothing": 0.2},
        BINARY_TRUE,
        LOGITS,
        sigmoid,
    ),
    ("bce flat labels", losses.BinaryCrossentropy, {}, BINARY_TRUE[:, 0], LOGITS[:, :1], sigmoid),
    ("cce", losses.CategoricalCrossentropy, {}, ONE_HOT, CLASS_LOGITS, softmax),
    (
        "cce smoothing",
        losses.CategoricalCrossentropy,
        {"label_smoothing": 0.1},
        ONE_HOT,
        CLASS_LOGITS,
        softmax,
    ),
    ("scce", losses.SparseCategoricalCrossentropy, {}, SPARSE, CLASS_LOGITS, softmax),
    (
        "scce ignore",
        losses.SparseCategoricalCrossentropy,
        {"ignore_class": 0},
        SPARSE,
        CLASS_LOGITS,
        softmax,
    ),
]


def chained(loss, activation, y_true, probabilities, weights):
    """loss.grad followed by the activation's derivative: the path the fused one replaces."""
    grad = loss.grad(y_true, probabilities, weights)
    if activation is sigmoid:
        return grad * probabilities * (1.0 - probabilities)
    return probabilities * (grad - np.sum(grad * probabilities, axis=-1, keepdims=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", [None, WEIGHTS])
@pytest.mark.parametrize("case", FUSED_CASES, ids=[c[0] for c in FUSED_CASES])
def test_fused_gradient_against_chain_rule_and_central_differences(case, weights, reduction):
    _, cls, kwargs, y_true, logits, activation = case
    with float64():
        loss = cls(reduction=reduction, **kwargs)
        probabilities = activation(logits)
        fused = loss.grad_wrt_logits(y_true, probabilities, weights)
        assert fused.shape == logits.shape
        assert (
            relative_error(fused, chained(loss, activation, y_true, probabilities, weights)) < 1e-9
        )
        numeric = numerical_gradient(
            lambda z: loss(y_true, activation(z), sample_weight=weights), logits.copy(), 1.0
        )
        assert relative_error(fused, numeric) < 1e-6


def test_fused_gradient_closed_form_by_hand():
    # p - t over the batch of 2 (one output each): ([0.8 - 1, 0.3 - 0]) / 2
    bce = losses.BinaryCrossentropy()
    np.testing.assert_allclose(bce.grad_wrt_logits([1.0, 0.0], [[0.8], [0.3]]), [[-0.1], [0.15]])
    # p * sum(t) - t for one sample: [0.2, 0.5, 0.3] - [0, 1, 0]
    cce = losses.CategoricalCrossentropy(reduction="sum")
    np.testing.assert_allclose(
        cce.grad_wrt_logits([[0.0, 1.0, 0.0]], [[0.2, 0.5, 0.3]]), [[0.2, -0.5, 0.3]]
    )


def test_fused_gradient_stays_finite_where_probabilities_saturate():
    # sigmoid(40) is 1.0 in float64: the chained gradient has lost the signal, p - t has not
    probabilities = sigmoid(np.array([[40.0], [-40.0]]))
    fused = losses.BinaryCrossentropy().grad_wrt_logits([[0.0], [1.0]], probabilities)
    np.testing.assert_allclose(fused, [[0.5], [-0.5]], rtol=1e-12)


def test_fused_activation_is_none_with_logits():
    for cls in (
        losses.BinaryCrossentropy,
        losses.CategoricalCrossentropy,
        losses.SparseCategoricalCrossentropy,
    ):
        loss = cls(from_logits=True)
        assert loss.fused_activation is None
        with pytest.raises(ValueError, match="from_logits=True"):
            loss.grad_wrt_logits([[1.0, 0.0]], [[0.5, 0.5]])


# --- validate_targets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "loss, labels, output_shape",
    [
        (losses.BinaryCrossentropy(), np.array([0, 1, 1]), (None, 1)),
        (losses.BinaryCrossentropy(), np.array([[0], [1], [1]]), (None, 1)),
        (losses.BinaryCrossentropy(), np.array([[0.0, 1.0], [0.5, 1.0], [1.0, 0.0]]), (3, 2)),
        (losses.BinaryCrossentropy(), np.array([True, False, True]), (None, 1)),
        (losses.CategoricalCrossentropy(), np.eye(3), (None, 3)),
        (losses.SparseCategoricalCrossentropy(), np.array([0, 2, 1]), (None, 3)),
        (losses.SparseCategoricalCrossentropy(), np.array([[0], [2], [1]]), (None, 3)),
        (losses.SparseCategoricalCrossentropy(), np.array([0.0, 2.0, 1.0]), (None, 3)),
        (losses.SparseCategoricalCrossentropy(ignore_class=-1), np.array([0, -1, 2]), (None, 3)),
        (losses.SparseCategoricalCrossentropy(), np.zeros((3, 5), int), (None, 5, 4)),
    ],
)
def test_targets_keras_accepts(loss, labels, output_shape):
    loss.validate_targets(labels, output_shape)


@pytest.mark.parametrize(
    "loss, labels, output_shape, expected",
    [
        (
            losses.CategoricalCrossentropy(),
            np.eye(4)[[0, 1, 3]],
            (None, 3),
            r"categorical_crossentropy' expects y_true of shape \(3, 3\).*received y_true of "
            r"shape \(3, 4\).*to_categorical\(y, 3\)",
        ),
        (
            losses.CategoricalCrossentropy(),
            np.array([0, 2, 1]),
            (None, 3),
            "looks like integer class indices.*sparse_categorical_crossentropy",
        ),
        (
            losses.SparseCategoricalCrossentropy(),
            np.array([0, 7, 1]),
            (None, 3),
            r"contains class 7 with 3 outputs.*8 units",
        ),
        (
            losses.SparseCategoricalCrossentropy(),
            np.array([0, -1, 1]),
            (None, 3),
            "class -1 with 3 outputs.*ignore_class=-1",
        ),
        (
            losses.SparseCategoricalCrossentropy(),
            np.array([0.0, 0.5, 1.0]),
            (None, 3),
            "integer class labels.*fractional values such as 0.5",
        ),
        (
            losses.SparseCategoricalCrossentropy(),
            np.eye(3),
            (None, 3),
            "look one-hot.*categorical_crossentropy",
        ),
        (
            losses.BinaryCrossentropy(),
            np.array([0, 2, 1]),
            (None, 1),
            r"labels in \[0, 1\].*values from 0 to 2",
        ),
        (
            losses.BinaryCrossentropy(),
            np.array([[0], [1], [1]]),
            (None, 3),
            r"expects y_true of shape \(3, 3\)",
        ),
        (
            losses.BinaryCrossentropy(),
            np.array([0, 1, 1]),
            (5, 1),
            "3 labels .* for 5 predictions",
        ),
    ],
)
def test_targets_that_cannot_fit(loss, labels, output_shape, expected):
    with pytest.raises(DataError, match=expected) as info:
        loss.validate_targets(labels, output_shape)
    assert loss.name in str(info.value) and "Fix:" in str(info.value)
