#!/usr/bin/env bash
# Ours load in Keras: write models with neuronet, then load them with real Keras 3 and tf_keras
# (TensorFlow backend) and compare predictions and compile settings. Needs the package index.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-interop
.venv-interop/bin/pip install --quiet -e '.[interop]'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.venv-interop/bin/python interop/write_files.py "$out"
status=0
KERAS_BACKEND=tensorflow TF_CPP_MIN_LOG_LEVEL=3 \
    .venv-interop/bin/python interop/check_in_keras.py "$out" > "$out/log.txt" 2>&1 || status=$?
if [ "$status" -eq 0 ]; then
    grep -E '^ok |checks passed' "$out/log.txt"
else
    cat "$out/log.txt"
fi
exit "$status"
