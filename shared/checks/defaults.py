"""`rosetta defaults`: the same name, different math. Where PyTorch, Keras and optax differ.

One entry per default or formula. Each says what each framework does (the value or formula,
with the parameter's name) and measures the effect on one of our networks: the network is
trained once in PyTorch (torch_impl/defaults.py) and once in Keras (keras_impl/defaults.py),
each leaving that one thing at its own default, and the effect is the largest difference of
their outputs on the training rows. optax's column (JAX's optimizers and losses) is measured
the same way (jax_impl/defaults.py), against both, where JAX has such a default. One source
for `rosetta defaults`, `--json`, the site's page and docs/defaults.md
(`rosetta defaults --markdown`; a test keeps the page fresh).
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import cache

import numpy as np

from shared import specs
from shared.runtime import frameworks
from shared.runtime.arrays import readonly

EPOCHS = 100  # full-batch epochs of each measurement
LR = 0.5  # admissions_mlp's lr for these runs: at the tutorial's 0.005 the network barely moves
SATURATION = 60  # bce_clamp starts from admissions_logit's weights times this: |z| up to ~100
SAME = 1e-12  # an effect below this is rounding: the two frameworks do the same math


@dataclass(frozen=True)
class Default:
    key: str
    what: str
    torch: str  # PyTorch: the value or formula, with the parameter's name
    keras: str  # Keras: the same
    network: str  # what the effect is measured on
    epochs: int = EPOCHS  # of training, in each framework
    jax: str = ""  # optax (JAX): the same, or why JAX has no such default (not measured)
    jax_measured: bool = True


_MLP = f"admissions_mlp from its start, lr {LR}, {EPOCHS} full-batch epochs"
DEFAULTS = (
    Default(
        "adam_eps",
        "Adam's epsilon: its value and where it enters",
        "torch.optim.Adam(eps=1e-8): p -= lr*m_hat / (sqrt(v_hat) + eps)",
        "keras.optimizers.Adam(epsilon=1e-7): p -= alpha*m / (sqrt(v) + eps), "
        "alpha = lr*sqrt(1-b2^t)/(1-b1^t): Kingma & Ba's epsilon hat, eps/sqrt(1-b2^t) in "
        "torch's rule",
        f"{_MLP}, Adam at lr {LR} and each default eps",
        jax=(
            "optax.adam(eps=1e-8, eps_root=0.0): p -= lr*m_hat / (sqrt(v_hat + eps_root) + eps): "
            "torch's rule, with a second epsilon inside the root"
        ),
    ),
    Default(
        "rmsprop_rho_eps",
        "RMSprop's decay and epsilon: values and placement",
        "torch.optim.RMSprop(alpha=0.99, eps=1e-8): p -= lr*g / (sqrt(v) + eps)",
        "keras.optimizers.RMSprop(rho=0.9, epsilon=1e-7): p -= lr*g / sqrt(v + eps)",
        f"{_MLP}, RMSprop at lr {LR} and each default decay and eps",
        jax=(
            "optax.rmsprop(decay=0.9, eps=1e-8, eps_in_sqrt=True): p -= lr*g / sqrt(v + eps): "
            "Keras' decay and placement, torch's eps (eps_in_sqrt=False is torch's)"
        ),
    ),
    Default(
        "sgd_lr",
        "SGD's default learning rate",
        "torch.optim.SGD(lr=0.001)",
        "keras.optimizers.SGD(learning_rate=0.01)",
        f"{_MLP.replace(f'lr {LR}, ', '')}, SGD at each default lr",
        jax="optax.sgd(learning_rate): no default, the rate must be given",
        jax_measured=False,
    ),
    Default(
        "momentum_sign",
        "momentum's sign convention (the same updates while lr is constant)",
        "torch.optim.SGD(momentum=0.9): b = mu*b + g; p -= lr*b",
        "keras.optimizers.SGD(momentum=0.9): m = mu*m - lr*g; p += m (m = -lr*b)",
        f"{_MLP}, momentum 0.9 in both (in Keras as np.float64: see float32_hyperparameters)",
        jax="optax.sgd(momentum=0.9): optax.trace, b = g + mu*b; p -= lr*b: torch's form",
    ),
    Default(
        "float32_hyperparameters",
        "momentum and Adam's betas given as Python floats, in a float64 model",
        "torch.optim.SGD(momentum=0.9): 0.9 in float64",
        "keras.optimizers.SGD(momentum=0.9): on the tensorflow backend ops.cast takes 0.9 "
        "through float32 (0.8999999762); Adam's beta_1 and beta_2 too; np.float64(0.9) keeps it",
        f"{_MLP}, momentum 0.9 as a Python float in both (Keras on the backend it runs on)",
        jax=(
            "optax.sgd(momentum=0.9): a Python float is weakly typed, so it takes the parameters'"
            " dtype: float64"
        ),
    ),
    Default(
        "dense_init",
        "a dense layer's initial weights",
        "nn.Linear: weight and bias from U(-1/sqrt(n_in), 1/sqrt(n_in)) "
        "(kaiming_uniform, a=sqrt(5))",
        "keras.layers.Dense: kernel from glorot_uniform, U(+-sqrt(6/(n_in + n_out))); bias 0",
        f"admissions_mlp's 6-2-1 layers with biases, each framework's own start (seed 0), "
        f"SGD at lr {LR}, {EPOCHS} full-batch epochs",
        jax=(
            "no layers: the parameters are your own dict of arrays (jax.random draws only what "
            "you ask, from a key you pass)"
        ),
        jax_measured=False,
    ),
    Default(
        "fit_batches",
        "the training loop: order and batch size",
        "no fit(): the loop is yours, here the whole batch in order",
        "model.fit(shuffle=True, batch_size=32): shuffled mini-batches of 32",
        f"admissions_mlp from its start, lr {LR}, 10 epochs, SGD; PyTorch full batch, Keras "
        "with fit's defaults (seed 0)",
        epochs=10,  # fit's work between its epochs makes 100 of them slow
        jax="no fit(): the loop is yours, here the whole batch in order",
    ),
    Default(
        "fit_loss",
        "the loss reported after each epoch",
        "no fit(): the loop records the loss it computes, here the tutorials' (after the "
        f"epoch's update), and stops once that reaches the loss after {EPOCHS} epochs",
        'fit(): logs["loss"] (history.history["loss"]): the mean of the epoch\'s batch losses, '
        "each before its step's update; a callback stopping on it stops an epoch later",
        f"{_MLP}, SGD on MSE, stopped at the loss after {EPOCHS} epochs",
        jax="no fit(): the loop records the loss it computes, as PyTorch's does",
        jax_measured=False,
    ),
    Default(
        "mse_half",
        "mean squared error: neither has the tutorials' 1/2",
        "nn.MSELoss(): mean((y - y_hat)^2), reduction='mean'",
        'loss="mse": mean((y_true - y_pred)^2)',
        f"{_MLP}, SGD, each framework's MSE (twice the tutorials' 1/2 E: twice the step)",
        jax=(
            "optax.losses.squared_error: (y_hat - y)^2 per record, the mean is yours; "
            "optax.losses.l2_loss is half of it, the tutorials' 1/2"
        ),
    ),
    Default(
        "bce_clamp",
        "cross-entropy on probabilities near 0 and 1",
        "nn.BCELoss(): each log clamped at -100",
        'loss="binary_crossentropy": y_pred clipped to [1e-7, 1 - 1e-7]',
        f"admissions_logit's unit from its start times {SATURATION} (saturated outputs), "
        f"SGD at lr {LR}, {EPOCHS} full-batch epochs",
        jax=(
            "optax.losses.sigmoid_binary_cross_entropy(logits, labels): from the logit, never "
            "clamped or clipped; optax has no loss on probabilities"
        ),
    ),
)


def spec_for(key: str) -> specs.Spec:
    """The spec each entry trains: admissions_mlp at lr LR, or for bce_clamp a saturated
    admissions_logit unit."""
    if key == "bce_clamp":
        spec = specs.get_spec("admissions_logit", "trained")
        return replace(spec, w=readonly(spec.w * SATURATION), b=readonly(spec.b * SATURATION))
    return specs.override(specs.get_spec("admissions_mlp", "trained"), lr=LR)


@cache  # once per process: optax's column is measured against the same two runs
def trained(framework: str, key: str) -> np.ndarray:
    """y_hat on the training rows after training with `framework`'s default for `key`."""
    module = importlib.import_module(f"{framework}_impl.defaults")
    entry = next(entry for entry in DEFAULTS if entry.key == key)
    return module.trained(key, spec_for(key), entry.epochs)


def measure(entry: Default) -> float:
    """The entry's effect: max |y_hat(PyTorch's default) - y_hat(Keras' default)|."""
    return float(np.max(np.abs(trained("torch", entry.key) - trained("keras", entry.key))))


def measure_all(progress: Callable[[str], None] = lambda line: None) -> dict[str, float] | None:
    """Every entry's effect, or None if PyTorch or Keras is not installed (Keras runs on the
    backend KERAS_BACKEND names)."""
    if frameworks.version("torch") is None or frameworks.version("keras") is None:
        return None
    effects = {}
    for number, entry in enumerate(DEFAULTS, 1):
        progress(f"[{number}/{len(DEFAULTS)}] {entry.key}")
        effects[entry.key] = measure(entry)
    return effects


JaxEffects = dict[str, dict[str, float] | None]  # key -> {"torch": ..., "keras": ...} or None


def measure_jax(entry: Default) -> dict[str, float] | None:
    """optax's default against PyTorch's and Keras': max |y_hat(optax) - y_hat(each)|, or
    None where JAX has no such default (entry.jax_measured)."""
    if not entry.jax_measured:
        return None
    ours = trained("jax", entry.key)
    return {other: float(np.max(np.abs(ours - trained(other, entry.key)))) for other in OTHERS}


OTHERS = ("torch", "keras")  # what optax's column is measured against


def measure_all_jax(progress: Callable[[str], None] = lambda line: None) -> JaxEffects | None:
    """optax's effect for every entry, or None if JAX, PyTorch or Keras is not installed."""
    if any(frameworks.version(f) is None for f in ("jax", *OTHERS)):
        return None
    effects = {}
    for number, entry in enumerate(DEFAULTS, 1):
        progress(f"[{number}/{len(DEFAULTS)}] {entry.key}, optax")
        effects[entry.key] = measure_jax(entry)
    return effects


def jax_effect_text(effects: dict[str, float] | None) -> str:
    """optax's effect against each of the two, or why there is none."""
    if effects is None:
        return "not measured: JAX has no such default"
    return "; ".join(f"vs {other} {effect_text(effects[other])}" for other in OTHERS)


def effect_text(effect: float) -> str:
    """An effect in two significant digits (what the page shows), or "the same" below SAME."""
    return f"same math (< {SAME:.0e})" if effect < SAME else f"{effect:.1e}"


def as_dicts(effects: dict[str, float], jax_effects: JaxEffects | None = None) -> list[dict]:
    """Each entry, its effect (PyTorch against Keras) and optax's (`jax_effect`: against each,
    null where JAX has no such default; absent if JAX was not measured)."""
    return [
        asdict(entry)
        | {"effect": effects[entry.key]}
        | ({"jax_effect": jax_effects[entry.key]} if jax_effects is not None else {})
        for entry in DEFAULTS
    ]


def to_markdown(
    effects: dict[str, float], backend: str, jax_effects: JaxEffects | None = None
) -> str:
    """docs/defaults.md, measured with Keras on `backend` (and optax's column, if given)."""
    lines = [
        "# The same name, different math: PyTorch's, Keras' and optax's defaults",
        "",
        "Generated by `rosetta defaults --markdown` (a test keeps this page equal to it), "
        f"with Keras on the {backend} backend. "
        "Each effect is measured: the network is trained once in PyTorch and once in Keras, "
        "each leaving that one thing at its own default, and the effect is the largest "
        "difference of their outputs (y_hat) on the 360 training rows. optax's default (JAX's "
        "optimizers and losses) is measured the same way, against each of the two. The "
        "optimizers' formulas are in `rosetta compare --optimizer`'s rows too.",
        "",
    ]
    for number, entry in enumerate(DEFAULTS, 1):
        lines += [
            f"## {number}. {entry.what} (`{entry.key}`)",
            "",
            f"- PyTorch: `{entry.torch}`",
            f"- Keras: `{entry.keras}`",
            f"- optax (JAX): `{entry.jax}`",
            f"- Measured on: {entry.network}",
            f"- Effect, max |y_hat difference|: **{effect_text(effects[entry.key])}**",
        ]
        if jax_effects is not None:
            lines.append(f"- optax's effect: **{jax_effect_text(jax_effects[entry.key])}**")
        lines.append("")
    return "\n".join(lines).rstrip()


def to_html(effects: dict[str, float] | None, jax_effects: JaxEffects | None = None) -> str:
    """The site's page body: the entries as one table (escaped), or why there are none."""
    intro = (
        "<h1>The same name, different math</h1><p>Where PyTorch's, Keras' and optax's "
        "defaults or formulas differ. Each effect is measured: the network is trained once in "
        "PyTorch and once in Keras, each leaving that one thing at its own default, and the "
        "effect is the largest difference of their outputs (y_hat) on the training rows; "
        "optax's default (JAX's) against each of the two, the same way.</p>"
    )
    if effects is None:
        return intro + "<p>Not measured: `rosetta defaults` needs PyTorch and Keras.</p>"
    heads = ["what", "PyTorch", "Keras", "optax (JAX)", "measured on", "max |y_hat difference|"]
    if jax_effects is not None:
        heads.append("optax's effect")
    rows = []
    for entry in DEFAULTS:
        cells = [
            f"{html.escape(entry.what)}<br><code>{html.escape(entry.key)}</code>",
            f"<code>{html.escape(entry.torch)}</code>",
            f"<code>{html.escape(entry.keras)}</code>",
            f"<code>{html.escape(entry.jax)}</code>",
            html.escape(entry.network),
            html.escape(effect_text(effects[entry.key])),
        ]
        if jax_effects is not None:
            cells.append(html.escape(jax_effect_text(jax_effects[entry.key])))
        labelled = zip(heads, cells, strict=True)
        rows.append("".join(f'<td data-label="{h}">{c}</td>' for h, c in labelled))
    rows = "".join(f"<tr>{row}</tr>" for row in rows)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    return (
        f'{intro}<div class="tables"><table class="defaults cards wide"><thead><tr>{head}'
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
    )
