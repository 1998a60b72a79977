"""backprop_321 in Keras: one backprop step through a 3-2-1 sigmoid network, no biases.

Spec: `shared.specs.backprop_321`. The same model, trained, is admissions_mlp.
hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ w_hidden_output),
E = 1/2 * mean((y - y_hat)^2), as in numpy_impl/backprop_321.py.
Differs from numpy_impl:
- gradients come from the backend's autodiff; the error terms are the gradients at each
  layer's pre-activation, -dE/dz;
- the worked step is `model.train_on_batch`, training a full-batch `model.fit`, as single_unit's.
"""

from functools import cache

import numpy as np

from keras_impl import optimizers
from keras_impl.autodiff import gradient_function, weight_gradients
from keras_impl.backend import batches, keras, ops, params_like, to_numpy, use_dtype
from keras_impl.callbacks import LossHistory
from keras_impl.single_unit import batch, half_mse, mse
from shared.specs import Params, start_params
from shared.specs.backprop_321 import TwoLayerSpec


def build_model(
    W_input_hidden: np.ndarray, w_hidden_output: np.ndarray, activation: str = "sigmoid"
) -> keras.Model:
    use_dtype(W_input_hidden.dtype.name)
    model = sequential(*W_input_hidden.shape, activation, W_input_hidden.dtype.name)
    # lesson: set the starting weights into the two kernels, in the (in, out) layout Dense keeps
    model.set_weights([W_input_hidden, w_hidden_output.reshape(-1, 1)])
    return model


@cache  # [keras] built once per shape: forward, loss and gradients reuse it with new weights
def sequential(n_in: int, n_hidden: int, activation: str, dtype: str) -> keras.Model:
    # lesson begin: the layers: two Dense layers without biases, the activation, then the sigmoid
    hidden = keras.layers.Dense(n_hidden, use_bias=False, activation=activation)
    output = keras.layers.Dense(1, use_bias=False, activation="sigmoid")
    return keras.Sequential([keras.Input(shape=(n_in,)), hidden, output])
    # lesson end


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    y_hat = build_model(**params, activation=activation)(np.atleast_2d(X))
    return to_numpy(y_hat).reshape(np.shape(X)[:-1])


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    X, y = batch(X, y)
    return float(to_numpy(half_mse(y, build_model(**params, activation=activation)(X))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    model = build_model(**params, activation=activation)
    return params_like(weight_gradients(model, half_mse, *batch(X, y)), params)


def train(spec: TwoLayerSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent; returns the final parameters and the training
    MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch (after its update)."""
    model = build_model(spec.W_input_hidden, spec.w_hidden_output, spec.activation)
    X, y = batch(spec.X, spec.y)
    # lesson: compile with the spec's optimizer and the tutorial's loss E
    model.compile(optimizer=optimizers.make(spec), loss=half_mse)
    history = LossHistory(spec, mse, X, y, spec.loss_every)
    # lesson: fit for spec.epochs epochs, each one step on all the records, in order
    model.fit(batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1, shuffle=False,
              verbose=0, callbacks=[history])  # fmt: skip
    return params_like(model.get_weights(), start_params(spec)), history.history


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, errors, error terms, weight steps, gradients."""
    model = build_model(spec.W_input_hidden, spec.w_hidden_output, spec.activation)
    hidden_activation = keras.activations.get(spec.activation)
    X, y = batch(spec.X, spec.y)
    hidden_layer, output_layer = model.layers
    # the forward pass link by link: each pre-activation z, to differentiate at
    z_hidden = ops.matmul(ops.convert_to_tensor(X), hidden_layer.kernel)
    z_output = ops.matmul(hidden_activation(z_hidden), output_layer.kernel)
    y_hat = to_numpy(ops.sigmoid(z_output))
    _, (dE_dz_output,) = gradient_function(lambda z: half_mse(y, ops.sigmoid(z)))(z_output)
    _, (dE_dz_hidden,) = gradient_function(
        lambda z: half_mse(y, ops.sigmoid(ops.matmul(hidden_activation(z), output_layer.kernel)))
    )(z_hidden)
    grads = params_like(weight_gradients(model, half_mse, X, y), start_params(spec))
    before = params_like(model.get_weights(), grads)
    # [keras] one step: train_on_batch, run eagerly (single_unit.py says why)
    # lesson begin: the one SGD step on the batch: compile, then train_on_batch
    sgd = keras.optimizers.SGD(learning_rate=spec.lr)
    model.compile(optimizer=sgd, loss=half_mse, run_eagerly=True)
    model.train_on_batch(X, y)
    # lesson end
    after = params_like(model.get_weights(), grads)
    return {
        "output": y_hat[0, 0],
        "error": (y - y_hat)[0, 0],
        # error terms = -dE/dz at each layer's pre-activation, for the one record
        "output_error_term": -dE_dz_output[0, 0],
        "hidden_error_term": -dE_dz_hidden[0],
        # the steps train_on_batch took, -lr * dE/dW
        "del_w_hidden_output": after["w_hidden_output"] - before["w_hidden_output"],
        "del_w_input_hidden": after["W_input_hidden"] - before["W_input_hidden"],
        "grad_w_hidden_output": grads["w_hidden_output"],
        "grad_w_input_hidden": grads["W_input_hidden"],
    }
