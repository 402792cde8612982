"""Rebuilding a fitted model after ``pickle``/``copy.deepcopy``, so that it can train on.

A neuronet model survives pickling for prediction, but not for further training: its trainable
weights live as views into one shared buffer (``variables.Pack``) and its optimizer finds its
state by ``id()`` of each weight, and pickling keeps neither the views nor the ids. An
unpickled model that is fitted again either refuses ("the trainable weights changed") or, once
recompiled, silently updates the old buffer instead of the weights its layers read.

``renew_model`` rebuilds such a model from its config, its weights, the settings it was
compiled with and its optimizer's state, which is what the estimators need for
``warm_start`` and ``partial_fit`` after ``pickle.loads``. Once neuronet's models and
optimizers restore their views and indices when unpickled, this module can go.
"""

from neuronet.models import Sequential


def renew_model(model: Sequential) -> Sequential:
    """A fresh copy of ``model``: same architecture, weights, compile settings, optimizer state.

    Args:
        model: a (possibly unpickled) Sequential model; built, compiled or not.

    Returns:
        A new model whose further training continues exactly where ``model``'s left off.
    """
    custom_objects = {type(layer).__name__: type(layer) for layer in model.layers}
    fresh = type(model).from_config(model.get_config(), custom_objects=custom_objects)
    if not model.built:
        return fresh
    if not fresh.built:
        fresh.build(model.input_shape)
    fresh.set_weights(model.get_weights())
    if not model.compiled:
        return fresh
    # The arguments compile was given (the same objects, unpickled with the model; read from
    # the attribute compile keeps them in, as neuronet.saving does); only the optimizer is
    # replaced, by a new one of the same class and config.
    settings = dict(model._compile_config)
    old_optimizer = model.optimizer
    settings["optimizer"] = type(old_optimizer).from_config(old_optimizer.get_config())
    fresh.compile(**settings)
    if old_optimizer.built:
        # Slots are created for the new weights, then given the old values in Keras's order
        # (iteration count, learning rate, then each weight's moments).
        fresh.optimizer.build(fresh.trainable_weights)
        fresh.optimizer.set_weights([variable.numpy() for variable in old_optimizer.variables])
    return fresh
