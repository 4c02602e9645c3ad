"""Full-batch gradient descent for both models, fast.

The steps are the course's: scores, softmax, loss, ``dscores``, backprop, update.
What makes the loop fast is that it allocates nothing after set-up:

* every intermediate array is allocated once and written with ``out=``;
* each bias is folded into its weight matrix as an extra row, with a column of
  ones appended to the input, so one matrix product gives ``X @ W + b`` and one
  gives both ``dW`` and ``db``;
* the labels become a one-hot matrix once, so that ``dscores`` is a subtraction
  and the correct-class scores a dot product, instead of fancy indexing;
* the L2 gradient ``reg * W`` is applied as a decay ``W *= 1 - step_size * reg``.

``helpers.models.loss_and_grads`` is the plain version of one step; the tests
check that the two agree.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from .checks import check_data, check_labels, check_positive_int, check_real
from .models import check_params, is_two_layer


@dataclass(frozen=True)
class Divergence:
    """Why and when training was stopped."""

    iteration: int
    loss: float
    reason: str

    def __str__(self):
        return f"training diverged at iteration {self.iteration}: {self.reason}"


@dataclass
class TrainingResult:
    """What ``train`` returns.

    params : the trained parameters (finite: on divergence, those from before the bad step).
    loss_history : list of ``(iteration, loss)`` pairs, one every ``record_every`` iterations.
    iterations : how many updates were made.
    diverged : ``None``, or a ``Divergence`` saying when and why training stopped.
    """

    params: dict
    loss_history: list = field(default_factory=list)
    iterations: int = 0
    diverged: Divergence = None

    @property
    def final_loss(self):
        """The loss at the last recorded iteration."""
        return self.loss_history[-1][1]


def _fold(W, b):
    """Stack ``b`` under ``W``: ``[X, 1] @ _fold(W, b) == X @ W + b``."""
    return np.vstack([W, np.reshape(b, (1, -1))]).astype(np.float64)


def _softmax_backward_inplace(scores, onehot_over_N, rowmax, rowsum):
    """Turn ``scores`` (N, K) into ``dscores = (probs - onehot) / N`` in place; return the data loss.

    The data loss is ``mean(log(sum_k exp(s_ik)) - s_iy)`` over the max-shifted
    scores, which equals ``-mean(log probs[i, y_i])`` without ever taking the
    log of a probability that underflowed to zero.
    """
    N = scores.shape[0]
    np.max(scores, axis=1, keepdims=True, out=rowmax)
    scores -= rowmax
    correct = np.vdot(scores, onehot_over_N)  # mean correct-class score
    np.exp(scores, out=scores)
    np.sum(scores, axis=1, keepdims=True, out=rowsum)
    data_loss = np.log(rowsum).mean() - correct
    rowsum *= N
    scores /= rowsum
    scores -= onehot_over_N
    return data_loss


def train(params, X, y, *, step_size=1.0, reg=1e-3, num_iters=200, record_every=10,
          verbose=False, print_fn=print, blowup_factor=10.0):
    """Train either model by full-batch gradient descent on the regularised softmax loss.

    params : dict, ``{"W", "b"}`` (linear) or ``{"W", "b", "W2", "b2"}`` (2-layer); not modified.
    X : (N, D) float data. y : (N,) int labels in [0, K).
    step_size : float > 0. reg : float >= 0, L2 strength.
    num_iters : int >= 1, number of updates.
    record_every : int >= 1; the loss before update ``i`` is recorded when ``i % record_every == 0``.
    verbose : print ``iteration i: loss L`` at each recorded iteration, through ``print_fn``.
    blowup_factor : training stops as diverged when the loss exceeds this many times
        its starting value, or stops being finite.

    Returns a ``TrainingResult``.
    """
    X = check_data(X)
    params, K = check_params(params, X.shape[1])
    N, D = X.shape
    y = check_labels(y, N, K)
    step_size = check_real(step_size, "step_size", positive=True)
    reg = check_real(reg, "reg", nonnegative=True)
    num_iters = check_positive_int(num_iters, "num_iters")
    record_every = check_positive_int(record_every, "record_every")
    blowup_factor = check_real(blowup_factor, "blowup_factor", positive=True)

    two_layer = is_two_layer(params)
    X1 = np.hstack([X, np.ones((N, 1))])
    W1 = _fold(params["W"], params["b"])
    W = W1[:D]  # a view: the weights without the bias row, for the L2 terms
    onehot_over_N = np.zeros((N, K))
    onehot_over_N[np.arange(N), y] = 1.0 / N
    scores, rowmax, rowsum = np.empty((N, K)), np.empty((N, 1)), np.empty((N, 1))
    dW1 = np.empty_like(W1)
    decay = 1.0 - step_size * reg
    if two_layer:
        H = W1.shape[1]
        W2, b2 = params["W2"].astype(np.float64), np.reshape(params["b2"], (1, K)).astype(np.float64)
        hidden_layer, dhidden = np.empty((N, H)), np.empty((N, H))
        dW2, db2 = np.empty_like(W2), np.empty_like(b2)
        alive = np.empty((N, H), dtype=bool)

    result = TrainingResult(params={})
    first_loss = None
    for i in range(num_iters):
        # forward pass to scores
        if two_layer:
            np.matmul(X1, W1, out=hidden_layer)
            np.maximum(hidden_layer, 0.0, out=hidden_layer)  # ReLU
            np.matmul(hidden_layer, W2, out=scores)
            scores += b2
            reg_loss = 0.5 * reg * (np.vdot(W, W) + np.vdot(W2, W2))
        else:
            np.matmul(X1, W1, out=scores)
            reg_loss = 0.5 * reg * np.vdot(W, W)

        loss = _softmax_backward_inplace(scores, onehot_over_N, rowmax, rowsum) + reg_loss
        dscores = scores
        if first_loss is None:
            first_loss = loss
        if not math.isfinite(loss) or loss > blowup_factor * first_loss:
            why = "the loss is no longer finite" if not math.isfinite(loss) else (
                f"the loss rose to {loss:.4g}, over {blowup_factor:g} times its starting value {first_loss:.4g}")
            result.diverged = Divergence(i, float(loss), f"{why}; the step size {step_size:g} is too large")
            break
        if i % record_every == 0:
            result.loss_history.append((i, float(loss)))
            if verbose:
                print_fn(f"iteration {i}: loss {loss:f}")

        # backward pass
        if two_layer:
            np.matmul(hidden_layer.T, dscores, out=dW2)
            np.sum(dscores, axis=0, keepdims=True, out=db2)
            np.matmul(dscores, W2.T, out=dhidden)
            np.greater(hidden_layer, 0.0, out=alive)
            dhidden *= alive  # the ReLU lets the gradient through only where it was active
            np.matmul(X1.T, dhidden, out=dW1)
            W2 *= decay  # the L2 gradient reg * W2, applied as a decay
            dW2 *= step_size
            W2 -= dW2
            db2 *= step_size
            b2 -= db2
        else:
            np.matmul(X1.T, dscores, out=dW1)
        W *= decay
        dW1 *= step_size
        W1 -= dW1
        result.iterations = i + 1

    if result.diverged is None and not np.all(np.isfinite(W1)):
        result.diverged = Divergence(result.iterations, math.nan, "the parameters are no longer finite")
    result.params = {"W": W1[:D].copy(), "b": W1[D:].copy()}
    if two_layer:
        result.params.update(W2=W2, b2=b2)
    return result
