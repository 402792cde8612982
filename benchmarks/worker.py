"""One framework, one workload, in a fresh process; ``run.py`` starts it and reads its result.

    python benchmarks/worker.py FRAMEWORK WORKLOAD [--repeats N] [--budget S] [--quick]

Workloads: ``xor``, ``mlp``, ``predict``, ``memory`` (see README.md). The last stdout line that
starts with ``BENCH-RESULT`` holds the JSON result: a list of measurements, each with its
``key`` (the table row), ``unit`` and ``samples`` (one value per repeat).
"""

import argparse
import gc
import json
import os
import sys
import time

import data
import timing
from frameworks import load

MARK = "BENCH-RESULT "

# Sizes of the full suite and of --quick.
SIZES = {
    "full": {"xor_epochs": (100, 1000), "mlp_samples": 60_000, "predict_rows": 10_000},
    "quick": {"xor_epochs": (100,), "mlp_samples": 6_000, "predict_rows": 10_000},
}


def measurement(key, unit, samples, **extra):
    return {"key": key, "unit": unit, "samples": samples, **extra}


def calls_per_sample(fn, target_s=0.02):
    """How many calls of ``fn`` make one sample of about ``target_s`` (fast calls are looped)."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, min(10_000, int(target_s / max(once, 1e-7))))


def per_call(fn, repeats, budget_s):
    calls = calls_per_sample(fn)

    def loop():
        for _ in range(calls):
            fn()

    samples = timing.measure(loop, repeats, warmup=1, budget_s=budget_s)
    return [s / calls for s in samples], calls


def run_xor(framework, sizes, args):
    x, y = data.xor_data()
    session = framework.xor(x, y)
    session.fit(5)  # warm-up: graph tracing, buffers, caches
    results = []
    for epochs in sizes["xor_epochs"]:
        samples = timing.measure(
            lambda epochs=epochs: session.fit(epochs), args.repeats, 0, args.budget
        )
        results.append(
            measurement(
                f"xor-fit-{epochs}",
                "s/epoch",
                [s / epochs for s in samples],
                check={"loss": session.loss()},
            )
        )
    if hasattr(session, "predict"):
        samples, calls = per_call(session.predict, args.repeats, args.budget)
        results.append(measurement("xor-predict", "s", samples, calls_per_sample=calls))
    return results


def run_mlp(framework, sizes, args):
    x, labels, onehot = data.teacher_data(sizes["mlp_samples"])
    session = framework.mlp(x, labels, onehot)
    samples = timing.measure(session.epoch, args.repeats, 1, args.budget)
    check = {"samples": len(x), "accuracy": session.accuracy()}
    floor = getattr(session, "floor", None)
    if floor is not None:
        check["gflop"] = floor.flops / 1e9
    return [measurement("mlp-epoch", "s", samples, check=check)]


def run_predict(framework, sizes, args):
    x, labels, onehot = data.teacher_data(sizes["predict_rows"], seed=data.SEED + 1)
    session = framework.mlp(x, labels, onehot)
    session.epoch()  # one epoch on these rows: builds every framework's model, real weights
    results = []
    cases = [("predict-all", "all")]
    if getattr(framework, "batched_predict", True):
        cases.insert(0, ("predict-b32", None))
    for key, batch_size in cases:
        samples = timing.measure(
            lambda b=batch_size: session.predict(x, b), args.repeats, 1, args.budget
        )
        results.append(measurement(key, "s", samples, check={"rows": len(x)}))
    return results


def run_memory(framework, sizes, args):
    """Peak RSS of the first epoch in this fresh process, and of the process as a whole."""
    x, labels, onehot = data.teacher_data(sizes["mlp_samples"])
    session = framework.mlp(x, labels, onehot)
    gc.collect()
    before = timing.rss_mib()
    peak_so_far = timing.peak_rss_mib()
    if not timing.reset_peak_rss():
        return [measurement("memory-epoch", "MiB", [], note="cannot reset the peak RSS here")]
    session.epoch()
    epoch_peak = timing.peak_rss_mib()
    check = {"samples": len(x), "rss_before_mib": before}
    return [
        measurement("memory-epoch", "MiB", [epoch_peak - before], check=check),
        measurement("memory-peak", "MiB", [max(peak_so_far, epoch_peak)], check=check),
    ]


RUNNERS = {"xor": run_xor, "mlp": run_mlp, "predict": run_predict, "memory": run_memory}


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    keys = ("internal_api", "num_threads", "version", "architecture", "filepath")
    return [{k: pool.get(k) for k in keys} for pool in threadpool_info()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framework")
    parser.add_argument("workload", choices=sorted(RUNNERS))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per measurement")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    framework = load(args.framework, args.threads)
    results = RUNNERS[args.workload](framework, SIZES["quick" if args.quick else "full"], args)
    report = {
        "framework": args.framework,
        "workload": args.workload,
        "measurements": results,
        "versions": framework.versions(),
        "blas": blas_info(),
    }
    sys.stdout.flush()
    print(MARK + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
