"""The MLP epoch of neuronet and of the NumPy loop, alternating in one process.

    python benchmarks/alternate_mlp.py [--pairs 5] [--samples 60000]

``run.py`` times each framework in its own process, one after the other; on a machine whose
speed changes for minutes at a time (see README.md) two rows can then come from different
states. Here each neuronet epoch is followed by a NumPy-loop epoch on the same data, and the
median of the pairs' ratios is printed: both sides always meet the same machine. Set
``OPENBLAS_NUM_THREADS=1`` to compare with one BLAS thread.
"""

import argparse
import statistics
import time

import data
import reference_numpy
from frameworks import MLP_BATCH, MLP_LEARNING_RATE
from frameworks.keras_api import KerasApi


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=60_000)
    args = parser.parse_args(argv)
    x, labels, onehot = data.teacher_data(args.samples)
    neuronet = KerasApi(threads=None, module="neuronet").mlp(x, labels, onehot)
    loop = reference_numpy.MlpNet(batch_size=MLP_BATCH, learning_rate=MLP_LEARNING_RATE)
    neuronet.epoch()  # warm-up: buffers, caches
    loop.fit_epoch(x, labels)
    ratios = []
    for _ in range(args.pairs):
        start = time.perf_counter()
        neuronet.epoch()
        mid = time.perf_counter()
        loop.fit_epoch(x, labels)
        end = time.perf_counter()
        ratios.append((mid - start) / (end - mid))
        print(f"neuronet {mid - start:.3f} s, NumPy loop {end - mid:.3f} s: {ratios[-1]:.3f}")
    print(f"median ratio neuronet / NumPy loop: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
