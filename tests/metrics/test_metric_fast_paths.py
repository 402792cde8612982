"""The training loop's short paths of the running means give the numbers of the general ones.

Without sample weights, ``Mean`` keeps its sums as scalars and the accuracies count hits
directly; weights of one take the general path. Several uneven batches are folded in, and
the state variables read afterwards must hold the same sums.
"""

import numpy as np
import pytest

from neuronet import metrics

RNG = np.random.default_rng(13)


def batches(make, sizes=(5, 5, 3)):
    return [make(n) for n in sizes]


CASES = {
    "mean": (
        metrics.Mean,
        lambda n: (RNG.random((n, 3), dtype=np.float32),),
    ),
    "binary accuracy": (
        lambda: metrics.BinaryAccuracy(threshold=0.4),
        lambda n: (
            RNG.integers(0, 2, (n, 2)).astype("float32"),
            RNG.random((n, 2), dtype=np.float32),
        ),
    ),
    "categorical accuracy": (
        metrics.CategoricalAccuracy,
        lambda n: (
            np.eye(4, dtype="float32")[RNG.integers(0, 4, n)],
            RNG.random((n, 4), dtype=np.float32),
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_short_path_matches_the_weighted_path(case):
    make_metric, make_batch = CASES[case]
    short, general = make_metric(), make_metric()
    for batch in batches(make_batch):
        short.update_state(*batch)
        general.update_state(*batch, sample_weight=np.ones(len(batch[0]), dtype="float32"))
    assert short.result() == pytest.approx(general.result(), rel=1e-6)
    for a, b in zip(short.variables, general.variables):  # the sums, written back when read
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    short.reset_state()
    assert short.result() == 0.0
    assert [float(v.numpy()) for v in short.variables] == [0.0, 0.0]


def test_binary_accuracy_counts_hits_by_hand():
    # threshold 0.5: predictions 1, 0, 1, 0 against labels 1, 0, 0, 0 -> 3 hits of 4, then
    # 0 of 2 in the second batch: 3 / 6
    metric = metrics.BinaryAccuracy()
    metric.update_state(
        np.array([[1], [0], [0], [0]], "float32"), np.array([[0.9], [0.2], [0.7], [0.5]], "float32")
    )
    metric.update_state(np.array([[1], [0]], "float32"), np.array([[0.1], [0.6]], "float32"))
    assert metric.result() == pytest.approx(0.5)
