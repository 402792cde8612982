"""``neuronet.optimizers``: get, serialize, deserialize, and Keras 3's own serialized configs."""

import json
import zipfile

import pytest

from neuronet import optimizers
from neuronet.errors import UnknownIdentifierError
from neuronet.optimizers import (
    OPTIMIZERS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Nadam,
    RMSprop,
    schedules,
)

KERAS_NAMES = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "adamax": Adamax,
    "nadam": Nadam,
}

# Keras 3 defaults: (learning_rate, name) of each optimizer.
DEFAULTS = {
    SGD: 0.01,
    Adam: 0.001,
    AdamW: 0.001,
    RMSprop: 0.001,
    Adagrad: 0.001,
    Adadelta: 0.001,
    Adamax: 0.001,
    Nadam: 0.001,
}


@pytest.mark.parametrize("name, cls", KERAS_NAMES.items())
def test_get_by_name_gives_fresh_defaults(name, cls):
    for identifier in (name, cls.__name__, name.upper(), name.capitalize()):
        optimizer = optimizers.get(identifier)
        assert type(optimizer) is cls
        assert optimizer.name == name
        assert optimizer.learning_rate == pytest.approx(DEFAULTS[cls])
    assert optimizers.get(name) is not optimizers.get(name)


def test_get_passes_instances_and_none_through():
    optimizer = Adam()
    assert optimizers.get(optimizer) is optimizer
    assert optimizers.get(None) is None
    with pytest.raises(UnknownIdentifierError, match="Could not interpret"):
        optimizers.get(42)


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'adam'"):
        optimizers.get("adan")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'RMSprop'"):
        optimizers.deserialize({"class_name": "RMSProps", "config": {}})


def test_serialize_deserialize_round_trip():
    schedule = schedules.ExponentialDecay(0.1, 100, 0.9)
    optimizer = SGD(learning_rate=schedule, momentum=0.9, nesterov=True, name="mine")
    serialized = optimizers.serialize(optimizer)
    assert serialized["module"] == "keras.optimizers"
    assert serialized["class_name"] == "SGD"
    assert serialized["config"]["learning_rate"]["class_name"] == "ExponentialDecay"
    clone = optimizers.deserialize(json.loads(json.dumps(serialized)))
    assert type(clone) is SGD and clone.get_config() == optimizer.get_config()
    assert optimizers.get(serialized).name == "mine"


def test_custom_objects():
    class MySchedule(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5

        def get_config(self):
            return {}

    class MySGD(SGD):
        pass

    config = {
        "class_name": "MySGD",
        "config": {"learning_rate": {"class_name": "MySchedule", "config": {}}},
    }
    optimizer = optimizers.deserialize(
        config, custom_objects={"MySGD": MySGD, "MySchedule": MySchedule}
    )
    assert type(optimizer) is MySGD and optimizer.learning_rate == 0.5


def test_registry_holds_class_and_lowercase_names():
    assert OPTIMIZERS.lookup("RMSprop") is RMSprop
    assert OPTIMIZERS.lookup("rmsprop") is RMSprop
    assert OPTIMIZERS.name_of(AdamW) == "AdamW"


def keras3_compile_configs(folder):
    """The optimizer configs Keras 3 wrote into the .keras files of the fixtures."""
    found = []
    for path in sorted((folder / "inference").glob("*.keras")):
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
        optimizer = (config.get("compile_config") or {}).get("optimizer")
        if optimizer:
            found.append(optimizer)
    return found


def test_matches_what_keras3_serializes(keras_fixtures):
    configs = keras3_compile_configs(keras_fixtures)
    assert {c["class_name"] for c in configs} >= {"SGD", "Adam"}
    for keras_config in configs:
        rate = keras_config["config"]["learning_rate"]
        mine = optimizers.get(keras_config["class_name"].lower())
        mine.learning_rate = rate
        # Same module, class name, keys in the same order, same values (floats as Keras
        # writes them, from the float32 learning-rate variable).
        assert optimizers.serialize(mine) == keras_config
        assert list(optimizers.serialize(mine)["config"]) == list(keras_config["config"])
        assert optimizers.serialize(optimizers.deserialize(keras_config)) == keras_config
