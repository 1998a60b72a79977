"""The specs: written once, drawn with the tutorials' seeds, safe from in-place updates."""

from pathlib import Path

import numpy as np
import pytest

from shared import specs
from shared.specs import NETWORKS, get_spec, start_params
from tests.conftest import FRAMEWORK_PACKAGES, NETWORK_CASE_IDS, NETWORK_CASES, quantities


@pytest.mark.parametrize(("network", "case"), NETWORK_CASES, ids=NETWORK_CASE_IDS)
def test_spec_arrays_are_read_only_float64(network, case):
    spec = get_spec(network, case)
    for name in (*spec.PARAM_NAMES, "X", "y"):
        array = getattr(spec, name)
        assert array.dtype == np.float64, f"{network}/{case} {name} is {array.dtype}"
        assert not array.flags.writeable, f"{network}/{case} {name} is writable"


def test_start_params_are_fresh_writable_copies():
    spec = get_spec("admissions", "trained")
    params = start_params(spec)
    params["w"] += 1.0
    assert not np.shares_memory(params["w"], spec.w)
    assert not np.allclose(params["w"], spec.w)


def test_gender_start_is_nine_normal_draws_in_tutorial_order():
    draws = np.random.default_rng(0).normal(size=9)
    spec = get_spec("gender_221", "trained")
    named = specs.gender_221.gender_by_tutorial_name(start_params(spec))
    assert list(named.values()) == draws.tolist()
    assert list(named) == ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]


def test_gender_layers_put_w1_w2_into_the_first_hidden_unit():
    """h1 = sigmoid(w1*x0 + w2*x1 + b1): column 0 of W_input_hidden is (w1, w2)."""
    named = dict(w1=1, w2=2, w3=3, w4=4, w5=5, w6=6, b1=7, b2=8, b3=9)
    layers = specs.gender_221.gender_layers(named)
    assert layers["W_input_hidden"].tolist() == [[1, 3], [2, 4]]
    assert layers["b_hidden"].tolist() == [7, 8]
    assert layers["w_hidden_output"].tolist() == [5, 6] and layers["b_output"] == 9


def test_float32_spec_casts_every_array():
    spec = specs.with_dtype(get_spec("backprop_321", "step"), "float32")
    assert spec.W_input_hidden.dtype == np.float32 and spec.X.dtype == np.float32
    assert start_params(spec)["w_hidden_output"].dtype == np.float32


@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
@pytest.mark.parametrize(("network", "case"), NETWORK_CASES, ids=NETWORK_CASE_IDS)
def test_run_reports_exactly_the_declared_quantities(network, case, framework):
    assert tuple(quantities(network, case, framework)) == NETWORKS[network].quantities[case]


@pytest.mark.parametrize(
    ("network", "case", "message"),
    [("nope", None, "unknown network 'nope'"), ("single_unit", "nope", "unknown case 'nope'")],
)
def test_unknown_network_or_case_lists_the_choices(network, case, message):
    with pytest.raises(ValueError, match=message) as error:
        get_spec(network, case)
    assert "choose from" in str(error.value)


@pytest.mark.parametrize("network", NETWORKS)
def test_one_network_one_file_name_in_four_places(network):
    """shared/specs/<network>.py beside numpy_impl/, torch_impl/ and keras_impl/<network>.py."""
    root = Path(__file__).resolve().parent.parent
    for package in ("shared/specs", "numpy_impl", "torch_impl", "keras_impl"):
        assert (root / package / f"{network}.py").is_file(), f"no {package}/{network}.py"
    assert getattr(specs, network).NETWORK[0] == network


def test_keras_backend_module_holds_set_up_only_in_at_most_160_lines():
    """keras_impl/backend.py is set-up (backend, float64, to_numpy, the data fit() takes and
    autodiff, per backend); training lives in each module's own compile() and fit(), so no
    fit wrapper belongs here."""
    source = (Path(__file__).parents[1] / "keras_impl" / "backend.py").read_text()
    lines = len(source.splitlines())
    assert lines <= 160, f"keras_impl/backend.py has {lines} lines, more than 160"
    assert ".fit(" not in source and "fit_in_order" not in source
