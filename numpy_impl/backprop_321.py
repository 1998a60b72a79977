"""backprop_321: one backprop step through a 3-2-1 sigmoid network, no biases.

Spec: `shared.specs.backprop_321`. The same model, trained, is admissions_mlp.
hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ w_hidden_output),
descending E = 1/2 * mean((y - y_hat)^2). Error terms are minus dE/dz at each layer's
pre-activation z; a weight's gradient is minus (its layer's input) times that error term.
admissions_mlp's `--activation` replaces the hidden layer's sigmoid (tanh, relu), its
`--optimizer` the gradient-descent step (numpy_impl/optimizers.py).
"""

import numpy as np

from numpy_impl import optimizers
from numpy_impl.activations import ACTIVATIONS, derivative, sigmoid
from shared import reports
from shared.specs import Params, start_params
from shared.specs.backprop_321 import TwoLayerSpec


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    # lesson begin: the forward pass: the hidden layer's activations, then the output's
    # hidden = activation(X @ W_input_hidden)   (n, n_hidden)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"])
    # y_hat = sigmoid(hidden @ w_hidden_output)   (n,)
    return sigmoid(hidden @ params["w_hidden_output"])
    # lesson end


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    # E = 1/2 * mean((y - y_hat)^2)
    return float(0.5 * np.mean((y - forward(params, X, activation)) ** 2))


def _chain(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> dict[str, np.ndarray]:
    """Every link of the chain rule, named as the tutorial names it."""
    X, y = np.atleast_2d(X), np.atleast_1d(y)  # one record is a batch of one
    # lesson begin: the forward pass: hidden (the hidden layer's output), then y_hat
    # hidden = activation(X @ W_input_hidden)   (n, n_hidden)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"])
    # y_hat = sigmoid(hidden @ w_hidden_output)   (n,)
    y_hat = sigmoid(hidden @ params["w_hidden_output"])
    # lesson end
    # lesson: error: the target minus the output
    # error = y - y_hat = -dE/dy_hat per record   (n,)
    error = y - y_hat
    # lesson: output_error_term: the error times the output's sigmoid derivative
    # output_error_term = error * sigmoid'(z_output) = -dE/dz_output   (n,)
    output_error_term = error * y_hat * (1 - y_hat)
    # lesson: hidden_error: the output error term carried back through w_hidden_output
    # hidden_error = output_error_term * w_hidden_output = -dE/dhidden   (n, n_hidden)
    hidden_error = np.outer(output_error_term, params["w_hidden_output"])
    # lesson: hidden_error_term: the hidden error times the hidden layer's derivative
    # hidden_error_term = hidden_error * activation'(z_hidden) = -dE/dz_hidden   (n, n_hidden)
    hidden_error_term = hidden_error * derivative(activation, hidden)
    # lesson: dE/dw_hidden_output: minus the mean of the output error term times hidden
    # dE/dw_hidden_output = -mean(output_error_term * hidden)   (n_hidden,)
    grad_w_hidden_output = -(hidden.T @ output_error_term) / len(y)
    # lesson: dE/dW_input_hidden: minus the mean of the input outer the hidden error term
    # dE/dW_input_hidden = -mean(x outer hidden_error_term)   (n_in, n_hidden)
    grad_W_input_hidden = -(X.T @ hidden_error_term) / len(y)
    return {
        "hidden": hidden,
        "y_hat": y_hat,
        "error": error,
        "output_error_term": output_error_term,
        "hidden_error_term": hidden_error_term,
        "grad_W_input_hidden": grad_W_input_hidden,
        "grad_w_hidden_output": grad_w_hidden_output,
    }


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    chain = _chain(params, X, y, activation)
    return {name: chain[f"grad_{name}"] for name in params}


def train(spec: TwoLayerSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters and
    the training MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch."""
    params, history = start_params(spec), []
    optimizer = optimizers.make(spec)
    for epoch in range(spec.epochs):
        grads = gradients(params, spec.X, spec.y, spec.activation)
        # SGD: W += lr * mean(layer input outer error term), i.e. W -= lr * dE/dW
        optimizer.step(params, grads)
        if spec.loss_every and epoch % spec.loss_every == 0:
            y_hat = forward(params, spec.X, spec.activation)
            history.append(float(np.mean((y_hat - spec.y) ** 2)))
            reports.check_finite(spec, history)
    return params, history


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, errors, error terms, weight steps, gradients."""
    chain = _chain(start_params(spec), spec.X, spec.y, spec.activation)
    output_error_term = chain["output_error_term"][0]
    hidden_error_term = chain["hidden_error_term"][0]
    # lesson begin: the tutorial's weight steps: lr * error term * the layer's input
    # the tutorial's steps: lr * error term * layer input
    del_w_hidden_output = spec.lr * output_error_term * chain["hidden"][0]
    del_w_input_hidden = spec.lr * np.outer(spec.X, hidden_error_term)
    # lesson end
    return {
        "output": chain["y_hat"][0],
        "error": chain["error"][0],
        "output_error_term": output_error_term,
        "hidden_error_term": hidden_error_term,
        "del_w_hidden_output": del_w_hidden_output,
        "del_w_input_hidden": del_w_input_hidden,
        "grad_w_hidden_output": chain["grad_w_hidden_output"],
        "grad_w_input_hidden": chain["grad_W_input_hidden"],
    }
