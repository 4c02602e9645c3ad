"""Copy the students' saved notebooks from their homes on a hub into nbgrader's submitted/ folder.

    python tools/collect_submissions.py --homes '/home/{username}' --folder spiral-course \
        --assignment ps1 --course-dir COURSE_DIR  ada grace ...

For each student, the notebooks at the top of ``HOME/FOLDER`` (the folder the
nbgitpuller link cloned the course into) go to
``COURSE_DIR/submitted/STUDENT/ASSIGNMENT/``, with a ``timestamp.txt`` in the
form nbgrader reads (the newest notebook's modification time, UTC). Then
``nbgrader autograde ASSIGNMENT`` grades them. ``--notebooks`` limits the copy
to the assignment's notebooks (say 01_data.ipynb ... 04_two_layer_net.ipynb).
A student without the folder is named, and the exit status is then 1; the
others are still collected.
"""
import argparse
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path


def collect(students, homes, folder, assignment, course_dir, notebooks=None):
    """Copy each student's notebooks; return {student: [copied paths]} and the students whose folder is missing."""
    copied, missing = {}, []
    for student in students:
        source = Path(homes.format(username=student)) / folder
        if not source.is_dir():
            missing.append(student)
            continue
        found = sorted(source.glob("*.ipynb")) if notebooks is None else \
            [source / name for name in notebooks if (source / name).is_file()]
        target = Path(course_dir) / "submitted" / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        copied[student] = [Path(shutil.copy2(path, target / path.name)) for path in found]
        if found:
            newest = max(path.stat().st_mtime for path in found)
            stamp = datetime.fromtimestamp(newest, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
            (target / "timestamp.txt").write_text(stamp + "\n")
    return copied, missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", nargs="+")
    parser.add_argument("--homes", required=True, help="a student's home, with {username} in it")
    parser.add_argument("--folder", required=True, help="the course's folder in each home")
    parser.add_argument("--assignment", required=True, help="nbgrader's assignment name, e.g. ps1")
    parser.add_argument("--course-dir", required=True, help="nbgrader's course directory")
    parser.add_argument("--notebooks", nargs="*", help="only these notebooks (default: every one in the folder)")
    args = parser.parse_args(argv)
    if "{username}" not in args.homes:
        parser.error(f"--homes must contain {{username}}; got {args.homes!r}")
    copied, missing = collect(args.students, args.homes, args.folder, args.assignment, args.course_dir,
                              args.notebooks)
    for student, paths in copied.items():
        print(f"{student}: {len(paths)} notebooks to {Path(args.course_dir) / 'submitted' / student / args.assignment}")
    for student in missing:
        print(f"{student}: no folder {Path(args.homes.format(username=student)) / args.folder}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
