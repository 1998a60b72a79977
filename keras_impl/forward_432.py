"""forward_432 in Keras: one forward pass through a 4-3-2 sigmoid network, no biases.

Spec: `shared.specs.forward_432`. hidden = sigmoid(X @ W_input_hidden),
output = sigmoid(hidden @ W_hidden_output), as in numpy_impl/forward_432.py.
Differs from numpy_impl:
- the layers are Dense(use_bias=False, activation="sigmoid") in a Functional model that
  returns both layers' outputs.
"""

import numpy as np

from keras_impl.backend import keras, to_numpy, use_dtype
from shared.specs import Params
from shared.specs.forward_432 import Forward432Spec


def build_model(W_input_hidden: np.ndarray, W_hidden_output: np.ndarray) -> keras.Model:
    use_dtype(W_input_hidden.dtype.name)
    # lesson begin: the layers: the input, two sigmoid Dense layers without biases, the model
    inputs = keras.Input(shape=(W_input_hidden.shape[0],))
    # hidden = sigmoid(X @ W_input_hidden)   (n, 3)
    hidden = keras.layers.Dense(3, use_bias=False, activation="sigmoid")(inputs)
    # output = sigmoid(hidden @ W_hidden_output)   (n, 2)
    output = keras.layers.Dense(2, use_bias=False, activation="sigmoid")(hidden)
    # [keras] a Functional model may return any layer's output: here both
    model = keras.Model(inputs, [hidden, output])
    # lesson end
    # lesson: set the starting weights into the two kernels, in the layout Dense keeps
    # [keras] Dense keeps its kernel as (in, out), the spec's layout: no transpose
    model.set_weights([W_input_hidden, W_hidden_output])
    return model


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    _, output = build_model(**params)(np.atleast_2d(X))
    return to_numpy(output).reshape(*np.shape(X)[:-1], -1)


def run(spec: Forward432Spec) -> dict[str, np.ndarray]:
    """The lesson's two printed vectors: the hidden layer and the output."""
    model = build_model(spec.W_input_hidden, spec.W_hidden_output)
    # [keras] layers take a batch: the one record is a batch of one
    hidden, output = model(spec.X.reshape(1, -1))
    return {"hidden": to_numpy(hidden)[0], "output": to_numpy(output)[0]}
