"""Notebook 2's exercises, ``class_scores``, ``softmax_probs``, ``softmax_loss_l2`` and ``loss_from_scores``:
their inputs, their known mistakes and their checks. The softmax mistakes are building blocks of notebook 3's too."""
import numpy as np

from ..course import course_data
from ..layers import affine_forward
from ..softmax import l2_penalty, softmax, softmax_loss
from .engine import Exercise, same
from .inputs import seeded_rng, shuffled_labels
from .running import call


# ---------------------------------------------------------------- ex2_class_scores: the scores
SCORES = Exercise(
    "class_scores",
    reference=lambda X, W, b: affine_forward(X, W, b)[0],
    cases=lambda: [(seeded_rng(5).standard_normal((5, 2)), seeded_rng(6).standard_normal((2, 3)),
                    seeded_rng(7).standard_normal((1, 3)))],
    mutants=[
        ("transposed", lambda X, W, b: W.T @ X.T + b.T),
        ("transposed", lambda X, W, b: (X @ W + b).T),
        ("no_bias", lambda X, W, b: X @ W),
    ],
    outputs=("scores",),
    forbidden=("affine_forward",),
)


# ---------------------------------------------------------------- ex3_softmax_probs: the probabilities
def naive_softmax(scores):
    """Softmax without the max shift: np.exp overflows on big scores."""
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def shifted_exp(s):
    """The exponentiated scores, each row shifted by its maximum, not yet normalised."""
    return np.exp(s - s.max(axis=1, keepdims=True))


def _softmax_cases():
    rng = seeded_rng(8)
    return [(2.0 * rng.standard_normal((4, 3)),),          # n != K: a lost keepdims fails to broadcast
            (2.0 * rng.standard_normal((3, 3)),),          # n == K: a lost keepdims broadcasts, wrongly
            (np.array([[1000.0, 1001.0, 1002.0], [-3.0, 0.0, 800.0]]),)]   # np.exp overflows


SOFTMAX = Exercise(
    "softmax_probs",
    reference=softmax,
    cases=_softmax_cases,
    mutants=[
        ("overflow", naive_softmax),
        ("wrong_axis", lambda s: np.exp(s - s.max(axis=0, keepdims=True))
         / np.exp(s - s.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True)),
        ("wrong_axis", lambda s: np.exp(s) / np.exp(s).sum(axis=0, keepdims=True)),
        ("wrong_axis", lambda s: shifted_exp(s) / shifted_exp(s).sum(axis=0, keepdims=True)),
        ("lost_keepdims", lambda s: shifted_exp(s) / shifted_exp(s).sum(axis=1)),
        ("lost_keepdims", lambda s: np.exp(s) / np.exp(s).sum(axis=1)),
        ("lost_keepdims", lambda s: np.exp(s - s.max(axis=1)) / np.exp(s - s.max(axis=1)).sum(axis=1)),
        ("not_normalised", shifted_exp),
        ("not_normalised", np.exp),
        ("no_exp", lambda s: s / s.sum(axis=1, keepdims=True)),
    ],
    outputs=("probs",),
    forbidden=("softmax", "log_softmax", "softmax_loss"),
)


# ---------------------------------------------------------------- ex4_softmax_loss_l2: the loss with its L2 term
def _loss_case():
    """The course's spiral with unit-scale weights and reg 0.1, where the mistakes separate (at the
    course's ``0.01 * randn`` start a missing L2 term does not show)."""
    _, X, y = course_data()
    W = seeded_rng(1).standard_normal((2, 3))
    return [(softmax(X @ W), y, W, 0.1)]


def _loss_ref(probs, y, W, reg):
    rows = np.arange(len(y))
    return float(-np.log(probs[rows, y]).mean() + l2_penalty(reg, W))


LOSS = Exercise(
    "softmax_loss_l2",
    reference=_loss_ref,
    cases=_loss_case,
    mutants=[
        ("no_l2", lambda p, y, W, reg: _loss_ref(p, y, W, 0.0)),
        ("no_half", lambda p, y, W, reg: _loss_ref(p, y, W, 2 * reg)),
        ("sum_not_mean", lambda p, y, W, reg: _loss_ref(p, y, W, 0.0) * len(y) + l2_penalty(reg, W)),
        ("sum_not_mean", lambda p, y, W, reg: _loss_ref(p, y, W, 0.0) * len(y) + 2 * l2_penalty(reg, W)),
        ("sum_not_mean", lambda p, y, W, reg: _loss_ref(p, y, W, 0.0) * len(y)),
        ("log_all", lambda p, y, W, reg: float(-np.log(p).mean()) + l2_penalty(reg, W)),
        ("log_all", lambda p, y, W, reg: float(-np.log(p[:, y]).mean()) + l2_penalty(reg, W)),
    ],
    outputs=("loss",),
    scalar=True,
    forbidden=("softmax_loss", "log_softmax", "l2_penalty", "loss_and_grads"),
)


# ---------------------------------------------------------------- ex5_loss_from_scores: the loss by log-sum-exp
def _lse_cases():
    """Scores on which each way of losing the log-sum-exp gives its own loss. All but the first are
    square (n == K), where a maximum over the wrong axis, or one without its kept dimension, broadcasts
    instead of raising; the first is not, where n taken from the wrong dimension shows."""
    rng = seeded_rng(14)
    return [
        (2.0 * rng.standard_normal((6, 3)), shuffled_labels(6, 3, 15)),
        (2.0 * rng.standard_normal((3, 3)), shuffled_labels(3, 3, 16)),
        (np.array([[1000.0, 1001.0, 1002.0], [998.0, 1000.0, 990.0], [1.0, 0.0, -1.0]]),    # np.exp overflows
         np.array([0, 2, 1], dtype=np.uint8)),
        (np.array([[-100.0, 700.0, 0.0], [1.0, 2.0, 3.0], [0.0, -2.0, 1.0]]),   # p of class 0 underflows to 0
         np.array([0, 2, 1], dtype=np.uint8)),
        (np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [0.0, 1.0, 2.0]]),  # rows far apart
         np.array([0, 1, 2], dtype=np.uint8)),
    ]


def _lse_loss(scores, y, *, shift="row", add_back=True, correct_shifted=False, reduce="mean"):
    """The loss from the scores by log-sum-exp, with the known mistakes as switches. ``shift`` is what
    each row is shifted by: 'row' (its own maximum), 'none', or 'all' (the largest score in the array);
    ``reduce`` is 'mean', 'sum' or 'none' (the examples' losses, unreduced)."""
    rows = np.arange(len(y))
    f_max = {"row": scores.max(axis=1), "none": np.zeros(len(y)), "all": np.full(len(y), scores.max())}[shift]
    shifted = scores - f_max[:, None]
    log_sum_exp = np.log(np.exp(shifted).sum(axis=1)) + (f_max if add_back else 0.0)
    losses = log_sum_exp - (shifted if correct_shifted else scores)[rows, y]
    return {"mean": float(losses.mean()), "sum": float(losses.sum()), "none": losses}[reduce]


def _lse_column_max(scores, y):
    """The maximum taken down the columns (axis 0), as if each class were shifted on its own."""
    f_max = scores.max(axis=0)
    return float((f_max + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y]).mean())


def _lse_column_sum(scores, y):
    """The maximum and the sum both taken down the columns (axis 0)."""
    f_max = scores.max(axis=0)
    return float((f_max + np.log(np.exp(scores - f_max).sum(axis=0)) - scores[np.arange(len(y)), y]).mean())


def _lse_lost_keepdims(scores, y):
    """The row maxima as a flat (n,) array, which ``scores - f_max`` subtracts along the columns."""
    f_max = scores.max(axis=1)
    return float((f_max + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y]).mean())


def _log_of_probs(probs, y):
    return float(-np.log(probs[np.arange(len(y)), y]).mean())


# Mistakes in the shape of the shift, which raise on the first input (n != K) with a message that depends
# on how the learner ordered the operands: the properties compare them on the square inputs alone.
_BROADCAST_MUTANTS = [
    ("lse_wrong_axis", _lse_column_max),
    ("lse_wrong_axis", _lse_column_sum),
    ("lse_lost_keepdims", _lse_lost_keepdims),
]


def _lse_properties(cases, expected, received):
    """The hint key of a broadcasting mistake whose results on the square inputs are the learner's."""
    square = [i for i, (scores, _) in enumerate(cases) if scores.shape[0] == scores.shape[1]]
    for key, mutant in _BROADCAST_MUTANTS:
        if all(same(received[i], call(mutant, cases[i]).value) for i in square):
            return key
    return None


LOSS_FROM_SCORES = Exercise(
    "loss_from_scores",
    reference=lambda scores, y: softmax_loss(scores, y)[0],
    cases=_lse_cases,
    mutants=[
        ("lse_overflow", lambda s, y: _lse_loss(s, y, shift="none")),
        ("log_of_probs", lambda s, y: _log_of_probs(softmax(s), y)),
        ("log_of_probs", lambda s, y: _log_of_probs(naive_softmax(s), y)),
        ("lse_global_max", lambda s, y: _lse_loss(s, y, shift="all")),
        *_BROADCAST_MUTANTS,
        ("lse_shift_unbalanced", lambda s, y: _lse_loss(s, y, add_back=False)),
        ("lse_shift_unbalanced", lambda s, y: _lse_loss(s, y, correct_shifted=True)),
        ("sum_not_mean", lambda s, y: _lse_loss(s, y, reduce="sum")),
        ("lse_not_averaged", lambda s, y: _lse_loss(s, y, reduce="none")),
        ("log_probability_not_loss", lambda s, y: -_lse_loss(s, y)),
    ],
    outputs=("loss",),
    scalar=True,
    properties=_lse_properties,
    forbidden=("softmax", "log_softmax", "softmax_loss", "loss_and_grads"),
)


# ---------------------------------------------------------------- the checks their grade cells call
def check_class_scores(class_scores):
    """Check ``class_scores(X, W, b)``, the (n, K) scores X W + b. Returns the function to use below."""
    return SCORES.check(class_scores)


def check_softmax_probs(softmax_probs):
    """Check ``softmax_probs(scores)``, the (n, K) probabilities, stable for big scores."""
    return SOFTMAX.check(softmax_probs)


def check_softmax_loss_l2(softmax_loss_l2):
    """Check ``softmax_loss_l2(probs, y, W, reg)``, the mean cross-entropy plus 0.5 * reg * sum(W * W)."""
    return LOSS.check(softmax_loss_l2)


def check_loss_from_scores(loss_from_scores):
    """Check ``loss_from_scores(scores, y)``, the mean cross-entropy computed from the scores by log-sum-exp."""
    return LOSS_FROM_SCORES.check(loss_from_scores)
