"""`rosetta defaults` in Keras: a small network trained with one of Keras' own defaults.

`trained(key, spec, epochs)` trains from the spec's start (admissions_mlp's 6-2-1 network;
admissions_logit's unit for "bce_clamp") for `epochs` epochs with `model.fit`, leaving the
one thing `key` names at Keras' default, and returns y_hat on the training rows.
shared/checks/defaults.py sets the result beside torch_impl/defaults.py's for the same key.
"""

import logging

import numpy as np

from keras_impl import admissions_logit, backprop_321
from keras_impl.backend import batches, keras, to_numpy, use_dtype
from shared.specs import LogitSpec, TwoLayerSpec

# [keras] on tensorflow each new model's fit() traces a function of its own, and after five
# TensorFlow warns of "retracing": here every entry builds its model on purpose
logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _optimizer(key: str, lr: float) -> keras.optimizers.Optimizer:
    """The optimizer of each entry, with Keras' defaults where the entry is about one."""
    if key == "sgd_lr":
        return keras.optimizers.SGD()  # [keras] learning_rate defaults to 0.01
    if key == "momentum_sign":  # [keras] m = mu*m - lr*g; p += m: the velocity carries -lr
        # a float64 momentum: tensorflow takes a Python float through float32 (the next entry)
        return keras.optimizers.SGD(learning_rate=lr, momentum=np.float64(0.9))
    if key == "float32_hyperparameters":
        return keras.optimizers.SGD(learning_rate=lr, momentum=0.9)
    if key == "adam_eps":  # [keras] epsilon=1e-7, Kingma & Ba's "epsilon hat"
        return keras.optimizers.Adam(learning_rate=lr)
    if key == "rmsprop_rho_eps":  # [keras] rho=0.9, epsilon=1e-7 inside the root
        return keras.optimizers.RMSprop(learning_rate=lr)
    return keras.optimizers.SGD(learning_rate=lr)


def _model(key: str, spec: TwoLayerSpec | LogitSpec) -> keras.Model:
    if key == "bce_clamp":  # admissions_logit's unit, its output y_hat, not the logit
        unit = admissions_logit.build_model(spec.w, spec.b)
        return keras.Sequential([unit, keras.layers.Activation("sigmoid")])
    if key != "dense_init":
        return backprop_321.build_model(spec.W_input_hidden, spec.w_hidden_output)
    use_dtype(spec.X.dtype.name)
    keras.utils.set_random_seed(0)
    # [keras] Dense draws its kernel from glorot_uniform, U(+-sqrt(6 / (n_in + n_out))),
    # and starts its bias at zero
    hidden = keras.layers.Dense(2, activation="sigmoid")
    output = keras.layers.Dense(1, activation="sigmoid")
    return keras.Sequential([keras.Input(shape=(spec.X.shape[1],)), hidden, output])


def trained(key: str, spec: TwoLayerSpec | LogitSpec, epochs: int) -> np.ndarray:
    """y_hat on the training rows after `epochs` epochs with Keras' default for `key`."""
    if key == "fit_loss":  # the loss the tutorials' loop reports after `epochs` epochs
        target = float(np.mean((trained("sgd", spec, epochs) - spec.y) ** 2))
    model = _model(key, spec)  # backprop_321's model: built after trained("sgd") used it
    # [keras] "binary_crossentropy" clips y_hat to [1e-7, 1 - 1e-7]; "mse" has no 1/2
    loss = "binary_crossentropy" if key == "bce_clamp" else "mse"
    X, y = spec.X, spec.y.reshape(-1, 1)
    model.compile(optimizer=_optimizer(key, spec.lr), loss=loss)
    if key == "fit_batches":
        keras.utils.set_random_seed(0)
        # [keras] fit's defaults: shuffle=True, batch_size=32
        model.fit(X, y, epochs=epochs, verbose=0)
    elif key == "fit_loss":
        # [keras] logs["loss"] is each epoch's mean of its batch losses, each before its step's
        # update: stopping once it reaches the target takes one epoch more
        stop = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", logs["loss"] <= target)
        )
        model.fit(batches(X, y, len(X)), epochs=2 * epochs, steps_per_epoch=1, shuffle=False,
                  verbose=0, callbacks=[stop])  # fmt: skip
    else:  # full-batch steps in order
        model.fit(batches(X, y, len(X)), epochs=epochs, steps_per_epoch=1, shuffle=False,
                  verbose=0)  # fmt: skip
    return to_numpy(model(X)).reshape(-1)
