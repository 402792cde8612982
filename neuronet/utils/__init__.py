"""Utilities with Keras's names: seeding, label encoding, data splits, batch datasets, progress
bars, pictures (matplotlib, loaded on first use) and downloads."""

from neuronet.backend import set_random_seed
from neuronet.utils.data import normalize, split_dataset, to_categorical
from neuronet.utils.decision_boundary import plot_decision_boundary
from neuronet.utils.history_plot import plot_history
from neuronet.utils.model_plot import plot_model
from neuronet.utils.progbar import Progbar
from neuronet.utils.sequence import PyDataset, Sequence

__all__ = [
    "Progbar",
    "PyDataset",
    "Sequence",
    "get_file",
    "normalize",
    "plot_decision_boundary",
    "plot_history",
    "plot_model",
    "set_random_seed",
    "split_dataset",
    "to_categorical",
]


def __getattr__(name):
    # get_file lives with the datasets, which import neuronet.saving: loaded on first use, so
    # that `import neuronet` neither pays for it nor imports the two packages in a cycle.
    if name == "get_file":
        from neuronet.datasets.download import get_file

        return get_file
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
