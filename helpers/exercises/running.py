"""Running the learner's function: on copies of its inputs, quietly, with the helpers it may not call
tripped, noting the arguments it changed in place (arrays, and dicts of arrays such as ``params``).

This is where the checks execute learner code; what an outcome means is the engine's business.
"""
import contextlib
import copy
import functools
import io
import linecache
import sys
import sysconfig
import warnings
from typing import NamedTuple

import numpy as np


class CalledHelpers(Exception):
    """Raised in the learner's code when it calls a helpers function its exercise forbids (the message
    is the helper's name)."""


class Outcome(NamedTuple):
    """What one call gave."""

    value: object   # the result, or the exception raised (CalledHelpers for a call to a forbidden helper)
    changed: list   # the indices of the positional arguments the call changed in place


def call(func, args, forbidden=(), restored=()):
    """Run ``func(*deepcopy(args))`` with NumPy's warnings silenced, what it prints held back (a check
    says one verdict, not the learner's progress lines), and the helpers named in ``forbidden``
    tripped; return its ``Outcome``. ``NotImplementedError`` (an exercise not written yet) propagates; any
    other exception the learner's code raises is the outcome's value. An argument in ``restored`` counts as
    unchanged if it comes back as it was, to rounding.

    One deepcopy copies all the arguments, so that an argument holding a reference to another one
    (numerical_gradient's ``f``, which reads ``x``) holds the copy of it (deepcopy's memo)."""
    fresh = copy.deepcopy(args)
    try:
        with (warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()),
              forbid(forbidden, func) as called):
            warnings.simplefilter("ignore")
            result = func(*fresh)
        if called:
            return Outcome(CalledHelpers(called[0]), [])
    except NotImplementedError:
        raise
    except Exception as exc:  # the learner's code may raise anything; we report it
        if called:
            return Outcome(CalledHelpers(called[0]), [])
        return Outcome(exc, [])
    changed = [i for i, (a, f) in enumerate(zip(args, fresh, strict=True))
               if isinstance(a, (np.ndarray, dict)) and not unchanged(a, f, i in restored)]
    return Outcome(result, changed)


def unchanged(before, after, restored=False):
    """Whether an array argument, or a dict of them, came back from the call as it went in. One that is
    nudged and put back may be put back by arithmetic (``x[i] += eps`` ... ``x[i] -= eps``), an ulp or
    so off: that is restored. Left at ``x - eps`` or ``x + eps`` it is not. A dict is unchanged if it
    has the same keys, each holding an unchanged value (``params["W"] = ...`` changes it too)."""
    if isinstance(before, dict):
        return (isinstance(after, dict) and before.keys() == after.keys()
                and all(unchanged(before[k], after[k], restored) if isinstance(before[k], np.ndarray)
                        else before[k] is after[k] or before[k] == after[k] for k in before))
    if not restored:
        return np.array_equal(before, after, equal_nan=True)
    return (isinstance(after, np.ndarray) and after.shape == before.shape
            and bool(np.allclose(after, before, rtol=1e-12, atol=1e-15, equal_nan=True)))


@contextlib.contextmanager
def forbid(names, func):
    """While inside, a call from outside ``helpers`` to a helpers function named in ``names``
    raises ``CalledHelpers``; the names called that way are collected in the yielded list.

    ``names`` are attributes of ``helpers`` (``"softmax"``) or dotted paths into its modules
    (``"models.forward"``). The functions are replaced wherever the learner's code can reach them: as attributes of the
    ``helpers`` modules (``helpers.softmax(...)``) and as names in the learner's namespace
    (``from helpers import softmax``). Calls from inside ``helpers`` pass through, so that an
    allowed helper that uses a forbidden one internally keeps working.
    """
    import helpers
    called = []
    # a name is an attribute of helpers, or a dotted path into its modules ("models.forward")
    originals = {id(functools.reduce(getattr, name.split("."), helpers)): name for name in names}
    replaced = []  # (namespace dict, key, original)

    def tripwire(original, name):
        def wrapper(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller == "helpers" or caller.startswith("helpers."):
                return original(*args, **kwargs)
            called.append(name)
            raise CalledHelpers(name)
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


_COMPREHENSIONS = ("<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>")
_LIBRARIES = tuple({sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")})


def where_raised(exc):
    """The learner's line that raised ``exc``: ``(function name, line number, source line)`` of the last
    frame of its traceback outside ``helpers`` and the installed libraries (NumPy, the standard library),
    or None. The source line is '' where it cannot be read back; in a notebook the line number counts
    from the top of the function's cell."""
    found = None
    tb = getattr(exc, "__traceback__", None)
    while tb is not None:
        frame, code = tb.tb_frame, tb.tb_frame.f_code
        module = frame.f_globals.get("__name__", "")
        if not (module == "helpers" or module.startswith("helpers.") or code.co_filename.startswith(_LIBRARIES)):
            source = linecache.getline(code.co_filename, tb.tb_lineno, frame.f_globals).strip()
            # a comprehension runs in a frame of its own (before Python 3.12): name the function around it
            name = found[0] if found and code.co_name in _COMPREHENSIONS else code.co_name
            found = (name, tb.tb_lineno, source)
        tb = tb.tb_next
    return found
