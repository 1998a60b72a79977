"""The figures the tutorials print, as NETWORKS.md gives them, with the bound each is checked to.

Figures given in full are checked to shared.checks.harness.GOLDEN_FULL (1e-12). Figures printed
at fewer digits are checked to half a unit in their last printed place (PRINTED_8 for
NumPy's default 8 decimals, `about` for the 3-decimal predictions). These numbers come
from the specification, never from running the code under test.
"""

from shared.checks.harness import GOLDEN_FULL

PRINTED_8 = 5e-9  # NumPy's default print: 8 decimal places
PRINTED_8_SIG = 5e-13  # 1.77005547e-04: 8 significant digits at magnitude 1e-4
ABOUT_3 = 5e-4  # "about 0.949"

GOLDEN: dict[tuple[str, str], dict[str, tuple[object, float]]] = {
    ("single_unit", "example"): {
        "output": (0.5174928576663897, GOLDEN_FULL),
        "error": (-0.31749285766638974, GOLDEN_FULL),
        "del_w": ([-0.0039638, -0.01189141], PRINTED_8),
    },
    ("single_unit", "quiz"): {
        "output": (0.6899744811276125, GOLDEN_FULL),
        "error": (-0.1899744811276125, GOLDEN_FULL),
        "del_w": ([-0.02031869, -0.04063738, -0.06095608, -0.08127477], PRINTED_8),
    },
    ("backprop_321", "step"): {
        "output": (0.48497343084992534, GOLDEN_FULL),
        "del_w_hidden_output": ([0.00804047, 0.00555918], PRINTED_8),
        "del_w_input_hidden": (
            [
                [1.77005547e-04, -5.11178506e-04],
                [3.54011093e-05, -1.02235701e-04],
                [-7.08022187e-05, 2.04471402e-04],
            ],
            PRINTED_8_SIG,
        ),
    },
    ("gender_221", "worked_example"): {
        "h1": (0.04742587317756678, GOLDEN_FULL),
        "h2": (0.04742587317756678, GOLDEN_FULL),
        "o1": (0.5236951740839997, GOLDEN_FULL),
        "dL_dw1": (0.021469535265811107, GOLDEN_FULL),
        "grad_w1": (0.021469535265811107, GOLDEN_FULL),
    },
    ("gender_221", "trained"): {
        "emily": (0.949, ABOUT_3),
        "frank": (0.040, ABOUT_3),
    },
    ("admissions", "trained"): {
        "initial_weights": (
            [
                0.20278270381604144,
                -0.05644616458531684,
                0.2644177384326464,
                0.6217743352039992,
                -0.09559271493714623,
                -0.09558601240891407,
            ],
            GOLDEN_FULL,
        ),
        "loss_history": (
            [
                0.2627609384996635,
                0.20928619409324875,
                0.20084292908073426,
                0.19862156475527873,
                0.1977985139668603,
                0.19742577912189863,
                0.19723507746241056,
                0.1971294562509248,
                0.19706766341315082,
                0.19703005801777368,
            ],
            GOLDEN_FULL,
        ),
        "final_weights": (
            [
                0.2531110739081263,
                0.3003922887495849,
                0.09942036815194527,
                -0.6180836823480238,
                -1.1427964565805877,
                -1.4147913849203286,
            ],
            GOLDEN_FULL,
        ),
        "test_accuracy": (0.725, GOLDEN_FULL),
        "train_mse": (0.19700668351312708, GOLDEN_FULL),
    },
    ("admissions_mlp", "trained"): {
        "final_W_input_hidden": (
            [
                [-0.00955661800435318, -0.05142745999937622],
                [0.43475290688292334, -0.5173504334000478],
                [0.30361519024956235, -0.697987457252836],
                [-0.09360418557755963, -0.09032510533855596],
                [0.4465212363105238, 0.00308564179865964],
                [-0.25923504948214177, 0.5655196985823127],
            ],
            GOLDEN_FULL,
        ),
        "final_w_hidden_output": ([0.5406671741485963, -0.41408766980641915], GOLDEN_FULL),
        "test_accuracy": (0.425, GOLDEN_FULL),
        "train_mse": (0.2516403073981795, GOLDEN_FULL),
    },
    ("chain_rule", "graph"): {
        "J": (14.0, GOLDEN_FULL),
        "dJ_da": (4.0, GOLDEN_FULL),
        "dJ_db": (4.0, GOLDEN_FULL),  # the tutorial's hand derivation says 2: see errata
        "dJ_dc": (2.0, GOLDEN_FULL),
    },
    ("forward_432", "forward"): {
        "hidden": ([0.41492192, 0.42604313, 0.5002434], PRINTED_8),
        "output": ([0.49815196, 0.48539772], PRINTED_8),
    },
    ("xor_341", "trained"): {
        "output": ([0.02754859, 0.92497997, 0.92479763, 0.08995215], PRINTED_8),
        # what the thread prints: the last iteration's a2, from before that iteration's update
        "printed_output": ([0.02758457, 0.92490268, 0.92472000, 0.09004724], PRINTED_8),
    },
}

# The admissions split: the first ten row labels np.random.seed(42) samples.
FIRST_TEN_SAMPLED = [209, 280, 33, 210, 93, 84, 329, 94, 266, 126]
