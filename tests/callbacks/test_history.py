"""History: what fit returns."""

from neuronet.callbacks import CallbackList, History


def test_records_each_epoch_and_sets_model_history(model):
    history = History()
    history.set_model(model)
    history.set_params({"verbose": 0, "epochs": 2, "steps": 1, "samples": 4, "batch_size": 4})
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": 0.9, "accuracy": 0.5})
    history.on_epoch_end(1, {"loss": 0.7, "accuracy": 0.75, "val_loss": 0.8})
    # A key first seen at epoch 1 has one value only, as in Keras.
    assert history.history == {"loss": [0.9, 0.7], "accuracy": [0.5, 0.75], "val_loss": [0.8]}
    assert history.epoch == [0, 1]
    assert history.params["epochs"] == 2
    assert model.history is history and history.model is model


def test_a_second_fit_restarts_epoch_but_extends_history(model):
    history = History()
    history.set_model(model)
    for _ in range(2):
        history.on_train_begin()
        history.on_epoch_end(0, {"loss": 1.0})
    assert history.epoch == [0]
    assert history.history == {"loss": [1.0, 1.0]}


def test_empty_before_training_and_without_logs(model):
    history = History()
    assert history.history == {} and history.epoch == []
    history.set_model(model)
    history.on_epoch_end(0)
    assert history.epoch == [0] and history.history == {}


def test_through_a_callback_list_as_fit_uses_it(model):
    callback_list = CallbackList(None, add_history=True, model=model, verbose=0, epochs=3)
    callback_list.on_train_begin()
    for epoch in range(3):
        callback_list.on_epoch_begin(epoch)
        callback_list.on_train_batch_end(0, {"size": 2, "loss": 0.1 * epoch})
        callback_list.on_epoch_end(epoch, {"loss": 1.0 - 0.25 * epoch})
    callback_list.on_train_end()
    assert model.history.history == {"loss": [1.0, 0.75, 0.5]}
    assert model.history.epoch == [0, 1, 2]
    assert model.history.params == {"verbose": 0, "epochs": 3}
