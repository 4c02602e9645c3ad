"""Instant checks for the exercises of notebooks 1-4, one ``check_...`` per exercise.

Each check calls the learner's function on small inputs chosen so that the
common mistakes give different answers (unit-scale weights and ``reg`` 0.1
rather than the course's ``0.01 * randn`` start, where a missing L2 term does
not show; scores near 1000, where ``np.exp`` overflows without the max shift;
a square score matrix, where a lost ``keepdims`` still broadcasts). Then:

* right: one line says so, and the check returns the learner's function;
* not written yet (it raises ``NotImplementedError``): one line says so, and the
  check returns the ``helpers`` version, so that the cells below still run;
* wrong: it says what was expected and what was received (a shape, or a value
  such as the loss), and names the mistake whose result matches, found by
  running each known mistake on the same inputs. It returns the ``helpers``
  version too. Expected arrays are never printed, only their shapes and
  properties.

A function that calls the ``helpers`` function it stands for (``helpers.softmax``
in ``softmax_probs``, say) is not right, whatever it returns: each exercise lists
the helpers that its learner's code may not call. Nor is one that changes an
argument in place, but for the arguments an exercise lists as ``restored``
(``x`` in ``numerical_gradient``): those it may change, if it puts them back.

Under nbgrader's autograder (the environment variable ``NBGRADER_EXECUTION``
is set) a check that is not right writes its message to stderr instead of
stdout, which is how nbgrader scores a cell 0, and still hands the cells below
the ``helpers`` version: a wrong exercise costs its own point and nothing else.
Otherwise checks write to stdout only, and the learner's code runs with NumPy's
floating-point warnings silenced, so that a right answer never scores 0 for a
warning. Every line a check writes fits nbgrader's feedback (80 characters).
"""
import contextlib
import copy
import os
import sys
import textwrap
import warnings

import numpy as np

from .course import course_data
from .gradcheck import numerical_gradient, rel_error
from .layers import affine_backward, affine_forward, relu_forward
from .softmax import l2_penalty, softmax, softmax_loss

__all__ = [
    "EXERCISES",
    "check_spiral_arm", "check_class_scores", "check_softmax_probs", "check_softmax_loss_l2",
    "check_score_gradient", "check_linear_backward", "check_sgd_update",
    "check_hidden_activation", "check_relu_switch", "check_second_layer_backward",
    "check_numerical_gradient",
]


WIDTH = 80  # nbgrader validate cuts longer lines


# ---------------------------------------------------------------- hints
# One hint per misconception; the tests look for these exact texts.
HINTS = {
    "no_l2": "the L2 term is missing: the loss is the mean cross-entropy plus (1/2) reg times the sum of the squared weights.",
    "no_half": "the L2 term lacks its 1/2: it is (1/2) reg times the sum of the squared weights, so that its gradient is reg times W.",
    "sum_not_mean": "a sum where the mean belongs: the data loss averages over the n examples.",
    "grad_no_mean": "the gradient is not divided by n: the loss is a mean over the n examples, so every row of dscores is divided by n too.",
    "no_minus_one": "1 is not subtracted at each example's correct class: the gradient on the scores is (p - 1(y_i = k)) / n.",
    "minus_one_column": "1 is subtracted in whole columns: subtract it from one entry per row, the example's correct class, by indexing rows and columns with two index arrays.",
    "unnormalised": "dscores is computed from unnormalised scores: turn the scores into softmax probabilities (each row summing to 1) first.",
    "overflow": "np.exp overflows on big scores (above about 709) and gives inf and then NaN: subtract each row's maximum before exponentiating.",
    "wrong_axis": "summed along the wrong axis: softmax normalises each row, over the classes (axis 1); a bias gradient sums over the examples (axis 0).",
    "lost_keepdims": "the sum lost its kept dimension: with keepdims=True a row sum keeps shape (n, 1) and a column sum (1, K), so they broadcast the right way.",
    "no_exp": "the scores are normalised without exponentiating them first, which is what makes them positive.",
    "not_normalised": "the exponentiated scores are not divided by their row sums, so the rows do not sum to 1.",
    "log_all": "the log is taken of more than the correct class's probability (every probability, or whole columns): each example contributes only -ln p of its own class y_i.",
    "transposed": "a transposed product: check the shapes. A product of (a, b) and (b, c) gives (a, c), and a gradient has the shape of its parameter (dW like W, dhidden like hidden_layer).",
    "no_bias": "the bias is missing: the scores are XW + b, with b broadcast over the rows.",
    "no_reg_grad": "the regularisation gradient is missing: the L2 term (1/2) reg sum(W^2) adds reg times W to dW.",
    "half_reg_grad": "the regularisation gradient carries a stray 1/2: the derivative of (1/2) reg sum(W^2) is reg times W.",
    "no_reg_grad2": "the regularisation gradient is missing: the L2 term (1/2) reg sum(W2^2) adds reg times W2 to dW2.",
    "half_reg_grad2": "the regularisation gradient carries a stray 1/2: the derivative of (1/2) reg sum(W2^2) is reg times W2.",
    "switch_early": "the ReLU switch is already applied to dhidden: this function returns dL/dA; the switch comes next, in relu_switch.",
    "wrong_sign": "the update has the wrong sign: the gradient points uphill, so step against it.",
    "no_step_size": "the step size is missing: the step is the gradient scaled by step_size.",
    "relu_not_applied": "the ReLU is not applied: A = max(0, Z) sets every negative entry to 0.",
    "relu_wrong_side": "the ReLU keeps the wrong side: it keeps the positive entries and zeroes the negative ones.",
    "relu_mask": "this returns the switch 1(Z > 0), not the activation max(0, Z).",
    "np_max": "np.max reduces one array to its largest entry (here z is read as the axis): the elementwise maximum of two arguments is another NumPy function.",
    "switch_wrong_side": "the ReLU switch is on the wrong side: the gradient passes where the unit was on, Z > 0, and is zeroed where Z <= 0.",
    "switch_not_applied": "the ReLU switch is not applied: the gradient must be zeroed wherever Z <= 0, where the unit was off.",
    "switch_times_z": "the gradient is multiplied by Z's values: the ReLU's slope is 1 where Z > 0 and 0 elsewhere, so only that switch multiplies it.",
    "arm_transposed": "the points are in columns: the arm has one point per row, shape (N, 2), with the two coordinates as its columns.",
    "arm_sin_cos": "sin and cos are swapped: a point is (r sin t, r cos t).",
    "arm_no_four": "the angles sweep 1 radian instead of 4: arm j runs from 4j to 4(j+1).",
    "arm_no_noise": "the angles have no noise: each angle gets Gaussian noise of standard deviation 0.2, drawn from rng.",
    "arm_noise_scale": "the noise is not scaled: its standard deviation is 0.2, not 1.",
    "arm_radius": "the radii are not spread evenly from 0 to 1 over the N points.",
    "arm_other_draws": "the radii are right but the angles' noise differs: draw exactly N standard normals from the rng passed in (not from np.random), and nothing else.",
    "one_sided": "a one-sided difference, f at x + eps (or x - eps) against f at x: its error shrinks only like eps. The centred one takes f at x + eps and at x - eps.",
    "no_two": "the difference is divided by eps, but x + eps and x - eps are 2 eps apart: divide by 2 eps.",
    "difference_reversed": "the difference is taken the wrong way round, which flips the gradient's sign: f at x + eps minus f at x - eps.",
    "all_at_once": "every entry of x is nudged at once, which gives one number for all of them: nudge one entry at a time, the others staying put.",
    "not_restored": "x is not put back: after an entry's two evaluations, restore the value it had (save it first), so that x comes back unchanged.",
    "nudged_copy": "the gradient is all zeros, as when f never sees the nudges: f reads x itself, not a copy of it, so nudge the entries of x in place (and put each one back).",
    "f_called_with_x": "f takes no arguments: it reads x itself. Change an entry of x in place, then call f() to get its value there.",
    "fixed_eps": "the step is not the eps passed in: nudge each entry by the argument eps, not by a fixed number.",
    "in_place": "an argument was changed in place, so the cells that use it afterwards see other values: compute new arrays instead (for example start from a .copy()).",
    "calls_helpers": "write the computation with NumPy yourself: the exercise is to build what that helpers function does.",
}


# ---------------------------------------------------------------- running learner code
def _grading():
    return bool(os.environ.get("NBGRADER_EXECUTION"))


class _CalledHelpers(Exception):
    """Raised in the learner's code when it calls a helpers function its exercise forbids."""


@contextlib.contextmanager
def _forbid(names, func):
    """While inside, a call from outside ``helpers`` to a helpers function named in ``names``
    raises ``_CalledHelpers``; the names called that way are collected in the yielded list.

    The functions are replaced wherever the learner's code can reach them: as attributes of the
    ``helpers`` modules (``helpers.softmax(...)``) and as names in the learner's namespace
    (``from helpers import softmax``). Calls from inside ``helpers`` pass through, so that an
    allowed helper that uses a forbidden one internally keeps working.
    """
    import helpers
    called = []
    originals = {id(getattr(helpers, name)): name for name in names}
    replaced = []  # (namespace dict, key, original)

    def tripwire(original, name):
        def wrapper(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller == "helpers" or caller.startswith("helpers."):
                return original(*args, **kwargs)
            called.append(name)
            raise _CalledHelpers(name)
        return wrapper

    spaces = [vars(m) for key, m in list(sys.modules.items())
              if m is not None and (key == "helpers" or key.startswith("helpers."))]
    spaces.append(getattr(func, "__globals__", {}))
    try:
        for space in spaces:
            for key, value in list(space.items()):
                if id(value) in originals:
                    replaced.append((space, key, value))
                    space[key] = tripwire(value, originals[id(value)])
        yield called
    finally:
        for space, key, value in reversed(replaced):
            space[key] = value


def _call(func, args, forbidden=(), restored=()):
    """Run ``func(*deepcopy(args))`` quietly, ``forbidden`` helpers tripped. Returns
    ``(result, exception, changed)``, ``changed`` naming the positional arguments that the call
    modified in place; an argument in ``restored`` counts as unchanged if it comes back as it was,
    to rounding. A call to a forbidden helper is returned as the exception ``_CalledHelpers``.

    One deepcopy copies all the arguments, so that an argument holding a reference to another one
    (numerical_gradient's ``f``, which reads ``x``) holds the copy of it (deepcopy's memo)."""
    fresh = copy.deepcopy(args)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), _forbid(forbidden, func) as called:
            warnings.simplefilter("ignore")
            result = func(*fresh)
        if called:
            return None, _CalledHelpers(called[0]), []
    except NotImplementedError:
        raise
    except Exception as exc:  # the learner's code may raise anything; we report it
        if called:
            return None, _CalledHelpers(called[0]), []
        return None, exc, []
    changed = [i for i, (a, f) in enumerate(zip(args, fresh))
               if isinstance(a, np.ndarray) and not _unchanged(a, f, i in restored)]
    return result, None, changed


def _unchanged(before, after, restored=False):
    """Whether an array argument came back from the call as it went in. One that is nudged and put
    back may be put back by arithmetic (``x[i] += eps`` ... ``x[i] -= eps``), an ulp or so off:
    that is restored. Left at ``x - eps`` or ``x + eps`` it is not."""
    if not restored:
        return np.array_equal(before, after, equal_nan=True)
    return (isinstance(after, np.ndarray) and after.shape == before.shape
            and bool(np.allclose(after, before, rtol=1e-12, atol=1e-15, equal_nan=True)))


def _same(a, b):
    """Whether two results (arrays, numbers or tuples of them, or exceptions) agree."""
    if isinstance(a, BaseException) or isinstance(b, BaseException):
        return (isinstance(a, BaseException) and isinstance(b, BaseException)
                and type(a) is type(b) and str(a) == str(b))
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    if isinstance(a, np.ndarray) != isinstance(b, np.ndarray) and not (np.ndim(a) == np.ndim(b) == 0):
        return False     # a list where an array belongs breaks the cells below (no .shape)
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True))


def _fmt_shape(shape):
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def _describe(value):
    """A short description of a received value: its kind and shape, never its entries."""
    if value is None:
        return "None (is the `return` line still there?)"
    if isinstance(value, np.ndarray):
        text = f"an array of shape {_fmt_shape(value.shape)}"
        if value.dtype.kind in "fc" and value.size and not np.all(np.isfinite(value)):
            text += f" holding {int(np.size(value) - np.count_nonzero(np.isfinite(value)))} NaN or infinite value(s)"
        elif value.dtype.kind not in "fiub":
            text += f" of dtype {value.dtype}"
        return text
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool):
        return f"the number {float(value):.4f}"
    return f"a {type(value).__name__}"


class _Exercise:
    """One exercise: its reference, the inputs it is checked on, and the known mistakes."""

    def __init__(self, name, reference, cases, mutants, outputs, scalar=False, properties=None,
                 forbidden=(), restored=(), relative=False):
        self.name = name
        self.restored = restored        # positional arguments it may change in place if it puts them back
        self.relative = relative        # report a difference as a relative error, not in absolute terms
        self.forbidden = forbidden      # helpers the learner's code may not call (names in helpers)
        self.reference = reference      # the helpers version, also the fallback
        self.cases = cases              # () -> list of argument tuples
        self.mutants = mutants          # list of (hint key, wrong implementation)
        self.outputs = outputs          # names of the returned values, e.g. ("dW", "db")
        self.scalar = scalar            # a single number is expected (the loss)
        self.properties = properties    # (args, received) -> list of extra observations

    def diagnose(self, func):
        """Return ``(status, lines)``; status is 'right', 'not done' or 'wrong'."""
        if not callable(func):
            return "wrong", [f"expected: a function named {self.name}",
                             f"received: {_describe(func)}; run the cell that defines {self.name} first"]
        cases = self.cases()
        received, expected = [], []
        for args in cases:
            try:
                got, exc, changed = _call(func, args, self.forbidden, self.restored)
            except NotImplementedError:
                return "not done", []
            if isinstance(exc, _CalledHelpers):
                return "wrong", [f"expected: {self.name} computed with NumPy",
                                 f"received: a call to helpers.{exc}, the helper that this exercise rebuilds",
                                 "likely mistake: " + HINTS["calls_helpers"]]
            received.append(exc if exc is not None else got)
            expected.append(_call(self.reference, args)[0])
            if changed and all(i in self.restored for i in changed):
                names = self._arg_names(func, changed)
                return "wrong", [f"expected: {names} as it was before the call (nudged, then put back)",
                                 f"received: {names} left changed by the call",
                                 "likely mistake: " + HINTS["not_restored"]]
            if changed:
                return "wrong", ["expected: the arguments unchanged by the call",
                                 f"received: {self._arg_names(func, changed)} changed in place",
                                 "likely mistake: " + HINTS["in_place"]]
        if all(_same(self._as_result(g), e) for g, e in zip(received, expected)):
            return "right", []
        lines = self._expected_received(cases, expected, received)
        if any(isinstance(g, list) and isinstance(e, np.ndarray) for g, e in zip(received, expected)):
            return "wrong", lines    # a list, not an array: that is the whole story
        for key, mutant in self.mutants:
            outs = [_call(mutant, args) for args in cases]
            mutant_results = [exc if exc is not None else got for got, exc, _ in outs]
            if all(_same(self._as_result(g), m) for g, m in zip(received, mutant_results)):
                return "wrong", lines + ["likely mistake: " + HINTS[key]]
        extra = self.properties(cases, expected, received) if self.properties else []
        return "wrong", lines + (extra or ["no known mistake matches: compare your code with the formula "
                                           "in the text above, one step at a time, checking each shape."])

    def _as_result(self, got):
        if isinstance(got, BaseException):
            return got
        if len(self.outputs) > 1 and isinstance(got, list):
            return tuple(got)
        return got

    @staticmethod
    def _arg_names(func, indices):
        code = getattr(func, "__code__", None)
        names = code.co_varnames[:code.co_argcount] if code else ()
        return ", ".join(f"`{names[i]}`" if i < len(names) else f"argument {i + 1}" for i in indices)

    def _expected_received(self, cases, expected, received):
        """Lines saying what was expected and received, for the first input where they differ."""
        for args, exp, got in zip(cases, expected, received):
            if _same(self._as_result(got), exp):
                continue
            if isinstance(got, BaseException):
                first = str(got).strip().splitlines()[0] if str(got).strip() else ""
                return [f"expected: {self._expected_text(exp)}",
                        f"received: {type(got).__name__}: {first}"]
            if len(self.outputs) > 1:
                if not isinstance(got, (tuple, list)) or len(got) != len(self.outputs):
                    return [f"expected: {len(self.outputs)} values, {', '.join(self.outputs)}",
                            f"received: {_describe(got)}"]
                for name, e, g in zip(self.outputs, exp, got):
                    if not _same(g, e):
                        return self._one(name, e, g)
            return self._one(self.outputs[0], exp, got)
        return []

    def _expected_text(self, exp):
        if isinstance(exp, tuple):
            return ", ".join(f"{n} of shape {_fmt_shape(e.shape)}" for n, e in zip(self.outputs, exp))
        if self.scalar:
            return f"{self.outputs[0]} = {float(exp):.4f} on these inputs"
        return f"{self.outputs[0]} of shape {_fmt_shape(np.shape(exp))}"

    def _one(self, name, exp, got):
        if self.scalar:
            if np.ndim(got) == 0 and isinstance(got, (float, int, np.floating, np.integer, np.ndarray)):
                return [f"expected: {name} = {float(exp):.4f} on these inputs",
                        f"received: {name} = {float(got):.4f}"]
            return [f"expected: {name}, a single number",
                    f"received: {_describe(got)}"]
        if isinstance(got, list):
            return [f"expected: {name}, a NumPy array of shape {_fmt_shape(exp.shape)}",
                    f"received: a list; build the result with NumPy operations, or wrap it in np.array(...)"]
        if not isinstance(got, np.ndarray):
            return [f"expected: {name}, an array of shape {_fmt_shape(np.shape(exp))}",
                    f"received: {_describe(got)}"]
        if got.shape != exp.shape:
            lines = [f"expected: {name} of shape {_fmt_shape(exp.shape)}",
                     f"received: {_describe(got)}"]
            if got.shape == exp.shape[::-1] and got.ndim == 2:
                lines.append("note: that is the expected shape transposed")
            elif 1 in exp.shape and got.shape == tuple(s for s in exp.shape if s != 1):
                lines.append("note: that is the expected shape without its dimension of size 1 (keepdims?)")
            return lines
        if got.dtype.kind in "fc" and not np.all(np.isfinite(got)):
            return [f"expected: {name} of shape {_fmt_shape(exp.shape)}, every entry finite",
                    f"received: {_describe(got)}"]
        diff = np.abs(np.asarray(got, dtype=float) - exp)
        wrong = int(np.count_nonzero(diff > 1e-6 + 1e-6 * np.abs(exp)))
        if not np.any(got) and np.any(exp):
            how = "every entry is 0"      # "by up to" would print the largest expected entry
        elif self.relative:
            how = f"{wrong} of its {exp.size} entries differ (relative error up to {rel_error(got, exp):.1g})"
        else:
            how = f"{wrong} of its {exp.size} entries differ (by up to {diff.max():.3g})"
        return [f"expected: {name} of shape {_fmt_shape(exp.shape)}",
                f"received: the right shape, but {how}"]

    def check(self, func):
        """Print the verdict; return ``func`` if it is right, else the helpers version."""
        status, lines = self.diagnose(func)
        if status == "right":
            print(f"\u2714 {self.name}: right.")
            return func
        if status == "not done":
            message = f"\u2026 {self.name}: not done yet; the cells below use the helpers version."
        else:
            message = "\n".join([f"\u2718 {self.name}: not right yet."]
                                + [_wrap(line, "  ", "      ") for line in lines]
                                + ["  Until it is right, the cells below use the helpers version."])
        # nbgrader scores a cell with output on stderr 0; the cells below still run
        print(message, file=sys.stderr if _grading() else sys.stdout)
        return self.reference


def _wrap(text, indent, subsequent):
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=subsequent,
                         break_long_words=False, break_on_hyphens=False)


# ---------------------------------------------------------------- test inputs
def _rng(seed):
    return np.random.RandomState(seed)


def _labels(n, K, seed):
    y = np.arange(n) % K                    # every class present
    return _rng(seed).permutation(y).astype(np.uint8)


def _unit_case():
    """A slice of the spiral with unit-scale weights and reg 0.1, where the mistakes separate."""
    _, X, y = course_data()
    W = _rng(1).standard_normal((2, 3))
    return X, y, W, 0.1


# ---------------------------------------------------------------- 1. one arm of the spiral
def _arm(j, N, rng, *, four=4, noise=0.2, trig=(np.sin, np.cos), stack=np.column_stack):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(four * j, four * (j + 1), N) + noise * rng.standard_normal(N)
    return stack([r * trig[0](t), r * trig[1](t)])


def _arm_properties(cases, expected, received):
    got = received[0]
    if isinstance(got, np.ndarray) and got.shape == expected[0].shape and np.all(np.isfinite(got)):
        radii = np.hypot(got[:, 0], got[:, 1])
        if np.allclose(radii, np.hypot(expected[0][:, 0], expected[0][:, 1])):
            return ["likely mistake: " + HINTS["arm_other_draws"]]
        return ["likely mistake: " + HINTS["arm_radius"]]
    return None


SPIRAL_ARM = _Exercise(
    "spiral_arm",
    reference=lambda j, N, rng: _arm(j, N, rng),
    cases=lambda: [(1, 7, _rng(3)), (2, 5, _rng(4))],
    mutants=[
        ("arm_transposed", lambda j, N, rng: _arm(j, N, rng, stack=np.vstack)),
        ("arm_sin_cos", lambda j, N, rng: _arm(j, N, rng, trig=(np.cos, np.sin))),
        ("arm_no_four", lambda j, N, rng: _arm(j, N, rng, four=1)),
        ("arm_no_noise", lambda j, N, rng: _arm(j, N, rng, noise=0.0)),
        ("arm_noise_scale", lambda j, N, rng: _arm(j, N, rng, noise=1.0)),
    ],
    outputs=("arm",),
    properties=_arm_properties,
    forbidden=("make_spiral",),
)


# ---------------------------------------------------------------- 2. the scores
SCORES = _Exercise(
    "class_scores",
    reference=lambda X, W, b: affine_forward(X, W, b)[0],
    cases=lambda: [(_rng(5).standard_normal((5, 2)), _rng(6).standard_normal((2, 3)),
                    _rng(7).standard_normal((1, 3)))],
    mutants=[
        ("transposed", lambda X, W, b: W.T @ X.T + b.T),
        ("transposed", lambda X, W, b: (X @ W + b).T),
        ("no_bias", lambda X, W, b: X @ W),
    ],
    outputs=("scores",),
    forbidden=("affine_forward",),
)


# ---------------------------------------------------------------- 3. softmax probabilities
def _naive_softmax(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_cases():
    rng = _rng(8)
    return [(2.0 * rng.standard_normal((4, 3)),),          # n != K: a lost keepdims fails to broadcast
            (2.0 * rng.standard_normal((3, 3)),),          # n == K: a lost keepdims broadcasts, wrongly
            (np.array([[1000.0, 1001.0, 1002.0], [-3.0, 0.0, 800.0]]),)]   # np.exp overflows


def _shifted_exp(s):
    return np.exp(s - s.max(axis=1, keepdims=True))


SOFTMAX = _Exercise(
    "softmax_probs",
    reference=softmax,
    cases=_softmax_cases,
    mutants=[
        ("overflow", _naive_softmax),
        ("wrong_axis", lambda s: np.exp(s - s.max(axis=0, keepdims=True))
         / np.exp(s - s.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True)),
        ("wrong_axis", lambda s: np.exp(s) / np.exp(s).sum(axis=0, keepdims=True)),
        ("wrong_axis", lambda s: _shifted_exp(s) / _shifted_exp(s).sum(axis=0, keepdims=True)),
        ("lost_keepdims", lambda s: _shifted_exp(s) / _shifted_exp(s).sum(axis=1)),
        ("lost_keepdims", lambda s: np.exp(s) / np.exp(s).sum(axis=1)),
        ("lost_keepdims", lambda s: np.exp(s - s.max(axis=1)) / np.exp(s - s.max(axis=1)).sum(axis=1)),
        ("not_normalised", _shifted_exp),
        ("not_normalised", np.exp),
        ("no_exp", lambda s: s / s.sum(axis=1, keepdims=True)),
    ],
    outputs=("probs",),
    forbidden=("softmax", "log_softmax", "softmax_loss"),
)


# ---------------------------------------------------------------- 4. the loss with its L2 term
def _loss_case():
    X, y, W, reg = _unit_case()
    return [(softmax(X @ W), y, W, reg)]


def _loss_ref(probs, y, W, reg):
    rows = np.arange(len(y))
    return float(-np.log(probs[rows, y]).mean() + l2_penalty(reg, W))


LOSS = _Exercise(
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


# ---------------------------------------------------------------- 5. dscores
def _dscores_cases():
    rng = _rng(9)
    big = 300.0 * rng.standard_normal((5, 3)) + 700.0
    return [(2.0 * rng.standard_normal((6, 3)), _labels(6, 3, 10)),
            (big, _labels(5, 3, 11))]


def _dscores(probs, y, *, minus=1.0, mean=True, columns=False):
    d = probs.copy()
    if columns:
        d[:, y] -= minus
    else:
        d[np.arange(len(y)), y] -= minus
    return d / len(y) if mean else d


DSCORES = _Exercise(
    "score_gradient",
    reference=lambda scores, y: softmax_loss(scores, y)[1],
    cases=_dscores_cases,
    mutants=[
        ("no_minus_one", lambda s, y: _dscores(softmax(s), y, minus=0.0)),
        ("grad_no_mean", lambda s, y: _dscores(softmax(s), y, mean=False)),
        ("minus_one_column", lambda s, y: _dscores(softmax(s), y, columns=True)),
        ("unnormalised", lambda s, y: _dscores(np.exp(s), y)),
        ("unnormalised", lambda s, y: _dscores(_shifted_exp(s), y)),
        ("unnormalised", lambda s, y: _dscores(s, y)),
        ("overflow", lambda s, y: _dscores(_naive_softmax(s), y)),
        ("lost_keepdims", lambda s, y: _dscores(_shifted_exp(s) / _shifted_exp(s).sum(axis=1), y)),
    ],
    outputs=("dscores",),
    forbidden=("softmax", "log_softmax", "softmax_loss", "loss_and_grads"),
)


# ---------------------------------------------------------------- 6. dW and db
def _backward_case():
    rng = _rng(12)
    X = rng.standard_normal((6, 2))
    dscores = softmax_loss(2.0 * rng.standard_normal((6, 3)), _labels(6, 3, 13))[1]
    return [(X, dscores, rng.standard_normal((2, 3)), 0.1)]


def _lin_back(X, dscores, W, reg, *, reg_factor=1.0, transpose=False, db_axis=0, keepdims=True):
    dW = (dscores.T @ X).T if not transpose else dscores.T @ X
    if transpose:
        dW = dW + reg_factor * reg * W.T
    else:
        dW = dW + reg_factor * reg * W
    return dW, dscores.sum(axis=db_axis, keepdims=keepdims)


LINEAR_BACKWARD = _Exercise(
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
    ],
    outputs=("dW", "db"),
    forbidden=("affine_backward", "loss_and_grads"),
)


# ---------------------------------------------------------------- 7. the parameter update
def _update_case():
    rng = _rng(14)
    return [(rng.standard_normal((2, 3)), rng.standard_normal((1, 3)),
             rng.standard_normal((2, 3)), rng.standard_normal((1, 3)), 0.5)]


UPDATE = _Exercise(
    "sgd_update",
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


# ---------------------------------------------------------------- 8. the ReLU forward
def _relu_case():
    z = _rng(15).standard_normal((5, 4))
    z[0, 0] = 0.0
    return [(z,)]


def _np_max(z):
    return np.max(0, z)


RELU_FORWARD = _Exercise(
    "hidden_activation",
    reference=lambda z: relu_forward(z)[0],
    cases=_relu_case,
    mutants=[
        ("relu_not_applied", lambda z: z.copy()),
        ("relu_wrong_side", lambda z: np.minimum(0, z)),
        ("relu_wrong_side", lambda z: np.maximum(0, -z)),
        ("relu_mask", lambda z: (z > 0).astype(float)),
        ("np_max", _np_max),
    ],
    outputs=("hidden_layer",),
    forbidden=("relu_forward",),
)


# ---------------------------------------------------------------- 9. the ReLU backward switch
def _switch_case():
    rng = _rng(16)
    z = rng.standard_normal((5, 4))
    z[1, 2] = 0.0                    # a unit exactly at its kink is off
    return [(rng.standard_normal((5, 4)), z)]


RELU_SWITCH = _Exercise(
    "relu_switch",
    reference=lambda dhidden, z: np.where(z > 0, dhidden, 0.0),
    cases=_switch_case,
    mutants=[
        ("switch_not_applied", lambda d, z: d.copy()),
        ("switch_wrong_side", lambda d, z: d * (z < 0)),
        ("switch_wrong_side", lambda d, z: d * (z <= 0)),
        ("switch_times_z", lambda d, z: d * z),
        ("switch_times_z", lambda d, z: d * np.maximum(0, z)),
    ],
    outputs=("dz",),
    forbidden=("relu_backward",),
)


# ---------------------------------------------------------------- 10. dW2, db2 and dhidden
def _second_case():
    rng = _rng(17)
    hidden_layer = np.maximum(0, rng.standard_normal((6, 4)))
    dscores = softmax_loss(2.0 * rng.standard_normal((6, 3)), _labels(6, 3, 18))[1]
    return [(hidden_layer, dscores, rng.standard_normal((4, 3)), 0.1)]


def _second(A, d, W2, reg, *, reg_factor=1.0, t_dW2=False, t_dhidden=False, db_axis=0, keepdims=True,
            switch=False):
    dW2 = d.T @ A + reg_factor * reg * W2.T if t_dW2 else A.T @ d + reg_factor * reg * W2
    dhidden = W2 @ d.T if t_dhidden else d @ W2.T
    if switch:
        dhidden = dhidden * (A > 0)
    return dW2, d.sum(axis=db_axis, keepdims=keepdims), dhidden


SECOND_LAYER = _Exercise(
    "second_layer_backward",
    reference=lambda A, d, W2, reg: _second(A, d, W2, reg),
    cases=_second_case,
    mutants=[
        ("transposed", lambda A, d, W2, reg: _second(A, d, W2, reg, t_dW2=True)),
        ("transposed", lambda A, d, W2, reg: _second(A, d, W2, reg, t_dhidden=True)),
        ("transposed", lambda A, d, W2, reg: _second(A, d, W2, reg, t_dW2=True, t_dhidden=True)),
        ("no_reg_grad2", lambda A, d, W2, reg: _second(A, d, W2, reg, reg_factor=0.0)),
        ("half_reg_grad2", lambda A, d, W2, reg: _second(A, d, W2, reg, reg_factor=0.5)),
        ("lost_keepdims", lambda A, d, W2, reg: _second(A, d, W2, reg, keepdims=False)),
        ("wrong_axis", lambda A, d, W2, reg: _second(A, d, W2, reg, db_axis=1)),
        ("wrong_axis", lambda A, d, W2, reg: _second(A, d, W2, reg, db_axis=1, keepdims=False)),
        ("switch_early", lambda A, d, W2, reg: _second(A, d, W2, reg, switch=True)),
    ],
    outputs=("dW2", "db2", "dhidden"),
    forbidden=("affine_backward", "relu_backward", "loss_and_grads"),
)


# ---------------------------------------------------------------- 11. a numerical gradient
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
        rng = _rng(20)
        self.X, self.y = rng.standard_normal((5, 2)), _labels(5, 3, 21)

    def __call__(self, W):
        return softmax_loss(self.X @ W, self.y)[0] + l2_penalty(0.1, W)


def _numgrad_cases():
    """eps 1e-5, where a one-sided difference is off by about eps times the second derivative (a
    quadratic's would be constant and cancel less clearly), and eps 1e-2, where a fixed 1e-5 shows."""
    x = 1.5 * _rng(19).standard_normal((2, 3))
    W = _rng(22).standard_normal((2, 3))
    return [(_ReadsX(_wavy, x), x, 1e-5), (_ReadsX(_TinySoftmaxLoss(), W), W, 1e-2)]


def _nudge_loop(f, x, eps, *, one_sided=False, divisor=2.0, sign=1.0, leave=0.0, step=None):
    """The centred difference, one entry at a time, or one of its known mistakes."""
    eps = eps if step is None else step
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        saved = x[ix]
        x[ix] = saved + eps
        f_plus = f()
        x[ix] = saved if one_sided else saved - eps
        f_minus = f()
        grad[ix] = sign * (f_plus - f_minus) / (eps if one_sided else divisor * eps)
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


NUMERICAL_GRADIENT = _Exercise(
    "numerical_gradient",
    reference=numerical_gradient,
    cases=_numgrad_cases,
    mutants=[
        ("one_sided", lambda f, x, eps: _nudge_loop(f, x, eps, one_sided=True)),
        ("one_sided", lambda f, x, eps: _nudge_loop(f, x, -eps, one_sided=True)),   # backward
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
    forbidden=("numerical_gradient", "check_gradients"),
    restored=(1,),
    relative=True,
)


EXERCISES = {ex.name: ex for ex in (SPIRAL_ARM, SCORES, SOFTMAX, LOSS, DSCORES, LINEAR_BACKWARD, UPDATE,
                                    RELU_FORWARD, RELU_SWITCH, SECOND_LAYER, NUMERICAL_GRADIENT)}


def check_spiral_arm(spiral_arm):
    """Check ``spiral_arm(j, N, rng)``, the (N, 2) points of arm j. Returns the function to use below."""
    return SPIRAL_ARM.check(spiral_arm)


def check_class_scores(class_scores):
    """Check ``class_scores(X, W, b)``, the (n, K) scores X W + b. Returns the function to use below."""
    return SCORES.check(class_scores)


def check_softmax_probs(softmax_probs):
    """Check ``softmax_probs(scores)``, the (n, K) probabilities, stable for big scores."""
    return SOFTMAX.check(softmax_probs)


def check_softmax_loss_l2(softmax_loss_l2):
    """Check ``softmax_loss_l2(probs, y, W, reg)``, the mean cross-entropy plus 0.5 * reg * sum(W * W)."""
    return LOSS.check(softmax_loss_l2)


def check_score_gradient(score_gradient):
    """Check ``score_gradient(scores, y)``, dscores = (p - 1(y_i = k)) / n, shape (n, K)."""
    return DSCORES.check(score_gradient)


def check_linear_backward(linear_backward):
    """Check ``linear_backward(X, dscores, W, reg)``, returning ``dW`` (D, K) with reg * W, and ``db`` (1, K)."""
    return LINEAR_BACKWARD.check(linear_backward)


def check_sgd_update(sgd_update):
    """Check ``sgd_update(W, b, dW, db, step_size)``, returning the new ``W`` and ``b``."""
    return UPDATE.check(sgd_update)


def check_hidden_activation(hidden_activation):
    """Check ``hidden_activation(z)``, the ReLU A = max(0, Z)."""
    return RELU_FORWARD.check(hidden_activation)


def check_relu_switch(relu_switch):
    """Check ``relu_switch(dhidden, z)``, dL/dZ = dL/dA * 1(Z > 0)."""
    return RELU_SWITCH.check(relu_switch)


def check_second_layer_backward(second_layer_backward):
    """Check ``second_layer_backward(hidden_layer, dscores, W2, reg)``, returning ``dW2`` (with reg * W2),
    ``db2`` and ``dhidden``."""
    return SECOND_LAYER.check(second_layer_backward)


def check_numerical_gradient(numerical_gradient):
    """Check ``numerical_gradient(f, x, eps)``, the centred-difference gradient of ``f()`` at ``x``, shaped
    like ``x``: ``f`` takes no arguments and reads ``x``, which is nudged in place and must come back as it was."""
    return NUMERICAL_GRADIENT.check(numerical_gradient)
