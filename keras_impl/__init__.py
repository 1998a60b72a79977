"""Keras 3: every network as a Sequential model, trained with compile() + fit() (a single
worked step with train_on_batch()), with gradients through the backend's own autodiff. Same
module names and public functions as numpy_impl. Runs on the TensorFlow, torch and jax
backends (KERAS_BACKEND, fixed at import).
"""
