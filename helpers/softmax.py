"""Softmax probabilities and the cross-entropy loss, computed stably."""
import numpy as np

from .checks import check_labels


def log_softmax(scores):
    """Log-probabilities of each row of ``scores``.

    Subtracting each row's maximum first leaves the result unchanged
    (softmax is shift-invariant) but keeps ``exp`` from overflowing.

    scores : array, shape (N, K). Returns an array of shape (N, K).
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores):
    """Class probabilities, shape (N, K), for scores of shape (N, K); rows sum to 1."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    return exp_scores / exp_scores.sum(axis=1, keepdims=True)


def softmax_loss(scores, y):
    """Mean cross-entropy of ``scores`` against labels ``y``, and its gradient.

    scores : array, shape (N, K), unnormalised log-probabilities.
    y : int array, shape (N,), labels in [0, K).

    Returns
    -------
    data_loss : float, ``-mean(log p[i, y[i]])``.
    dscores : array, shape (N, K), ``(p - onehot(y)) / N``.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D, of shape (N, K); got shape {scores.shape}")
    N, K = scores.shape
    y = check_labels(y, N, K)
    rows = np.arange(N)
    data_loss = -log_softmax(scores)[rows, y].mean()
    dscores = softmax(scores)
    dscores[rows, y] -= 1
    dscores /= N
    return float(data_loss), dscores


def l2_penalty(reg, *weights):
    """``0.5 * reg * sum(W*W)`` over every weight matrix given (biases are not penalised)."""
    return 0.5 * reg * sum(float(np.sum(W * W)) for W in weights)
