"""nbgrader's real instructor workflow on notebooks 1-4, with nbgrader's default configuration.

`make test-nbgrader` runs this in .venv-nbgrader (nbgrader is not in `make test`'s environment, which
leaves this folder out with ``-m "not nbgrader"``). tools/nbgrader_workflow.py runs the nbgrader commands
once, in a temporary course folder; the tests read what they wrote: the gradebook and grades.csv, the
autograded notebooks, the feedback pages, `nbgrader validate`'s output and the release. On failure, the
messages name the nbgrader log to read.
"""
import html
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[2]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


workflow = load("nbgrader_workflow", ROOT / "tools" / "nbgrader_workflow.py")
make_student = load("make_student", ROOT / "tools" / "make_student.py")
markup = load("nbgrader_markup", ROOT / "tests" / "nbgrader_markup.py")

from helpers.exercises import EXERCISES  # noqa: E402  (this project is installed in .venv-nbgrader)

# make_student's one deliberate difference from nbgrader's release, and why.
ALLOWED = {
    "metadata.widgets": "the widget state saved by the solution run (notebook 3: the playground's models and a "
                        "79 KB image of its last frame); both tools clear the outputs that showed those widgets, so "
                        "no cell refers to it, and a student's first run makes new state",
}


def require_nbgrader():
    try:
        from nbgrader import __version__  # noqa: F401
    except ImportError:
        pytest.fail("nbgrader is not installed here: run `make test-nbgrader`", pytrace=False)


@pytest.fixture(scope="module")
def results(tmp_path_factory, summary):
    require_nbgrader()
    try:
        res = workflow.run(tmp_path_factory.mktemp("course"))
    except workflow.WorkflowError as exc:
        pytest.fail(str(exc), pytrace=False)
    import nbgrader
    summary.append(f"nbgrader {nbgrader.__version__}, default configuration; course folder {res.course}")
    summary.append("")
    summary.extend(workflow.table(res).split("\n"))
    summary.append("")
    summary.append(f"Times: {workflow.timings(res)}")
    return res


def autograded(res, student, notebook):
    return nbformat.read(res.autograded(student, notebook), as_version=4)


def grade_cells(res, student):
    """(grade_id of the exercise, the autograded grade cell) for every exercise in a notebook handed in."""
    for grade_id in res.exercises:
        if res.notebook_of[grade_id] not in workflow.handed_in(student):
            continue
        nb = autograded(res, student, res.notebook_of[grade_id])
        (cell,) = [c for c in nb.cells if workflow.nbgrader_meta(c).get("grade_id") == f"{grade_id}_check"]
        yield grade_id, cell


def text_of(cell, stream=None):
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and stream in (None, output.name):
            parts.append(output.text)
        elif output.output_type == "error" and stream in (None, "error"):
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def outputs_summary(cell):
    return "\n".join(f"    [{o.output_type} {o.get('name', o.get('ename', ''))}] {text_of({'outputs': [o]})!r}"
                     for o in cell.outputs) or "    (no output)"


def test_every_exercise_has_a_one_point_grade_cell_in_the_gradebook(results):
    for student, cells in results.grades.items():
        assert sorted(cells) == sorted(f"{g}_check" for g in results.exercises), student
        assert all(max_score == 1.0 for _, max_score in cells.values()), student
    # one exercise per check of helpers.exercises, each once
    assert sorted(workflow.function_name(g) for g in results.exercises) == sorted(EXERCISES)


def test_each_grade_cell_scores_what_its_answer_deserves(results):
    """untouched 0, perfect 1 per exercise (len(EXERCISES)), mixed one point per right answer (and 0 for each
    exercise of the notebooks it did not hand in): cell by cell, from the gradebook."""
    wrong = []
    for student, expected in results.expected.items():
        cells = dict(grade_cells(results, student))
        for grade_id, points in expected.items():
            score, _ = results.grades[student][f"{grade_id}_check"]
            if score != points:
                wrong.append(f"{student} {grade_id}: scored {score:g}, expected {points}; the grade cell's outputs:\n"
                             + (outputs_summary(cells[grade_id]) if grade_id in cells else "    (not handed in)"))
    assert not wrong, ("\n".join(wrong) + f"\n(autograde's log: {results.log('autograde')})")
    totals = {student: sum(expected.values()) for student, expected in results.expected.items()}
    assert totals == {"untouched": 0, "perfect": len(EXERCISES), "mixed": 3}


def test_the_exported_csv_has_the_same_totals(results):
    gradebook = {student: (sum(s for s, _ in cells.values()), sum(m for _, m in cells.values()))
                 for student, cells in results.grades.items()}
    assert results.csv_totals == gradebook, f"see {results.course / 'grades.csv'} and {results.log('export')}"


def test_a_notebook_not_handed_in_scores_0_and_nothing_else_breaks(results):
    """Autograde notes each missing notebook and scores its exercises 0; nothing is autograded or fed back
    for it, and the notebooks handed in are graded as usual (the tests above)."""
    missing = {student: [n for n in workflow.NOTEBOOKS if n not in workflow.handed_in(student)]
               for student in results.expected}
    assert any(missing.values()), "no submission leaves a notebook out: HANDED_IN is empty"
    log = results.log("autograde").read_text()
    for student, names in missing.items():
        for name in names:
            assert f"No submitted file: {results.course / 'submitted' / student / workflow.ASSIGNMENT / name}" in log
            assert not results.autograded(student, name).exists() and not results.feedback(student, name).exists()
            exercises = [g for g in results.exercises if results.notebook_of[g] == name]
            assert exercises and all(results.grades[student][f"{g}_check"] == (0.0, 1.0) for g in exercises)


def test_the_feedback_names_each_mistake(results):
    for student in results.expected:
        for name in workflow.handed_in(student):
            assert results.feedback(student, name).exists(), f"{results.log('generate_feedback')}"
    for (student, grade_id), hint in workflow.MISTAKES.items():
        page = results.feedback(student, results.notebook_of[grade_id])
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert hint in text, f"{page} does not say {hint!r}"


def test_every_figure_in_the_feedback_has_its_alt_text(results):
    """nbconvert (which generate_feedback uses) warns "Alternative text is missing" and writes a
    stand-in for each <img> without alt; the notebooks' figures, shown with helpers.plotting.show,
    carry their own."""
    for student in results.expected:
        for name in workflow.handed_in(student):
            page = results.feedback(student, name).read_text()
            images = re.findall(r"<img\b[^>]*>", page)
            stand_ins = [img[:80] for img in images if "No description has been provided" in img]
            assert not stand_ins, f"{results.feedback(student, name)}: images without alt text: {stand_ins}"
    assert "Alternative text is missing" not in results.log("generate_feedback").read_text()


def test_a_wrong_or_missing_answer_is_reported_on_stderr_and_a_right_one_on_stdout(results):
    """nbgrader scores a grade cell with stderr output 0; the message says which mistake."""
    problems = []
    for student, expected in results.expected.items():
        answers = workflow.SUBMISSIONS[student]
        for grade_id, cell in grade_cells(results, student):
            name = workflow.function_name(grade_id)
            if expected[grade_id]:
                verdict, stream = f"\u2714 {name}: right.", "stdout"
            elif answers is workflow.ALL or grade_id not in answers:
                verdict, stream = f"{name}: not done yet", "stderr"
            else:
                verdict, stream = f"\u2718 {name}: not right yet.", "stderr"
            hint = workflow.MISTAKES.get((student, grade_id), "")
            if verdict not in text_of(cell, stream) or hint not in text_of(cell, stream):
                problems.append(f"{student} {grade_id}: expected {verdict!r} {hint!r} on {stream}; outputs:\n"
                                + outputs_summary(cell))
            if stream == "stdout" and text_of(cell, "stderr"):
                problems.append(f"{student} {grade_id}: a right answer wrote to stderr:\n" + outputs_summary(cell))
    assert not problems, "\n".join(problems)


def cell_failures(results, allow_wrong_checks):
    """Every code cell of the autograded notebooks with an error output or stderr, but for the grade
    cells of exercises that are not right, if ``allow_wrong_checks``."""
    failures = []
    for student, expected in results.expected.items():
        wrong_checks = {f"{g}_check" for g, points in expected.items() if not points}
        for name in workflow.handed_in(student):
            for index, cell in enumerate(autograded(results, student, name).cells):
                if cell.cell_type != "code":
                    continue
                bad = [o for o in cell.outputs if o.output_type == "error"
                       or o.output_type == "stream" and o.name == "stderr"]
                is_wrong_check = workflow.nbgrader_meta(cell).get("grade_id") in wrong_checks
                if allow_wrong_checks and is_wrong_check:
                    bad = []
                elif is_wrong_check:   # its stderr is the verdict; only an error counts here
                    bad = [o for o in bad if o.output_type == "error"]
                if bad:
                    failures.append(f"{student} {name} cell {index} {cell.source.splitlines()[0][:60]!r}:\n"
                                    + outputs_summary(cell))
    return failures


def test_nothing_fails_outside_the_grade_cells_of_wrong_exercises(results):
    """A wrong or missing exercise costs its own point only: the check hands the cells below the
    helpers version, so no NameError or NotImplementedError further down."""
    failures = cell_failures(results, allow_wrong_checks=True)
    assert not failures, "\n".join(failures)


def test_no_cell_raises_at_all(results):
    """Not even a check cell: a check that is not right writes to stderr instead of raising."""
    failures = cell_failures(results, allow_wrong_checks=False)
    assert not failures, "\n".join(failures)


def validator_width():
    """`nbgrader validate` indents each line of a cell's output by Validator.indent and cuts a line longer
    than Validator.width - 3 to that length, adding "...". Returns (width, the longest line printed whole)."""
    from nbgrader.validator import Validator
    width = Validator.width.default_value
    return width, width - 3 - len(Validator.indent.default_value)


def test_every_line_a_check_writes_fits_nbgrader_validate(results):
    _, limit = validator_width()
    long = []
    for student in results.expected:
        for grade_id, cell in grade_cells(results, student):
            for line in text_of(cell).split("\n"):
                if len(line) > limit:
                    long.append(f"{student} {grade_id}: {len(line)} characters: {line!r}")
    assert not long, f"nbgrader validate cuts lines longer than {limit} characters:\n" + "\n".join(long)


def test_validate_passes_the_perfect_submission(results):
    output = results.validate["perfect"]
    assert output.count("Success! Your notebook passes all the tests.") == len(workflow.NOTEBOOKS), (
        f"{results.log('validate')}:\n{output}")


def test_validate_shows_the_mixed_submissions_mistake_whole(results):
    output = results.validate["mixed_02"]
    notebook = workflow.NOTEBOOKS[1]
    failing = [g for g, points in results.expected["mixed"].items()
               if not points and results.notebook_of[g] == notebook]
    assert f"VALIDATION FAILED ON {len(failing)} CELL(S)!" in output, output
    for (student, grade_id), hint in workflow.MISTAKES.items():
        if student == "mixed" and results.notebook_of[grade_id] == notebook:
            assert hint in output, output
    width, _ = validator_width()
    cut = [line for line in output.splitlines() if line.endswith("...") and len(line) == width]
    assert not cut, "nbgrader validate cut these lines:\n" + "\n".join(cut)


def differences(release, edition, where):
    """(what, reason) for each way ``edition`` differs from ``release``; reason "" if not allowed."""
    found = []

    def compare(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                compare(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{path}.{key}" if path else key)
        elif a != b:
            found.append((f"{where} {path}: nbgrader {str(a)[:80]!r}, make_student {str(b)[:80]!r}",
                          ALLOWED.get(path, "") if b == "<missing>" else ""))

    compare({k: v for k, v in release.items() if k != "cells"}, {k: v for k, v in edition.items() if k != "cells"}, "")
    if len(release.cells) != len(edition.cells):
        found.append((f"{where}: {len(release.cells)} cells in nbgrader's release, "
                      f"{len(edition.cells)} in make_student's", ""))
    for index, (a, b) in enumerate(zip(release.cells, edition.cells)):
        before = len(found)
        compare(a, b, "")
        found[before:] = [(f"cell {index} {what}", reason) for what, reason in found[before:]]
    return found


def test_make_student_writes_nbgraders_release(results, tmp_path, summary):
    """Cell by cell: types, ids, sources, metadata (nbgrader's checksums, LockCells' flags), cleared outputs.
    The allowed differences are ALLOWED; without them the files are the same byte for byte."""
    sources = [results.course / "source" / workflow.ASSIGNMENT / name for name in workflow.NOTEBOOKS]
    make_student.build(sources, tmp_path)
    found = []
    for name in workflow.NOTEBOOKS:
        release = nbformat.read(results.course / "release" / workflow.ASSIGNMENT / name, as_version=4)
        found += differences(release, nbformat.read(tmp_path / name, as_version=4), name)
    unexplained = [what for what, reason in found if not reason]
    assert not unexplained, "make_student differs from nbgrader's release:\n" + "\n".join(unexplained)
    assert sorted({reason for _, reason in found}) == sorted(ALLOWED.values()), (
        "an allowed difference no longer occurs: take it out of ALLOWED")
    for name in workflow.NOTEBOOKS:
        release = nbformat.read(results.course / "release" / workflow.ASSIGNMENT / name, as_version=4)
        for key in ALLOWED:
            release.metadata.pop(key.split(".", 1)[1], None)
        assert nbformat.writes(release) + "\n" == (tmp_path / name).read_text(), name
    summary.append("make_student vs nbgrader's release: " + "; ".join(what.split(":")[0] for what, _ in found)
                   + " (allowed: make_student drops it); nothing else differs")


def release_in_process(nb):
    """What `nbgrader generate_assignment` does to one notebook: its preprocessors, in its order, with the
    default configuration, leaving out SaveCells (the gradebook). Raises what nbgrader raises."""
    import logging

    require_nbgrader()
    from nbgrader.converters.generate_assignment import GenerateAssignment
    from nbgrader.preprocessors import SaveCells

    resources = {"metadata": {"path": "."}, "nbgrader": {}}
    logging.disable(logging.CRITICAL)    # nbgrader logs the cell it refuses; the test names the case
    try:
        for preprocessor in GenerateAssignment.class_traits()["preprocessors"].default():
            if preprocessor is not SaveCells:
                nb, resources = preprocessor().preprocess(nb, resources)
    finally:
        logging.disable(logging.NOTSET)
    return nb


def test_the_in_process_release_is_the_commands_release(results):
    """So that the markup cases below, run in-process for speed, see what the command does."""
    for name in workflow.NOTEBOOKS:
        nb = nbformat.read(results.course / "source" / workflow.ASSIGNMENT / name, as_version=4)
        released = nbformat.read(results.course / "release" / workflow.ASSIGNMENT / name, as_version=4)
        assert release_in_process(nb) == released, name


@pytest.mark.parametrize("case", markup.CASES, ids=lambda c: c.id)
def test_make_student_refuses_what_nbgrader_refuses(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)          # no autotests.yml here, as in a course folder without one
    require_nbgrader()
    try:
        released, nbgrader_says = release_in_process(markup.notebook(case)), "accepts"
    except ImportError:
        raise
    except Exception as exc:             # nbgrader raises RuntimeError, ValidationError, FileNotFoundError...
        released, nbgrader_says = None, f"refuses ({type(exc).__name__}: {str(exc).splitlines()[0][:80]})"
    assert nbgrader_says.split(" ")[0] == case.nbgrader, f"nbgrader {nbgrader_says}; the case says {case.nbgrader}"
    try:
        make_student.validate(markup.notebook(case), "case.ipynb", {})
        edition = make_student.student_notebook(markup.notebook(case), "case.ipynb")
    except make_student.EditionError as exc:
        assert case.refusal and case.refusal in str(exc), str(exc)
        assert case.nbgrader == "refuses" or case.stricter, "make_student refuses what nbgrader accepts, unexplained"
    else:
        assert not case.refusal, f"make_student accepts what it should refuse ({case.refusal!r})"
        assert case.nbgrader == "accepts", f"nbgrader {nbgrader_says}, make_student accepts"
        assert edition == released, "both accept, but make_student's edition differs from nbgrader's release"
