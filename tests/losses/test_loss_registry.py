"""get / serialize / deserialize / as_loss: names, aliases, configs, custom losses."""

import numpy as np
import pytest

from neuronet import losses
from neuronet.errors import UnknownIdentifierError
from neuronet.testing import check_loss_gradient, float64

FUNCTION_NAMES = {
    "binary_crossentropy": losses.binary_crossentropy,
    "bce": losses.binary_crossentropy,
    "BCE": losses.binary_crossentropy,
    "categorical_crossentropy": losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": losses.sparse_categorical_crossentropy,
    "mean_squared_error": losses.mean_squared_error,
    "mse": losses.mean_squared_error,
    "MSE": losses.mean_squared_error,
    "mean_absolute_error": losses.mean_absolute_error,
    "mae": losses.mean_absolute_error,
    "MAE": losses.mean_absolute_error,
    "mean_absolute_percentage_error": losses.mean_absolute_percentage_error,
    "mape": losses.mean_absolute_percentage_error,
    "MAPE": losses.mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": losses.mean_squared_logarithmic_error,
    "msle": losses.mean_squared_logarithmic_error,
    "MSLE": losses.mean_squared_logarithmic_error,
    "hinge": losses.hinge,
    "squared_hinge": losses.squared_hinge,
    "categorical_hinge": losses.categorical_hinge,
    "huber": losses.huber,
    "log_cosh": losses.log_cosh,
    "logcosh": losses.log_cosh,
    "kl_divergence": losses.kl_divergence,
    "kld": losses.kl_divergence,
    "KLD": losses.kl_divergence,
    "kullback_leibler_divergence": losses.kl_divergence,
    "poisson": losses.poisson,
    "cosine_similarity": losses.cosine_similarity,
}

CLASS_OF = {
    losses.binary_crossentropy: losses.BinaryCrossentropy,
    losses.categorical_crossentropy: losses.CategoricalCrossentropy,
    losses.sparse_categorical_crossentropy: losses.SparseCategoricalCrossentropy,
    losses.mean_squared_error: losses.MeanSquaredError,
    losses.mean_absolute_error: losses.MeanAbsoluteError,
    losses.mean_absolute_percentage_error: losses.MeanAbsolutePercentageError,
    losses.mean_squared_logarithmic_error: losses.MeanSquaredLogarithmicError,
    losses.hinge: losses.Hinge,
    losses.squared_hinge: losses.SquaredHinge,
    losses.categorical_hinge: losses.CategoricalHinge,
    losses.huber: losses.Huber,
    losses.log_cosh: losses.LogCosh,
    losses.kl_divergence: losses.KLDivergence,
    losses.poisson: losses.Poisson,
    losses.cosine_similarity: losses.CosineSimilarity,
}


@pytest.mark.parametrize("name", sorted(FUNCTION_NAMES))
def test_get_function_names_and_aliases(name):
    assert losses.get(name) is FUNCTION_NAMES[name]
    assert losses.LOSSES.lookup(name) is FUNCTION_NAMES[name]
    assert callable(losses.gradient(name))


def test_module_level_aliases():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.kld is losses.kullback_leibler_divergence is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh


@pytest.mark.parametrize("cls", sorted(set(CLASS_OF.values()), key=lambda c: c.__name__))
def test_get_class_name_gives_an_instance(cls):
    loss = losses.get(cls.__name__)
    assert type(loss) is cls
    assert losses.as_loss(cls.__name__).get_config() == cls().get_config()


def test_get_other_identifiers():
    assert losses.get(None) is None
    loss = losses.CategoricalCrossentropy()
    assert losses.get(loss) is loss
    assert losses.get(losses.huber) is losses.huber
    from_dict = losses.get(
        {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}
    )
    assert isinstance(from_dict, losses.CategoricalCrossentropy) and from_dict.from_logits
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get(3)


@pytest.mark.parametrize(
    "name, suggestion",
    [
        ("mean_squared_eror", "mean_squared_error"),
        ("binary_crossentropie", "binary_crossentropy"),
        ("BinaryCrossEntropy", "BinaryCrossentropy"),
        ("sparse_categorical_cross_entropy", "sparse_categorical_crossentropy"),
    ],
)
def test_unknown_names_suggest_the_closest(name, suggestion):
    with pytest.raises(UnknownIdentifierError, match=f"Did you mean '{suggestion}'"):
        losses.get(name)
    with pytest.raises(UnknownIdentifierError, match=f"Did you mean '{suggestion}'"):
        losses.as_loss(name)


# --- serialize / deserialize ----------------------------------------------------------------------


def test_serialize_functions_by_canonical_name():
    assert losses.serialize(losses.mse) == "mean_squared_error"
    assert losses.serialize(losses.kld) == "kl_divergence"
    assert losses.deserialize("mse") is losses.mean_squared_error


@pytest.mark.parametrize(
    "loss",
    [
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum"),
        losses.SparseCategoricalCrossentropy(ignore_class=-1, name="scce"),
        losses.Huber(delta=0.5),
        losses.CosineSimilarity(axis=1),
        losses.MeanSquaredError(name="mse", reduction=None),
    ],
)
def test_serialize_deserialize_roundtrip(loss):
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses"
    assert config["class_name"] == type(loss).__name__
    assert config["registered_name"] is None
    clone = losses.deserialize(config)
    assert type(clone) is type(loss) and clone.get_config() == loss.get_config()


def test_deserialize_what_keras_writes():
    # Keras 3: a plain function, and a class with its full config
    keras3_function = {
        "module": "keras.losses",
        "class_name": "function",
        "config": "mean_squared_error",
        "registered_name": "mean_squared_error",
    }
    assert losses.deserialize(keras3_function) is losses.mean_squared_error
    keras3_class = {
        "module": "keras.losses",
        "class_name": "BinaryCrossentropy",
        "config": {
            "name": "binary_crossentropy",
            "reduction": "sum_over_batch_size",
            "from_logits": False,
            "label_smoothing": 0.0,
            "axis": -1,
        },
        "registered_name": None,
    }
    assert losses.deserialize(keras3_class).get_config() == keras3_class["config"]
    # Keras 2: no module, and the old 'auto' reduction
    keras2_class = {
        "class_name": "CategoricalCrossentropy",
        "config": {
            "reduction": "auto",
            "name": "cce",
            "from_logits": True,
            "label_smoothing": 0.0,
            "axis": -1,
        },
    }
    loss = losses.deserialize(keras2_class)
    assert loss.reduction == "sum_over_batch_size" and loss.from_logits and loss.name == "cce"


def test_compile_config_loss_string_from_a_keras_file(keras_fixtures):
    import json
    import zipfile

    with zipfile.ZipFile(
        keras_fixtures / "inference" / "relu_softmax_classifier.keras3.keras"
    ) as z:
        compile_config = json.loads(z.read("config.json"))["compile_config"]
    loss = losses.as_loss(compile_config["loss"])
    assert isinstance(loss, losses.CategoricalCrossentropy)
    assert loss.name == "categorical_crossentropy" and loss.fused_activation == "softmax"


# --- as_loss ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FUNCTION_NAMES))
def test_as_loss_gives_the_matching_class_named_as_written(name):
    loss = losses.as_loss(name)
    assert type(loss) is CLASS_OF[FUNCTION_NAMES[name]]
    assert loss.name == name


@pytest.mark.parametrize("fn", list(CLASS_OF), ids=lambda fn: fn.__name__)
def test_as_loss_of_a_function(fn):
    loss = losses.as_loss(fn)
    assert type(loss) is CLASS_OF[fn] and loss.name == fn.__name__


def test_as_loss_keeps_instances_and_refuses_none():
    loss = losses.Huber(delta=2.0)
    assert losses.as_loss(loss) is loss
    assert isinstance(losses.as_loss(losses.Poisson), losses.Poisson)
    assert losses.as_loss({"class_name": "Huber", "config": {"delta": 3.0}}).delta == 3.0
    with pytest.raises(ValueError, match="No loss was given"):
        losses.as_loss(None)


def test_as_loss_of_an_unknown_function_needs_a_gradient():
    def my_loss(y_true, y_pred):
        return np.mean((y_pred - y_true) ** 4, axis=-1)

    with pytest.raises(ValueError, match="'my_loss' has no gradient.*register"):
        losses.as_loss(my_loss)

    # with a derivative attached it trains
    def my_loss_grad(y_true, y_pred, grad_values=None):
        weights = 1.0 if grad_values is None else np.asarray(grad_values)[..., None]
        return 4.0 * (y_pred - y_true) ** 3 / y_pred.shape[-1] * weights

    my_loss.grad = my_loss_grad
    loss = losses.as_loss(my_loss)
    assert isinstance(loss, losses.LossFunctionWrapper) and loss.name == "my_loss"
    rng = np.random.default_rng(31)
    with float64():
        check_loss_gradient(loss, rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), np.ones(4))


def test_register_a_custom_loss_by_name():
    def cubic_error(y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true) ** 3, axis=-1)

    def cubic_error_grad(y_true, y_pred, grad_values=None):
        diff = y_pred - y_true
        weights = 1.0 if grad_values is None else np.asarray(grad_values)[..., None]
        return 3.0 * diff * np.abs(diff) / diff.shape[-1] * weights

    losses.register(cubic_error, cubic_error_grad, "cubic_error_test_only")
    try:
        loss = losses.as_loss("cubic_error_test_only")
        assert loss.name == "cubic_error_test_only" and loss.fn is cubic_error
        assert losses.gradient(cubic_error) is cubic_error_grad
        with pytest.raises(ValueError, match="already registered"):
            losses.register(lambda t, p: t, cubic_error_grad, "mse")
    finally:  # keep the shared registry as the other tests expect it
        losses.LOSSES._objects.pop("cubic_error_test_only")
