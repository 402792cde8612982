"""Timing and memory helpers shared by the workers.

Times are wall-clock (``time.perf_counter``). Memory is resident set size (RSS) read from
``/proc/self/status`` on Linux: VmRSS now and VmHWM, the peak. Writing "5" to
``/proc/self/clear_refs`` resets the peak to the current RSS, so the peak of one step (an epoch)
can be read on its own; ``ru_maxrss`` (the whole process's peak) is the fallback elsewhere.
tracemalloc is not used: it cannot see memory that PyTorch or TensorFlow allocate in C++.
"""

import gc
import resource
import sys
import time

MIB = 1024 * 1024


def measure(fn, repeats, warmup=1, budget_s=None, min_samples=1):
    """Call ``fn`` ``warmup`` times, then time up to ``repeats`` calls; returns the seconds.

    Stops early once ``budget_s`` seconds of timed calls have passed and ``min_samples`` are in.
    A garbage collection runs before each call, outside the timed region.
    """
    for _ in range(warmup):
        fn()
    samples = []
    spent = 0.0
    while len(samples) < repeats:
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
        spent += samples[-1]
        if budget_s is not None and spent > budget_s and len(samples) >= min_samples:
            break
    return samples


def _status_kib(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mib():
    """The current resident set size in MiB (None where /proc is missing)."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024


def reset_peak_rss():
    """Reset the peak RSS to the current RSS; returns whether the kernel allowed it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def peak_rss_mib():
    """The peak RSS in MiB since the start, or since the last ``reset_peak_rss``."""
    kib = _status_kib("VmHWM")
    if kib is None:
        return maxrss_mib(resource.getrusage(resource.RUSAGE_SELF))
    return kib / 1024


def maxrss_mib(usage):
    """``ru_maxrss`` of a ``resource.getrusage``/``os.wait4`` result in MiB."""
    # Linux reports KiB, macOS bytes.
    return usage.ru_maxrss / (MIB if sys.platform == "darwin" else 1024)
