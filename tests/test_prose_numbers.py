"""Every decimal number in the notebooks' markdown is a course constant, printed by its notebook, or allowed
with a reason (tools/prose_numbers.py, whose docstring says what counts as a number and how it matches).

The check runs on the notebooks as they are, and on copies with numbers planted in them, so that each way a
number can pass, and each way it can fail, is shown on a real notebook through the same code.
"""
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest

from helpers import course

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("prose_numbers", ROOT / "tools" / "prose_numbers.py")
pn = importlib.util.module_from_spec(spec)
sys.modules["prose_numbers"] = pn  # dataclasses look the module up
spec.loader.exec_module(pn)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLE = ROOT / "notebooks" / "01_data.ipynb"  # the copy the planted numbers go into


@pytest.fixture(scope="module")
def constants():
    return pn.course_constants()


@pytest.fixture(scope="module")
def patterns():
    return pn.sanitize_patterns()


@pytest.fixture
def check(constants, patterns):
    def run(path, allowed=()):
        return pn.check_notebook(path, allowed, constants, patterns)
    return run


def _copy(tmp_path, *, clear_outputs=False):
    """A copy of SAMPLE under its own name (so that the allow-list's entries for it apply), in tmp_path."""
    nb = nbformat.read(SAMPLE, as_version=4)
    if clear_outputs:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
    path = tmp_path / SAMPLE.name
    nbformat.write(nb, path)
    return path


def _append(path, *cells):
    """Append cells to the notebook at ``path``: a str is a markdown cell, a (source, printed text) pair a
    code cell with that saved stdout. Returns the index of each appended cell."""
    nb = nbformat.read(path, as_version=4)
    indices = []
    for cell in cells:
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
        else:
            source, text = cell
            nb.cells.append(nbformat.v4.new_code_cell(
                source, outputs=[nbformat.v4.new_output("stream", name="stdout", text=text)]))
        indices.append(len(nb.cells) - 1)
    nbformat.write(nb, path)
    return indices


def _flagged_in(result, index):
    return [f.number for f in result.flagged if f.cell == index]


# ---------------------------------------------------------------- what counts as a number
@pytest.mark.parametrize("text, expected", [
    ("accuracy 0.49, loss .5", [("0.49", "0.49"), (".5", "0.5")]),
    ("reg 1e-3 and eps 1e-5, 5e-02", [("1e-3", "0.001"), ("1e-5", "0.00001"), ("5e-02", "0.05")]),
    ("about 2.5e-4", [("2.5e-4", "0.00025")]),
    ("moves by 10⁻², over 10⁴ steps", [("10⁻²", "0.01"), ("10⁴", "10000")]),
    ("$\\lambda = 10^{-3}$, or 10^-3", [("10^{-3}", "0.001"), ("10^-3", "0.001")]),
    ("adds $2.5 \\cdot 10^{-5}$ or 2.5 × 10⁻⁵", [("2.5 \\cdot 10^{-5}", "0.000025"), ("2.5 × 10⁻⁵", "0.000025")]),
    ("from 0.6 to 0.8, or 0.6-0.8, or 0.6–0.8",
     [("0.6", "0.6"), ("0.8", "0.8"), ("0.6", "0.6"), ("0.8", "0.8"), ("0.6", "0.6"), ("0.8", "0.8")]),
    ("a mean of −0.015 and (-0.028), but x-0.5 is not negative", [("−0.015", "-0.015"), ("-0.028", "-0.028"),
                                                                   ("0.5", "0.5")]),
    ("At 3.16, `0.01 * np.random.randn(D, h)`.", [("3.16", "3.16"), ("0.01", "0.01")]),
    ("$t = 4j + 0.2\\,\\xi$ and 0.2-radian noise", [("0.2", "0.2"), ("0.2", "0.2")]),
    # left out: integers, versions, numbers glued to letters, colours, link targets, URLs, HTML tags
    ("300 points, 100 units, 10000 iterations, 63% of them, 298/300", []),
    ("Python 3.10.2, W2 and b2, x0.5, #1E88E5", []),
    ("[the docs](https://numpy.org/doc/2.0/) <img width=\"0.5\"> see https://example.org/v1.5", []),
])
def test_numbers_are_found_as_written(text, expected):
    found = pn.prose_numbers(text)
    assert [(n.text, n.value) for n in found] == [(t, Decimal(v)) for t, v in expected]
    assert all(text[n.start:n.end] == n.text for n in found)


def test_a_number_keeps_the_precision_it_is_written_with():
    one, = pn.find_numbers("0.50")
    assert one.quantum == Decimal("0.01") and one.significant_digits == 2
    assert pn.find_numbers("2.5e-4")[0].quantum == Decimal("1e-5")
    assert pn.find_numbers("10^{-3}")[0].quantum == Decimal("1e-3")
    assert [n.text for n in pn.find_numbers("300 and 0.5", integers=True)] == ["300", "0.5"]


@pytest.mark.parametrize("printed, prose, backs", [
    ("0.244925", "0.245", True),
    ("0.244925", "0.24", True),
    ("0.244925", "0.25", False),
    ("0.245", "0.24", False),       # 0.245 stands for 0.2445 to 0.2455: it backs neither
    ("0.245", "0.25", False),
    ("0.2", "0.20", False),         # printed less precisely than the prose claims
    ("1e-05", "10^{-5}", True),
    ("2.5e-05", "2.5 \\cdot 10^{-5}", True),
    ("0.001", "1e-3", True),
    ("-0.013", "-0.01", True),
    ("-0.013", "0.01", False),      # the sign counts
    ("0.000", "0.0", True),
    ("0.04", "0.0", False),         # a zero is matched only by a zero
])
def test_a_printed_number_backs_the_prose_numbers_it_rounds_to(printed, prose, backs):
    p, = pn.find_numbers(printed)
    q, = pn.find_numbers(prose)
    assert q.backed_by(p) is backs


def test_the_constants_come_from_the_course(constants):
    values = {c.name: c.value for c in constants}
    assert course.STEP_SIZE in values.values() and course.REG in values.values()
    for losses in (course.COURSE_LINEAR_LOSSES, course.COURSE_NET_LOSSES):
        assert set(losses.values()) <= set(values.values())
    assert {course.COURSE_LINEAR_ACCURACY, course.COURSE_NET_ACCURACY} <= set(values.values())
    # read off helpers, so that a changed setting changes what the prose may say
    import numpy as np

    from helpers.models import init_two_layer
    W = init_two_layer(1, 1, 1, rng=np.random.RandomState(0))["W"][0, 0]
    assert values["weight scale (helpers.models.init_linear)"] == pytest.approx(
        W / np.random.RandomState(0).standard_normal(), rel=1e-12)
    assert pn.Constant("x", 0.02, r"spacing").matches(pn.find_numbers("0.02")[0], "mesh spacing 0.02")
    assert not pn.Constant("x", 0.02, r"spacing").matches(pn.find_numbers("0.02")[0], "within 0.02")


# ---------------------------------------------------------------- planted numbers, in a copy of a notebook
PLANTED = [
    ("The loss falls to 0.4217 here.", ["0.4217"]),
    ("The loss falls to .4217 here.", [".4217"]),
    ("The gap is 4.217e-3 here.", ["4.217e-3"]),
    ("The gap is $4.217 \\cdot 10^{-3}$ here.", ["4.217 \\cdot 10^{-3}"]),
    ("The gap is 4.217 × 10⁻³ here.", ["4.217 × 10⁻³"]),
    ("The gap is about 10⁻¹³ here.", ["10⁻¹³"]),
    ("The gap is about $10^{-13}$ here.", ["10^{-13}"]),
    ("The accuracy runs from 0.4217 to 0.5317.", ["0.4217", "0.5317"]),
    ("Over 10⁷ pixels.", ["10⁷"]),
]


@pytest.mark.parametrize("sentence, numbers", PLANTED)
def test_a_planted_number_is_reported(tmp_path, check, sentence, numbers):
    path = _copy(tmp_path)
    before = check(path).flagged
    index, = _append(path, sentence)
    result = check(path)
    assert _flagged_in(result, index) == numbers
    assert len(result.flagged) == len(before) + len(numbers)
    report = result.report()
    for number in numbers:
        assert f"{SAMPLE.name}, cell {index}: {number} in" in report
    first_word = sentence.split()[0]
    assert all(f.context.startswith(first_word) for f in result.flagged if f.cell == index)  # the words around it


def test_a_number_planted_in_an_existing_cell_is_reported_with_that_cell(tmp_path, check):
    path = _copy(tmp_path)
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown")
    nb.cells[index].source += "\n\nA claim planted here: the loss ends at 0.4217 after training."
    nbformat.write(nb, path)
    flagged = [f for f in check(path).flagged if f.cell == index]
    assert [f.number for f in flagged] == ["0.4217"]
    assert "the loss ends at »0.4217« after training" in str(flagged[0])


def test_integers_are_out_of_scope_unless_written_as_powers(tmp_path, check):
    path = _copy(tmp_path, clear_outputs=True)
    plain, power = _append(path, "With 300 points, 100 units and 10000 iterations, 63% of them.",
                           "It trains for 10⁴ iterations. Its figure has 10⁴ pixels.")
    result = check(path)
    assert _flagged_in(result, plain) == []
    assert _flagged_in(result, power) == ["10⁴"]     # 10⁴ iterations is the course's; 10⁴ pixels is not


def test_a_printed_number_passes(tmp_path, check):
    path = _copy(tmp_path)
    _, quoted, misquoted = _append(path, ("print(f'held-out accuracy {acc:.4f}')", "held-out accuracy 0.4217\n"),
                                   "The held-out accuracy is 0.4217, about 0.42.",
                                   "The held-out accuracy is 0.4271.")
    result = check(path)
    assert _flagged_in(result, quoted) == []
    assert _flagged_in(result, misquoted) == ["0.4271"]


def test_a_number_the_notebook_itself_prints_passes(tmp_path, check, patterns):
    path = _copy(tmp_path)
    printed = [n for n in pn.printed_numbers(nbformat.read(path, as_version=4), patterns) if n.quantum < 1]
    assert printed, f"{SAMPLE.name} prints no decimal number to plant"
    index, = _append(path, f"The cells above print {printed[0].text}.")
    assert _flagged_in(check(path), index) == []


def test_what_nbval_masks_or_ignores_backs_nothing(tmp_path, check):
    path = _copy(tmp_path)
    _, _, masked, shown, ignored = _append(
        path, ("print(f'iteration 9000: loss {loss:f}')", "iteration 9000: loss 0.245068\n"),
        ("# NBVAL_IGNORE_OUTPUT\nprint(x)", "0.4217\n"),
        "The loss at iteration 9000 is 0.245068.",     # tests/nbval_sanitize.cfg keeps only 0.24
        "The loss at iteration 9000 is 0.24.",
        "The value is 0.4217.")
    result = check(path)
    assert _flagged_in(result, masked) == ["0.245068"]
    assert _flagged_in(result, shown) == []
    assert _flagged_in(result, ignored) == ["0.4217"]


def test_a_course_constant_passes(tmp_path, check):
    """With every output cleared, nothing is printed: what passes passes as a course constant."""
    path = _copy(tmp_path, clear_outputs=True)
    constants, loose, unnamed = _append(
        path,
        "The course trains with step size 1.0 and regularisation strength $10^{-3}$ (`reg = 0.001`), from "
        "weights 0.01 times a standard normal, on arms with angle noise 0.2, and draws regions on a mesh with "
        "spacing 0.02. The first loss is about 1.097 and the last one 0.786302; the training accuracy is 0.49 "
        "for the linear classifier and 0.98 for the network.",
        "The linear loss passes 0.79 and the network's 0.29.",          # two digits: too many losses round so
        "The two scores end up within about 0.02 of each other, and within $10^{-3}$ of the course's.")
    result = check(path)
    assert _flagged_in(result, constants) == []
    assert _flagged_in(result, loose) == ["0.79", "0.29"]
    assert _flagged_in(result, unnamed) == ["0.02", "10^{-3}"]   # settings' values, in sentences not about them


def test_an_allow_listed_number_passes_where_its_entry_says(tmp_path, check):
    path = _copy(tmp_path, clear_outputs=True)
    allowed, elsewhere = _append(path, "On another spiral the accuracy runs from 0.4217 to 0.5317.",
                                 "Another claim: 0.4217.")
    entry = pn.Allowed(SAMPLE.name, "0.4217 to 0.5317", "the accuracy runs from 0.4217 to 0.5317",
                       "measured: plain and under the three perturbations")
    result = check(path, [entry])
    assert _flagged_in(result, allowed) == []
    assert _flagged_in(result, elsewhere) == ["0.4217"]           # the entry covers its own sentence only
    assert entry not in result.stale
    assert ("allowed", entry.reason) in {(kind, why) for kind, _, why in result.accepted}


def test_an_entry_that_covers_nothing_is_reported_as_stale(tmp_path, check):
    path = _copy(tmp_path)
    _, printed_too = _append(path, ("print(acc)", "0.4217\n"), "The accuracy is 0.4217.")
    gone = pn.Allowed(SAMPLE.name, "0.5317", "the accuracy runs to 0.5317", "measured")
    redundant = pn.Allowed(SAMPLE.name, "0.4217", "The accuracy is 0.4217", "measured")
    other = pn.Allowed("no_such_notebook.ipynb", "0.4217", "The accuracy is 0.4217", "measured")
    result = check(path, [gone, redundant, other])
    assert _flagged_in(result, printed_too) == []
    assert result.stale == [gone, redundant]          # the text is gone; the number is printed now
    assert not result.ok and "STALE" in result.report()


def test_the_command_line_reports_and_fails(tmp_path, capsys):
    path = _copy(tmp_path)
    index, = _append(path, "The loss falls to 0.4217 here.")
    assert pn.main([str(path)]) == 1
    assert f"FLAGGED {SAMPLE.name}, cell {index}: 0.4217" in capsys.readouterr().out


# ---------------------------------------------------------------- the allow-list itself
def test_every_allow_list_entry_is_well_formed():
    entries = pn.load_allowed()
    assert [problem for entry in entries for problem in entry.problems()] == []
    names = {p.name for p in NOTEBOOKS}
    assert [str(e) for e in entries if e.notebook not in names] == []


@pytest.mark.parametrize("toml, message", [
    ('[[allow]]\nnotebook = "a.ipynb"\nnumber = "0.1"\ncontext = "x 0.1"\n', "must have the string fields"),
    ('[[allowed]]\nnotebook = "a.ipynb"\n', "must hold only \\[\\[allow\\]\\] tables"),
])
def test_a_malformed_allow_list_is_refused(tmp_path, toml, message):
    path = tmp_path / "allowed.toml"
    path.write_text(toml)
    with pytest.raises(ValueError, match=message):
        pn.load_allowed(path)


def test_an_entry_whose_context_misses_its_number_is_named():
    entry = pn.Allowed("a.ipynb", "0.1", "step size 0.2", "")
    assert [p.split(": ", 2)[-1] for p in entry.problems()] == [
        "the reason is empty", "the context does not contain the number"]


# ---------------------------------------------------------------- the notebooks as they are
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_number_in_the_markdown_is_checked(path, check):
    result = check(path, pn.load_allowed())
    assert result.ok, "\n" + result.report() + (
        "\nPrint the number in a code cell, write a course constant, drop the number, or add an entry with its "
        "reason to tests/prose_numbers_allowed.toml.")
