"""tools/versions.py (make test-versions): which Python each end takes, and what it says when the oldest
allowed one is missing. Made-up interpreters only: nothing here installs or runs pytest."""
import importlib.util
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("versions", ROOT / "tools" / "versions.py")
versions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(versions)

FOUND = {Version(v): f"/py/{v}/bin/python3" for v in ("2.7.18", "3.9.18", "3.10.13", "3.11.7", "3.13.0")}


def test_the_ends_take_the_oldest_allowed_python_and_the_newest():
    allowed = SpecifierSet(">=3.10")
    assert versions.choose(FOUND, allowed, "oldest") == (Version("3.10.13"), "/py/3.10.13/bin/python3", "")
    assert versions.choose(FOUND, allowed, "newest") == (Version("3.13.0"), "/py/3.13.0/bin/python3", "")


def test_a_missing_oldest_python_is_said_plainly():
    found = {v: p for v, p in FOUND.items() if v.release[:2] != (3, 10)}
    version, _, note = versions.choose(found, SpecifierSet(">=3.10"), "oldest")
    assert version == Version("3.11.7")
    assert note.startswith("Python 3.10, the oldest requires-python >=3.10 allows, is not on this machine")
    assert note.endswith("the oldest tried is 3.11.7")


def test_no_allowed_python_stops_with_what_was_found():
    with pytest.raises(SystemExit, match="no Python that requires-python >=3.14 allows.*3.13.0"):
        versions.choose(FOUND, SpecifierSet(">=3.14"), "newest")


def test_requires_python_is_read_from_pyproject():
    assert versions.requires_python().contains("3.10.0") and not versions.requires_python().contains("3.9.18")
