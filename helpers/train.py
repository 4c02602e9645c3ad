"""Full-batch gradient descent for both models, fast.

The steps are the course's, with its names: scores, probs, loss, ``dscores``,
``dW2``/``db2``, ``dhidden``, the ReLU switch, ``dW``/``db``, update. Only the
bookkeeping differs; each trick is commented where it happens. In short:

* every intermediate array is allocated once, before the loop, and written
  with ``out=`` or in place (the course allocates about fifteen arrays a step);
* the arrays are stored transposed: ``scores`` is (K, n), ``hidden_layer``
  (H, n), the data (D, n), for n examples. With K = 3 classes, the course's
  ``np.sum(exp_scores, axis=1)`` adds up n short rows of 3 numbers, one row at a
  time; transposed, the same sums add 3 long contiguous rows element by element,
  which NumPy does with vector instructions. ``scores.T`` is the course's array;
* each bias is folded into its weight matrix as an extra row, against a row of
  ones under the layer's input, so one matrix product gives ``X @ W + b`` and
  one gives both ``dW`` and ``db``;
* the labels become a one-hot matrix once, so that ``dscores[range(n), y] -= 1``
  is a subtraction and the correct-class scores a dot product, instead of
  fancy indexing;
* the ReLU and its backward switch are products with one 0/1 mask, not an
  assignment through a boolean index, and ``dhidden`` reuses the memory of
  ``hidden_layer``;
* the step size is folded into ``dscores`` and the L2 gradient ``reg * W``
  applied as a decay ``W *= 1 - step_size * reg``, so that each update is a
  single subtraction.

These change the order of some floating-point operations, so the losses agree
with the course's code to about 1e-15 at first; over thousands of steps of the
network the difference grows to a few times 1e-4, as it does between two BLAS libraries.
``helpers.models.loss_and_grads`` is the plain version of one step; the tests
check that the two agree.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from .checks import check_data, check_labels, check_positive_int, check_real
from .models import check_params, is_two_layer
from .perturb import apply as apply_perturbation


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


def _fold(W, b, dtype):
    """Stack ``b`` under ``W``: ``[X, 1] @ _fold(W, b) == X @ W + b``."""
    return np.vstack([W, np.reshape(b, (1, -1))]).astype(dtype)


def _check_dtype(dtype):
    """Return ``dtype`` as np.float64 or np.float32, the two precisions ``train`` supports."""
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in (np.float64, np.float32):
        raise ValueError(f"dtype must be np.float64 (the default) or np.float32; got {dtype!r}")
    return checked


def _stable_softmax(scores, onehot, exp_scores, colsum):
    """The rare step where the course's plain softmax overflows: redo it safely; return the data loss.

    ``np.exp(scores)`` overflows once scores pass ~709 (training is blowing up).
    Subtracting each column's largest score first changes neither the probabilities
    nor the loss, and keeps every number finite. ``exp_scores`` and ``colsum``
    (K, n) and (n,) are overwritten with the shifted versions.
    """
    N = scores.shape[1]
    shifted = scores - np.max(scores, axis=0)
    np.exp(shifted, out=exp_scores)
    np.add.reduce(exp_scores, axis=0, out=colsum)
    # -log(probs[y]) = log(sum exp(shifted)) - shifted[y], and the sum is >= 1
    return (np.log(colsum).sum() - np.vdot(shifted, onehot)) / N


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
        its starting value, or stops being finite.
    reference_loss : the starting value that ``blowup_factor`` multiplies; by default the
        first loss of this call. A run trained in several calls (the playground's frames)
        passes the loss of its very first iteration, so that a slow blow-up spread over
        many calls is caught just as in one long call.
    dtype : np.float64 (default), or np.float32 to train in single precision: about 1.5x
        faster, but the network's printed losses then leave the course's within the
        first 1000 iterations, by up to ~1e-2 later on (the returned params are float32).

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
    if reference_loss is not None:
        reference_loss = check_real(reference_loss, "reference_loss", positive=True)
    dtype = _check_dtype(dtype)
    params, X, y = apply_perturbation(params, X, y)  # only when $SPIRAL_PERTURB is set: see helpers.perturb

    two_layer = is_two_layer(params)
    # Every array below is allocated once; the loop only writes into them (out=, -=, *=).
    # The data, transposed, with a row of ones under it: X1T is [X, 1].T, (D+1, N).
    X1T = np.ones((D + 1, N), dtype)
    X1T[:D] = X.T
    # Wb is W with b as an extra last row, (D+1, M), so Wb.T @ X1T == (X @ W + b).T.
    # W and b are views into it (no copies), for the L2 terms and the result.
    Wb = _fold(params["W"], params["b"], dtype)
    W, b = Wb[:D], Wb[D:]
    dWb = np.empty_like(Wb)  # [dW; db] (times step_size), filled by one matrix product
    # one-hot labels, (K, N): column i holds a 1 in row y[i]
    onehot = np.zeros((K, N), dtype)
    onehot[y, np.arange(N)] = 1.0
    # scores, and probs (which start as exp_scores and end as dscores), both (K, N);
    # colsum and per_example hold one number per example.
    scores, probs = np.empty((K, N), dtype), np.empty((K, N), dtype)
    colsum, per_example = np.empty(N, dtype), np.empty(N, dtype)
    if two_layer:
        H = Wb.shape[1]
        # The hidden layer with a row of ones under it, (H+1, N): against the row of
        # ones, the product that gives dW2 also gives db2.
        hidden_ones = np.ones((H + 1, N), dtype)
        hidden_layer = hidden_ones[:H]  # the course's hidden_layer, transposed: (H, N)
        W2b = _fold(params["W2"], params["b2"], dtype)  # [W2; b2], (H+1, K)
        W2, b2 = W2b[:H], W2b[H:]
        dW2b = np.empty_like(W2b)  # [dW2; db2]
        # dhidden is written over hidden_layer, which is not needed once dW2 is computed:
        # one (H, N) array fewer to allocate and to stream through the cache
        dhidden = hidden_layer
        # 1 where the ReLU's input is positive, else 0: as floats while the (H, N) arrays
        # are small enough to stay in the CPU cache (a product of floats with booleans
        # converts them on every use), as booleans (1 byte an entry, not 8) beyond that,
        # where memory traffic costs more than the conversion
        alive = np.empty((H, N), dtype if H * N <= 50_000 else bool)

    result = TrainingResult(params={})
    first_loss = reference_loss
    # Folding step_size into dscores makes every gradient below come out already
    # multiplied by step_size: the update is then one subtraction.
    # The L2 gradient reg * W is applied as a decay, W *= 1 - step_size * reg.
    scale, decay = step_size / N, 1.0 - step_size * reg
    # Like the course, the loop takes np.exp(scores) without first subtracting the
    # largest score: that is one pass fewer, and it can overflow only when training
    # blows up, when the step is redone safely (see below). NumPy's warnings about
    # it are not wanted here.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for i in range(num_iters):
            # evaluate class scores, transposed: (K, N)
            if two_layer:
                # hidden_layer = np.maximum(0, np.dot(X, W) + b), with b folded into Wb
                np.matmul(Wb.T, X1T, out=hidden_layer)
                # the ReLU as a product with a 0/1 mask of where its input is positive;
                # the backward pass multiplies by the same mask
                np.greater(hidden_layer, 0.0, out=alive)
                hidden_layer *= alive
                # scores = np.dot(hidden_layer, W2) + b2, with b2 folded into W2b
                np.matmul(W2b.T, hidden_ones, out=scores)
                reg_loss = 0.5 * reg * (np.vdot(W, W) + np.vdot(W2, W2))
            else:
                np.matmul(Wb.T, X1T, out=scores)
                reg_loss = 0.5 * reg * np.vdot(W, W)

            # compute the class probabilities: probs = exp_scores / colsum.
            # colsum is the course's np.sum(exp_scores, axis=1): in the (K, N) layout it
            # adds K long rows element by element, instead of N short rows of K numbers.
            # (np.add.reduce is np.sum without its Python wrapper.)
            exp_scores = np.exp(scores, out=probs)
            np.add.reduce(exp_scores, axis=0, out=colsum)
            # compute the loss: -log(probs[y]) = log(colsum) - scores[y], summed over the
            # examples; the correct-class scores are picked out by a dot product with the
            # one-hot labels, and no probability that underflowed to 0 is ever logged.
            data_loss = (np.add.reduce(np.log(colsum, out=per_example)) - np.vdot(scores, onehot)) / N
            if not math.isfinite(data_loss):
                # np.exp overflowed (the scores passed ~709): redo this step safely
                data_loss = _stable_softmax(scores, onehot, exp_scores, colsum)
            loss = data_loss + reg_loss
            if first_loss is None:
                first_loss = loss
            if not math.isfinite(loss) or loss > blowup_factor * first_loss:
                why = "the loss is no longer finite" if not math.isfinite(loss) else (
                    f"the loss rose to {loss:.4g}, over {blowup_factor:g} times its starting value {first_loss:.4g}")
                cause = (f"the step size {step_size:.3g} is too large" if step_size * reg <= 2 else
                         f"step_size x reg = {step_size * reg:.3g} is above 2, so the L2 term alone "
                         "makes every update overshoot")
                result.diverged = Divergence(i, float(loss), f"{why}; {cause}")
                break
            if i % record_every == 0:
                result.loss_history.append((i, float(loss)))
                if verbose:
                    print_fn(f"iteration {i}: loss {loss:f}")

            # compute the gradient on scores, in place:
            # dscores = probs; dscores[range(N), y] -= 1; dscores /= N
            probs = np.divide(exp_scores, colsum, out=probs)
            dscores = probs
            dscores -= onehot  # subtracts 1 at the correct class, 0 elsewhere
            dscores *= scale  # / N, and times step_size: see `scale` above

            # backpropagate the gradient to the parameters (each times step_size)
            if two_layer:
                # first backprop into W2 and b2: dW2b = [dW2; db2] from one product
                # (its last row, against the row of ones, is np.sum(dscores, axis=0))
                np.matmul(hidden_ones, dscores.T, out=dW2b)
                # next backprop into hidden layer: dhidden = np.dot(dscores, W2.T), transposed
                np.matmul(W2, dscores, out=dhidden)
                # backprop the ReLU non-linearity: the switch dhidden[hidden_layer <= 0] = 0,
                # as a product with the mask; assigning through a boolean index is ~10x
                # slower, as it goes element by element
                dhidden *= alive
                # finally into W, b: dWb = [dW; db]
                np.matmul(X1T, dhidden.T, out=dWb)
                # perform a parameter update: W2 += -step_size * (dW2 + reg * W2), and b2
                W2 *= decay
                W2b -= dW2b
            else:
                np.matmul(X1T, dscores.T, out=dWb)
            # perform a parameter update: W += -step_size * (dW + reg * W), and b
            W *= decay
            Wb -= dWb
            result.iterations = i + 1

    finite = np.all(np.isfinite(Wb)) and (not two_layer or np.all(np.isfinite(W2b)))
    if result.diverged is None and not finite:
        result.diverged = Divergence(result.iterations, math.nan, "the parameters are no longer finite")
    result.params = {"W": W.copy(), "b": b.copy()}
    if two_layer:
        result.params.update(W2=W2.copy(), b2=b2.copy())
    return result
