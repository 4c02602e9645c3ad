"""Notebook 2's exercises, ``class_scores``, ``softmax_probs`` and ``softmax_loss_l2``: their inputs, their
known mistakes and their checks. The softmax mistakes are building blocks of notebook 3's too."""
import numpy as np

from ..course import course_data
from ..layers import affine_forward
from ..softmax import l2_penalty, softmax
from .engine import Exercise
from .inputs import seeded_rng


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
