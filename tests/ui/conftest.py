"""A private JupyterLab for the browser test: own port, own token, own folders.

The server serves a temporary folder holding a copy of notebook 6, so that the
test never touches the repository's notebook, and its configuration, runtime
and IPython folders are temporary too, so that nothing from the user's own
Jupyter set-up (settings, workspaces, start-up scripts) changes what the test
sees. The fixture stops the server, its kernels and its process group at the end.

``make_lab`` is the other way round: it runs ``make lab`` itself, the command a
newcomer types, with a fresh temporary home and no settings of its own, for the
first-open test.
"""
import json
import os
import re
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
NOTEBOOK = REPO / "notebooks" / "06_generalisation.ipynb"  # the one with the playground
START_TIMEOUT = 60  # seconds for JupyterLab to answer

# Settings for this server only: every cell in the DOM (so that locators find the
# widget wherever it is scrolled). No news prompt comes from the repository's
# jupyterlab-settings/overrides.json, which `make test-ui` installs into the venv.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
MAKE_LAB_TIMEOUT = 180  # seconds for `make lab` to print its URL and answer (it may install first)


@dataclass
class Lab:
    url: str  # http://127.0.0.1:PORT
    token: str
    root: Path  # the folder the server serves
    notebook: str  # the notebook's path under root
    log: Path  # the server's stdout and stderr
    printed_url: str = ""  # make_lab: the link `make lab` printed, without its token

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
    try:  # anything of the group that outlived its leader (with `make lab`, the leader is make)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _processes_mentioning(text):
    """PIDs and command lines of the processes whose command line contains ``text``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append((int(proc.name), cmdline.strip()))
    return found


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


@pytest.fixture
def make_lab(tmp_path, artifacts):
    """Run `make lab` as a newcomer would, on a free port; yield a ``Lab`` whose ``url`` is the link it prints.

    Only what would leak in from this machine's own Jupyter set-up is changed: HOME
    is a fresh temporary folder (so ~/.jupyter, ~/.local/share/jupyter and
    ~/.ipython are new and empty) and the JUPYTER*, IPYTHON*, XDG_* and MPL*
    variables are dropped. No settings are written. JUPYTER_TOKEN tells the
    server the token, since it prints it as `?token=...`; `--no-browser` keeps it
    from starting a browser of its own. At the end the server is shut down (its
    kernels with it), make's process group is ended, and no process started from
    the temporary home may be left.
    """
    home = tmp_path / "home"
    home.mkdir()
    token, port = secrets.token_hex(24), free_port()
    log = artifacts / "make_lab.log"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "IPYTHON", "XDG_", "MPL"))}
    env.update(HOME=str(home), JUPYTER_TOKEN=token)
    command = ["make", "--no-print-directory", "-C", str(REPO), "lab", f"PORT={port}", "LAB_EXTRA=--no-browser"]
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=REPO / "notebooks", notebook="01_data.ipynb", log=log)
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + MAKE_LAB_TIMEOUT
        printed = None
        while True:
            if process.poll() is not None:
                pytest.fail(f"`make lab` exited with code {process.returncode} before answering:\n{lab.log_tail()}")
            if printed is None:
                match = re.search(r"(http://127\.0\.0\.1:(\d+)/\S*)\?token=", log.read_text(errors="replace"))
                if match:
                    printed, lab.url = match.group(1), f"http://127.0.0.1:{match.group(2)}"
            if printed is not None:
                try:
                    lab.api("/api/status")
                    break
                except (OSError, urllib.error.URLError):
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"`make lab` did not print its URL and answer within {MAKE_LAB_TIMEOUT} s:\n"
                            f"{lab.log_tail()}")
            time.sleep(0.25)
        lab.printed_url = printed
        yield lab
    finally:
        _stop(process, lab)
        left = _processes_mentioning(str(home))
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if left:
            pytest.fail("processes started by `make lab` outlived it (now killed):\n"
                        + "\n".join(f"{pid} {cmd}" for pid, cmd in left) + f"\n{lab.log_tail()}")
