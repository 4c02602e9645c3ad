"""Binder: what repo2docker builds from this repository, and what `postBuild` sets up.

The build on mybinder.org itself needs Docker and the network; here we check repo2docker's generated
Dockerfile (``repo2docker --no-build``, `make test-binder`) and run ``postBuild`` as the image would.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_post_build_installs_make_labs_settings_where_jupyterlab_reads_them(tmp_path):
    """Binder's JupyterLab gets `make lab`'s settings (no news prompt, no update check), in its settings dir."""
    from jupyterlab.commands import get_app_dir

    subprocess.run(["bash", "postBuild"], cwd=ROOT, check=True, env={**os.environ, "NB_PYTHON_PREFIX": str(tmp_path)})
    # JupyterLab reads overrides.json from <its app dir>/settings; the app dir sits under sys.prefix
    settings_dir = pathlib.Path(get_app_dir()).resolve().relative_to(pathlib.Path(sys.prefix).resolve()) / "settings"
    installed = tmp_path / settings_dir / "overrides.json"
    expected = json.loads((ROOT / "jupyterlab-settings" / "overrides.json").read_text())
    assert json.loads(installed.read_text()) == expected
    assert expected["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    server_config = tmp_path / "etc" / "jupyter" / "jupyter_server_config.py"  # read from {prefix}/etc/jupyter
    assert server_config.read_text() == (ROOT / "jupyterlab-settings" / "jupyter_server_config.py").read_text()


def test_post_build_names_the_prefix_it_needs():
    result = subprocess.run(["bash", "postBuild"], cwd=ROOT, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "NB_PYTHON_PREFIX"})
    assert result.returncode != 0 and "NB_PYTHON_PREFIX" in result.stderr


@pytest.mark.binder
def test_repo2docker_installs_the_environment_then_runs_post_build():
    """The Dockerfile repo2docker generates: environment.yml installed after the repository is copied in
    (its ``pip: -e .`` needs the code), then postBuild."""
    repo2docker = shutil.which("repo2docker", path=str(pathlib.Path(sys.executable).parent))
    assert repo2docker, "repo2docker is not installed in this environment (make test-binder installs it)"
    result = subprocess.run([repo2docker, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan",
                             str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    dockerfile = result.stdout
    print(result.stderr.strip().splitlines()[0] if result.stderr.strip() else "")
    lines = dockerfile.splitlines()

    def first(text):
        return next(i for i, line in enumerate(lines) if text in line)

    copy_repo = first("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    env_update = first('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    post_build = first("RUN ./postBuild")
    assert copy_repo < env_update < post_build
