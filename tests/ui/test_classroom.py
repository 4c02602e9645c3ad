"""A class on a real JupyterHub, rehearsed on 127.0.0.1 (make test-classroom).

The published course is a throwaway git repository holding the student edition
(tools/make_student.py), reached by a ``file://`` URL so that nbgitpuller makes
its shallow clone. The hub has two students, a shared-password login and
SimpleLocalProcessSpawner, which is for testing only: every student's server
runs as this OS user, in a home of its own under a temporary folder. Each
student's server is JupyterLab from .venv-classroom, with the same
overrides.json as `make lab` (no news prompt) and the nbgitpuller link as its
landing page, so that logging in alone gets lesson 1.

Headless Chromium plays both students: each logs in, gets lesson 1 from the
link and runs it all (every check says "not done yet", no cell fails); Ada
completes the exercise, sees "right" and saves, and Grace's copy stays as it
was; Grace cannot open Ada's server; the instructor commits a change to a
markdown cell, and Ada, opening the link again, gets it and keeps her answer.
tools/collect_submissions.py copies both students' saved notebooks into
nbgrader's submitted/ folder, as a grader would before autograding. At the end
the hub is stopped (its proxy and the students' servers with it), and nothing
it started may still run or listen. Every step has a timeout; on a
failure the hub's log is printed. Screenshots go to test-artifacts/classroom_*.png.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from test_browser import KERNEL_IDLE, chromium_page, menu, say, save
from test_first_open import CURRENT_TAB, NOTEBOOK, TOAST

pytestmark = pytest.mark.classroom

REPO = Path(__file__).resolve().parents[2]
LESSON = "01_data.ipynb"
COURSE = "spiral-course"  # the published course's repository, and the folder nbgitpuller clones it into
BRANCH = "main"
STUDENTS = ("ada", "grace")
HUB_TIMEOUT = 60  # seconds for the hub to answer (about 5 s on an idle machine), and for it to stop
SPAWN_TIMEOUT = 45  # seconds for a student's server to start (about 10 s); JupyterHub gives up after it
PAGE_TIMEOUT_MS = 60_000  # login, spawn, clone and JupyterLab's first load
RUN_ALL_TIMEOUT_MS = 60_000
STEP_TIMEOUT = 30  # seconds for a git command, an API call, a file to change on disk
VIEWPORT = {"width": 1400, "height": 900}

# Ada's answer to exercise 1, typed into the solution cell in place of its two stub lines.
ANSWER = ('def spiral_arm(j, N, rng):\n'
          '    """Ada\'s answer."""\n'
          '    r = np.linspace(0.0, 1.0, N)\n'
          '    t = np.linspace(4 * j, 4 * (j + 1), N) + 0.2 * rng.standard_normal(N)\n'
          '    return np.c_[r * np.sin(t), r * np.cos(t)]')
RIGHT = "\u2714 spiral_arm: right."
NOT_DONE = "not done yet"
INSTRUCTORS_NOTE = "*Instructor's note: the next class starts with this cell.*\n"
ERROR_OUTPUT = (".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")


@dataclass
class Course:
    """The published course: a git repository of the student edition, and where its cells are."""
    path: Path
    solution_cell: int  # the index of lesson 1's solution cell
    check_cells: list  # the indices of its check cells
    markdown_cell: int  # the markdown cell the instructor changes later
    code_cells: int

    def git(self, *args):
        return subprocess.run(["git", "-C", str(self.path), *args], check=True, capture_output=True, text=True,
                              timeout=STEP_TIMEOUT).stdout


@dataclass
class Hub:
    url: str  # http://127.0.0.1:PORT, the proxy's public side
    link: str  # the nbgitpuller link an instructor shares
    password: str
    homes: Path
    log: Path
    token: str  # the test's own service token, to read the hub's users
    proxy_api: str
    proxy_token: str
    ports: set = field(default_factory=set)  # every port the hub, the proxy and the students' servers bound

    def log_tail(self, n=60):
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return f"the hub's log ({self.log}), last {n} lines:\n" + "\n".join(lines[-n:])

    def get(self, url, token):
        request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def lesson(self, student):
        return self.homes / student / COURSE / LESSON


def timed(capsys, what, start):
    say(capsys, f"{what}: {time.monotonic() - start:.1f} s")
    return time.monotonic()


def listening_ports():
    """The TCP ports something on this machine listens on (from /proc/net/tcp and tcp6)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(table):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A":  # LISTEN
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def processes_in(folder):
    """PIDs and command lines of the processes whose working directory is inside ``folder``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                found.append((int(proc.name), (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except OSError:
            continue
    return found


def unused_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.fixture
def course(tmp_path_factory, capsys):
    """The student edition, built by tools/make_student.py and committed to a fresh repository."""
    start = time.monotonic()
    path = tmp_path_factory.mktemp("published") / COURSE
    subprocess.run([sys.executable, str(REPO / "tools" / "make_student.py"), "--out", str(path),
                    *sorted(map(str, (REPO / "notebooks").glob("*.ipynb")))], check=True, timeout=STEP_TIMEOUT)
    cells = json.loads((path / LESSON).read_text())["cells"]
    meta = [cell["metadata"].get("nbgrader", {}) for cell in cells]
    solutions = [i for i, m in enumerate(meta) if m.get("solution")]
    checks = [i for i, m in enumerate(meta) if m.get("grade")]
    assert len(solutions) == 1 and checks == [solutions[0] + 1], \
        f"expected one exercise in {LESSON}, its check right after it; got solutions {solutions}, checks {checks}"
    assert "raise NotImplementedError()" in "".join(cells[solutions[0]]["source"])
    # The instructor's later change goes into a markdown cell between two code cells, after the exercise.
    markdown = next(i for i in range(checks[-1] + 1, len(cells) - 1) if cells[i]["cell_type"] == "markdown"
                    and cells[i - 1]["cell_type"] == cells[i + 1]["cell_type"] == "code")
    found = Course(path, solutions[0], checks, markdown, sum(c["cell_type"] == "code" for c in cells))
    found.git("init", "--quiet", "--initial-branch", BRANCH)
    found.git("add", ".")
    found.git("-c", "user.name=Instructor", "-c", "user.email=instructor@example.org",
              "commit", "--quiet", "-m", "The student edition")
    timed(capsys, f"student edition committed to {path}", start)
    return found


def hub_config(hub_port, internal_port, proxy_port, homes, landing, token):
    """The hub's jupyterhub_config.py, as a class on one machine would have it, but for the spawner."""
    venv = Path(sys.prefix)
    proxy = os.environ.get("CLASSROOM_PROXY", str(venv / "npm" / "node_modules" / ".bin" / "configurable-http-proxy"))
    args = ["--allow-root"] if os.geteuid() == 0 else []  # without it, as root, the server exits at once
    return f"""import os

c.JupyterHub.bind_url = "http://127.0.0.1:{hub_port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{internal_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["CLASSROOM_PASSWORD"]
c.Authenticator.allowed_users = {set(STUDENTS)!r}
c.JupyterHub.spawner_class = "simple"  # testing only: every student's server runs as this OS user
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / "{username}")!r}
c.Spawner.cmd = [{str(venv / "bin" / "jupyterhub-singleuser")!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = {landing!r}
c.Spawner.start_timeout = {SPAWN_TIMEOUT}
c.Spawner.http_timeout = {SPAWN_TIMEOUT}
c.JupyterHub.services = [{{"name": "rehearsal", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "rehearsal", "scopes": ["read:users", "read:servers"],
                             "services": ["rehearsal"]}}]
c.JupyterHub.cleanup_servers = True
"""


@pytest.fixture
def hub(course, tmp_path_factory, capsys):
    """Start JupyterHub on free ports; yield a ``Hub``; stop it and check that nothing it started is left."""
    start = time.monotonic()
    base = tmp_path_factory.mktemp("hub")
    homes = base / "homes"
    homes.mkdir()
    hub_port, internal_port, proxy_port = unused_ports(3)
    url = f"http://127.0.0.1:{hub_port}"
    pull = "git-pull?" + urllib.parse.urlencode({"repo": course.path.as_uri(), "branch": BRANCH,
                                                 "urlpath": f"lab/tree/{COURSE}/{LESSON}"})
    token, proxy_token = secrets.token_hex(24), secrets.token_hex(24)
    hub = Hub(url=url, link=f"{url}/hub/user-redirect/{pull}", password=secrets.token_urlsafe(12), homes=homes,
              log=REPO / "test-artifacts" / "classroom_hub.log", token=token,
              proxy_api=f"http://127.0.0.1:{proxy_port}", proxy_token=proxy_token,
              ports={hub_port, internal_port, proxy_port})
    hub.log.parent.mkdir(exist_ok=True)
    (base / "jupyterhub_config.py").write_text(hub_config(hub_port, internal_port, proxy_port, homes, f"/{pull}",
                                                          token))
    env = {**os.environ, "CLASSROOM_PASSWORD": hub.password, "CONFIGPROXY_AUTH_TOKEN": proxy_token}
    with open(hub.log, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"], cwd=base,
                                   env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + HUB_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited with code {process.returncode} before answering\n{hub.log_tail()}")
            try:
                hub.get(f"{url}/hub/api/", token)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterHub did not answer on {url} within {HUB_TIMEOUT} s\n{hub.log_tail()}")
                time.sleep(0.25)
        timed(capsys, f"hub answering on {url}", start)
        yield hub
    finally:
        stop(process, hub, base, capsys)


def stop(process, hub, base, capsys):
    """SIGTERM to the hub (it stops the students' servers and its proxy), then no process and no port may be left."""
    start = time.monotonic()
    try:  # the students' servers' ports, from the proxy's routing table
        routes = hub.get(f"{hub.proxy_api}/api/routes", hub.proxy_token)
        hub.ports |= {urllib.parse.urlsplit(route["target"]).port for route in routes.values()}
    except OSError as exc:
        say(capsys, f"could not read the proxy's routes: {exc}")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=HUB_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
        pytest.fail(f"JupyterHub did not stop within {HUB_TIMEOUT} s of SIGTERM (killed)\n{hub.log_tail()}")
    deadline = time.monotonic() + 10
    while (left := processes_in(base)) and time.monotonic() < deadline:
        time.sleep(0.25)
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    still = sorted(hub.ports & listening_ports())
    timed(capsys, f"hub stopped; ports it used {sorted(hub.ports)}, still listening {still}", start)
    assert not left, "processes the hub started outlived it (now killed):\n" + \
        "\n".join(f"{pid} {cmd}" for pid, cmd in left) + f"\n{hub.log_tail()}"
    assert not still, f"after the hub stopped, expected nothing listening on {sorted(hub.ports)}; got {still}"


def log_in(page, hub, student, next_url=None):
    page.goto(f"{hub.url}/hub/login" + (f"?next={urllib.parse.quote(next_url)}" if next_url else ""))
    page.fill("input[name=username]", student)
    page.fill("input[name=password]", hub.password)
    page.click("input[type=submit], button[type=submit]")


def wait_for_lesson(page, student):
    """Wait until the linked lesson is the current document and its kernel idle (earlier tabs come back first)."""
    page.wait_for_url(f"**/user/{student}/lab/**", timeout=PAGE_TIMEOUT_MS)
    page.locator(CURRENT_TAB, has_text=LESSON).wait_for(timeout=PAGE_TIMEOUT_MS)
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    page.locator(KERNEL_IDLE).wait_for(timeout=PAGE_TIMEOUT_MS)
    tabs = page.locator(CURRENT_TAB).all_inner_texts()
    assert tabs == [LESSON], f"expected {LESSON} as the current document; got {tabs}"


def cell(page, index):
    return page.locator(f"{NOTEBOOK} .jp-Notebook .jp-Cell").nth(index)


def run_all(page, course):
    """Run All in lesson 1: every check says "not done yet", every code cell ran, nothing failed."""
    menu(page, "Run", "Run All Cells")
    last = page.locator(f"{NOTEBOOK} .jp-CodeCell").last
    page.wait_for_function("(cell) => /\\[\\d+\\]/.test(cell.querySelector('.jp-InputPrompt').textContent)",
                           arg=last.element_handle(), timeout=RUN_ALL_TIMEOUT_MS)
    page.locator(KERNEL_IDLE).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_text_contents()
    assert len(prompts) == course.code_cells and all(p.strip("[]: \xa0").isdigit() for p in prompts), \
        f"expected all {course.code_cells} code cells run; their prompts read {prompts}"
    errors = page.locator(f"{NOTEBOOK} {ERROR_OUTPUT}").all_text_contents()
    assert errors == [], f"expected no cell to fail or write to stderr; got {errors}"
    for index in course.check_cells:
        said = cell(page, index).locator(".jp-OutputArea").text_content()
        assert NOT_DONE in said, f"expected check cell {index} to say {NOT_DONE!r}; it says {said!r}"


def arrive(page, hub, course, student, artifacts, capsys, start):
    """After the login: land on lesson 1, from nbgitpuller's shallow clone, with no news prompt; Run All."""
    wait_for_lesson(page, student)
    assert hub.lesson(student).exists(), f"expected nbgitpuller's clone at {hub.lesson(student)}"
    shallow = subprocess.run(["git", "-C", str(hub.lesson(student).parent), "rev-parse", "--is-shallow-repository"],
                             capture_output=True, text=True, timeout=STEP_TIMEOUT).stdout.strip()
    assert shallow == "true", f"expected nbgitpuller's shallow clone in {student}'s home; --is-shallow says {shallow!r}"
    settings = page.request.get(f"{hub.url}/user/{student}/lab/api/settings/"
                                "@jupyterlab/apputils-extension:notification").json()
    defaults = {key: settings["schema"]["properties"][key]["default"] for key in ("fetchNews", "checkForUpdates")}
    assert defaults == {"fetchNews": "false", "checkForUpdates": False}, \
        f"expected overrides.json to turn the news and update check off; the student's server has {defaults}"
    timed(capsys, f"{student}: server started, course cloned, {LESSON} open and idle, since both logged in", start)
    start = time.monotonic()
    run_all(page, course)
    toasts = page.locator(TOAST).all_inner_texts()
    assert toasts == [], f"expected no notification (the news prompt is off); got {toasts}"
    cell(page, course.check_cells[0]).scroll_into_view_if_needed()
    save(page, artifacts, f"classroom_{student}_run_all.png", capsys)
    timed(capsys, f"{student}: Run All, each check saying {NOT_DONE!r}, no cell failing", start)


def answer_the_exercise(page, hub, course, student, artifacts, capsys):
    start = time.monotonic()
    solution = cell(page, course.solution_cell)
    solution.scroll_into_view_if_needed()
    solution.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(ANSWER)  # one insertion: no auto-indent, no closing brackets added
    page.keyboard.press("Shift+Enter")  # runs the answer, then the check cell below
    page.keyboard.press("Shift+Enter")
    check = cell(page, course.check_cells[0])
    check.locator(".jp-OutputArea-output", has_text=RIGHT).wait_for(timeout=STEP_TIMEOUT * 1000)
    page.locator(KERNEL_IDLE).wait_for()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + STEP_TIMEOUT
    while "Ada's answer" not in hub.lesson(student).read_text():
        assert time.monotonic() < deadline, f"expected Ctrl+S to save the answer to {hub.lesson(student)}"
        time.sleep(0.25)
    check.scroll_into_view_if_needed()
    save(page, artifacts, f"classroom_{student}_right.png", capsys)
    timed(capsys, f"{student}: exercise answered, {RIGHT!r}, saved", start)


def solution_source(path, course):
    return "".join(json.loads(path.read_text())["cells"][course.solution_cell]["source"])


def test_a_class_gets_the_course_from_an_nbgitpuller_link(hub, course, artifacts, capsys):
    ada, grace = STUDENTS
    with chromium_page(artifacts, capsys, viewport=VIEWPORT, failure="classroom_failure", hint=hub.log_tail) as page:
        page.set_default_timeout(STEP_TIMEOUT * 1000)
        other = page.context.browser.new_page(viewport=VIEWPORT)  # a context of its own: Grace's cookies
        other.set_default_timeout(STEP_TIMEOUT * 1000)
        try:
            # Both log in, and both servers start at once: Ada follows the link, so the hub asks her to log in
            # first; Grace logs in at the hub's page and lands on the same link, the servers' default URL.
            start = time.monotonic()
            log_in(page, hub, ada, hub.link)
            log_in(other, hub, grace)
            arrive(page, hub, course, ada, artifacts, capsys, start)
            arrive(other, hub, course, grace, artifacts, capsys, start)
            answer_the_exercise(page, hub, course, ada, artifacts, capsys)
            stub = solution_source(course.path / LESSON, course)
            graces = solution_source(hub.lesson(grace), course)
            assert graces == stub and "raise NotImplementedError()" in stub, \
                f"expected Grace's solution cell still to be the edition's stub {stub!r}; got {graces!r}"

            start = time.monotonic()
            response = other.goto(f"{hub.url}/user/{ada}/lab/tree/{COURSE}/{LESSON}")
            save(other, artifacts, "classroom_grace_at_adas_server.png", capsys)
            assert response.status == 403, f"expected 403 for Grace at Ada's server; got {response.status}"
            api = other.request.get(f"{hub.url}/user/{ada}/api/contents/{COURSE}/{LESSON}")
            assert api.status == 403, f"expected 403 for Grace reading Ada's notebook; got {api.status}"
            assert "Ada's answer" not in other.content()
            timed(capsys, f"{grace} at {ada}'s server: page {response.status}, contents API {api.status}", start)
        finally:
            other.close()

        start = time.monotonic()
        course_dir = hub.homes.parent / "nbgrader"
        subprocess.run([sys.executable, str(REPO / "tools" / "collect_submissions.py"), *STUDENTS,
                        "--homes", str(hub.homes / "{username}"), "--folder", COURSE, "--assignment", "ps1",
                        "--course-dir", str(course_dir)], check=True, timeout=STEP_TIMEOUT)
        for student, expected in ((ada, "Ada's answer"), (grace, "raise NotImplementedError()")):
            submitted = course_dir / "submitted" / student / "ps1" / LESSON
            assert submitted.read_bytes() == hub.lesson(student).read_bytes(), \
                f"expected {submitted} to be {student}'s saved {hub.lesson(student)}"
            assert expected in submitted.read_text(), f"expected {expected!r} in {student}'s submitted {LESSON}"
        timed(capsys, f"both students' notebooks collected into {course_dir / 'submitted'}", start)

        start = time.monotonic()
        lesson = nbformat.read(course.path / LESSON, as_version=4)
        lesson.cells[course.markdown_cell].source = INSTRUCTORS_NOTE + "\n" + lesson.cells[course.markdown_cell].source
        nbformat.write(lesson, course.path / LESSON)
        course.git("-c", "user.name=Instructor", "-c", "user.email=instructor@example.org",
                   "commit", "--quiet", "-am", "A note for the next class")
        page.goto(hub.link)
        wait_for_lesson(page, ada)
        note = cell(page, course.markdown_cell)
        note.scroll_into_view_if_needed()
        note.locator(".jp-RenderedMarkdown", has_text="Instructor's note").wait_for()
        mine = cell(page, course.solution_cell).locator(".cm-content").text_content()
        assert "Ada's answer" in mine, f"expected Ada's answer kept after the update; her cell reads {mine!r}"
        on_disk = hub.lesson(ada).read_text()
        assert "Instructor's note" in on_disk and "Ada's answer" in on_disk, \
            f"expected {hub.lesson(ada)} to hold both the instructor's note and Ada's answer"
        save(page, artifacts, "classroom_ada_after_update.png", capsys)
        timed(capsys, f"{ada}: link opened again, the instructor's note merged, her answer kept", start)
