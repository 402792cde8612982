"""The results table (medians and ratios) and the targets of issue 4, as text."""

import statistics

ROWS = {
    "import": "import",
    "script": "XOR script, whole run",
    "script-rss": "XOR script, peak RSS",
    "xor-fit-100": "XOR fit, 100 epochs, per epoch",
    "xor-fit-1000": "XOR fit, 1000 epochs, per epoch",
    "xor-predict": "XOR predict, 4 rows, per call",
    "mlp-epoch": "MLP epoch",
    "predict-b32": "predict 10k rows, batch 32",
    "predict-all": "predict 10k rows, one batch",
    "memory-epoch": "MLP epoch, peak RSS above start",
    "memory-peak": "MLP epoch process, peak RSS",
}
ORDER = list(ROWS)
# A row whose processes shared the machine with more than this CPU share is flagged.
BUSY = 0.10


def median(samples):
    return statistics.median(samples) if samples else None


def format_value(value, unit):
    if value is None:
        return "-"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if value >= scale or suffix == "us":
            return f"{value / scale:.3g} {suffix}"
    return str(value)


def ratio(value, reference):
    if value is None or not reference:
        return None
    return value / reference


def format_ratio(value):
    if value is None:
        return ""
    return f"{value:.3g}x"


def build_rows(results, frameworks):
    """One row per (workload key, framework) with the median and its ratios."""
    rows = []
    for key in ORDER:
        by_framework = results.get(key, {})
        reference = {name: median(entry["samples"]) for name, entry in by_framework.items()}
        for name in frameworks:
            entry = by_framework.get(name)
            if entry is None or not entry["samples"]:
                continue
            value = reference[name]
            row = {
                "key": key,
                "framework": name,
                "unit": entry["unit"],
                "median": value,
                "min": min(entry["samples"]),
                "max": max(entry["samples"]),
                "n": len(entry["samples"]),
                "vs_neuronet": ratio(value, reference.get("neuronet")),
                "vs_numpy": ratio(value, reference.get("numpy")),
                "vs_floor": ratio(value, reference.get("gemm-floor")),
                "others": entry.get("others"),
                "note": note_for(key, value, entry),
            }
            rows.append(row)
    return rows


def note_for(key, value, entry):
    check = entry.get("check") or {}
    if key.startswith("predict") and value:
        return f"{check.get('rows', 10_000) / value / 1000:.0f}k rows/s"
    if key == "mlp-epoch":
        if check.get("gflop") and value:
            return f"{check['gflop']:.1f} GFLOP, {check['gflop'] / value:.0f} GFLOP/s"
        if check.get("accuracy") is not None:
            return f"train acc {check['accuracy']:.2f}"
    if key.startswith("xor-fit") and check.get("loss") is not None:
        return f"loss {check['loss']:.3f}"
    return ""


def format_share(share):
    if share is None:
        return ""
    return f"{share:.0%}" + (" !" if share > BUSY else "")


def format_table(rows):
    header = ["workload", "framework", "median", "n", "/neuronet", "/numpy", "/floor", "others"]
    header.append("note")
    lines = [header]
    for row in rows:
        lines.append(
            [
                ROWS[row["key"]],
                row["framework"],
                format_value(row["median"], row["unit"]),
                str(row["n"]),
                format_ratio(row["vs_neuronet"]),
                format_ratio(row["vs_numpy"]),
                format_ratio(row["vs_floor"]) if row["key"] == "mlp-epoch" else "",
                format_share(row["others"]),
                row["note"],
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = []
    for index, line in enumerate(lines):
        text.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if index == 0:
            text.append("  ".join("-" * width for width in widths))
    return "\n".join(text)


# (label, key, numerator framework, denominator framework, comparison, goal)
# The ratio is median(numerator) / median(denominator); for "value" the median itself.
TARGETS = [
    ("XOR fit: Keras 3 / neuronet", "xor-fit-{e}", "keras", "neuronet", ">=", 500),
    ("XOR fit: PyTorch / neuronet", "xor-fit-{e}", "torch", "neuronet", ">=", 3),
    ("XOR fit: neuronet / NumPy loop", "xor-fit-{e}", "neuronet", "numpy", "<=", 1.5),
    ("MLP epoch: neuronet / NumPy loop", "mlp-epoch", "neuronet", "numpy", "<=", 1.0),
    ("MLP epoch: neuronet / GEMM floor", "mlp-epoch", "neuronet", "gemm-floor", "<=", 1.2),
    ("predict batch 32: PyTorch / neuronet", "predict-b32", "torch", "neuronet", ">=", 1.0),
    ("predict one batch: PyTorch / neuronet", "predict-all", "torch", "neuronet", ">=", 1.0),
    ("import neuronet (s)", "import", "neuronet", None, "<=", 0.2),
    ("examples/xor.py whole run (s)", "script", "neuronet", None, "<=", 0.3),
    (
        "MLP epoch peak above start: neuronet / PyTorch",
        "memory-epoch",
        "neuronet",
        "torch",
        "<=",
        1,
    ),
    ("MLP process peak RSS: neuronet / PyTorch", "memory-peak", "neuronet", "torch", "<=", 1),
]


def evaluate_targets(results):
    """Each target with its measured value and whether it is met (None: not measured)."""
    xor_keys = sorted(k for k in results if k.startswith("xor-fit-"))
    checks = []
    for label, key, numerator, denominator, comparison, goal in TARGETS:
        keys = [key.format(e=k.rsplit("-", 1)[1]) for k in xor_keys] if "{e}" in key else [key]
        for concrete in keys:
            entries = results.get(concrete, {})
            top = median(entries.get(numerator, {}).get("samples", []))
            if denominator is None:
                value = top
            else:
                value = ratio(top, median(entries.get(denominator, {}).get("samples", [])))
            met = None
            if value is not None:
                met = value >= goal if comparison == ">=" else value <= goal
            suffix = f" ({concrete.rsplit('-', 1)[1]} epochs)" if "{e}" in key else ""
            checks.append(
                {
                    "target": label + suffix,
                    "key": concrete,
                    "value": value,
                    "goal": f"{comparison} {goal}",
                    "met": met,
                }
            )
    return checks


def format_targets(checks):
    width = max(len(check["target"]) for check in checks)
    lines = []
    for check in checks:
        value = "not measured" if check["value"] is None else f"{check['value']:.3g}"
        verdict = {True: "met", False: "NOT MET", None: ""}[check["met"]]
        lines.append(
            f"{check['target'].ljust(width)}  {value:>12}  goal {check['goal']:<8} {verdict}"
        )
    return "\n".join(lines)
