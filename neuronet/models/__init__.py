"""Models: ``Sequential`` and the functions that rebuild models from configs."""

from neuronet.models.sequential import Sequential
from neuronet.saving.json_config import model_from_config, model_from_json

__all__ = ["Sequential", "model_from_config", "model_from_json"]
