"""The student edition (tools/make_student.py): built fresh here, no solution left in it, and Run All
works in a kernel for a student: every check says "not done yet", no cell fails or writes to stderr.

Under nbgrader's autograder the same run differs in one thing only, which stream a check writes its
verdict to (stderr, so that nbgrader scores the cell 0): helpers reads NBGRADER_EXECUTION in one place,
checked here, and tests/test_exercises.py checks every check's verdict and stream in both modes. So one
run per notebook, a student's, covers both; `make test-nbgrader` also autogrades the untouched release
with nbgrader itself."""
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WITH_EXERCISES = [p.name for p in NOTEBOOKS if p.name[:2] in {"01", "02", "03", "04"}]

spec = importlib.util.spec_from_file_location("make_student", ROOT / "tools" / "make_student.py")
make_student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_student)
spec = importlib.util.spec_from_file_location("nbgrader_markup", ROOT / "tests" / "nbgrader_markup.py")
markup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(markup)


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def solution_lines(nb):
    """The code of every line inside a solution region, comments and blanks left out."""
    lines, inside = [], False
    for cell in nb.cells:
        if not nbgrader(cell).get("solution"):
            continue
        for line in cell.source.split("\n"):
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside:
                code = line.split("#")[0].strip()
                if code:
                    lines.append(code)
    return lines


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    written = make_student.build(NOTEBOOKS, out)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    return out


def test_six_notebooks_with_one_exercise_per_check(edition):
    """The exercises, numbered 1, 2, 3 ... with no gap: a solution cell exN_name and a check cell exN_name_check
    each, one for every check in helpers.exercises."""
    from helpers.exercises import EXERCISES

    assert len(NOTEBOOKS) == 6 and len(list(edition.glob("*.ipynb"))) == 6
    ids = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        make_student.validate(nb, path.name, {})
        ids += [nbgrader(c)["grade_id"] for c in nb.cells if nbgrader(c)]
    assert len(ids) == len(set(ids)) == 2 * len(EXERCISES)      # a solution cell and a check cell each
    solutions = sorted((int(m.group(1)), m.group(2)) for m in map(re.compile(r"ex(\d+)_(\w+)$").match, ids)
                       if not m.group(2).endswith("_check"))
    assert [number for number, _ in solutions] == list(range(1, len(EXERCISES) + 1))
    assert sorted(name for _, name in solutions) == sorted(EXERCISES)
    assert sorted(ids) == sorted([f"ex{n}_{name}" for n, name in solutions]
                                 + [f"ex{n}_{name}_check" for n, name in solutions])


def test_no_solution_line_survives(edition):
    lines = [line for path in NOTEBOOKS for line in solution_lines(nbformat.read(path, as_version=4))]
    assert len(lines) >= 20
    for path in edition.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells)
        raw = path.read_text()
        for line in lines:
            assert line not in text, f"{path.name} still holds the solution line {line!r}"
        assert "### BEGIN SOLUTION" not in raw and "### END SOLUTION" not in raw


def test_solution_regions_become_not_implemented_and_outputs_are_cleared(edition):
    for path in NOTEBOOKS:
        source = nbformat.read(path, as_version=4)
        student = nbformat.read(edition / path.name, as_version=4)
        assert len(source.cells) == len(student.cells)
        assert "widgets" not in student.metadata
        for a, b in zip(source.cells, student.cells):
            if nbgrader(a):     # as nbgrader releases it: the checksum and cell type added (ComputeChecksums)
                assert b.metadata.nbgrader == dict(a.metadata.nbgrader, checksum=make_student.checksum(b),
                                                   cell_type=b.cell_type)
                # LockCells: check cells read-only, no exercise cell deletable
                assert b.metadata.get("editable", True) is not nbgrader(a).get("grade")
                assert b.metadata.get("deletable") is False
            else:
                assert "nbgrader" not in b.metadata
            if b.cell_type == "code":
                assert b.outputs == [] and b.execution_count is None
            if nbgrader(a).get("solution"):
                begin = next(line for line in a.source.split("\n") if "### BEGIN SOLUTION" in line)
                indent = begin[: len(begin) - len(begin.lstrip())]
                assert f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()" in b.source
            else:
                assert b.source == a.source


def test_the_tool_replaces_regions_as_nbgrader_does():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    ### END SOLUTION\n    return y")
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": "f",
                                 "schema_version": 3}
    whole = nbformat.v4.new_code_cell("answer = 42")
    whole.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": "g",
                                  "schema_version": 3}
    hidden = nbformat.v4.new_code_cell(
        "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS")
    hidden.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": 1, "grade_id": "t",
                                   "schema_version": 3}
    nb.cells = [cell, whole, hidden]
    out = make_student.student_notebook(nb)
    assert out.cells[0].source == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n    return y"
    assert out.cells[1].source == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert out.cells[2].source == "assert f(1) == 2"
    assert "y = 2 * x" in nb.cells[0].source      # the input is left alone


@pytest.mark.parametrize("case", [c for c in markup.CASES if c.refusal], ids=lambda c: c.id)
def test_the_tool_refuses_what_nbgrader_refuses_naming_notebook_cell_and_line(tmp_path, case):
    """The cases of tests/nbgrader_markup.py; tests/grading checks that nbgrader itself refuses them too
    (or, where it accepts one, that the case says why make_student is stricter)."""
    nbformat.write(markup.notebook(case), tmp_path / "bad.ipynb")
    with pytest.raises(make_student.EditionError) as error:
        make_student.build([tmp_path / "bad.ipynb"], tmp_path / "out")
    assert case.refusal in str(error.value)
    assert str(error.value).startswith(f"bad.ipynb, {case.at}"), str(error.value)
    assert not (tmp_path / "out").exists()
    assert make_student.main([str(tmp_path / "bad.ipynb"), "--out", str(tmp_path / "out")]) == 1


@pytest.mark.parametrize("case", [c for c in markup.CASES if not c.refusal], ids=lambda c: c.id)
def test_the_tool_accepts_what_it_can_release(tmp_path, case):
    nbformat.write(markup.notebook(case), tmp_path / "ok.ipynb")
    (out,) = make_student.build([tmp_path / "ok.ipynb"], tmp_path / "out")
    text = out.read_text()
    for words in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME"):
        assert words not in text


def test_a_delimiter_is_a_substring_of_any_line():
    """As in nbgrader: `# BEGIN SOLUTION here` opens a region too, and the stub takes its indent."""
    nb = markup.notebook(markup.Case(
        "", [("code", "def f():\n\t# BEGIN SOLUTION (yours)\n\treturn 1\n\t#END SOLUTION!\n", markup.SOL)]))
    assert (make_student.student_notebook(nb).cells[0].source
            == "def f():\n\t# YOUR CODE HERE\n\traise NotImplementedError()\n")


def test_repeated_grade_ids_are_refused(tmp_path):
    paths = []
    for name in ("a.ipynb", "b.ipynb"):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("x = 1")
        cell.metadata["nbgrader"] = dict(markup.SOL, grade_id="same")
        nb.cells = [cell]
        nbformat.write(nb, tmp_path / name)
        paths.append(tmp_path / name)
    with pytest.raises(make_student.EditionError, match="already used"):
        make_student.build(paths, tmp_path / "out")


def test_solution_edition_checks_all_say_right():
    """nbval re-executes the solution notebooks and compares these outputs; here we read what they say."""
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if nbgrader(cell).get("grade"):
                name = re.match(r"(\w+) = exercises\.check_\1\(\1\)$", cell.source).group(1)
                assert [o.get("text") for o in cell.outputs] == [f"\u2714 {name}: right.\n"], path.name


def run_all(path, monkeypatch):
    """Run every cell of the notebook at ``path`` as a student would (NotebookClient raises on an error)."""
    from nbclient import NotebookClient

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def stderr_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr")


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_run_all_untouched_student_notebook(edition, name, monkeypatch):
    """Every check says "not done yet" and hands the cells below the helpers version; no cell fails, and
    none writes to stderr (under the autograder the checks would, and they alone)."""
    nb = run_all(edition / name, monkeypatch)
    checks = [c for c in nb.cells if nbgrader(c).get("grade")]
    assert checks
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "not done yet" in text and "helpers version" in text, cell.source
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert [c.source for c in nb.cells if c.cell_type == "code" and stderr_of(c)] == []


def test_only_the_checks_tell_a_student_from_the_autograder():
    """What makes the student's run stand for the autograder's too: helpers reads NBGRADER_EXECUTION in
    exercises/engine.py alone (where a check picks the stream of its verdict), and no notebook reads it."""
    reads = re.compile(r"NBGRADER_EXECUTION[\"']?\s*(\)|in\b)|environ\[[\"']NBGRADER_EXECUTION")
    readers = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "helpers").rglob("*.py")
                     if reads.search(path.read_text()))
    assert readers == ["helpers/exercises/engine.py"]
    engine = (ROOT / "helpers" / "exercises" / "engine.py").read_text()
    assert len(reads.findall(engine)) == 1 and "def _grading():" in engine
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert "NBGRADER_EXECUTION" not in code, path.name
