"""Gradients outside fit(), by the backend's own autodiff: a GradientTape on TensorFlow,
backward() on torch, jax.value_and_grad on jax (fit() differentiates by itself). They give the
harness its gradients, a worked step its error terms and admissions_logit its stop."""

from collections.abc import Callable

import numpy as np

from keras_impl.backend import BACKEND, keras, ops, to_numpy


def gradient_function(f: Callable) -> Callable:
    """f(*args) and [d f / d arg for each arg] as NumPy, f scalar (eager: for a few calls)."""
    value_and_gradients = _BY_BACKEND[BACKEND](f)

    def value_and_gradient(*args: object) -> tuple[float, list[np.ndarray]]:
        # variables are differentiated through a plain tensor of their value
        tensors = [to_numpy(a) if isinstance(a, keras.Variable) else a for a in args]
        value, grads = value_and_gradients(*map(ops.convert_to_tensor, tensors))
        return float(to_numpy(value)), [to_numpy(g) for g in grads]

    return value_and_gradient


def _tensorflow(f: Callable) -> Callable:
    import tensorflow as tf

    def value_and_gradients(*args: object) -> tuple:
        with tf.GradientTape() as tape:
            tape.watch(args)
            value = f(*args)
        return value, tape.gradient(value, args)

    return value_and_gradients


def _torch(f: Callable) -> Callable:
    def value_and_gradients(*args: object) -> tuple:
        args = [a.detach().requires_grad_() for a in args]
        (value := f(*args)).backward()
        return value.detach(), [a.grad for a in args]

    return value_and_gradients


def _jax(f: Callable) -> Callable:
    import jax

    return lambda *args: jax.value_and_grad(f, argnums=tuple(range(len(args))))(*args)


_BY_BACKEND = {"tensorflow": _tensorflow, "torch": _torch, "jax": _jax}


def loss_of_weights(model: keras.Model, loss: Callable, X: object, y: object) -> Callable:
    """E = loss(y, model(X)) as a function of the model's trainable weights (stateless_call
    runs the model on the weights it is given, so they can be differentiated)."""
    X, y = ops.convert_to_tensor(X), ops.convert_to_tensor(y)
    return lambda *weights: loss(y, model.stateless_call(list(weights), [], X)[0])


def weight_gradients(model: keras.Model, loss: Callable, X: object, y: object) -> list[np.ndarray]:
    """dE/dw for each of `model.trainable_variables`, in that order."""
    return gradient_function(loss_of_weights(model, loss, X, y))(*model.trainable_variables)[1]


def gradient_norm(model: keras.Model, loss: Callable, X: object, y: object) -> Callable:
    """A function of no arguments: |dE/dw| over all of `model.trainable_variables` at their
    values then, as one scalar tensor; traced once (tf.function, jax.jit; torch: eager)."""
    value_and_gradients = _BY_BACKEND[BACKEND](loss_of_weights(model, loss, X, y))

    def norm(*weights: object) -> object:
        _, grads = value_and_gradients(*weights)
        return ops.sqrt(sum(ops.sum(ops.square(g)) for g in grads))

    if BACKEND == "tensorflow":
        import tensorflow as tf

        norm = tf.function(norm)
    elif BACKEND == "jax":
        import jax

        norm = jax.jit(norm)
    return lambda: norm(*(w.value for w in model.trainable_variables))
