"""What the numbers were measured on: date, machine, load, BLAS, versions and commit."""

import datetime
import os
import platform
import subprocess
import sys

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
# Set on some machines to work around old OpenBLAS bugs; they change which kernels run.
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def git_commit(repo):
    def git(*args):
        result = subprocess.run(
            ["git", "-C", repo, *args], capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if commit and git("status", "--porcelain", "--untracked-files=no", "--", "neuronet"):
        commit += " (neuronet/ has uncommitted changes)"
    return commit


def numpy_blas():
    import numpy

    try:
        config = numpy.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return {"numpy": numpy.__version__, **{k: blas.get(k) for k in ("name", "version")}}
    except Exception as error:  # older NumPy: no mode="dicts"
        return {"numpy": numpy.__version__, "error": repr(error)}


def describe(repo, threads):
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "threads": threads,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "commit": git_commit(repo),
        "blas": numpy_blas(),
        "load_average_start": load_average(),
        "openblas_env": {k: os.environ[k] for k in OPENBLAS_VARIABLES if k in os.environ},
    }
