"""Callbacks: objects whose hooks run during fit, evaluate and predict (Keras 3's API)."""

from neuronet.callbacks.callback import Callback, CallbackList
from neuronet.callbacks.csv_logger import CSVLogger
from neuronet.callbacks.early_stopping import EarlyStopping
from neuronet.callbacks.history import History
from neuronet.callbacks.lambda_callback import LambdaCallback
from neuronet.callbacks.learning_rate_scheduler import LearningRateScheduler
from neuronet.callbacks.model_checkpoint import ModelCheckpoint
from neuronet.callbacks.progbar_logger import ProgbarLogger
from neuronet.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from neuronet.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "Callback",
    "CallbackList",
    "CSVLogger",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
