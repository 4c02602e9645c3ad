"""The diagnosis engine: an ``Exercise``, and how its check reaches a verdict.

An exercise is its reference (the helpers version), the inputs it is checked on, and its known mistakes,
each written as a mutant of the reference under the key of its hint. ``Exercise.diagnose`` runs the
learner's function on every input: the reference's results make it right; a mutant's results name that
mutant's hint. ``Exercise.check`` prints the verdict and hands back the function the cells below use.
Running the learner's code is left to ``running``, the wording to ``messages``.
"""
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import messages
from .running import CalledHelpers, call, where_raised


def same(a, b):
    """Whether two results (arrays, numbers, dicts or tuples of them, or exceptions) agree."""
    if isinstance(a, BaseException) or isinstance(b, BaseException):
        return (isinstance(a, BaseException) and isinstance(b, BaseException)
                and type(a) is type(b) and str(a) == str(b))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(same(a[k], b[k]) for k in a))
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, np.ndarray) != isinstance(b, np.ndarray) and not (_ndim(a) == _ndim(b) == 0):
        return False     # a list where an array belongs breaks the cells below (no .shape)
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True))


def _ndim(value):
    """``np.ndim(value)``, or None for a ragged list, which no array can hold."""
    try:
        return np.ndim(value)
    except ValueError:
        return None


def _grading():
    """Whether nbgrader's autograder runs the notebook (it sets ``NBGRADER_EXECUTION``)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


@dataclass(frozen=True, eq=False)
class Exercise:
    """One exercise: its reference, the inputs it is checked on, and the known mistakes."""

    name: str                           # the learner's function, as the notebook names it
    reference: Callable                 # the helpers version: the answer, and the fallback for the cells below
    cases: Callable                     # () -> list of argument tuples
    mutants: list                       # (hint key, wrong implementation), tried in this order
    outputs: tuple                      # names of the returned values, e.g. ("dW", "db")
    scalar: bool = False                # a single number is expected (the loss)
    properties: Callable | None = None  # (cases, expected, received) -> a hint key or None, if no mutant matches
    forbidden: tuple = ()               # helpers the learner's code may not call (names in helpers)
    restored: tuple = ()                # positional arguments it may change in place if it puts them back
    relative: bool = False              # report a difference as a relative error, not in absolute terms
    prepare: Callable | None = None     # the learner's result in the reference's form (e.g. a list of losses
                                        # as an array), applied before comparing; it must accept anything
    in_place: str = "in_place"          # the hint for an argument changed in place
    labels: tuple = ()                  # with several cases: what each is, said with what was expected
                                        # ("on scores near 1000"); without: "on these inputs" for a number
    no_match: str | None = None         # the exercise's own text when no known mistake matches
    helper_hints: dict | None = None    # hint key of the refusal of a call to one of ``forbidden``, by name
                                        # (else "calls_helpers")
    environment: Callable | None = None  # (func, cases) -> a hint key or None: what outside ``func`` (the
                                         # notebook's state) explains its wrong result, if no mutant matches

    def check(self, func):
        """Print the verdict; return ``func`` if it is right, else the helpers version."""
        status, lines = self.diagnose(func)
        if status == "right":
            print(messages.right(self.name))
            return func
        # nbgrader scores a cell with output on stderr 0; the cells below still get the helpers version
        print(messages.not_right(self.name, status, lines), file=sys.stderr if _grading() else sys.stdout)
        return self.reference

    def diagnose(self, func):
        """Return ``(status, lines)``; status is 'right', 'not done' or 'wrong'."""
        if not callable(func):
            return "wrong", messages.not_a_function(self.name, func)
        cases = self.cases()
        received = []
        for args in cases:
            try:
                outcome = call(func, args, self.forbidden, self.restored)
            except NotImplementedError:
                return "not done", []
            refusal = self._refusal(func, outcome)
            if refusal:
                return "wrong", refusal
            received.append(outcome.value)
        expected = self.results(self.reference, cases)
        if self.agrees(received, expected):
            return "right", []
        lines = self._first_difference(expected, received)
        if any(isinstance(g, list) and isinstance(e, np.ndarray) for g, e in zip(received, expected, strict=True)):
            return "wrong", lines    # a list, not an array: that is the whole story
        key = self._likely_mistake(cases, expected, received)
        if key is None and self.environment:
            key = self.environment(func, cases)
        if key:
            return "wrong", lines + [messages.likely_mistake(key)]
        exc = self._raised(expected, received)
        if exc is not None:
            return "wrong", lines + [messages.no_match_raised(exc)]
        if self._malformed(expected, received):
            return "wrong", lines    # another number of values: that is the whole story
        return "wrong", lines + [self.no_match or messages.NO_KNOWN_MISTAKE]

    def results(self, func, cases):
        """What ``func`` gives on each of ``cases``: its result, or the exception it raised."""
        return [call(func, args).value for args in cases]

    def agrees(self, received, results):
        """Whether the learner's results ``received`` agree with ``results``, case by case. A list
        of the right values stands for a tuple where the exercise returns several values."""
        return all(same(self._as_result(got), r) for got, r in zip(received, results, strict=True))

    def _as_result(self, got):
        if len(self.outputs) > 1 and isinstance(got, list):
            got = tuple(got)
        return self.prepare(got) if self.prepare else got

    def _first_wrong(self, expected, received):
        """The learner's first result (in the reference's form) that differs from the expected one, else None."""
        pairs = ((self._as_result(got), exp) for got, exp in zip(received, expected, strict=True))
        return next((got for got, exp in pairs if not same(got, exp)), None)

    def _raised(self, expected, received):
        """The exception the learner's code raised on the first input where its result differs, else None."""
        got = self._first_wrong(expected, received)
        return got if isinstance(got, BaseException) else None

    def _refusal(self, func, outcome):
        """Lines refusing a call whatever it returned: one that called a forbidden helper, or left an
        argument changed (``restored`` ones included: those must come back as they were). None if the
        call is not refused."""
        if isinstance(outcome.value, CalledHelpers):
            key = (self.helper_hints or {}).get(str(outcome.value), "calls_helpers")
            return messages.called_helpers(self.name, outcome.value, key)
        if not outcome.changed:
            return None
        names = messages.argument_names(func, outcome.changed)
        if all(i in self.restored for i in outcome.changed):
            return messages.not_restored(names)
        return messages.changed_in_place(names, self.in_place)

    def _first_difference(self, expected, received):
        """Lines saying what was expected and received, for the first input where they differ (named by
        its label, if the exercise gives its cases labels)."""
        for i, (exp, got) in enumerate(zip(expected, received, strict=True)):
            got = self._as_result(got)
            if same(got, exp):
                continue
            where = self.labels[i] if self.labels else ""
            if isinstance(got, BaseException):
                return messages.raised(self, exp, got, where, where_raised(got))
            if len(self.outputs) > 1:
                if not isinstance(got, (tuple, list)) or len(got) != len(self.outputs):
                    return messages.wrong_count(self.outputs, got, where)
                if all(np.ndim(e) == 0 for e in exp):      # several numbers: say which are not right
                    return messages.numbers_differ(self.outputs, [same(g, e) for e, g in zip(exp, got, strict=True)],
                                                   got, where)
                for name, e, g in zip(self.outputs, exp, got, strict=True):
                    if not same(g, e):
                        return self._differs(name, e, g, where)
            return self._differs(self.outputs[0], exp, got, where)
        return []

    def _malformed(self, expected, received):
        """Whether the first result that differs is an exception, or not as many values as the
        exercise returns: no formula to compare with, so no advice to compare with one."""
        got = self._first_wrong(expected, received)
        if isinstance(got, BaseException):
            return True
        return len(self.outputs) > 1 and (not isinstance(got, (tuple, list)) or len(got) != len(self.outputs))

    def _differs(self, name, exp, got, where=""):
        """Lines on one output that differs; for a dict with the right keys, on its first entry that does."""
        if isinstance(exp, dict) and isinstance(got, dict) and got.keys() == exp.keys():
            key = next(k for k in exp if not same(got[k], exp[k]))
            return self._differs(f"{name}['{key}']", exp[key], got[key], where)
        return messages.differs(self, name, exp, got, where)

    def _likely_mistake(self, cases, expected, received):
        """The hint key of the first mutant whose results are the learner's, else what the properties
        of the results suggest, else None."""
        for key, mutant in self.mutants:
            if self.agrees(received, self.results(mutant, cases)):
                return key
        return self.properties(cases, expected, received) if self.properties else None
