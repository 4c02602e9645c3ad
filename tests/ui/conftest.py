"""A private JupyterLab for the browser test: own port, own token, own folders.

The server serves a temporary folder holding a copy of notebook 5, so that the
test never touches the repository's notebook, and its configuration, runtime
and IPython folders are temporary too, so that nothing from the user's own
Jupyter set-up (settings, workspaces, start-up scripts) changes what the test
sees. The fixture stops the server, its kernels and its process group at the end.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "05_decision_boundaries.ipynb"
ARTIFACTS = REPO / "test-artifacts"
START_TIMEOUT = 60  # seconds for JupyterLab to answer

# Settings for this server only: every cell in the DOM (so that locators find the
# widget wherever it is scrolled), and no news fetching (the machine may be offline).
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


@dataclass
class Lab:
    url: str  # http://127.0.0.1:PORT
    token: str
    root: Path  # the folder the server serves
    notebook: str  # the notebook's path under root
    log: Path  # the server's stdout and stderr

    def api(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, n=40):
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-n:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process, lab):
    """Ask the server to shut down (it stops its kernels), then end its process group."""
    if process.poll() is None:
        try:
            lab.api("/api/shutdown", method="POST")
            process.wait(timeout=15)
        except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory, artifacts):
    """Start JupyterLab on 127.0.0.1 with a random token; yield a ``Lab``; shut it down."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root, config, runtime, ipython = (base / name for name in ("root", "config", "runtime", "ipython"))
    for folder in (root, config, runtime, ipython):
        folder.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    for name, settings in USER_SETTINGS.items():
        path = config / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))

    token, port = secrets.token_hex(24), free_port()
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root, notebook=NOTEBOOK.name,
              log=artifacts / "jupyterlab.log")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(runtime),
           "IPYTHONDIR": str(ipython)}
    env.pop("MPLBACKEND", None)  # let the kernel pick its inline backend, whatever this shell says
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={config / 'lab' / 'user-settings'}",
        f"--LabApp.workspaces_dir={config / 'lab' / 'workspaces'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with open(lab.log, "w") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode} before answering:\n{lab.log_tail()}")
            try:
                lab.api("/api/status")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer on {lab.url} within {START_TIMEOUT} s:\n{lab.log_tail()}")
                time.sleep(0.25)
        yield lab
    finally:
        _stop(process, lab)

