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


def test_each_end_runs_under_its_kernel_or_fails_unrun(monkeypatch):
    """--kernels: the oldest end gets Prescott and the newest Sandybridge, each checked by a probe with the end's
    own Python; an end whose OpenBLAS does not take the kernel is not run and fails (make test-kernels
    --skip-versions counts on that kernel having run)."""
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    import kernel_variants as kv

    avx = "processor\t: 0\nflags\t\t: fpu sse sse2 pni avx\n\n"
    native = {"blas": "scipy-openblas", "kernel": "Sandybridge", "threads": 2, "simd_enabled": []}

    def probe(env, python=None):
        if python is None:  # this machine's own NumPy, for the plan
            return native
        asked = env.get("OPENBLAS_CORETYPE")
        reported = "Katmai" if asked == "Prescott" else "Haswell"  # the newest end's OpenBLAS ignores the request
        return {"blas": "scipy-openblas", "kernel": reported, "threads": 2, "simd_enabled": []}

    monkeypatch.setattr(kv, "probe", probe)
    monkeypatch.setattr(kv, "read_cpuinfo", lambda path="/proc/cpuinfo": avx)
    monkeypatch.setattr(kv.platform, "machine", lambda: "x86_64")
    envs = versions.kernel_envs(("oldest", "newest"))
    env, under = envs["oldest"]
    assert env["OPENBLAS_CORETYPE"] == "Prescott" and "reports Prescott" in under
    env, under = envs["newest"]
    assert env is None and under == ("OPENBLAS_CORETYPE=Sandybridge did not take effect: "
                                     "OpenBLAS runs Haswell instead")
