"""tools/collect_submissions.py: the students' notebooks from their homes into nbgrader's submitted/ folder."""
import importlib.util
import os
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "collect_submissions.py"
spec = importlib.util.spec_from_file_location("collect_submissions", TOOL)
collect_submissions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(collect_submissions)


def home(tmp_path, student, names):
    folder = tmp_path / "homes" / student / "spiral-course"
    folder.mkdir(parents=True)
    for i, name in enumerate(names):
        (folder / name).write_text(f'{{"by": "{student}", "name": "{name}"}}')
        os.utime(folder / name, (1_700_000_000 + i, 1_700_000_000 + i))
    return folder


def run(tmp_path, *students, notebooks=None):
    argv = [*students, "--homes", str(tmp_path / "homes" / "{username}"), "--folder", "spiral-course",
            "--assignment", "ps1", "--course-dir", str(tmp_path / "course")]
    return collect_submissions.main(argv + (["--notebooks", *notebooks] if notebooks else []))


def test_each_students_notebooks_go_to_their_own_submitted_folder_with_a_timestamp(tmp_path):
    home(tmp_path, "ada", ["01_data.ipynb", "02_softmax.ipynb"])
    home(tmp_path, "grace", ["01_data.ipynb"])
    assert run(tmp_path, "ada", "grace") == 0
    submitted = tmp_path / "course" / "submitted"
    assert sorted(p.name for p in (submitted / "ada" / "ps1").iterdir()) == \
        ["01_data.ipynb", "02_softmax.ipynb", "timestamp.txt"]
    assert (submitted / "grace" / "ps1" / "01_data.ipynb").read_text() == '{"by": "grace", "name": "01_data.ipynb"}'
    # The newest notebook's time, in the form nbgrader parses.
    assert (submitted / "ada" / "ps1" / "timestamp.txt").read_text() == "2023-11-14 22:13:21.000000 UTC\n"


def test_only_the_named_notebooks_are_copied(tmp_path):
    home(tmp_path, "ada", ["01_data.ipynb", "06_generalisation.ipynb", "scratch.ipynb"])
    assert run(tmp_path, "ada", notebooks=["01_data.ipynb", "02_softmax.ipynb"]) == 0
    assert sorted(p.name for p in (tmp_path / "course" / "submitted" / "ada" / "ps1").iterdir()) == \
        ["01_data.ipynb", "timestamp.txt"]


def test_a_student_without_the_folder_is_named_and_the_others_still_collected(tmp_path, capsys):
    home(tmp_path, "ada", ["01_data.ipynb"])
    assert run(tmp_path, "ada", "grace") == 1
    assert "grace: no folder" in capsys.readouterr().err
    assert (tmp_path / "course" / "submitted" / "ada" / "ps1" / "01_data.ipynb").exists()
    assert not (tmp_path / "course" / "submitted" / "grace").exists()


def test_homes_without_the_username_placeholder_are_refused(tmp_path):
    with pytest.raises(SystemExit):
        collect_submissions.main(["ada", "--homes", str(tmp_path), "--folder", "x", "--assignment", "ps1",
                                  "--course-dir", str(tmp_path / "course")])
