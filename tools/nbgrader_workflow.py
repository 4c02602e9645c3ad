"""nbgrader's instructor workflow on notebooks 1-4, with nbgrader's default configuration.

    .venv-nbgrader/bin/python tools/nbgrader_workflow.py [--course DIR]

Run it with the Python of an environment that has nbgrader and this project
(``make test-nbgrader`` builds .venv-nbgrader and runs tests/grading, which calls
this module and checks its results). In a course directory, a temporary one
unless ``--course`` is given, it runs the real ``nbgrader`` commands:

1. ``nbgrader_config.py`` sets only ``CourseDirectory.course_id`` and ``root``;
2. notebooks 1-4, unchanged, are copied to ``source/ps1/``;
3. ``nbgrader generate_assignment ps1``;
4. three submissions are written to ``submitted/<student>/ps1/``, built from the
   release (see ``SUBMISSIONS``): ``untouched``, ``perfect`` and ``mixed``, who
   hands in notebook 2 alone (``HANDED_IN``);
5. ``nbgrader autograde ps1`` (it creates the students), ``nbgrader export``
   (``grades.csv``), ``nbgrader generate_feedback ps1``;
6. ``nbgrader validate`` on the perfect submission's notebooks and on the mixed
   submission's notebook 2 (while autograde runs: they share nothing).

Each command's output is kept in ``logs/<step>.log``. It prints the points of
every grade cell, submission by exercise, read from the gradebook.
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
COURSE_ID = "spiral-course"
ASSIGNMENT = "ps1"
NOTEBOOKS = ["01_data.ipynb", "02_softmax.ipynb", "03_backprop.ipynb", "04_two_layer_net.ipynb"]
STEP_TIMEOUT = 900  # seconds for one nbgrader command

SOLVED = object()   # an answer: the official solution, put back from the source notebook
ALL = object()      # a submission: every exercise SOLVED

# What each student writes, by solution cell grade_id. SOLVED puts back the
# source notebook's cell; a string replaces the release's two stub lines
# ("# YOUR CODE HERE", "raise NotImplementedError()"), indented like them. A
# solution cell not listed is left as released.
SUBMISSIONS = {
    "untouched": {},
    "perfect": ALL,
    "mixed": {
        "ex2_class_scores": SOLVED,
        "ex3_softmax_probs": SOLVED,
        # A listed mistake: the mean cross-entropy without its L2 term.
        "ex4_softmax_loss_l2": """\
            num_examples = probs.shape[0]
            example_losses = -np.log(probs[np.arange(num_examples), y])
            loss = example_losses.mean()
            """,
        # Another: the loss from the scores through the log of the probabilities, not log-sum-exp.
        "ex5_loss_from_scores": """\
            shifted = scores - scores.max(axis=1, keepdims=True)
            probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            loss = -np.log(probs[np.arange(scores.shape[0]), y]).mean()
            """,
        "ex14_network_forward": SOLVED,
        # A listed mistake: a training loop that steps uphill, on the helpers versions of the loss and
        # the backward pass (exercises 15 and 16 are left untouched).
        "ex17_train_network": """\
            params = {name: value.copy() for name, value in params.items()}
            losses = []
            for _ in range(num_iters):
                loss, grads = loss_and_grads(params, X, y, reg)
                for name in params:
                    params[name] += step_size * grads[name]
                losses.append(loss)
            """,
    },
}
# What a wrong answer's check must say, in the autograded notebook and the feedback.
MISTAKES = {("mixed", "ex4_softmax_loss_l2"): "the L2 term is missing",
            ("mixed", "ex5_loss_from_scores"): "the log is taken of a probability",
            ("mixed", "ex17_train_network"): "the update has the wrong sign"}
# The notebooks each student hands in, if not all: nbgrader scores the exercises of a missing notebook 0.
# (Handed in as released, mixed's other notebooks would be the untouched submission's again.)
HANDED_IN = {"mixed": ["02_softmax.ipynb", "04_two_layer_net.ipynb"]}


def handed_in(student):
    """The notebooks ``student`` hands in, in NOTEBOOKS' order."""
    return [name for name in NOTEBOOKS if name in HANDED_IN.get(student, NOTEBOOKS)]


class WorkflowError(RuntimeError):
    """An nbgrader command failed; the message holds its log."""


@dataclass
class Results:
    course: Path
    exercises: list                               # solution grade_ids, in notebook order
    notebook_of: dict                             # grade_id -> notebook file name
    expected: dict                                # student -> {solution grade_id: points expected}
    grades: dict = field(default_factory=dict)    # student -> {grade cell grade_id: (score, max_score)}
    csv_totals: dict = field(default_factory=dict)  # student -> (score, max_score), from grades.csv
    validate: dict = field(default_factory=dict)  # name -> the output of `nbgrader validate`
    seconds: dict = field(default_factory=dict)   # step -> seconds

    def log(self, step):
        return self.course / "logs" / f"{step}.log"

    def autograded(self, student, notebook):
        return self.course / "autograded" / student / ASSIGNMENT / notebook

    def feedback(self, student, notebook):
        return self.course / "feedback" / student / ASSIGNMENT / notebook.replace(".ipynb", ".html")


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def short(grade_id):
    """ex4_softmax_loss_l2 -> ex4."""
    return grade_id.split("_", 1)[0]


def function_name(grade_id):
    """ex4_softmax_loss_l2 -> softmax_loss_l2, the name the check prints."""
    return re.sub(r"^ex\d+_", "", grade_id)


def environment(course, step):
    """The nbgrader commands' environment: this Python's bin/ first on PATH (a new gradebook runs
    `alembic`), and empty Jupyter config and data folders, so that no user-level nbgrader_config.py
    or kernel changes nbgrader's defaults; an IPython folder of its own for each step."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NBGRADER_", "JUPYTER_")) and k not in {"IPYTHONDIR", "PYTHONPATH"}}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for name, folder in (("JUPYTER_CONFIG_DIR", ".jupyter-config"), ("JUPYTER_DATA_DIR", ".jupyter-data"),
                         ("IPYTHONDIR", f".ipython-{step}")):
        (course / folder).mkdir(exist_ok=True)
        env[name] = str(course / folder)
    return env


class Step:
    """One `nbgrader ...` command, started in ``course``; its output goes to logs/STEP.log."""

    def __init__(self, course, step, *args, results=None):
        self.course, self.step, self.args, self.results = course, step, args, results
        self.log = course / "logs" / f"{step}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.output, self.seconds = "", None
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course,
                                     env=environment(course, step), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, args=(time.perf_counter(),), daemon=True)
        self.reader.start()

    def _read(self, start):
        try:
            self.output, _ = self.proc.communicate(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.output = self.proc.communicate()[0] + f"\n(killed after {STEP_TIMEOUT} s)"
        self.seconds = time.perf_counter() - start

    def kill(self):
        self.proc.kill()
        self.reader.join()

    def wait(self):
        """Wait for the command; return its output, or raise WorkflowError with it."""
        self.reader.join()
        if self.results is not None:
            self.results.seconds[self.step] = self.seconds
        command = f"nbgrader {' '.join(self.args)}"
        self.log.write_text(f"$ {command}\n{self.output}")
        errors = [line for line in self.output.splitlines() if re.search(r"\| (ERROR|CRITICAL)\]", line)]
        if self.proc.returncode != 0 or errors:
            raise WorkflowError(f"`{command}` failed (exit status {self.proc.returncode}, {len(errors)} "
                                f"ERROR line(s)); its log, {self.log}:\n{self.output}")
        return self.output


def run_nbgrader(course, step, *args, results=None):
    """Run `nbgrader ARGS` in ``course`` and return its output."""
    return Step(course, step, *args, results=results).wait()


def split_validate(output, course):
    """`nbgrader validate`'s output for several notebooks, as {notebook path relative to course: its part}."""
    parts, current = {}, None
    for line in output.splitlines(keepends=True):
        m = re.match(r"\[ValidateApp \| INFO\] Validating '(.*)'", line)
        if m:
            current = str(Path(m.group(1)).relative_to(course))
            parts[current] = ""
        elif current is not None:
            parts[current] += line
    return parts


def fill_stub(source, body, where):
    """Replace the release's stub lines in ``source`` by ``body``, indented like the stub."""
    lines = source.split("\n")
    for i, line in enumerate(lines[:-1]):
        if line.strip() == "# YOUR CODE HERE" and lines[i + 1].strip() == "raise NotImplementedError()":
            indent = line[: len(line) - len(line.lstrip())]
            new = [indent + code if code else "" for code in textwrap.dedent(body).strip("\n").split("\n")]
            return "\n".join(lines[:i] + new + lines[i + 2:])
    raise ValueError(f"{where}: no `# YOUR CODE HERE` / `raise NotImplementedError()` stub in the release")


def write_submissions(course, solutions, notebook_of):
    """Write submitted/<student>/ps1/ from the release; return {student: {grade_id: points expected}}."""
    expected = {}
    for student, answers in SUBMISSIONS.items():
        if answers is ALL:
            answers = {grade_id: SOLVED for grade_id in solutions}
        unknown = set(answers) - set(solutions)
        if unknown:
            raise ValueError(f"SUBMISSIONS[{student!r}] names no solution cell: {sorted(unknown)}")
        kept_back = sorted(g for g in answers if notebook_of[g] not in handed_in(student))
        if kept_back:
            raise ValueError(f"SUBMISSIONS[{student!r}] answers {kept_back} in notebooks not handed in")
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name in handed_in(student):
            nb = nbformat.read(course / "release" / ASSIGNMENT / name, as_version=4)
            for cell in nb.cells:
                grade_id = nbgrader_meta(cell).get("grade_id")
                if not nbgrader_meta(cell).get("solution") or grade_id not in answers:
                    continue
                answer = answers[grade_id]
                cell.source = solutions[grade_id] if answer is SOLVED else fill_stub(cell.source, answer, grade_id)
            nbformat.write(nb, folder / name)
        expected[student] = {grade_id: int(answers.get(grade_id) is SOLVED) for grade_id in solutions}
    return expected


def read_gradebook(course, students):
    """{student: {grade cell grade_id: (score, max_score)}} from the course's gradebook."""
    import warnings

    from nbgrader.api import Gradebook

    grades = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # SQLAlchemy's SAWarning from nbgrader itself (harmless)
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
            for student in students:
                submission = gb.find_submission(ASSIGNMENT, student)
                grades[student] = {grade.name: (float(grade.score), float(grade.max_score))
                                   for notebook in submission.notebooks for grade in notebook.grades}
    return grades


def run(course):
    """Run the whole workflow in the empty (or missing) folder ``course``; return the Results."""
    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    if any(course.iterdir()):
        raise ValueError(f"{course} is not empty")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.CourseDirectory.root = {str(course)!r}\n")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    solutions, exercises, notebook_of = {}, [], {}
    for name in NOTEBOOKS:
        shutil.copyfile(ROOT / "notebooks" / name, source / name)
        for cell in nbformat.read(source / name, as_version=4).cells:
            meta = nbgrader_meta(cell)
            if meta.get("solution"):
                solutions[meta["grade_id"]] = cell.source
                exercises.append(meta["grade_id"])
            if meta.get("grade_id"):
                notebook_of[meta["grade_id"]] = name

    results = Results(course, exercises, notebook_of, expected={})
    run_nbgrader(course, "generate_assignment", "generate_assignment", ASSIGNMENT, results=results)
    results.expected = write_submissions(course, solutions, notebook_of)
    perfect = [str(Path("submitted", "perfect", ASSIGNMENT, name)) for name in NOTEBOOKS]
    mixed = str(Path("submitted", "mixed", ASSIGNMENT, NOTEBOOKS[1]))
    validate = Step(course, "validate", "validate", *perfect, mixed, results=results)
    try:
        run_nbgrader(course, "autograde", "autograde", ASSIGNMENT, "--create", results=results)
    except BaseException:
        validate.kill()
        raise
    output = validate.wait()
    run_nbgrader(course, "export", "export", "--to", "grades.csv", results=results)
    run_nbgrader(course, "generate_feedback", "generate_feedback", ASSIGNMENT, results=results)
    parts = split_validate(output, course)
    results.validate["perfect"] = "".join(parts.get(path, "") for path in perfect)
    results.validate["mixed_02"] = parts.get(mixed, "")

    results.grades = read_gradebook(course, SUBMISSIONS)
    with open(course / "grades.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["assignment"] == ASSIGNMENT:
                results.csv_totals[row["student_id"]] = (float(row["score"]), float(row["max_score"]))
    return results


def _points(value):
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def table(results):
    """The grading table, submission by exercise, as Markdown: points of each grade cell."""
    columns = [short(g) for g in results.exercises]
    lines = ["| submission | " + " | ".join(columns) + " | total |",
             "|---|" + "---:|" * (len(columns) + 1)]
    for student, cells in results.grades.items():
        points = [cells.get(f"{g}_check", (float("nan"), 0))[0] for g in results.exercises]
        total, out_of = sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())
        lines.append(f"| {student} | " + " | ".join(_points(p) for p in points)
                     + f" | {_points(total)} of {_points(out_of)} |")
    legend = ", ".join(f"{short(g)} {function_name(g)}" for g in results.exercises)
    return "\n".join(lines + ["", textwrap.fill(f"Columns: the grade cells `<exercise>_check`: {legend}.", 100)])


def timings(results):
    """The seconds each command took; validate runs while autograde does."""
    return ", ".join(f"{step} {seconds:.0f} s" + (" (at the same time)" if step == "validate" else "")
                     for step, seconds in results.seconds.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", help="an empty folder for the course (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as temporary:
        try:
            results = run(args.course or temporary)
        except WorkflowError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(table(results))
        print(f"\nTotals in grades.csv: {results.csv_totals}\nTimes: {timings(results)}")
    if args.course:
        print(f"The course folder: {results.course}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
