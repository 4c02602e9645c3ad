"""Full-batch gradient descent for both models, fast.

This module owns ``train`` and what it returns (``TrainingResult``, ``Divergence``), the one
rule that says when and why a run diverged (``divergence_reason``, ``divergence_cause``, which
the playground reuses), the ``Workspace`` of arrays a run writes into, and one step per model
(``linear_loss``/``linear_step``, ``two_layer_loss``/``two_layer_step``).

The steps are the course's, with its names: scores, probs, loss, ``dscores``, ``dW2``/``db2``,
``dhidden``, the ReLU switch, ``dW``/``db``, update. Only the bookkeeping differs, one trick at a
time; each has a one-line comment where it happens, and ``benchmarks/tricks.py`` measures what
each buys. The arrays are stored transposed: ``scores`` is (K, n), ``hidden_layer`` (H, n), the
data (D, n), for n examples, so ``scores.T`` is the course's array; each bias is folded into its
weight matrix as an extra last row, against a row of ones under the layer's input, and all
the parameters live in one array, so that a single update covers them all.

These tricks change the order of some floating-point operations, so the losses agree with the
course's code to about 1e-15 at first; over thousands of steps of the network the difference
grows to a few times 1e-4, as it does between two BLAS libraries. ``helpers.models.loss_and_grads``
is the plain version of one step; the tests check that the two agree.
"""
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from .checks import check_data, check_labels, check_scalar
from .models import check_params, is_two_layer
from .perturb import apply as apply_perturbation


# --------------------------------------------------------------------------- results and divergence

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


def divergence_cause(step_size, reg):
    """Why gradient descent at this ``step_size`` and L2 strength ``reg`` blew up, in a few words.

    Each update multiplies W by ``1 - step_size * reg``: above 2, that factor is below -1, and the
    L2 term alone makes every update overshoot, whatever the data.
    """
    if step_size * reg > 2:
        return f"step size x reg = {step_size * reg:.3g} is above 2"
    return f"step size {step_size:.3g} is too large"


def divergence_reason(loss, first_loss, blowup_factor, step_size, reg):
    """``None`` while training is sound; else why it diverged, as a sentence for ``Divergence.reason``.

    It diverged when the ``loss`` is no longer finite or exceeds ``blowup_factor`` times ``first_loss``.
    """
    if math.isfinite(loss) and loss <= blowup_factor * first_loss:
        return None
    why = "the loss is no longer finite" if not math.isfinite(loss) else (
        f"the loss rose to {loss:.4g}, over {blowup_factor:g} times its starting value {first_loss:.4g}")
    return f"{why}; the {divergence_cause(step_size, reg)}"


# --------------------------------------------------------------------------- the workspace

def _fold(W, b, dtype):
    """Stack ``b`` under ``W``: ``[X, 1] @ _fold(W, b) == X @ W + b``."""
    return np.vstack([W, np.reshape(b, (1, -1))]).astype(dtype)


class Workspace:
    """Every array one training run writes into, allocated once; the steps only write (out=, -=, *=).

    X1T : (D+1, n), ``[X, 1].T``. onehot : (K, n), column i holds a 1 in row y[i].
    Wb : (D+1, M), ``[W; b]``, M = H or K; ``W`` (D, M) and ``b`` (1, M) are views into it.
    dWb : ``[dW; db]`` times step_size. scores, probs : (K, n). colsum, per_example : (n,).
    For the network also W2b, W2, b2, dW2b as above, with hidden_ones (H+1, n), whose first H
    rows are ``hidden_layer`` (H, n) and, once dW2 is computed, ``dhidden``; and alive (H, n),
    the ReLU's 0/1 mask, as floats (a product of floats with booleans converts them on every use).
    all_params : Wb then W2b, flattened, the arrays they are views of; all_grads : dWb then dW2b,
    likewise. scale = step_size / n folds the step size into dscores; decay (like all_params)
    is 1 - step_size * reg at each weight and 1 at each bias: the L2 gradient as a weight decay.
    """

    def __init__(self, params, X, y, K, *, step_size, reg, dtype):
        N, D = X.shape
        self.N, self.reg = N, reg
        self.scale = step_size / N
        self.X1T = np.ones((D + 1, N), dtype)
        self.X1T[:D] = X.T
        self.onehot = np.zeros((K, N), dtype)
        self.onehot[y, np.arange(N)] = 1.0
        self.scores, self.probs = np.empty((K, N), dtype), np.empty((K, N), dtype)
        self.colsum, self.per_example = np.empty(N, dtype), np.empty(N, dtype)
        self.two_layer = is_two_layer(params)
        layers = [("W", "b")] + ([("W2", "b2")] if self.two_layer else [])
        folded = [_fold(params[w], params[b], dtype) for w, b in layers]
        self.all_params = np.concatenate([Wb.ravel() for Wb in folded])
        self.all_grads = np.empty_like(self.all_params)
        self.decay = np.ones_like(self.all_params)
        views = self._layer_views([Wb.shape for Wb in folded])
        for _, _, decay in views:
            decay[:-1] = 1.0 - step_size * reg  # every row but the last, the bias's
        self.Wb, self.dWb, _ = views[0]
        self.W, self.b = self.Wb[:D], self.Wb[D:]
        if self.two_layer:
            self.W2b, self.dW2b, _ = views[1]
            H = self.Wb.shape[1]
            self.W2, self.b2 = self.W2b[:H], self.W2b[H:]
            self.hidden_ones = np.ones((H + 1, N), dtype)
            self.hidden_layer = self.hidden_ones[:H]
            self.dhidden = self.hidden_layer  # hidden_layer is not needed once dW2 is computed
            self.alive = np.empty((H, N), dtype)

    def _layer_views(self, shapes):
        """For each layer's folded shape, in order: its (params, grads, decay) views into the flat arrays."""
        views, start = [], 0
        for rows, cols in shapes:
            stop = start + rows * cols
            views.append([a[start:stop].reshape(rows, cols) for a in (self.all_params, self.all_grads, self.decay)])
            start = stop
        return views

    def all_finite(self):
        """Whether every parameter is still finite."""
        return bool(np.all(np.isfinite(self.all_params)))

    def params(self):
        """Copies of the parameters, in the course's layout: W (D, M), b (1, M), and W2, b2 for the network."""
        params = {"W": self.W.copy(), "b": self.b.copy()}
        if self.two_layer:
            params.update(W2=self.W2.copy(), b2=self.b2.copy())
        return params


# --------------------------------------------------------------------------- one step per model

def _stable_softmax(scores, onehot, exp_scores, colsum):
    """The rare step where the course's plain softmax overflows: redo it safely; return the data loss.

    ``np.exp(scores)`` overflows once scores pass ~709 (training is blowing up). Subtracting each
    column's largest score first changes neither the probabilities nor the loss. scores, onehot,
    exp_scores : (K, n); colsum : (n,); exp_scores and colsum are overwritten with the shifted versions.
    """
    N = scores.shape[1]
    shifted = scores - np.max(scores, axis=0)
    np.exp(shifted, out=exp_scores)
    np.add.reduce(exp_scores, axis=0, out=colsum)
    # -log(probs[y]) = log(sum exp(shifted)) - shifted[y], and the sum is >= 1
    return (np.log(colsum).sum() - np.vdot(shifted, onehot)) / N


def _softmax_data_loss(ws):
    """The mean cross-entropy of ``ws.scores`` (K, n).

    Leaves exp_scores (K, n) in ``ws.probs`` and their column sums (n,) in ``ws.colsum``, for ``_dscores``.
    """
    scores, onehot, colsum = ws.scores, ws.onehot, ws.colsum
    # no max-shift, like the course: np.exp overflows only when training blows up (then: redo safely)
    exp_scores = np.exp(scores, out=ws.probs)
    # np.sum(exp_scores, axis=1) of the course: K long rows added element by element (np.sum's core)
    np.add.reduce(exp_scores, axis=0, out=colsum)
    # -log(probs[y]) = log(colsum) - scores[y]; scores[y] by a dot product with the one-hot labels
    data_loss = (np.add.reduce(np.log(colsum, out=ws.per_example)) - np.vdot(scores, onehot)) / ws.N
    if not math.isfinite(data_loss):
        data_loss = _stable_softmax(scores, onehot, exp_scores, colsum)
    return data_loss


def _dscores(ws):
    """dscores (K, n) = (probs - onehot) * step_size / n, written over ``ws.probs``: the course's
    ``dscores[range(N), y] -= 1; dscores /= N``, times step_size."""
    dscores = np.divide(ws.probs, ws.colsum, out=ws.probs)
    dscores -= ws.onehot
    dscores *= ws.scale  # step_size folded in: every gradient below comes out times step_size
    return dscores


def update(ws):
    """The course's ``W += -step_size * dW`` (dW with its ``reg * W``) and ``b += -step_size * db`` for
    every parameter at once, the gradients being already times step_size."""
    ws.all_params *= ws.decay  # the L2 gradient reg * W as a decay of the weights (the biases times 1)
    ws.all_params -= ws.all_grads


def linear_loss(ws):
    """Forward pass of the linear classifier: scores (K, n) = (X W + b).T into ``ws.scores``; return the loss."""
    np.matmul(ws.Wb.T, ws.X1T, out=ws.scores)
    W = ws.W
    reg_loss = 0.5 * ws.reg * np.vdot(W, W)
    return _softmax_data_loss(ws) + reg_loss


def linear_step(ws):
    """Backward pass and update after ``linear_loss``: W += -step_size * (dW + reg * W), and b."""
    dscores = _dscores(ws)
    np.matmul(ws.X1T, dscores.T, out=ws.dWb)  # [dW; db] from one product, against the row of ones
    update(ws)


def two_layer_loss(ws):
    """Forward pass of the network: hidden_layer (H, n) = max(0, X W + b).T, scores (K, n) = (hidden_layer.T W2 + b2).T;
    return the loss."""
    hidden_layer, alive = ws.hidden_layer, ws.alive
    np.matmul(ws.Wb.T, ws.X1T, out=hidden_layer)
    np.greater(hidden_layer, 0.0, out=alive)
    hidden_layer *= alive  # the ReLU as a product with a 0/1 mask, which the backward pass reuses
    np.matmul(ws.W2b.T, ws.hidden_ones, out=ws.scores)
    W, W2 = ws.W, ws.W2
    reg_loss = 0.5 * ws.reg * (np.vdot(W, W) + np.vdot(W2, W2))
    return _softmax_data_loss(ws) + reg_loss


def two_layer_step(ws):
    """Backward pass and update after ``two_layer_loss``: first W2 and b2, then through the ReLU into W and b."""
    dscores = _dscores(ws)
    dhidden = ws.dhidden
    np.matmul(ws.hidden_ones, dscores.T, out=ws.dW2b)  # [dW2; db2] from one product
    np.matmul(ws.W2, dscores, out=dhidden)  # dhidden = np.dot(dscores, W2.T), transposed, over hidden_layer
    dhidden *= ws.alive  # the ReLU switch dhidden[hidden_layer <= 0] = 0, as a product with the mask
    np.matmul(ws.X1T, dhidden.T, out=ws.dWb)  # [dW; db]
    update(ws)


# --------------------------------------------------------------------------- train

def _check_dtype(dtype):
    """Return ``dtype`` as np.float64 or np.float32, the two precisions ``train`` supports."""
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in (np.float64, np.float32):
        raise ValueError(f"dtype must be np.float64 (the default) or np.float32; got {dtype!r}")
    return checked


def train(params, X, y, *, step_size=1.0, reg=1e-3, num_iters=200, record_every=10,
          verbose=False, print_fn=print, blowup_factor=10.0, reference_loss=None, dtype=np.float64):
    """Train either model by full-batch gradient descent on the regularised softmax loss.

    params : dict, ``{"W", "b"}`` (linear) or ``{"W", "b", "W2", "b2"}`` (2-layer); not modified.
    X : (n, D) float data. y : (n,) int labels in [0, K).
    step_size : float > 0. reg : float >= 0, L2 strength.
    num_iters : int >= 1, number of updates.
    record_every : int >= 1; the loss before update ``i`` is recorded when ``i % record_every == 0``.
    verbose : print ``iteration i: loss L`` at each recorded iteration, through ``print_fn``.
    blowup_factor : training stops as diverged when the loss exceeds this many times
        its starting value, or stops being finite (``divergence_reason``).
    reference_loss : the starting value that ``blowup_factor`` multiplies; by default the
        first loss of this call. A run trained in several calls (the playground's frames)
        passes the loss of its very first iteration, so that a slow blow-up spread over
        many calls is caught just as in one long call.
    dtype : np.float64 (default), or np.float32 to train in single precision: faster, but the
        network's printed losses then leave the course's within the first 1000 iterations, by up
        to ~1e-2 later on (the returned params are float32).

    Returns a ``TrainingResult``.
    """
    X = check_data(X)
    params, K = check_params(params, X.shape[1])
    y = check_labels(y, X.shape[0], K)
    step_size = check_scalar(step_size, "step_size", numbers.Real, min_val=0, include_boundaries="neither")
    reg = check_scalar(reg, "reg", numbers.Real, min_val=0)
    num_iters = check_scalar(num_iters, "num_iters", numbers.Integral, min_val=1)
    record_every = check_scalar(record_every, "record_every", numbers.Integral, min_val=1)
    blowup_factor = check_scalar(blowup_factor, "blowup_factor", numbers.Real, min_val=0, include_boundaries="neither")
    if reference_loss is not None:
        reference_loss = check_scalar(reference_loss, "reference_loss", numbers.Real, min_val=0,
                                      include_boundaries="neither")
    dtype = _check_dtype(dtype)
    params, X, y = apply_perturbation(params, X, y)  # only when $SPIRAL_PERTURB is set: see helpers.perturb

    ws = Workspace(params, X, y, K, step_size=step_size, reg=reg, dtype=dtype)
    loss_fn, step_fn = (two_layer_loss, two_layer_step) if ws.two_layer else (linear_loss, linear_step)
    result = TrainingResult(params={})
    first_loss = reference_loss
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # overflow is handled in the loss
        for i in range(num_iters):
            loss = loss_fn(ws)
            if first_loss is None:
                first_loss = loss
            reason = divergence_reason(loss, first_loss, blowup_factor, step_size, reg)
            if reason is not None:
                result.diverged = Divergence(i, float(loss), reason)
                break
            if i % record_every == 0:
                result.loss_history.append((i, float(loss)))
                if verbose:
                    print_fn(f"iteration {i}: loss {loss:f}")
            step_fn(ws)
            result.iterations = i + 1

    if result.diverged is None and not ws.all_finite():
        result.diverged = Divergence(result.iterations, math.nan, "the parameters are no longer finite")
    result.params = ws.params()
    return result
