"""The frameworks compared, each behind the same small interface.

``load(name, threads)`` returns an object with:

- ``versions()``: the versions worth recording;
- ``xor(x, y)``: a session with ``fit(epochs)``, ``predict()`` and ``loss()`` (the last epoch's);
- ``mlp(x, labels, onehot)``: a session with ``epoch()``, ``predict(x, batch_size)``
  (``batch_size=None``: the framework's default batch size, 32 in Keras; ``"all"``: one batch)
  and ``accuracy()`` (the last epoch's training accuracy, or None).

Adapters import their framework only when loaded, so this package imports in any environment.
"""

import importlib

# Everything run.py needs to know about a framework, without importing it:
# adapter (module, class, keyword arguments), the workloads it takes part in, the statement
# whose time is its import time, the interpreter it needs ("main", or "keras": the one with
# Keras installed) and its whole-script twin of examples/xor.py (path relative to the repository).
SCRIPTS = "benchmarks/scripts/"
TRAINING = ("xor", "mlp", "predict", "memory")
FRAMEWORKS = {
    "neuronet": {
        "adapter": ("frameworks.keras_api", "KerasApi", {"module": "neuronet"}),
        "workloads": TRAINING + ("import", "script"),
        "import": "import neuronet",
        "python": "main",
        "script": ["examples/xor.py", "--no-pictures"],
        "module": "neuronet",
    },
    "numpy": {
        "adapter": ("frameworks.numpy_loops", "NumpyLoops", {"history": True}),
        "workloads": TRAINING + ("import", "script"),
        "import": "import numpy",
        "python": "main",
        "script": [SCRIPTS + "xor_numpy.py"],
        "module": "numpy",
    },
    "numpy-bare": {
        "adapter": ("frameworks.numpy_loops", "NumpyLoops", {"history": False}),
        "workloads": ("xor",),
        "python": "main",
        "module": "numpy",
    },
    "gemm-floor": {
        "adapter": ("frameworks.numpy_loops", "GemmFloorOnly", {}),
        "workloads": ("mlp",),
        "python": "main",
        "module": "numpy",
    },
    "torch": {
        "adapter": ("frameworks.torch_loops", "TorchLoops", {}),
        "workloads": TRAINING + ("import", "script"),
        "import": "import torch",
        "python": "main",
        "script": [SCRIPTS + "xor_torch.py"],
        "module": "torch",
    },
    "sklearn": {
        "adapter": ("frameworks.sklearn_mlp", "SklearnMlp", {}),
        "workloads": TRAINING + ("import", "script"),
        "import": "from sklearn.neural_network import MLPClassifier",
        "python": "main",
        "script": [SCRIPTS + "xor_sklearn.py"],
        "module": "sklearn",
    },
    "keras": {
        "adapter": ("frameworks.keras_api", "KerasApi", {"module": "keras"}),
        "workloads": TRAINING + ("import", "script"),
        "import": "import keras",
        "python": "keras",
        "script": [SCRIPTS + "xor_keras.py", "keras"],
        "module": "keras",
    },
    "tf_keras": {
        "adapter": ("frameworks.keras_api", "KerasApi", {"module": "tf_keras"}),
        "workloads": TRAINING + ("import", "script"),
        "import": "import tf_keras",
        "python": "keras",
        "script": [SCRIPTS + "xor_keras.py", "tf_keras"],
        "module": "tf_keras",
    },
}

# The settings every framework trains with.
XOR_LEARNING_RATE = 0.1
MLP_SIZES = (784, 256, 128, 10)
MLP_BATCH = 128
MLP_LEARNING_RATE = 0.01


def load(name, threads):
    module_name, class_name, kwargs = FRAMEWORKS[name]["adapter"]
    adapter = getattr(importlib.import_module(module_name), class_name)
    return adapter(threads=threads, **kwargs)
