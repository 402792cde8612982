"""Run the benchmark suite: neuronet beside PyTorch, scikit-learn, Keras and plain NumPy.

    python benchmarks/run.py [--quick] [--only xor,mlp,predict,import,script,memory]
                             [--frameworks neuronet,numpy,...] [--json out.json] [--repeats N]

Each framework runs each workload in its own fresh process (``worker.py``), back to back, with
the same thread count; import time, the whole XOR script and peak memory are measured in fresh
processes too. Prints one table of medians and ratios, then the targets of issue 4, and writes
everything (with the raw samples) as JSON. See README.md.
"""

import argparse
import collections
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import machine  # noqa: E402
import report  # noqa: E402
import timing  # noqa: E402
from frameworks import FRAMEWORKS  # noqa: E402
from worker import MARK  # noqa: E402

WORKLOADS = ("import", "xor", "mlp", "predict", "memory", "script")
KERAS_FRAMEWORKS = ("keras", "tf_keras")
# Where a Keras 3 / tf_keras environment is looked for when this interpreter has none.
KERAS_PYTHONS = ("benchmarks/.venv-keras/bin/python", ".venv-interop/bin/python")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 repeats (< 1 min)")
    parser.add_argument("--only", help=f"comma-separated workloads out of {','.join(WORKLOADS)}")
    parser.add_argument("--frameworks", help=f"comma-separated, out of {','.join(FRAMEWORKS)}")
    parser.add_argument("--json", help="write the results here (default: benchmarks/results/)")
    parser.add_argument("--repeats", type=int, help="timed repeats per measurement (7; quick 3)")
    parser.add_argument("--budget", type=float, help="seconds per measurement (30; quick 2)")
    parser.add_argument("--rounds", type=int, default=1, help="interleave this many rounds")
    parser.add_argument("--threads", type=int, help="threads for every framework (all CPUs)")
    parser.add_argument("--keras-python", help="interpreter with keras / tf_keras installed")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (3 if args.quick else 7)
    args.budget = args.budget or (2.0 if args.quick else 30.0)
    args.threads = args.threads or len(os.sched_getaffinity(0))
    args.only = _split(args.only, WORKLOADS, "--only") or list(WORKLOADS)
    args.frameworks = _split(args.frameworks, FRAMEWORKS, "--frameworks")
    return args


def _split(value, allowed, option):
    if not value:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        sys.exit(f"{option}: unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return names


def child_environment(threads):
    """The same thread count for every BLAS, OpenMP runtime and TensorFlow pool."""
    env = dict(os.environ)
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[variable] = str(threads)
    env["TF_NUM_INTRAOP_THREADS"] = str(threads)
    env["TF_NUM_INTEROP_THREADS"] = "1"
    env["BENCH_THREADS"] = str(threads)
    env["KERAS_BACKEND"] = "tensorflow"
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    # Imports as users meet them, from cached bytecode (each timing's discarded warm-up run
    # writes it): a shell that sets PYTHONDONTWRITEBYTECODE would time compiling instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # neuronet from this checkout, even where it is not installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [REPO, env.get("PYTHONPATH")]))
    return env


def has_module(python, module, env):
    if python == sys.executable:
        return importlib.util.find_spec(module) is not None
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    try:
        return subprocess.run([python, "-c", code], env=env, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def keras_python(args, env):
    candidates = [args.keras_python] if args.keras_python else []
    candidates += [sys.executable] + [os.path.join(REPO, path) for path in KERAS_PYTHONS]
    for python in candidates:
        if python and os.path.exists(python) and has_module(python, "keras", env):
            return python
    return None


def choose_frameworks(args, env, notes):
    """name -> interpreter, for the frameworks that can run here; notes say why others cannot."""
    names = args.frameworks or list(FRAMEWORKS)
    if args.quick and not args.frameworks:
        names = [name for name in names if name not in KERAS_FRAMEWORKS]
        notes.append("keras, tf_keras: left out of --quick (slow); name them in --frameworks")
    chosen = {}
    other_python = keras_python(args, env) if set(names) & set(KERAS_FRAMEWORKS) else None
    for name in names:
        spec = FRAMEWORKS[name]
        python = sys.executable if spec["python"] == "main" else other_python
        if python is None or not has_module(python, spec["module"], env):
            hint = (
                "see README.md for the Keras environment, or pass --keras-python"
                if name in KERAS_FRAMEWORKS
                else "pip install -e '.[bench]'"
            )
            notes.append(f"{name}: skipped, not installed ({hint})")
            continue
        chosen[name] = python
    return chosen


Child = collections.namedtuple("Child", "wall rss_mib code stdout stderr others")


def machine_busy_seconds():
    """CPU seconds the whole machine has been busy (all CPUs, any process), or None."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal: all but idle and iowait are busy
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def run_child(command, env, timeout, cwd=None):
    """Run a command to its end; its wall time, peak RSS, exit code, output, and ``others``:
    the share of the machine's CPUs that other processes used meanwhile (0 on an idle machine;
    0.5 means a whole core of 2 went to something else), None where /proc/stat is missing."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy_before = machine_busy_seconds()
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        try:
            _, status, usage = _wait4(process.pid, timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            status = None
        wall = time.perf_counter() - start
        busy_after = machine_busy_seconds()
        process.returncode = -9 if status is None else os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    others = None
    if busy_before is not None and busy_after is not None and wall > 0:
        foreign = busy_after - busy_before - usage.ru_utime - usage.ru_stime
        others = max(0.0, foreign) / (wall * os.cpu_count())
    return Child(wall, timing.maxrss_mib(usage), process.returncode, stdout, stderr, others)


def _wait4(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        result = os.wait4(pid, os.WNOHANG)
        if result[0] != 0:
            return result
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(str(pid), timeout)
        time.sleep(0.005)


class Suite:
    def __init__(self, args, env, frameworks, notes):
        self.args, self.env, self.frameworks, self.notes = args, env, frameworks, notes
        self.results = {}  # key -> framework -> {"unit", "samples", "check"}
        self.details = {}  # framework -> versions, BLAS pools
        self.timeout = 300 if args.quick else 1800

    def add(self, key, framework, unit, samples, check=None, others=()):
        entry = self.results.setdefault(key, {}).setdefault(
            framework, {"unit": unit, "samples": [], "check": check, "others": None}
        )
        entry["samples"].extend(samples)
        if check:
            entry["check"] = check
        shares = [share for share in others if share is not None]
        if shares:
            entry["others"] = max([entry["others"] or 0.0, *shares])

    def fail(self, what, framework, code, stderr):
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        self.notes.append(f"{framework} {what}: failed (exit {code}): {tail}")
        print(f"  {framework}: FAILED (exit {code})", file=sys.stderr)

    def run(self, workload):
        for name, python in self.frameworks.items():
            if workload not in FRAMEWORKS[name]["workloads"]:
                continue
            print(f"[{workload}] {name} ...", file=sys.stderr, flush=True)
            if workload == "import":
                self.run_import(name, python)
            elif workload == "script":
                self.run_script(name, python)
            else:
                self.run_worker(name, python, workload)

    def run_worker(self, name, python, workload):
        command = [python, os.path.join(HERE, "worker.py"), name, workload]
        command += ["--threads", str(self.args.threads), "--budget", str(self.args.budget)]
        command += ["--repeats", str(self.args.repeats)] + (["--quick"] if self.args.quick else [])
        processes = 1
        if workload == "memory" and not self.args.quick:
            processes = min(self.args.repeats, 3)
        for _ in range(processes):  # memory: one fresh process per sample
            child = run_child(command, self.env, self.timeout)
            lines = [line for line in child.stdout.splitlines() if line.startswith(MARK)]
            if child.code != 0 or not lines:
                self.fail(workload, name, child.code, child.stderr)
                return
            result = json.loads(lines[-1][len(MARK) :])
            for item in result["measurements"]:
                if item.get("note"):
                    self.notes.append(f"{name} {item['key']}: {item['note']}")
                self.add(
                    item["key"],
                    name,
                    item["unit"],
                    item["samples"],
                    item.get("check"),
                    [child.others],
                )
            self.details.setdefault(name, {}).update(
                {"versions": result["versions"], "blas": result["blas"]}
            )

    def repeated(self, name, run_once):
        """Runs ``run_once`` (fresh process each) ``repeats`` times after one warm-up run,
        within the time budget; a first run slower than half the budget is kept as a sample,
        and --quick keeps every run."""
        samples = []
        spent = 0.0
        warm_up = not self.args.quick
        while len(samples) < self.args.repeats:
            sample = run_once()
            if sample is None:
                return []
            if warm_up:
                warm_up = False
                if sample[0] < self.args.budget / 2:
                    continue  # discard: page cache and .pyc files are warm from now on
            samples.append(sample)
            spent += sample[0]
            if spent > self.args.budget:
                break
        return samples

    def run_import(self, name, python):
        statement = FRAMEWORKS[name]["import"]
        code = (
            "import time\nstart = time.perf_counter()\n"
            f"{statement}\nprint(time.perf_counter() - start)"
        )

        def once():
            child = run_child([python, "-c", code], self.env, 600)
            if child.code != 0:
                self.fail("import", name, child.code, child.stderr)
                return None
            return float(child.stdout.strip().splitlines()[-1]), child.others

        samples = self.repeated(name, once)
        check = {"statement": statement}
        others = [s[1] for s in samples]
        self.add("import", name, "s", [s[0] for s in samples], check, others)

    def run_script(self, name, python):
        script = FRAMEWORKS[name]["script"]
        command = [python, os.path.join(REPO, script[0]), *script[1:]]
        with tempfile.TemporaryDirectory() as folder:  # the scripts save weights to the cwd

            def once():
                child = run_child(command, self.env, 1200, cwd=folder)
                if child.code != 0:
                    self.fail("script", name, child.code, child.stderr)
                    return None
                return child.wall, child.rss_mib, child.others

            samples = self.repeated(name, once)
        check = {"script": " ".join(script)}
        others = [s[2] for s in samples]
        self.add("script", name, "s", [s[0] for s in samples], check, others)
        self.add("script-rss", name, "MiB", [s[1] for s in samples], check, others)


def main(argv=None):
    args = parse_args(argv)
    env = child_environment(args.threads)
    notes = []
    meta = machine.describe(REPO, args.threads)
    frameworks = choose_frameworks(args, env, notes)
    load = meta["load_average_start"]
    if load and load[0] > 0.5:
        notes.append(f"machine not idle at the start: load average {load}")
    suite = Suite(args, env, frameworks, notes)
    start = time.perf_counter()
    for _ in range(args.rounds):
        for workload in WORKLOADS:
            if workload in args.only:
                began = time.perf_counter()
                suite.run(workload)
                print(f"[{workload}] {time.perf_counter() - began:.1f} s", file=sys.stderr)
    meta["load_average_end"] = machine.load_average()
    meta["seconds"] = round(time.perf_counter() - start, 1)
    meta["quick"] = args.quick
    meta["repeats"] = args.repeats
    meta["interpreters"] = sorted(set(frameworks.values()))

    rows = report.build_rows(suite.results, list(frameworks))
    targets = report.evaluate_targets(suite.results)
    print()
    print(
        f"{meta['date']}  {meta['cpu']}, {meta['cpus']} CPUs, {args.threads} threads, "
        f"{meta['blas'].get('name')} {meta['blas'].get('version')}, commit {meta['commit']}, "
        f"load {meta['load_average_start']} -> {meta['load_average_end']}"
    )
    print()
    print(report.format_table(rows))
    print()
    print("Targets (issue 4):")
    print(report.format_targets(targets))
    busy = sorted({row["key"] for row in rows if (row["others"] or 0) > report.BUSY})
    if busy:
        notes.append(
            f"other processes used over {report.BUSY:.0%} of the CPUs during: "
            f"{', '.join(busy)} (column 'others'); rerun those on an idle machine"
        )
    for note in notes:
        print(f"note: {note}")

    path = args.json or os.path.join(HERE, "results", time.strftime("%Y%m%d-%H%M%S") + ".json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as file:
        json.dump(
            {
                "meta": meta,
                "frameworks": suite.details,
                "rows": rows,
                "targets": targets,
                "notes": notes,
                "samples": suite.results,
            },
            file,
            indent=1,
        )
    print(f"written: {path}")


if __name__ == "__main__":
    main()
