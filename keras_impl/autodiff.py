"""Gradients outside fit() (the harness's, a worked step's error terms, admissions_logit's stop)
by the backend's own autodiff, as Keras' guides to a training loop of one's own write it."""

from collections.abc import Callable

import numpy as np

from keras_impl.backend import BACKEND, keras, ops, to_numpy

if BACKEND == "tensorflow":
    import tensorflow as tf
elif BACKEND == "jax":
    import jax


def value_and_gradients(f: Callable) -> Callable:
    """(f(*args), [df/darg for each arg]) as tensors, for f scalar and args tensors."""
    if BACKEND == "jax":
        return lambda *args: jax.value_and_grad(f, argnums=tuple(range(len(args))))(*args)
    if BACKEND == "torch":

        def backward(*args: object) -> tuple:
            args = [a.detach().requires_grad_() for a in args]
            (value := f(*args)).backward()
            return value.detach(), [a.grad for a in args]

        return backward

    def taped(*args: object) -> tuple:
        with tf.GradientTape() as tape:
            tape.watch(args)
            value = f(*args)
        return value, tape.gradient(value, args)

    return taped


def gradient_function(f: Callable) -> Callable:
    """f(*args) and [d f / d arg for each arg] as NumPy (eager: for a few calls)."""

    def value_and_gradient(*args: object) -> tuple[float, list[np.ndarray]]:
        value, grads = value_and_gradients(f)(*map(ops.convert_to_tensor, args))
        return float(to_numpy(value)), [to_numpy(g) for g in grads]

    return value_and_gradient


def loss_of_weights(model: keras.Model, loss: Callable, X: object, y: object) -> Callable:
    """E = loss(y, model(X)) as a function of the model's trainable weights (stateless_call
    runs the model on the weights it is given, so they can be differentiated)."""
    X, y = ops.convert_to_tensor(X), ops.convert_to_tensor(y)
    return lambda *weights: loss(y, model.stateless_call(list(weights), [], X)[0])


def weight_gradients(model: keras.Model, loss: Callable, X: object, y: object) -> list[np.ndarray]:
    """dE/dw for each of `model.trainable_variables`, in that order."""
    weights = [w.value for w in model.trainable_variables]  # the variables' backend tensors
    return gradient_function(loss_of_weights(model, loss, X, y))(*weights)[1]


def gradient_norm(model: keras.Model, loss: Callable, X: object, y: object) -> Callable:
    """A function of no arguments: |dE/dw| over all of `model.trainable_variables` at their
    values then, one scalar tensor, traced once (tf.function, jax.jit; torch runs eagerly)."""
    value_and_grads = value_and_gradients(loss_of_weights(model, loss, X, y))

    def norm(*weights: object) -> object:
        return ops.sqrt(sum(ops.sum(ops.square(g)) for g in value_and_grads(*weights)[1]))

    if BACKEND != "torch":
        norm = tf.function(norm) if BACKEND == "tensorflow" else jax.jit(norm)
    return lambda: norm(*(w.value for w in model.trainable_variables))
