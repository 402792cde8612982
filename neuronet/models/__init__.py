"""Models: ``Sequential`` and the functions that rebuild models from configs."""

from neuronet.models.sequential import Sequential
from neuronet.saving.json_config import model_from_config, model_from_json
from neuronet.saving.model_files import load_model, save_model

__all__ = [
    "Sequential",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]
