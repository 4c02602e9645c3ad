"""environment.yml, pyproject.toml, constraints.txt and the Makefile must tell the same story."""
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def conda_requirements():
    """The conda packages of environment.yml as {name: specifier}, read without a YAML library."""
    reqs, in_pip = {}, False
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        stripped = line.split("#")[0].rstrip()
        if re.match(r"^\s*- pip:\s*$", stripped):
            in_pip = True
            continue
        if in_pip and re.match(r"^\s{6,}- ", stripped):
            continue
        m = re.match(r"^\s{2}- ([A-Za-z0-9_.\-]+)\s*(.*)$", stripped)
        if m:
            in_pip = False
            reqs[m.group(1).lower()] = SpecifierSet(m.group(2).replace(" ", ""))
    return reqs


def pyproject_requirements():
    project = PYPROJECT["project"]
    reqs = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    return {r.name.lower(): r.specifier for r in reqs if r.marker is None}


def test_environment_yml_has_the_same_packages_and_bounds_as_pyproject():
    conda = conda_requirements()
    assert conda.pop("python") == SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert conda.pop("pip") == SpecifierSet("")
    assert conda == pyproject_requirements()


def test_environment_yml_installs_the_project_itself():
    assert re.search(r"^\s+- -e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_pins_satisfy_the_declared_bounds():
    bounds = {}
    project = PYPROJECT["project"]
    for extra in project["optional-dependencies"].values():
        for r in map(Requirement, extra):
            bounds[r.name.lower()] = r.specifier
    for r in map(Requirement, project["dependencies"]):
        bounds[r.name.lower()] = r.specifier
    pinned = set()
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        pin = Requirement(line)
        (spec,) = pin.specifier
        assert spec.operator == "==", line
        pinned.add(pin.name.lower())
        if pin.name.lower() in bounds:
            assert spec.version in bounds[pin.name.lower()], f"{line} is outside {bounds[pin.name.lower()]}"
    assert {"numpy", "matplotlib"} <= pinned


def test_makefile_offers_the_two_commands_and_binds_jupyter_to_localhost():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab:", "test:", "test-ui:", "bench:"):
        assert re.search(rf"^{target}", makefile, re.M), target
    assert "--ServerApp.ip=127.0.0.1" in makefile
    assert "token" not in makefile.lower()  # token authentication stays at Jupyter's default: on
