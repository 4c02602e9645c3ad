"""Softmax probabilities and the cross-entropy loss, computed stably."""
import numpy as np

from .checks import check_labels


def log_softmax(scores):
    """Log-probabilities of each row of ``scores``.

    Subtracting each row's maximum first leaves the result unchanged
    (softmax is shift-invariant) but keeps ``exp`` from overflowing.

    scores : array, shape (n, K), n examples by K classes. Returns an array of shape (n, K),
    whose entry (i, k) is ``ln p_ik``.
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores):
    """Class probabilities ``p``, shape (n, K), for scores ``f`` of shape (n, K); each row sums to 1.

    ``p_ik = exp(f_ik) / sum_k' exp(f_ik')``, computed after subtracting each row's maximum.
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    return exp_scores / exp_scores.sum(axis=1, keepdims=True)


def softmax_loss(scores, y):
    """Mean cross-entropy of ``scores`` against labels ``y``, and its gradient.

    scores : array, shape (n, K), the scores f, read as unnormalised log-probabilities.
    y : int array, shape (n,), labels in [0, K).

    Returns
    -------
    data_loss : float, ``-mean_i ln p[i, y[i]]``.
    dscores : array, shape (n, K), the gradient of data_loss on the scores,
        ``(p_ik - 1(y_i = k)) / n``.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D, of shape (n, K); got shape {scores.shape}")
    n, K = scores.shape
    y = check_labels(y, n, K)
    rows = np.arange(n)
    data_loss = -log_softmax(scores)[rows, y].mean()
    dscores = softmax(scores)
    dscores[rows, y] -= 1
    dscores /= n
    return float(data_loss), dscores


def l2_penalty(reg, *weights):
    """``0.5 * reg * sum(W*W)``, summed over every weight matrix given (biases are not penalised).

    reg : the L2 strength λ. weights : arrays of any shape, e.g. W (D, K), or W (D, H) and W2 (H, K).
    """
    return 0.5 * reg * sum(float(np.sum(W * W)) for W in weights)
