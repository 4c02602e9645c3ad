"""Notebook 2's exercises, ``class_scores``, ``softmax_probs``, ``softmax_loss_l2`` and ``loss_from_scores``:
their inputs, their known mistakes and their checks. The softmax mistakes are building blocks of notebook 3's too."""
import numpy as np

from ..course import K, N, course_data
from ..layers import affine_forward
from ..softmax import l2_penalty, softmax, softmax_loss
from .engine import Exercise, same
from .inputs import seeded_rng, shuffled_labels
from .running import call

NOTEBOOK_N = N * K   # the examples in the notebook's X (and its global num_examples)


def _n_properties(cases, expected, received):
    """The hint for a number of examples taken from elsewhere than the rows of the first argument: results
    right exactly on the inputs with the notebook's n (a global X or num_examples), or exactly on those
    with n == K (n from the columns)."""
    right = [same(got, exp) for got, exp in zip(received, expected, strict=True)]
    if all(right) or not any(right):
        return None
    shapes = [np.shape(args[0]) for args in cases]
    if right == [n == NOTEBOOK_N for n, _ in shapes]:
        return "n_global"
    if right == [n == k for n, k in shapes]:
        return "n_from_columns"
    return None


def _shifted_by(centre):
    """Softmax with each row shifted by ``centre(row)`` (its mean, its minimum) instead of its maximum."""
    def probs(s):
        e = np.exp(s - centre(s, axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return probs


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
            (np.array([[1000.0, 1001.0, 1002.0], [-3.0, 0.0, 800.0]]),),   # np.exp overflows
            (np.array([[1500.0, -1500.0, 0.0], [0.0, 1.0, 2.0]]),)]        # overflows unless shifted by the max


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
        ("shift_not_max", _shifted_by(np.mean)),
        ("shift_not_max", _shifted_by(np.min)),
        ("not_normalised", shifted_exp),
        ("not_normalised", np.exp),
        ("no_exp", lambda s: s / s.sum(axis=1, keepdims=True)),
    ],
    outputs=("probs",),
    forbidden=("softmax", "log_softmax", "softmax_loss"),
    labels=("on random scores", "on random scores, n = K", "on scores near 1000", "where one row spans 3000"),
)


# ---------------------------------------------------------------- ex4_softmax_loss_l2: the loss with its L2 term
def _loss_cases():
    """The course's spiral with unit-scale weights and reg 0.1, where the mistakes separate (at the
    course's ``0.01 * randn`` start a missing L2 term does not show); then 3 examples, where a number of
    examples read from the notebook (300) or from the columns (n == K here) shows."""
    _, X, y = course_data()
    W = seeded_rng(1).standard_normal((2, 3))
    few = seeded_rng(2).standard_normal((3, 2))
    return [(softmax(X @ W), y, W, 0.1),
            (softmax(few @ W), shuffled_labels(3, 3, 3), W, 0.1)]


def _loss_ref(probs, y, W, reg):
    rows = np.arange(len(y))
    return float(-np.log(probs[rows, y]).mean() + l2_penalty(reg, W))


LOSS = Exercise(
    "softmax_loss_l2",
    reference=_loss_ref,
    cases=_loss_cases,
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
    properties=_n_properties,
    forbidden=("softmax_loss", "log_softmax", "l2_penalty", "loss_and_grads"),
    labels=("on the spiral's 300 examples", "on 3 examples"),
)


# ---------------------------------------------------------------- ex5_loss_from_scores: the loss by log-sum-exp
def _lse_cases():
    """Scores on which each way of losing the log-sum-exp gives its own loss. All but the first and the last
    are square (n == K), where a maximum over the wrong axis, or one without its kept dimension, broadcasts
    instead of raising; the first and the last are not, where n taken from the wrong dimension shows, and
    the last has the notebook's 300 examples, where only n read from the notebook (X, num_examples) is
    right."""
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
        (np.array([[1500.0, -1500.0, 0.0], [0.0, 1.0, 2.0], [2.0, 0.0, -1.0]]),  # np.exp overflows unless
         np.array([0, 2, 1], dtype=np.uint8)),                                     # shifted by the row max
        (2.0 * rng.standard_normal((NOTEBOOK_N, 3)), shuffled_labels(NOTEBOOK_N, 3, 17)),
    ]


_LSE_LABELS = ("on random scores", "on random scores, n = K", "on scores near 1000",
               "where the correct class is 800 behind", "on rows 2000 apart", "where one row spans 3000",
               "on 300 examples")


def _lse_loss(scores, y, *, shift="row", add_back=1, correct_shifted=False, correct=True, reduce="mean"):
    """The loss from the scores by log-sum-exp, with the known mistakes as switches. ``shift`` is what
    each row is shifted by: 'row' (its own maximum), 'none', 'all' (the largest score in the array),
    'min' or 'mean' (the row's); ``add_back`` the sign it is added back with (0: not added back);
    ``correct`` whether the correct class's score is subtracted; ``reduce`` is 'mean', 'sum' or 'none'
    (the examples' losses, unreduced)."""
    rows = np.arange(len(y))
    f_max = {"row": scores.max(axis=1), "none": np.zeros(len(y)), "all": np.full(len(y), scores.max()),
             "min": scores.min(axis=1), "mean": scores.mean(axis=1)}[shift]
    shifted = scores - f_max[:, None]
    log_sum_exp = np.log(np.exp(shifted).sum(axis=1)) + add_back * f_max
    losses = log_sum_exp - (shifted if correct_shifted else scores)[rows, y] if correct else log_sum_exp
    return {"mean": float(losses.mean()), "sum": float(losses.sum()), "none": losses}[reduce]


def _lse_column_max(scores, y):
    """The maximum taken down the columns (axis 0), as if each class were shifted on its own."""
    f_max = scores.max(axis=0)
    return float((f_max + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y]).mean())


def _lse_column_max_kept(scores, y):
    """The maximum taken down the columns with its kept dimension, shape (1, K), which broadcasts on any
    input; its first entry (the largest score of class 0) added back for every row."""
    f_max = scores.max(axis=0, keepdims=True)
    return float((f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y]).mean())


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
    """The hint key of a broadcasting mistake whose results on the square inputs are the learner's, else
    of a number of examples taken from elsewhere than the rows of ``scores``."""
    square = [i for i, (scores, _) in enumerate(cases) if scores.shape[0] == scores.shape[1]]
    for key, mutant in _BROADCAST_MUTANTS:
        if all(same(received[i], call(mutant, cases[i]).value) for i in square):
            return key
    return _n_properties(cases, expected, received)


LOSS_FROM_SCORES = Exercise(
    "loss_from_scores",
    reference=lambda scores, y: softmax_loss(scores, y)[0],
    cases=_lse_cases,
    mutants=[
        ("lse_overflow", lambda s, y: _lse_loss(s, y, shift="none")),
        ("log_of_probs", lambda s, y: _log_of_probs(softmax(s), y)),
        ("log_of_probs", lambda s, y: _log_of_probs(naive_softmax(s), y)),
        ("lse_global_max", lambda s, y: _lse_loss(s, y, shift="all")),
        ("shift_not_max", lambda s, y: _lse_loss(s, y, shift="min")),
        ("shift_not_max", lambda s, y: _lse_loss(s, y, shift="mean")),
        *_BROADCAST_MUTANTS,
        ("lse_wrong_axis", _lse_column_max_kept),
        ("lse_shift_unbalanced", lambda s, y: _lse_loss(s, y, add_back=0)),
        ("lse_shift_unbalanced", lambda s, y: _lse_loss(s, y, add_back=-1)),
        ("lse_shift_unbalanced", lambda s, y: _lse_loss(s, y, correct_shifted=True)),
        ("lse_no_correct_score", lambda s, y: _lse_loss(s, y, correct=False)),
        ("sum_not_mean", lambda s, y: _lse_loss(s, y, reduce="sum")),
        ("lse_not_averaged", lambda s, y: _lse_loss(s, y, reduce="none")),
        ("log_probability_not_loss", lambda s, y: -_lse_loss(s, y)),
    ],
    outputs=("loss",),
    scalar=True,
    properties=_lse_properties,
    forbidden=("softmax", "log_softmax", "softmax_loss", "loss_and_grads"),
    labels=_LSE_LABELS,
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
