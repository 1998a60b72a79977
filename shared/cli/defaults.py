"""`rosetta defaults`: the same name, different math, in PyTorch, Keras and optax, each
measured."""

from __future__ import annotations

import argparse
import json
import sys

from shared.cli import messages, options
from shared.runtime import frameworks


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "defaults",
        help="the same name, different math: PyTorch's, Keras' and optax's defaults, measured",
        description="List every default or formula that differs between PyTorch and Keras "
        "(optimizers' epsilon, decay and learning rate, momentum's sign, initialisation, "
        "fit's batches, the losses): what each framework does, with the parameter's name, "
        "and its measured effect, the largest difference of y_hat on the training rows when "
        "one of our networks is trained in each framework with that framework's own default. "
        "optax's default (JAX's optimizers and losses) is measured the same way, against "
        "each of the two, where JAX has one and is installed. Needs PyTorch and Keras; takes "
        "a few seconds per entry. docs/defaults.md is this list as --markdown prints it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    options.keras_backend_option(command, "backend Keras runs on", allow_all=False, always=True)
    fields = ("key", "what", "torch", "keras", "jax", "network", "epochs", "jax_measured", "effect",
              "jax_effect")  # fmt: skip
    options.json_or_markdown(command, fields, "docs/defaults.md")
    command.set_defaults(subparser=command, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from shared.checks import defaults

    try:
        options.use_keras_backend(args.keras_backend)
        for framework in ("torch", "keras"):
            if frameworks.version(framework) is None:
                raise frameworks.FrameworkUnavailableError(
                    f"{framework} is not installed; install it with: "
                    f"{frameworks.install_hint(framework)}"
                )
    except frameworks.FrameworkUnavailableError as error:
        return messages.fail("framework unavailable", str(error), 2)
    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    effects = defaults.measure_all(say)
    jax_effects = defaults.measure_all_jax(say)  # None without JAX
    if args.json:
        print(json.dumps(defaults.as_dicts(effects, jax_effects), indent=2))
    elif args.markdown:
        print(defaults.to_markdown(effects, args.keras_backend, jax_effects))
    else:
        for number, entry in enumerate(defaults.DEFAULTS, 1):
            print(f"{number}. {entry.what} ({entry.key})")
            print(f"   PyTorch:  {entry.torch}")
            print(f"   Keras:    {entry.keras}")
            print(f"   optax:    {entry.jax}")
            print(f"   measured: {entry.network}")
            print(f"   effect:   max |y_hat difference| {defaults.effect_text(effects[entry.key])}")
            if jax_effects is not None:
                print(f"   optax's:  {defaults.jax_effect_text(jax_effects[entry.key])}")
            print()
    return 0
