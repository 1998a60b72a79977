"""Where the tutorials' code or claims are wrong, each entry proved by a test that recomputes it.

One source for `rosetta errata`, `rosetta errata --json` and docs/errata.md (written by
`rosetta errata --markdown`; a test keeps the page equal to these entries).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

PROOFS = "tests/test_errata.py"


@dataclass(frozen=True)
class Erratum:
    key: str
    network: str  # the network in this repository that reproduces the step
    tutorial: str  # which tutorial step
    claim: str  # what the tutorial claims or does (value or code)
    truth: str  # what is true
    proof: str  # the test that recomputes it, in every framework where one applies
    advice: str  # what a reader should do instead

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


ERRATA = (
    Erratum(
        key="chain_rule_dJ_db",
        network="chain_rule",
        tutorial="Chain-rule lesson: the graph u = a*b, v = a*b + c, J = 2*(v + b) at a = 1, "
        "b = 2, c = 3, differentiated by hand.",
        claim="dJ/db = 2 (b followed only through u = a*b: dJ/du * du/db = 2 * a).",
        truth="dJ/db = 4. b reaches J along two paths, through u and directly in "
        "J = 2*(v + b), and the chain rule sums them: 2*a + 2. PyTorch's backward(), Keras on "
        "every backend, jax.grad and finite differences all give 4; dJ/da = 4 and dJ/dc = 2 "
        "are right.",
        proof=f"{PROOFS}::test_chain_rule_dJ_db_is_4_not_2",
        advice="Sum over every path from a variable to the output, and check a hand "
        "derivation against autograd: `rosetta run chain_rule --framework torch`.",
    ),
    Erratum(
        key="admissions_mlp_printed_loss",
        network="admissions_mlp",
        tutorial="Backpropagation on the admissions data (6-2-1): the training loss printed "
        "ten times during training.",
        claim="The printed number is the training loss: the mean of (output - target)^2.",
        truth="Its forward pass reuses `x`, the variable left over from the loop over records, "
        "so the output is the last training record's alone, compared with every target. At "
        "the trained weights this prints 0.2636, while the training MSE is 0.2516.",
        proof=f"{PROOFS}::test_admissions_mlp_printed_loss_is_one_record",
        advice="Run the forward pass on the whole feature matrix, one output per record, "
        "before taking the mean of (output - target)^2.",
    ),
    Erratum(
        key="admissions_mlp_learning_rate",
        network="admissions_mlp",
        tutorial="Backpropagation on the admissions data (6-2-1): a learning rate of 0.005 "
        "for 900 epochs, then the test accuracy.",
        claim="lr = 0.005 trains the network.",
        truth="It barely moves it: the training MSE stays between 0.25 and 0.27 for all 900 "
        "epochs (0.2516 at the end) and the test accuracy is 0.425, below the 0.75 of "
        "predicting 'not admitted' for everyone. From the same start, lr = 0.5 reaches "
        "training MSE 0.19991 and test accuracy 0.75.",
        proof=f"{PROOFS}::test_admissions_mlp_lr_0005_barely_moves",
        advice="Plot the loss curve (`rosetta run admissions_mlp --plot loss.png`), try "
        "learning rates a factor of ten apart (`--lr 0.5`), and compare the accuracy with "
        "the majority-class baseline.",
    ),
    Erratum(
        key="single_unit_quiz_syntax",
        network="single_unit",
        tutorial="Gradient-descent quiz on one sigmoid unit: the input vector.",
        claim="`x = np.array([1, 2. 3, 4])`",
        truth="A SyntaxError: `2. 3` is the float `2.` followed by `3` with no comma between. "
        "The intended input is [1, 2, 3, 4], which reproduces the quiz's output "
        "0.6899744811276125.",
        proof=f"{PROOFS}::test_single_unit_quiz_input_is_a_syntax_error",
        advice="Use `np.array([1, 2, 3, 4])` (`rosetta run single_unit --case quiz`).",
    ),
    Erratum(
        key="xor_341_why_adding_works",
        network="xor_341",
        tutorial="Question-and-answer thread on the 3-4-1 batch network: why does "
        "`W2 += a1.T @ delta2` work when gradient descent subtracts lr * dC/dw?",
        claim="The working code adds `a1.T @ delta2`, and calls "
        "`delta2 = (y - a2) * a2 * (1 - a2)` the derivative dC/dw2.",
        truth="delta2 is not a weight gradient: since y - a2 = -dE/da2, delta2 = -dE/dz2, "
        "minus the error at the layer's pre-activation. One more link of the chain rule, the "
        "layer's input, gives the weight gradient dE/dW2 = -(a1.T @ delta2). Adding "
        "a1.T @ delta2 is therefore subtracting the gradient with lr = 1. PyTorch's W2.grad, "
        "Keras' gradient and jax.grad's equal -(a1.T @ delta2), and one SGD step with lr = 1 "
        "is the thread's update.",
        proof=f"{PROOFS}::test_xor_thread_update_is_gradient_descent",
        advice="Write the update as W -= lr * dE/dW with dE/dW = (layer input).T @ dE/dz, and "
        "call dE/dz the error term (delta), not a weight gradient.",
    ),
    Erratum(
        key="xor_341_printed_output_before_last_update",
        network="xor_341",
        tutorial="Question-and-answer thread on the 3-4-1 batch network: the output printed "
        'after the training loop, `print("New ouput\\n", a2)`.',
        claim="The printed a2, [0.02758457, 0.92490268, 0.92472000, 0.09004724], is the "
        "output of the trained network.",
        truth="a2 was computed by the forward pass at the start of the last iteration, before "
        "that iteration's update: it is the output after 999 updates. After all 1000 the "
        "output is [0.02754859, 0.92497997, 0.92479763, 0.08995215]; E = 1/2 * sum((y - a2)^2) "
        "is 0.01007 after training and 0.01009 at the printed a2. Every framework reports "
        "both: `output` and `printed_output`.",
        proof=f"{PROOFS}::test_xor_printed_output_is_before_the_last_update",
        advice="Run the forward pass again after the loop (or print inside it, before the "
        "update, and say so) whenever you report what a trained network outputs.",
    ),
)


def by_network(network: str) -> list[Erratum]:
    return [entry for entry in ERRATA if entry.network == network]


FIELDS = {
    "tutorial": "Tutorial step",
    "claim": "Claims",
    "truth": "True",
    "proof": "Proof",
    "advice": "Instead",
}


def to_markdown() -> str:
    """docs/errata.md: every entry, one section each."""
    lines = [
        "# Errata: where the tutorials are wrong",
        "",
        "Generated by `rosetta errata --markdown` from `shared/checks/errata.py`; every entry is",
        "recomputed by the test named under Proof, in every framework where one applies.",
        "",
    ]
    for number, entry in enumerate(ERRATA, 1):
        lines += [f"## {number}. `{entry.network}`: {entry.key}", ""]
        lines += [f"- **{label}:** {getattr(entry, name)}" for name, label in FIELDS.items()]
        lines.append("")
    return "\n".join(lines)
