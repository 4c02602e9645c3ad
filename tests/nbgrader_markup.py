"""Cases of nbgrader markup, broken or borderline, each a small notebook, and what each tool does with it.

tests/test_student_edition.py checks that tools/make_student.py refuses each case marked so, with an
error naming the notebook, the cell and the line; tests/grading checks, with nbgrader 0.9.6 itself
(the preprocessors of ``nbgrader generate_assignment``, default configuration), that nbgrader does
what ``nbgrader`` says here, and that make_student writes exactly nbgrader's release whenever both
accept. make_student refuses everything nbgrader refuses; where it refuses more, ``stricter`` says why.
"""
from dataclasses import dataclass

import nbformat

SOL = {"solution": True, "grade": False, "locked": False, "grade_id": "a", "schema_version": 3}
GRADE = {"solution": False, "grade": True, "locked": True, "points": 1, "grade_id": "t", "schema_version": 3}
TASK = {"solution": False, "grade": False, "locked": False, "task": True, "points": 2, "grade_id": "k",
        "schema_version": 3}


@dataclass
class Case:
    id: str
    cells: list               # (cell_type, source, nbgrader metadata or None)
    refusal: str = ""         # make_student's error contains this ("" if it accepts)
    at: str = ""              # ... and names this place, e.g. "cell 0 (markdown), line 2"
    nbgrader: str = "refuses"  # or "accepts"
    stricter: str = ""        # why make_student refuses what nbgrader accepts


CASES = [
    # accepted by both: the release must be the same
    Case("regions", [("code", "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    ### END SOLUTION\n    return y", SOL),
                     ("code", "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS", GRADE)],
         nbgrader="accepts"),
    Case("whole solution cell", [("code", "answer = 42", SOL)], nbgrader="accepts"),
    Case("markdown answer", [("markdown", "An answer.\n\nBEGIN SOLUTION\nThe answer.\nEND SOLUTION", dict(SOL, grade=True, points=2))],
         nbgrader="accepts"),
    Case("mark scheme in a task cell", [("markdown", "Describe it.\n=== BEGIN MARK SCHEME ===\n2 points if...\n=== END MARK SCHEME ===", TASK)],
         nbgrader="accepts"),
    Case("delimiter words in lower case", [("markdown", "Write your code between the begin solution and end solution lines.", None)],
         nbgrader="accepts"),
    Case("all flags false, no grade_id", [("code", "x = 1", {"solution": False, "grade": False, "locked": False, "schema_version": 3})],
         nbgrader="accepts"),
    # solution delimiters: a substring of any line, in any cell
    Case("BEGIN SOLUTION in markdown prose", [("markdown", "# Exercises\nYour code goes where the BEGIN SOLUTION line was.", None)],
         "'BEGIN SOLUTION' outside a solution cell", "cell 0 (markdown, id c0), line 2"),
    Case("both delimiters in markdown prose", [("markdown", "BEGIN SOLUTION\nthe solution\nEND SOLUTION", None)],
         "'BEGIN SOLUTION' outside a solution cell", "cell 0 (markdown, id c0), line 1"),
    Case("region in a code cell without metadata", [("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION", None)],
         "'BEGIN SOLUTION' outside a solution cell", "cell 0 (code, id c0), line 1"),
    Case("BEGIN SOLUTION in a raw cell", [("raw", "BEGIN SOLUTION", None)],
         "'BEGIN SOLUTION' outside a solution cell", "cell 0 (raw, id c0), line 1"),
    Case("END SOLUTION in markdown prose", [("markdown", "Intro.\nThen comes the END SOLUTION line.", None)],
         "'END SOLUTION' outside a solution cell", "cell 0 (markdown, id c0), line 2",
         nbgrader="accepts", stricter="nbgrader silently deletes the line from the release"),
    Case("unclosed region", [("code", "x = 0\n### BEGIN SOLUTION\nx = 1", SOL)],
         "never closed", "cell 0 (code, id c0), line 2"),
    Case("nested regions", [("code", "### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", SOL)],
         "inside the region opened on line 1", "cell 0 (code, id c0), line 2"),
    Case("both delimiters on one line", [("code", "x = 1  # BEGIN SOLUTION ... END SOLUTION", SOL)],
         "holds both", "cell 0 (code, id c0), line 1"),
    Case("END SOLUTION without BEGIN in a solution cell", [("code", "x = 1\n### END SOLUTION", SOL)],
         "without 'BEGIN SOLUTION' before it", "cell 0 (code, id c0), line 2",
         nbgrader="accepts", stricter="nbgrader silently drops the line (here it replaces the whole cell)"),
    # hidden tests, mark schemes, autotests
    Case("hidden tests outside a grade cell", [("code", "### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS", None)],
         "'BEGIN HIDDEN TESTS' outside a grade cell", "cell 0 (code, id c0), line 1"),
    Case("BEGIN HIDDEN TESTS in markdown prose", [("markdown", "Some checks are hidden (BEGIN HIDDEN TESTS).", None)],
         "'BEGIN HIDDEN TESTS' outside a grade cell", "cell 0 (markdown, id c0), line 1"),
    Case("END HIDDEN TESTS in markdown prose", [("markdown", "See the END HIDDEN TESTS line.", None)],
         "'END HIDDEN TESTS' outside a grade cell", "cell 0 (markdown, id c0), line 1",
         nbgrader="accepts", stricter="nbgrader silently deletes the line from the release"),
    Case("unclosed hidden tests", [("code", "assert 1\n### BEGIN HIDDEN TESTS\nassert 2", GRADE)],
         "never closed", "cell 0 (code, id c0), line 2"),
    Case("mark scheme outside a task cell", [("markdown", "BEGIN MARK SCHEME\n2 points\nEND MARK SCHEME", None)],
         "'BEGIN MARK SCHEME' outside a task cell", "cell 0 (markdown, id c0), line 1"),
    Case("attachment in a mark scheme", [("markdown", "BEGIN MARK SCHEME\n![plot](attachment:plot.png)\nEND MARK SCHEME", TASK)],
         "attachment inside a mark scheme", "cell 0 (markdown, id c0), line 2"),
    Case("AUTOTEST directive", [("code", "# AUTOTEST answer", None)],
         "contains 'AUTOTEST'", "cell 0 (code, id c0), line 1"),
    # nbgrader's cell metadata schema
    Case("metadata without grade and locked", [("code", "x = 1", {"solution": True, "grade_id": "a", "schema_version": 3})],
         "lacks ['grade', 'locked']", "cell 0 (code, id c0)"),
    Case("grade_id with a space", [("code", "x = 1", dict(SOL, grade_id="a b"))], "grade_id must match", "cell 0"),
    Case("empty grade_id", [("code", "x = 1", dict(SOL, grade_id=""))], "grade_id must match", "cell 0"),
    Case("grade cell without points", [("code", "x = 1", {k: v for k, v in GRADE.items() if k != "points"})],
         "needs points", "cell 0"),
    Case("negative points", [("code", "x = 1", dict(GRADE, points=-1))], "needs points", "cell 0"),
    Case("old schema version", [("code", "x = 1", dict(SOL, schema_version=1))], "schema_version must be 3", "cell 0"),
    Case("a key outside the schema", [("code", "x = 1", dict(SOL, weight=2))], "keys that nbgrader's schema refuses", "cell 0"),
    Case("grade given as 1", [("code", "x = 1", dict(SOL, grade=1))], "grade must be of type bool", "cell 0"),
    Case("repeated grade_id", [("code", "x = 1", SOL), ("code", "y = 2", SOL)], "already used by", "cell 1"),
    Case("markdown solution cell that is not graded", [("markdown", "An answer.", SOL)],
         "must be both a grade and a solution cell", "cell 0"),
    Case("task cell that is code", [("code", "x = 1", dict(TASK))], "task cell must be markdown", "cell 0"),
    Case("check cell not locked", [("code", "assert x", dict(GRADE, locked=False))], "must be locked", "cell 0",
         nbgrader="accepts", stricter="this course's rule: a check cell is locked, so a student cannot edit it"),
]


def notebook(case):
    """The case as a notebook, its cells' ids c0, c1, ..."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    maker = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
             "raw": nbformat.v4.new_raw_cell}
    for index, (cell_type, source, meta) in enumerate(case.cells):
        cell = maker[cell_type](source)
        cell.id = f"c{index}"
        if meta is not None:
            cell.metadata["nbgrader"] = dict(meta)
        nb.cells.append(cell)
    return nb
