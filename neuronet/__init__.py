"""neuronet: neural networks on NumPy with the Keras API and Keras's numbers.

Replace ``keras`` by ``neuronet`` in the imports of Keras code::

    from neuronet.models import Sequential
    from neuronet.layers import Dense, Activation
    from neuronet.optimizers import SGD
"""

__version__ = "0.1.0"

from neuronet import (  # noqa: E402  (the version is set first, for tools that read it)
    activations,
    backend,
    callbacks,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from neuronet.backend import (  # noqa: E402
    clear_session,
    epsilon,
    floatx,
    set_epsilon,
    set_floatx,
    set_random_seed,
)
from neuronet.layers import Input  # noqa: E402
from neuronet.models import Sequential, model_from_json  # noqa: E402
from neuronet.perceptron import Perceptron  # noqa: E402

__all__ = [
    "Input",
    "Perceptron",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "clear_session",
    "datasets",
    "epsilon",
    "floatx",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "model_from_json",
    "models",
    "optimizers",
    "regularizers",
    "set_epsilon",
    "set_floatx",
    "set_random_seed",
    "utils",
]
