"""Notebook 3's exercises, ``neuron_backward``, ``score_gradient``, ``linear_backward``,
``numerical_gradient`` and ``gradient_descent_update``: their inputs, their known mistakes and their checks."""
import numpy as np

from ..gradcheck import numerical_gradient
from ..layers import affine_backward, affine_forward, relu_backward, relu_forward
from ..softmax import l2_penalty, softmax, softmax_loss
from .engine import Exercise
from .inputs import seeded_rng, shuffled_labels
from .nb2_softmax import naive_softmax, shifted_exp


# ---------------------------------------------------------------- ex6_neuron_backward: a scalar circuit
def neuron_backward_by_layers(x0, x1, w0, w1, b, da):
    """The gradients of the neuron a = max(0, w0 x0 + w1 x1 + b), scaled by the upstream gradient da:
    ``(dx0, dx1, dw0, dw1, db)``, computed by the array layers on one example (1, 2) and one unit."""
    z, affine_cache = affine_forward(np.array([[x0, x1]]), np.array([[w0], [w1]]), np.array([[b]]))
    _, relu_cache = relu_forward(z)
    dX, dW, db = affine_backward(relu_backward(np.array([[da]], dtype=float), relu_cache), affine_cache)
    return dX[0, 0], dX[0, 1], dW[0, 0], dW[1, 0], db[0, 0]


def _neuron_cases():
    """A neuron that is on (z = 2.12) with da = -2, where every gate's mistake shows; one that is off
    (z = -1.15) with da = 1.5, where only the max gate's do; and one that is on (z = 0.88) with da = 0.8,
    so that the gradient's sign is not always the opposite of z's (a max gate switched by the gradient's
    sign would pass the first two). No two inputs are equal."""
    return [(1.5, -0.4, 0.8, -2.5, -0.08, -2.0), (-0.7, 2.0, 1.3, -0.3, 0.36, 1.5),
            (0.6, 1.7, -0.9, 1.1, -0.45, 0.8)]


def _neuron_back(x0, x1, w0, w1, b, da, *, upstream=True, gate="max", share=1.0, multiply="swap"):
    """The neuron's backward pass gate by gate, or one of its known mistakes."""
    z = w0 * x0 + w1 * x1 + b
    passes = {"max": z > 0, "both": True, "wrong_side": z <= 0, "gradient": da > 0}[gate]
    dz = (da if upstream else 1.0) * float(passes)           # the max gate
    dsum = share * dz                                         # the add gate, to each of its three inputs
    if multiply == "swap":                                    # each multiply gate: the other input's value
        return w0 * dsum, w1 * dsum, x0 * dsum, x1 * dsum, dsum
    if multiply == "own":
        return x0 * dsum, x1 * dsum, w0 * dsum, w1 * dsum, dsum
    return dsum, dsum, dsum, dsum, dsum                       # "pass": as if it were an add gate


def _five_numbers(got):
    """The five gradients as one 1-D array of length 5 stand for the tuple of them."""
    if isinstance(got, np.ndarray) and got.shape == (5,):
        return tuple(got)
    return got


NEURON = Exercise(
    "neuron_backward",
    reference=neuron_backward_by_layers,
    cases=_neuron_cases,
    mutants=[
        ("no_upstream", lambda *a: _neuron_back(*a, upstream=False)),
        ("mul_swapped", lambda *a: _neuron_back(*a, multiply="own")),
        ("mul_as_add", lambda *a: _neuron_back(*a, multiply="pass")),
        ("add_divided", lambda *a: _neuron_back(*a, share=1 / 3)),
        ("max_both", lambda *a: _neuron_back(*a, gate="both")),
        ("max_wrong_side", lambda *a: _neuron_back(*a, gate="wrong_side")),
        ("max_on_gradient", lambda *a: _neuron_back(*a, gate="gradient")),
    ],
    outputs=("dx0", "dx1", "dw0", "dw1", "db"),
    forbidden=("affine_backward", "relu_backward", "numerical_gradient", "gradient_errors", "loss_and_grads"),
    prepare=_five_numbers,
)


# ---------------------------------------------------------------- ex7_score_gradient: dscores
def _dscores_cases():
    """Small scores; big ones, where np.exp overflows; and rows about 2000 apart, where a shift by the
    array's maximum leaves the lower rows' exponentials all 0 (and a shift by each row's does not)."""
    rng = seeded_rng(9)
    big = 300.0 * rng.standard_normal((5, 3)) + 700.0
    apart = 2.0 * rng.standard_normal((4, 3)) + np.array([[2000.0], [0.0], [1990.0], [-15.0]])
    return [(2.0 * rng.standard_normal((6, 3)), shuffled_labels(6, 3, 10)),
            (big, shuffled_labels(5, 3, 11)),
            (apart, shuffled_labels(4, 3, 23))]


def _global_shift_softmax(scores):
    """Softmax with every score shifted by the largest of the whole array, not of its row."""
    e = np.exp(scores - scores.max())
    return e / e.sum(axis=1, keepdims=True)


def _dscores(probs, y, *, minus=1.0, mean=True, columns=False):
    d = probs.copy()
    if columns:
        d[:, y] -= minus
    else:
        d[np.arange(len(y)), y] -= minus
    return d / len(y) if mean else d


DSCORES = Exercise(
    "score_gradient",
    reference=lambda scores, y: softmax_loss(scores, y)[1],
    cases=_dscores_cases,
    mutants=[
        ("no_minus_one", lambda s, y: _dscores(softmax(s), y, minus=0.0)),
        ("grad_no_mean", lambda s, y: _dscores(softmax(s), y, mean=False)),
        ("minus_one_column", lambda s, y: _dscores(softmax(s), y, columns=True)),
        ("unnormalised", lambda s, y: _dscores(np.exp(s), y)),
        ("unnormalised", lambda s, y: _dscores(shifted_exp(s), y)),
        ("unnormalised", lambda s, y: _dscores(s, y)),
        ("overflow", lambda s, y: _dscores(naive_softmax(s), y)),
        ("lost_keepdims", lambda s, y: _dscores(shifted_exp(s) / shifted_exp(s).sum(axis=1), y)),
        ("global_max", lambda s, y: _dscores(_global_shift_softmax(s), y)),
    ],
    outputs=("dscores",),
    forbidden=("softmax", "log_softmax", "softmax_loss", "loss_and_grads"),
)


# ---------------------------------------------------------------- ex8_linear_backward: dW and db
def _backward_case():
    rng = seeded_rng(12)
    X = rng.standard_normal((6, 2))
    dscores = softmax_loss(2.0 * rng.standard_normal((6, 3)), shuffled_labels(6, 3, 13))[1]
    return [(X, dscores, rng.standard_normal((2, 3)), 0.1)]


def _lin_back(X, dscores, W, reg, *, reg_factor=1.0, transpose=False, db_axis=0, keepdims=True, dW_over=1, db_over=1):
    """dW and db, or one of their known mistakes (``dW_over``, ``db_over``: a further division, by n)."""
    dW = (dscores.T @ X).T if not transpose else dscores.T @ X
    if transpose:
        dW = dW + reg_factor * reg * W.T
    else:
        dW = dW / dW_over + reg_factor * reg * W
    return dW, dscores.sum(axis=db_axis, keepdims=keepdims) / db_over


LINEAR_BACKWARD = Exercise(
    "linear_backward",
    reference=lambda X, dscores, W, reg: (affine_backward(dscores, (X, W))[1] + reg * W,
                                          affine_backward(dscores, (X, W))[2]),
    cases=_backward_case,
    mutants=[
        ("transposed", lambda X, d, W, reg: _lin_back(X, d, W, reg, transpose=True)),
        ("no_reg_grad", lambda X, d, W, reg: _lin_back(X, d, W, reg, reg_factor=0.0)),
        ("half_reg_grad", lambda X, d, W, reg: _lin_back(X, d, W, reg, reg_factor=0.5)),
        ("lost_keepdims", lambda X, d, W, reg: _lin_back(X, d, W, reg, keepdims=False)),
        ("wrong_axis", lambda X, d, W, reg: _lin_back(X, d, W, reg, db_axis=1)),
        ("wrong_axis", lambda X, d, W, reg: _lin_back(X, d, W, reg, db_axis=1, keepdims=False)),
        ("divided_twice", lambda X, d, W, reg: _lin_back(X, d, W, reg, dW_over=len(X))),
        ("divided_twice", lambda X, d, W, reg: _lin_back(X, d, W, reg, dW_over=len(X), db_over=len(X))),
    ],
    outputs=("dW", "db"),
    forbidden=("affine_backward", "loss_and_grads"),
)


# ---------------------------------------------------------------- ex9_numerical_gradient
class _ReadsX:
    """numerical_gradient's ``f``: a function of no arguments that reads the array ``x`` it holds.

    An object rather than a closure, so that the check's deepcopy of the arguments ``(f, x, eps)``
    gives a copied ``f`` that reads the copied ``x`` (deepcopy's memo copies ``x`` once, for both).
    """

    def __init__(self, formula, x):
        self.formula, self.x = formula, x

    def __call__(self):
        return float(self.formula(self.x))


def _wavy(x):
    """Smooth, not quadratic, and not a sum of one function per entry: the entries of the two rows
    interact, so that an entry left nudged changes the next entries' differences."""
    return np.sum(np.sin(x) * x ** 2) + np.sum(x[0] * x[1])


class _TinySoftmaxLoss:
    """The softmax loss with its L2 term of a (2, 3) W on 5 points, as in the lesson."""

    def __init__(self):
        rng = seeded_rng(20)
        self.X, self.y = rng.standard_normal((5, 2)), shuffled_labels(5, 3, 21)

    def __call__(self, W):
        return softmax_loss(self.X @ W, self.y)[0] + l2_penalty(0.1, W)


def _numgrad_cases():
    """eps 1e-5, where a one-sided difference is off by about eps times the second derivative (a
    quadratic's would be constant and cancel less clearly), and eps 1e-2, where a fixed 1e-5 shows."""
    x = 1.5 * seeded_rng(19).standard_normal((2, 3))
    W = seeded_rng(22).standard_normal((2, 3))
    return [(_ReadsX(_wavy, x), x, 1e-5), (_ReadsX(_TinySoftmaxLoss(), W), W, 1e-2)]


def _nudge_loop(f, x, eps, *, lowered=-1.0, divisor=2.0, sign=1.0, leave=0.0, step=None):
    """The centred difference, one entry at a time, or one of its known mistakes: ``lowered`` 0 evaluates
    f at x itself, not at x - eps, as a one-sided difference does (divided by eps, ``divisor`` 1) or an
    entry raised by eps and then lowered by eps back to x (still divided by 2 eps)."""
    eps = eps if step is None else step
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        saved = x[ix]
        x[ix] = saved + eps
        f_plus = f()
        x[ix] = saved + lowered * eps
        f_minus = f()
        grad[ix] = sign * (f_plus - f_minus) / (divisor * eps)
        x[ix] = saved + leave * eps
    return grad


def _all_at_once(f, x, eps):
    saved = x.copy()
    x[...] = saved + eps
    f_plus = f()
    x[...] = saved - eps
    f_minus = f()
    x[...] = saved
    return np.full(x.shape, (f_plus - f_minus) / (2 * eps))


NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient",
    reference=numerical_gradient,
    cases=_numgrad_cases,
    mutants=[
        ("one_sided", lambda f, x, eps: _nudge_loop(f, x, eps, lowered=0.0, divisor=1.0)),
        ("one_sided", lambda f, x, eps: _nudge_loop(f, x, -eps, lowered=0.0, divisor=1.0)),   # backward
        ("lowered_back_to_x", lambda f, x, eps: _nudge_loop(f, x, eps, lowered=0.0)),
        ("no_two", lambda f, x, eps: _nudge_loop(f, x, eps, divisor=1.0)),
        ("difference_reversed", lambda f, x, eps: _nudge_loop(f, x, eps, sign=-1.0)),
        ("all_at_once", _all_at_once),
        ("not_restored", lambda f, x, eps: _nudge_loop(f, x, eps, leave=-1.0)),
        ("not_restored", lambda f, x, eps: _nudge_loop(f, x, eps, leave=1.0)),
        ("nudged_copy", lambda f, x, eps: numerical_gradient(f, x.copy(), eps)),
        ("f_called_with_x", lambda f, x, eps: (f(x + eps) - f(x - eps)) / (2 * eps)),
        ("fixed_eps", lambda f, x, eps: _nudge_loop(f, x, eps, step=1e-5)),
    ],
    outputs=("grad",),
    forbidden=("numerical_gradient", "gradient_errors"),
    restored=(1,),
    relative=True,
)


# ---------------------------------------------------------------- ex10_gradient_descent_update
def _update_case():
    rng = seeded_rng(14)
    return [(rng.standard_normal((2, 3)), rng.standard_normal((1, 3)),
             rng.standard_normal((2, 3)), rng.standard_normal((1, 3)), 0.5)]


UPDATE = Exercise(
    "gradient_descent_update",
    reference=lambda W, b, dW, db, step_size: (W - step_size * dW, b - step_size * db),
    cases=_update_case,
    mutants=[
        ("wrong_sign", lambda W, b, dW, db, s: (W + s * dW, b + s * db)),
        ("wrong_sign", lambda W, b, dW, db, s: (W + s * dW, b - s * db)),
        ("wrong_sign", lambda W, b, dW, db, s: (W - s * dW, b + s * db)),
        ("no_step_size", lambda W, b, dW, db, s: (W - dW, b - db)),
    ],
    outputs=("W", "b"),
    forbidden=("train",),
)


# ---------------------------------------------------------------- the checks their grade cells call
def check_neuron_backward(neuron_backward):
    """Check ``neuron_backward(x0, x1, w0, w1, b, da)``, returning ``dx0, dx1, dw0, dw1, db`` (a tuple, a list
    or a 1-D array of the five): the gradients of a = max(0, w0 x0 + w1 x1 + b), each times the upstream
    gradient da."""
    return NEURON.check(neuron_backward)


def check_score_gradient(score_gradient):
    """Check ``score_gradient(scores, y)``, dscores = (p - 1(y_i = k)) / n, shape (n, K)."""
    return DSCORES.check(score_gradient)


def check_linear_backward(linear_backward):
    """Check ``linear_backward(X, dscores, W, reg)``, returning ``dW`` (D, K) with reg * W, and ``db`` (1, K)."""
    return LINEAR_BACKWARD.check(linear_backward)


def check_numerical_gradient(numerical_gradient):
    """Check ``numerical_gradient(f, x, eps)``, the centred-difference gradient of ``f()`` at ``x``, shaped
    like ``x``: ``f`` takes no arguments and reads ``x``, which is nudged in place and must come back as it was."""
    return NUMERICAL_GRADIENT.check(numerical_gradient)


def check_gradient_descent_update(gradient_descent_update):
    """Check ``gradient_descent_update(W, b, dW, db, step_size)``, returning the new ``W`` and ``b``."""
    return UPDATE.check(gradient_descent_update)
