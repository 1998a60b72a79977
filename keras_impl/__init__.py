"""Keras 3: every network as a Sequential or Functional model; each train() calls
model.compile() and model.fit() itself (a single worked step: train_on_batch()), with a
keras.callbacks.Callback for the loss history; gradients through the backend's own
autodiff. Same module names and public functions as numpy_impl. Runs on the TensorFlow,
torch and jax backends (KERAS_BACKEND, fixed at import). `--optimizer` is a
keras.optimizers class in `compile` (optimizers.py), `--activation` the hidden Dense's.
"""
