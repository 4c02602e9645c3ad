"""Write the student edition of the notebooks: solutions removed, outputs cleared.

    python tools/make_student.py [--out student] [notebooks/*.ipynb]

It applies the rules of nbgrader's ClearSolutions, ClearHiddenTests and
ClearOutput preprocessors with nbformat alone, so that building the edition does
not need nbgrader and its ~100 dependencies:

* in a solution cell (cell metadata ``nbgrader.solution``), every region from a
  ``### BEGIN SOLUTION`` line to its ``### END SOLUTION`` line becomes
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()``, indented like the
  BEGIN line (in a markdown cell: ``YOUR ANSWER HERE``); a solution cell
  without markers is replaced whole;
* regions from ``### BEGIN HIDDEN TESTS`` to ``### END HIDDEN TESTS`` are dropped;
* every output, execution count and saved widget state is cleared.

It refuses notebooks that nbgrader would refuse or grade wrongly: markers in a
cell without solution metadata, unbalanced markers, a missing or repeated
``grade_id``, a grade cell without points or not locked. The nbgrader metadata
itself is kept, so the edition can also go through nbgrader unchanged.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")
ROOT = Path(__file__).resolve().parent.parent


class EditionError(ValueError):
    """A notebook whose exercise markup is inconsistent."""


def _replace_regions(lines, begin, end, replacement, where):
    """Replace each begin..end region of ``lines`` by ``replacement(indent)``; return (lines, count)."""
    out, count, inside = [], 0, None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == begin:
            if inside is not None:
                raise EditionError(f"{where}: line {number} opens {begin!r} inside another region")
            inside = line[: len(line) - len(line.lstrip())]
            count += 1
            out.extend(replacement(inside))
        elif stripped == end:
            if inside is None:
                raise EditionError(f"{where}: line {number} has {end!r} without {begin!r}")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise EditionError(f"{where}: {begin!r} is never closed by {end!r}")
    return out, count


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def validate(nb, name, seen_ids):
    """Check the nbgrader markup of one notebook; ``seen_ids`` collects grade_ids across notebooks."""
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}"
        meta = _nbgrader(cell)
        has_markers = BEGIN_SOLUTION in cell.source or END_SOLUTION in cell.source
        if has_markers and not meta.get("solution"):
            raise EditionError(f"{where}: has {BEGIN_SOLUTION!r} markers but no nbgrader solution metadata "
                               "(metadata.nbgrader.solution = true)")
        if not meta:
            continue
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str) or not GRADE_ID.match(grade_id):
            raise EditionError(f"{where}: nbgrader grade_id must match {GRADE_ID.pattern}; got {grade_id!r}")
        if grade_id in seen_ids:
            raise EditionError(f"{where}: grade_id {grade_id!r} is already used by {seen_ids[grade_id]}")
        seen_ids[grade_id] = where
        if meta.get("schema_version") != 3:
            raise EditionError(f"{where}: nbgrader schema_version must be 3; got {meta.get('schema_version')!r}")
        if meta.get("grade"):
            points = meta.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                raise EditionError(f"{where}: grade cell {grade_id!r} needs points >= 0; got {points!r}")
            if not meta.get("solution") and not meta.get("locked"):
                raise EditionError(f"{where}: check cell {grade_id!r} must be locked (metadata.nbgrader.locked = true)")


def student_notebook(nb, name="notebook"):
    """Return a student copy of ``nb`` (a NotebookNode); ``nb`` itself is not changed."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # a deep copy
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}"
        lines = cell.source.split("\n")
        if _nbgrader(cell).get("solution"):
            if cell.cell_type == "code":
                fill = lambda indent: [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]  # noqa: E731
            else:
                fill = lambda indent: [f"{indent}YOUR ANSWER HERE"]  # noqa: E731
            lines, count = _replace_regions(lines, BEGIN_SOLUTION, END_SOLUTION, fill, where)
            if count == 0:
                lines = fill("")
        lines, _ = _replace_regions(lines, BEGIN_HIDDEN, END_HIDDEN, lambda indent: [], where)
        cell.source = "\n".join(lines)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
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
