"""Try both ends of the versions pyproject.toml allows: make test's pytest with the oldest and the newest.

    python tools/versions.py install oldest|newest --uv UV      (make test-versions, first)
    python tools/versions.py test oldest newest [--kernels] -- PYTEST_ARGS   (make test-versions, then)

pyproject.toml promises Python >= 3.10 and a lower bound for every dependency (NumPy >= 2.0,
Matplotlib >= 3.8, ipywidgets >= 8.0, JupyterLab >= 4.0, ...), and environment.yml repeats them for
conda users; constraints.txt pins one set inside them for `make lab` and `make test`. This installs
both ends as a new user would get them from PyPI, without constraints.txt, each in an environment of
its own with the project installed editable with its test extra:

* oldest, .venv-versions/oldest: the oldest Python on this machine that requires-python allows, and
  uv's ``--resolution lowest-direct``: the lowest version of each dependency pyproject.toml names that
  resolves (the packages those need at their newest);
* newest, .venv-versions/newest: the newest Python on this machine, and the newest release of everything.

uv cannot download a Python here, so the Pythons are those uv finds and those of pyenv
(``$PYENV_ROOT/versions``, by default ~/.pyenv/versions). If the oldest allowed minor version is not
among them, the oldest found is used and the output says so.

``test`` runs pytest with the arguments given (make test's) in each environment, and prints what each
got and how it went. make test-versions leaves out two sets of notebook runs (the Makefile says why):
how each notebook runs and prints under these versions is what nbval checks here, once per notebook.

With ``--kernels`` (make test-versions) each end runs under one of the variants that
tools/kernel_variants.py runs on this CPU (``for_version_ends``: OpenBLAS on one thread for the oldest
versions, its Haswell kernel for the newest, on an x86 CPU with AVX2): each run then also checks that
variant, and CI's make test-kernels (``--skip-versions``) does not run it again. A probe with the end's
own NumPy checks that the variant took effect (the kernel, the thread count), as make test-kernels
does; where it did not, the end fails. Where no variant applies (not OpenBLAS), the ends run as they are.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".venv-versions"
ENDS = ("oldest", "newest")
# The versions each end prints: the promised bounds, then what decides the notebooks' printed outputs.
SHOWN = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "anywidget", "pillow", "ipykernel",
         "nbclient", "nbval", "pytest")
ASK_VERSION = ("import sys, sysconfig; print(sys.implementation.name, *sys.version_info[:3], "
               "int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))")


def requires_python():
    """pyproject.toml's requires-python, as a SpecifierSet."""
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return SpecifierSet(tomllib.load(fh)["project"]["requires-python"])


def interpreter_version(path):
    """The version of the CPython at ``path`` (GIL builds only), or None if it is not one or does not run."""
    try:
        done = subprocess.run([path, "-c", ASK_VERSION], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = done.stdout.split()
    if done.returncode != 0 or len(words) != 5 or words[0] != "cpython" or words[4] != "0":
        return None
    return Version(".".join(words[1:4]))


def candidates(uv):
    """Paths of the Pythons uv finds on this machine, then those of pyenv."""
    paths = []
    listed = subprocess.run([uv, "python", "list", "--only-installed", "--output-format", "json"],
                            capture_output=True, text=True)
    if listed.returncode == 0:
        paths += [entry["path"] for entry in json.loads(listed.stdout or "[]") if entry.get("path")]
    pyenv = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    paths += sorted(glob.glob(os.path.join(pyenv, "versions", "*", "bin", "python3")))
    return paths


def pythons(uv):
    """{version: path} of every CPython found, one path for each version."""
    found = {}
    for path in candidates(uv):
        version = interpreter_version(path)
        if version is not None and version not in found:
            found[version] = os.path.realpath(path)
    return found


def choose(found, allowed, end):
    """``(version, path, note)``: the Python for ``end`` among ``found``; note says what is missing, or ''."""
    usable = sorted(v for v in found if allowed.contains(v))
    if not usable:
        raise SystemExit(f"test-versions: no Python that requires-python {allowed} allows on this machine "
                         f"(found {', '.join(map(str, sorted(found))) or 'none'})")
    version = usable[0] if end == "oldest" else usable[-1]
    lowest = min((Version(s.version) for s in allowed if s.operator in (">=", "~=", "==")), default=None)
    note = ""
    if end == "oldest" and lowest is not None and version.release[:2] != lowest.release[:2]:
        note = (f"Python {lowest.major}.{lowest.minor}, the oldest requires-python {allowed} allows, is not on this "
                f"machine (uv cannot download one here): the oldest tried is {version}")
    return version, found[version], note


def installed_versions(python):
    """{name: version} of SHOWN in the environment of ``python``."""
    code = ("import json, importlib.metadata as m\n"
            f"print(json.dumps({{n: m.version(n) for n in {list(SHOWN)!r}}}))")
    return json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout)


def describe(end, python):
    """One line: the end, its Python and the versions it got."""
    versions = installed_versions(python)
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    return f"{end}: Python {version}, " + ", ".join(f"{name} {versions[name]}" for name in SHOWN)


def install(end, uv):
    """Make .venv-versions/END afresh and install the project there with END's resolution."""
    version, path, note = choose(pythons(uv), requires_python(), end)
    if note:
        print(f"test-versions: NOTE: {note}")
    venv = VENVS / end
    subprocess.run([uv, "venv", "--quiet", "--clear", "--python", path, str(venv)], check=True)
    resolution = ["--resolution", "lowest-direct"] if end == "oldest" else []
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                    *resolution, "-e", f"{ROOT}[test]"], check=True, cwd=ROOT)
    (venv / "note.txt").write_text(note)
    print(f"test-versions: installed {describe(end, venv / 'bin' / 'python')}")


def kernel_envs(ends):
    """``{end: (environment, what it runs under)}`` for --kernels: each end's OpenBLAS variant
    (kernel_variants.for_version_ends), checked by a probe with the end's own NumPy.  An end whose
    variant did not take effect gets ``(None, why)``; with no variant, the environment as it is."""
    import kernel_variants as kv  # tools/kernel_variants.py

    native = kv.probe(dict(os.environ))
    variants, _ = kv.plan_here(native) if "error" not in native else ([], [])
    assigned = kv.for_version_ends(variants, ends)
    out = {}
    for end in ends:
        variant = assigned.get(end)
        if variant is None:
            out[end] = (dict(os.environ), "no OpenBLAS variant on this machine: as it is")
            continue
        env = variant.env(dict(os.environ))
        info = kv.probe(env, python=str(VENVS / end / "bin" / "python"))
        _, _, broken = kv.verify([variant], [info])
        if not broken and variant.coretype and kv.kernel_name(info.get("kernel")) != variant.coretype:
            broken = [(variant.name, f"OpenBLAS runs {kv.kernel_label(info.get('kernel'))} instead")]
        if broken:  # make test-kernels --skip-versions counts on this variant having run: so the end fails
            out[end] = (None, f"{variant.describe()} did not take effect: {broken[0][1]}")
        else:
            out[end] = (env, f"{variant.describe()}: OpenBLAS {info.get('blas_version') or ''} reports "
                             f"{kv.kernel_label(info.get('kernel'))}, {info.get('threads')} "
                             f"thread{'' if info.get('threads') == 1 else 's'}")
    return out


def test(ends, pytest_args, kernels=False):
    """make test's pytest in each end's environment (under its kernel, with ``kernels``); returns 0 if all passed."""
    rows, status = [], 0
    envs = kernel_envs(ends) if kernels else {end: (dict(os.environ), None) for end in ends}
    for end in ends:
        python = VENVS / end / "bin" / "python"
        env, under = envs[end]
        print(f"---------------- test-versions: {describe(end, python)}", flush=True)
        note = (VENVS / end / "note.txt").read_text()
        if note:
            print(f"test-versions: NOTE: {note}")
        if under:
            print(f"test-versions: {end} under {under}", flush=True)
        if env is None:
            rows.append((end, f"FAILED: not run, {under}", "0 s"))
            status = 1
            continue
        start = time.monotonic()
        done = subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", *pytest_args], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(done.stdout, end="", flush=True)
        summary = re.findall(r"^=+ (.*) in [\d.]+s.*=+$", done.stdout, re.M)
        rows.append((end, (summary[-1] if summary else f"pytest exited {done.returncode}")
                     + (f"; under {under}" if under else ""), f"{time.monotonic() - start:.0f} s"))
        status = status or done.returncode
    print("\ntest-versions:")
    for end, result, seconds in rows:
        print(f"  {describe(end, VENVS / end / 'bin' / 'python')}\n    {result} ({seconds})")
    return status


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="test: pytest's arguments (make test's) go after --")
    parser.add_argument("action", choices=("install", "test"))
    parser.add_argument("ends", nargs="+", choices=ENDS)
    parser.add_argument("--uv", help="the uv to install with (install)")
    parser.add_argument("--kernels", action="store_true",
                        help="test: each end under one of the OpenBLAS kernels make test-kernels forces")
    args = parser.parse_args(argv)
    if args.action == "install":
        if not args.uv:
            parser.error("install needs --uv")
        for end in args.ends:
            install(end, args.uv)
        return 0
    return test(args.ends, pytest_args, kernels=args.kernels)


if __name__ == "__main__":
    sys.exit(main())
