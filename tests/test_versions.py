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


def test_each_end_runs_under_its_variant_or_fails_unrun(monkeypatch):
    """--kernels: the oldest end gets OpenBLAS on one thread and the newest the Haswell kernel, each checked by a
    probe with the end's own Python; an end whose variant does not take effect is not run and fails (make
    test-kernels --skip-versions counts on that variant having run)."""
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    import kernel_variants as kv

    avx2 = "processor\t: 0\nflags\t\t: fpu sse sse2 pni avx avx2 fma\n\n"
    native = {"blas": "scipy-openblas", "kernel": "Haswell", "threads": 2, "simd_enabled": []}

    def probe(env, python=None):
        if python is None:  # this machine's own NumPy, for the plan
            return native
        threads = int(env.get("OPENBLAS_NUM_THREADS", 2))
        reported = "Sandybridge"  # the newest end's OpenBLAS ignores OPENBLAS_CORETYPE=Haswell
        return {"blas": "scipy-openblas", "kernel": reported, "threads": threads, "simd_enabled": []}

    monkeypatch.setattr(kv, "probe", probe)
    monkeypatch.setattr(kv, "read_cpuinfo", lambda path="/proc/cpuinfo": avx2)
    monkeypatch.setattr(kv.platform, "machine", lambda: "x86_64")
    envs = versions.kernel_envs(("oldest", "newest"))
    env, under = envs["oldest"]
    assert env["OPENBLAS_NUM_THREADS"] == "1" and "OPENBLAS_CORETYPE" not in env and under.endswith(", 1 thread")
    env, under = envs["newest"]
    assert env is None and under == ("OPENBLAS_CORETYPE=Haswell did not take effect: "
                                     "OpenBLAS runs Sandybridge instead")
