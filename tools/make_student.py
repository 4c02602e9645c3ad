"""Write the student edition of the notebooks: solutions removed, outputs cleared.

    python tools/make_student.py [--out student] [notebooks/*.ipynb]

It writes what ``nbgrader generate_assignment`` (0.9, default configuration)
releases, with nbformat alone, so that building the edition does not need
nbgrader and its ~100 dependencies. It applies the rules of nbgrader's
preprocessors:

* ClearSolutions: in a solution cell (cell metadata ``nbgrader.solution``),
  every region from a line containing ``BEGIN SOLUTION`` to the next line
  containing ``END SOLUTION`` becomes ``# YOUR CODE HERE`` and
  ``raise NotImplementedError()``, indented like the BEGIN line (in a markdown
  cell: ``YOUR ANSWER HERE``); a solution cell without a region is replaced whole;
* ClearHiddenTests and ClearMarkScheme: regions from ``BEGIN HIDDEN TESTS`` to
  ``END HIDDEN TESTS`` (grade cells) and from ``BEGIN MARK SCHEME`` to
  ``END MARK SCHEME`` (task cells) are dropped;
* ClearOutput: every output and execution count is cleared;
* LockCells and ComputeChecksums: solution cells become undeletable, grade and
  locked cells undeletable and read-only, and each nbgrader cell gets the
  ``checksum`` and ``cell_type`` that ``nbgrader validate`` and ``autograde`` use.

Where it differs from nbgrader's release, on purpose: it also drops the
notebook's saved widget state (``metadata.widgets``), left by the solution run:
once the outputs are cleared no cell refers to it (in notebook 3 it is 137 KB,
with an image of the playground's last frame). tests/grading checks that this
is the only difference.

nbgrader takes any line that CONTAINS a delimiter, in any cell, markdown
included, for a delimiter. So this tool refuses, naming the notebook, the cell
and the line: a delimiter in a cell whose metadata does not allow it (a solution
delimiter outside a solution cell, a hidden-tests one outside a grade cell, a
mark-scheme one outside a task cell), nested or unclosed regions, an END line
without its BEGIN (nbgrader would silently delete that line), ``AUTOTEST`` in a
code cell (nbgrader would instantiate tests from ``autotests.yml`` in a kernel),
and the nbgrader metadata that nbgrader's schema refuses, plus two rules of this
course: a ``grade_id`` used twice in the edition, a check cell that is not locked.
"""
import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat

# nbgrader's default delimiters (ClearSolutions.begin_solution_delimeter etc.), matched as substrings.
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")
AUTOTEST = "AUTOTEST"
CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]   # ClearSolutions.code_stub["python"]
TEXT_STUB = ["YOUR ANSWER HERE"]                                  # ClearSolutions.text_stub
ATTACHMENT = re.compile(r"!\[.*\]\(attachment:.+?\)")              # ClearMarkScheme's leak check
GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")
# nbgrader's cell metadata schema (nbgraderformat/v3.json): the keys and their types.
SCHEMA_KEYS = {"schema_version": int, "grade": bool, "locked": bool, "solution": bool, "task": bool,
               "grade_id": str, "points": (int, float), "checksum": str, "cell_type": str}
REQUIRED_KEYS = ("schema_version", "grade", "locked", "solution")
ROOT = Path(__file__).resolve().parent.parent


class EditionError(ValueError):
    """A notebook whose exercise markup is inconsistent."""


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_solution(cell):
    return bool(_nbgrader(cell).get("solution", False))


def _is_grade(cell):
    return bool(_nbgrader(cell).get("grade", False))


def _is_task(cell):
    return bool(_nbgrader(cell).get("task", False))


def _is_locked(cell):
    """nbgrader's utils.is_locked: grade cells and locked cells, never solution cells."""
    meta = _nbgrader(cell)
    return bool(meta) and not _is_solution(cell) and (_is_grade(cell) or bool(meta.get("locked", False)))


def _where(name, index, cell):
    cell_id = cell.get("id")
    return f"{name}, cell {index} ({cell.cell_type}{', id ' + cell_id if cell_id else ''})"


def _quote(line, width=70):
    line = line.strip()
    return repr(line if len(line) <= width else line[: width - 3] + "...")


def _replace_regions(lines, delimiters, replacement, where, no_attachments=False):
    """nbgrader's region rule: a line containing ``begin`` opens a region and is replaced by
    ``replacement(indent)``; the lines up to and including the next line containing ``end`` are
    dropped. Returns (lines, number of regions). Refuses what nbgrader refuses (nested or unclosed
    regions) and what it silently gets wrong (an end line without a begin, both on one line)."""
    begin, end = delimiters
    out, count, opened = [], 0, None
    for number, line in enumerate(lines, 1):
        if begin in line:
            if end in line:
                raise EditionError(f"{where}, line {number}: holds both {begin!r} and {end!r}: {_quote(line)}")
            if opened is not None:
                raise EditionError(f"{where}, line {number}: {begin!r} inside the region opened on line "
                                   f"{opened}: {_quote(line)}")
            opened, count = number, count + 1
            out.extend(replacement(re.match(r"\s*", line).group(0)))
        elif end in line:
            if opened is None:
                raise EditionError(f"{where}, line {number}: {end!r} without {begin!r} before it (nbgrader "
                                   f"would silently delete this line): {_quote(line)}")
            opened = None
        elif opened is None:
            out.append(line)
        elif no_attachments and ATTACHMENT.search(line):
            raise EditionError(f"{where}, line {number}: an attachment inside a mark scheme would reach the "
                               f"students (nbgrader refuses it): {_quote(line)}")
    if opened is not None:
        raise EditionError(f"{where}, line {opened}: {begin!r} is never closed by a line containing {end!r}")
    return out, count


def _check_metadata(cell, where):
    """nbgrader's cell metadata schema (v3) and MetadataValidatorV3's rules."""
    meta = _nbgrader(cell)
    extra = sorted(set(meta) - set(SCHEMA_KEYS))
    if extra:
        raise EditionError(f"{where}: nbgrader metadata has keys that nbgrader's schema refuses: {extra}")
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise EditionError(f"{where}: nbgrader metadata lacks {missing} (nbgrader requires "
                           f"{', '.join(REQUIRED_KEYS)})")
    for key, kind in SCHEMA_KEYS.items():
        value = meta.get(key)
        if key in meta and (not isinstance(value, kind) or isinstance(value, bool) and kind is not bool):
            raise EditionError(f"{where}: nbgrader {key} must be of type "
                               f"{getattr(kind, '__name__', 'number')}; got {meta[key]!r}")
    if meta["schema_version"] != 3:
        raise EditionError(f"{where}: nbgrader schema_version must be 3; got {meta['schema_version']!r}")
    if len(meta.get("checksum", "x" * 32)) != 32:
        raise EditionError(f"{where}: nbgrader checksum must be 32 characters; got {meta['checksum']!r}")
    if meta.get("cell_type", "code") not in {"code", "markdown", "raw"}:
        raise EditionError(f"{where}: nbgrader cell_type must be code, markdown or raw; got {meta['cell_type']!r}")
    grade_id = meta.get("grade_id")
    if (meta["grade"] or meta["solution"] or meta["locked"] or meta.get("task")) and (
            not isinstance(grade_id, str) or not GRADE_ID.match(grade_id)):
        raise EditionError(f"{where}: nbgrader grade_id must match {GRADE_ID.pattern}; got {grade_id!r}")
    if meta["grade"]:
        points = meta.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise EditionError(f"{where}: grade cell {grade_id!r} needs points >= 0; got {points!r}")
        if not meta["solution"] and not meta["locked"]:
            raise EditionError(f"{where}: check cell {grade_id!r} must be locked (metadata.nbgrader.locked = true)")
    if meta.get("task"):
        if cell.cell_type != "markdown":
            raise EditionError(f"{where}: an nbgrader task cell must be markdown")
    elif cell.cell_type == "markdown" and meta["grade"] != meta["solution"]:
        raise EditionError(f"{where}: a markdown nbgrader cell must be both a grade and a solution cell, "
                           "or neither")


def validate(nb, name, seen_ids):
    """Check the nbgrader markup of one notebook; ``seen_ids`` collects grade_ids across notebooks."""
    language = nb.metadata.get("kernelspec", {}).get("language", "python")
    if language != "python":
        raise EditionError(f"{name}: the kernel's language is {language!r}; this tool writes Python stubs only")
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        allowed = {SOLUTION: _is_solution(cell), HIDDEN_TESTS: _is_grade(cell), MARK_SCHEME: _is_task(cell)}
        needs = {SOLUTION: "a solution cell (metadata.nbgrader.solution = true)",
                 HIDDEN_TESTS: "a grade cell (metadata.nbgrader.grade = true)",
                 MARK_SCHEME: "a task cell (metadata.nbgrader.task = true)"}
        for number, line in enumerate(cell.source.split("\n"), 1):
            for delimiters, ok in allowed.items():
                for delimiter in delimiters:
                    if delimiter in line and not ok:
                        raise EditionError(
                            f"{where}, line {number}: contains {delimiter!r} outside {needs[delimiters]}; "
                            f"nbgrader takes any line containing it, in any cell, for a delimiter: {_quote(line)}")
            if cell.cell_type == "code" and AUTOTEST in line:
                raise EditionError(f"{where}, line {number}: contains {AUTOTEST!r}; nbgrader would start a kernel "
                                   f"and instantiate tests from autotests.yml, which this tool does not do: "
                                   f"{_quote(line)}")
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        _check_metadata(cell, where)
        meta = _nbgrader(cell)
        if meta["grade"] or meta["solution"] or meta["locked"] or meta.get("task"):
            grade_id = meta["grade_id"]
            if grade_id in seen_ids:
                raise EditionError(f"{where}: grade_id {grade_id!r} is already used by {seen_ids[grade_id]}")
            seen_ids[grade_id] = where


def checksum(cell):
    """nbgrader's utils.compute_checksum."""
    m = hashlib.md5()
    for part in (cell.source, cell.cell_type, str(_is_grade(cell)), str(_is_solution(cell)), str(_is_locked(cell)),
                 _nbgrader(cell)["grade_id"]):
        m.update(part.encode("utf-8"))
    if _is_grade(cell):
        m.update(str(float(_nbgrader(cell)["points"])).encode("utf-8"))
    return m.hexdigest()


def student_notebook(nb, name="notebook"):
    """Return a student copy of ``nb`` (a NotebookNode); ``nb`` itself is not changed."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # a deep copy
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        # LockCells, with its defaults
        if _is_solution(cell):
            cell.metadata["deletable"] = False
        elif _is_grade(cell) or _is_locked(cell):
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        # ClearSolutions
        stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
        lines, count = _replace_regions(cell.source.split("\n"), SOLUTION,
                                        lambda indent, stub=stub: [indent + line for line in stub], where)
        if _is_solution(cell) and count == 0:
            lines = list(stub)
        # ClearOutput
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            for key in ("collapsed", "scrolled"):
                cell.metadata.pop(key, None)
        # ClearHiddenTests, ClearMarkScheme
        lines, _ = _replace_regions(lines, HIDDEN_TESTS, lambda indent: [], where)
        lines, _ = _replace_regions(lines, MARK_SCHEME, lambda indent: [], where, no_attachments=True)
        cell.source = "\n".join(lines)
        # ComputeChecksums
        if _is_grade(cell) or _is_solution(cell) or _is_locked(cell):
            cell.metadata.nbgrader["checksum"] = checksum(cell)
            cell.metadata.nbgrader["cell_type"] = cell.cell_type
    nb.metadata.pop("celltoolbar", None)
    nb.metadata.pop("widgets", None)   # the solution run's widget state: not in nbgrader's release
    return nb


def build(sources, out_dir):
    """Write the student edition of each notebook in ``sources`` to ``out_dir``; return the paths written."""
    sources = [Path(p) for p in sources]
    if not sources:
        raise EditionError("no notebooks given")
    seen, editions = {}, []
    for path in sources:           # validate everything before writing anything
        nb = nbformat.read(path, as_version=4)
        validate(nb, path.name, seen)
        editions.append((path.name, student_notebook(nb, path.name)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, nb in editions:
        target = out_dir / filename
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="solution notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--out", default=str(ROOT / "student"), help="folder for the student edition")
    args = parser.parse_args(argv)
    sources = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    try:
        written = build(sources, args.out)
    except EditionError as exc:
        print(f"make_student: {exc}", file=sys.stderr)
        return 1
    print(f"student edition: {len(written)} notebooks in {Path(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
