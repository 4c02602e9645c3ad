"""The wording of the verdicts: what was expected, what was received, the likely mistake, wrapped to fit
nbgrader's feedback.

A received value is described by its kind, shape and how far it is off, never by its entries, and an
expected array never by more than its shape. Which input and which output to speak of is the engine's
choice; the functions here only put it into words.
"""
import textwrap

import numpy as np

from ..gradcheck import rel_error
from .hints import HINTS

WIDTH = 80  # nbgrader validate cuts longer lines

NO_KNOWN_MISTAKE = ("no known mistake matches: compare your code with the formula "
                    "in the text above, one step at a time, checking each shape.")


# ---------------------------------------------------------------- the verdict
def right(name):
    return f"\u2714 {name}: right."


def not_right(name, status, lines):
    """The verdict on a function that is not done (no lines) or wrong, one wrapped line per item of ``lines``."""
    if status == "not done":
        return f"\u2026 {name}: not done yet; the cells below use the helpers version."
    return "\n".join([f"\u2718 {name}: not right yet."]
                     + [_wrap(line, "  ", "      ") for line in lines]
                     + ["  Until it is right, the cells below use the helpers version."])


def likely_mistake(key):
    return "likely mistake: " + HINTS[key]


def _wrap(text, indent, subsequent):
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=subsequent,
                         break_long_words=False, break_on_hyphens=False)


# ---------------------------------------------------------------- calls refused whatever they return
def not_a_function(name, value):
    return [f"expected: a function named {name}",
            f"received: {describe_received(value)}; run the cell that defines {name} first"]


def called_helpers(name, helper, key="calls_helpers"):
    """A call to a helper the exercise forbids: by default the one it rebuilds; an exercise may name
    another hint for a helper it forbids for another reason (``Exercise.helper_hints``)."""
    if key != "calls_helpers":
        return [f"expected: {name} built on the notebook's own functions",
                f"received: a call to helpers.{helper}", likely_mistake(key)]
    return [f"expected: {name} computed with NumPy",
            f"received: a call to helpers.{helper}, the helper that this exercise rebuilds",
            likely_mistake("calls_helpers")]


def not_restored(names):
    return [f"expected: {names} as it was before the call (nudged, then put back)",
            f"received: {names} left changed by the call",
            likely_mistake("not_restored")]


def changed_in_place(names, key="in_place"):
    return ["expected: the arguments unchanged by the call",
            f"received: {names} changed in place",
            likely_mistake(key)]


def argument_names(func, indices):
    """The names of ``func``'s positional arguments at ``indices``, in backquotes, joined by commas."""
    code = getattr(func, "__code__", None)
    names = code.co_varnames[:code.co_argcount] if code else ()
    return ", ".join(f"`{names[i]}`" if i < len(names) else f"argument {i + 1}" for i in indices)


# ---------------------------------------------------------------- a result that differs
def raised(exercise, exp, exc, where="", at=None):
    """The learner's code raised ``exc`` where ``exp`` was expected (on the input ``where`` names); ``at``
    is the learner's line that raised it, ``(function, line number, source)`` (``running.where_raised``),
    if known."""
    text = str(exc).strip()
    lines = [f"expected: {_expected(exercise, exp, where)}",
             f"received: {type(exc).__name__}: {text.splitlines()[0] if text else ''}"]
    if at:
        function, number, source = at
        lines.append(f"raised in {function}, line {number} of its cell" + (":" if source else ""))
        if source:                  # the line itself, indented under it and cut to fit
            room = WIDTH - 6
            lines.append("    " + (source if len(source) <= room else source[:room - 1] + "\u2026"))
    return lines


def no_match_raised(exc):
    """The last line for an exception that no known mistake explains: a name not defined yet is a cell
    not run; anything else, the line that raised it."""
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        return f"run the cell that defines {exc.name} first, then this cell again."
    return "read the error and the line that raised it, fix that line, then run this cell again."


def wrong_count(outputs, got, where=""):
    return [f"expected: {len(outputs)} values, {', '.join(outputs)}{_on(where)}",
            f"received: {describe_received(got)}"]


def differs(exercise, name, exp, got, where=""):
    """The output ``name`` of ``exercise`` is ``got`` where ``exp`` was expected: a number (the loss),
    an array, or a dict of arrays (the parameters); ``where`` names the input ("on scores near 1000"),
    empty if the exercise does not label its inputs."""
    if isinstance(exp, dict):
        return _dict_differs(name, exp, got, where)
    if exercise.scalar or not isinstance(exp, np.ndarray):
        return _number_differs(name, exp, got, where)
    return _array_differs(name, exp, got, exercise.relative, where)


def numbers_differ(outputs, right, got, where=""):
    """Several numbers were expected (a circuit's gradients) and ``got`` holds as many values, not all
    of them right (``right``, one flag each): which ones, never what they should be."""
    expected = f"expected: {len(outputs)} numbers, {', '.join(outputs)}{_on(where)}"
    odd = [f"{name} is {describe_received(g)}" if not _is_number(g) else f"{name} is {float(g)}"
           for name, g in zip(outputs, got, strict=True) if not _is_number(g) or not np.isfinite(g)]
    if odd:                           # not numbers, or NaN or infinite ones: that is the whole story
        return [expected, "received: " + "; ".join(odd)]
    wrong = [name for name, ok in zip(outputs, right, strict=True) if not ok]
    fine = [name for name, ok in zip(outputs, right, strict=True) if ok]
    return [expected, f"received: {', '.join(wrong)} not right" + (f"; {', '.join(fine)} right" if fine else "")]


def _is_number(value):
    return (np.ndim(value) == 0 and not isinstance(value, (bool, np.bool_))
            and isinstance(value, (float, int, np.floating, np.integer, np.ndarray)))


def _on(where):
    """`` on scores near 1000``: the input a verdict speaks of, or nothing if the exercise names none."""
    return f" {where}" if where else ""


def _expected(exercise, exp, where=""):
    if isinstance(exp, tuple) and all(np.ndim(e) == 0 for e in exp):
        return f"{len(exp)} numbers, {', '.join(exercise.outputs)}{_on(where)}"
    if isinstance(exp, tuple):
        return ", ".join(_expected_one(n, e) for n, e in zip(exercise.outputs, exp, strict=True)) + _on(where)
    if exercise.scalar:
        return f"{exercise.outputs[0]} = {float(exp):.4f} {where or 'on these inputs'}"
    return _expected_one(exercise.outputs[0], exp) + _on(where)


def _expected_one(name, exp):
    if isinstance(exp, dict):
        return f"{name}, a dict of {', '.join(exp)}"
    if not isinstance(exp, np.ndarray):
        return f"{name}, a number"
    return f"{name} of shape {exp.shape}"


def _number_differs(name, exp, got, where=""):
    if np.ndim(got) == 0 and isinstance(got, (float, int, np.floating, np.integer, np.ndarray)):
        return [f"expected: {name} = {float(exp):.4f} {where or 'on these inputs'}",
                f"received: {name} = {float(got):.4f}"]
    return [f"expected: {name}, a single number{_on(where)}",
            f"received: {describe_received(got)}"]


def _dict_differs(name, exp, got, where=""):
    """A dict (the parameters) was expected, and ``got`` is no dict or has other keys; where both have the
    same keys, the engine speaks of the first entry that differs instead."""
    return [f"expected: {name}, a dict of {', '.join(exp)}{_on(where)}",
            f"received: {describe_received(got)}"]


def _array_differs(name, exp, got, relative, where=""):
    on = _on(where)
    if isinstance(got, list):
        return [f"expected: {name}, a NumPy array of shape {exp.shape}{on}",
                "received: a list; build the result with NumPy operations, or wrap it in np.array(...)"]
    if not isinstance(got, np.ndarray):
        return [f"expected: {name}, an array of shape {np.shape(exp)}{on}",
                f"received: {describe_received(got)}"]
    if got.shape != exp.shape:
        return [f"expected: {name} of shape {exp.shape}{on}",
                f"received: {describe_received(got)}"] + _shape_note(exp.shape, got.shape)
    if got.dtype.kind in "fc" and not np.all(np.isfinite(got)):
        return [f"expected: {name} of shape {exp.shape}{on}, every entry finite",
                f"received: {describe_received(got)}"]
    return [f"expected: {name} of shape {exp.shape}{on}",
            f"received: the right shape, but {_how_far(exp, got, relative)}"]


def _shape_note(expected, received):
    if received == expected[::-1] and len(received) == 2:
        return ["note: that is the expected shape transposed"]
    if 1 in expected and received == tuple(s for s in expected if s != 1):
        return ["note: that is the expected shape without its dimension of size 1 (keepdims?)"]
    return []


def _how_far(exp, got, relative):
    """How far an array of the right shape is off: how many entries differ, and by how much."""
    diff = np.abs(np.asarray(got, dtype=float) - exp)
    wrong = int(np.count_nonzero(diff > 1e-6 + 1e-6 * np.abs(exp)))
    if not np.any(got) and np.any(exp):
        return "every entry is 0"      # "by up to" would print the largest expected entry
    if relative:
        return f"{wrong} of its {exp.size} entries differ (relative error up to {rel_error(got, exp):.1g})"
    return f"{wrong} of its {exp.size} entries differ (by up to {diff.max():.3g})"


# ---------------------------------------------------------------- a value, by kind and shape
def describe_received(value):
    """A short description of a received value: its kind and shape, never its entries."""
    if value is None:
        return "None (is the `return` line still there?)"
    if isinstance(value, np.ndarray):
        text = f"an array of shape {value.shape}"
        if value.dtype.kind in "fc" and value.size and not np.all(np.isfinite(value)):
            bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
            text += f" holding {bad} NaN or infinite value(s)"
        elif value.dtype.kind not in "fiub":
            text += f" of dtype {value.dtype}"
        return text
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict of {', '.join(map(str, value))}" if value else "an empty dict"
    if isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool):
        return f"the number {float(value):.4f}"
    return f"a {type(value).__name__}"
