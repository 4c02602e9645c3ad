"""Re-execute the notebooks under every BLAS kernel and SIMD level this CPU can run.

    python tools/kernel_variants.py [--jobs 2] [--plan] [--skip-current] [--skip-versions]   (make test-kernels)

The saved outputs of the notebooks come from one machine. A learner's NumPy may
run other OpenBLAS kernels, or fewer SIMD instructions, and round differently.
This runs nbval (``python -m pytest -p no:cacheprovider NOTEBOOKS``, with the
project's pytest configuration) on the notebooks whose printed outputs can depend
on rounding, those that tools/rounding.py selects (they train, or print a
numerical gradient's error; the docstring there says why the others cannot
change), once per variant:

* native: OpenBLAS's own choice for this CPU (OPENBLAS_CORETYPE unset);
* Prescott, Sandybridge, Haswell, SkylakeX, Cooperlake, SapphireRapids: the
  OpenBLAS kernels forced with OPENBLAS_CORETYPE, each only if /proc/cpuinfo
  shows the instructions it needs (on a machine without /proc/cpuinfo or
  without x86 flags they are skipped, with the reason);
* one thread: native, with OPENBLAS_NUM_THREADS=1;
* NumPy baseline SIMD: native, with every dispatched SIMD target that is
  enabled on this CPU listed in NPY_DISABLE_CPU_FEATURES.

Every variant starts from the caller's environment with the variables it
controls removed (OPENBLAS_CORETYPE, the thread counts, NPY_*_CPU_FEATURES), so
an OPENBLAS_CORETYPE already set on the machine does not leak into "native".
OPENBLAS_L2_SIZE is kept: it corrects the cache size that CPUID misreports in
VMs and is not a kernel choice.

With --skip-current, the variant whose configuration (kernel, thread count,
SIMD targets) is the caller's own is skipped, as "already run by make test":
CI calls this right after `make test`, in the same environment, and make test's
nbval has just run every notebook in that configuration.

With --skip-versions, the variants that make test-versions runs the oldest and
the newest versions under (``for_version_ends``: one thread and Haswell, on a CPU
with AVX2) are skipped: CI runs make test-versions too, whose pytest runs every
notebook under them, after a probe with that environment's own NumPy has checked
that the variant took effect.

Before a variant is trusted, a probe process with the same environment asks the
OpenBLAS library that NumPy loaded (ctypes, ``*openblas_get_corename*`` and
``*get_num_threads*``) which kernel and how many threads it uses, and reads
NumPy's ``__cpu_features__``. A forced kernel that OpenBLAS replaces by one
already run (Cooperlake becomes SkylakeX in builds without its kernels) is
skipped as "same kernel as ..."; one it replaces by another is run under the
name OpenBLAS reports. A variant whose setting did not take effect (thread
count, SIMD targets) counts as a failure.

Two variants run at a time by default (--jobs): a variant's numbers depend on
its kernel and thread count, which the probe checks, not on the load.
Logs and JUnit XML go to test-artifacts/kernels/. The exit status is non-zero
if any variant failed.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for the tests, which load this file by its path
import rounding  # noqa: E402  (tools/rounding.py: which notebooks can depend on rounding)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "kernels"
PYTEST = ["-m", "pytest", "-p", "no:cacheprovider"]  # then the notebooks
TIMEOUT = 900  # seconds for one variant's nbval run
MAX_DIFF_LINES = 4  # differing lines shown per side and failed cell; the log has them all

# Set or removed by the variants; everything else in the environment is passed on.
CONTROLLED = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS",
              "NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES")

# The OpenBLAS x86 kernels and the /proc/cpuinfo flags each needs (SSE3 is
# "pni" there). OpenBLAS itself checks AVX-512 through CPUID and XGETBV; Linux
# only lists the avx512 flags when the OS saves the registers, so the two agree.
AVX512 = ("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl")
CORE_TYPES = (
    ("Prescott", ("pni",)),
    ("Sandybridge", ("avx",)),
    ("Haswell", ("avx2", "fma")),
    ("SkylakeX", AVX512),
    ("Cooperlake", AVX512 + ("avx512_bf16",)),
    ("SapphireRapids", AVX512 + ("avx512_bf16", "amx_tile", "amx_bf16", "avx512_fp16")),
)
FLAG_NAMES = {"pni": "sse3"}
# What openblas_get_corename() returns for a kernel table that it reports under
# another name: in DYNAMIC_ARCH builds gotoblas_KATMAI is the Prescott table
# (#define in driver/others/dynamic.c, and the 64-bit sanity check maps Katmai
# to Prescott), and gotoblas_corename() tests Katmai first.
KERNEL_ALIASES = {"Katmai": "Prescott"}
X86_MACHINES = {"x86_64", "amd64", "i386", "i686", "x86"}


@dataclass
class Variant:
    name: str
    set_env: dict = field(default_factory=dict)
    coretype: str = None           # the OpenBLAS kernel it asks for, if any
    threads: int = None            # the thread count it asks for, if any
    disabled_simd: tuple = ()      # the NumPy SIMD targets it turns off

    def env(self, base):
        """The variant's environment: ``base`` without CONTROLLED, plus ``set_env``."""
        env = {k: v for k, v in base.items() if k not in CONTROLLED}
        env.update(self.set_env)
        return env

    def describe(self):
        if not self.set_env:
            return "OPENBLAS_CORETYPE unset"
        return " ".join(f"{k}={v}" for k, v in self.set_env.items())


def cpu_flags(cpuinfo_text):
    """The x86 flags of the first CPU in /proc/cpuinfo text, or None if it has no x86 "flags" line."""
    if cpuinfo_text is None:
        return None
    for line in cpuinfo_text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "flags":
            return set(value.split())
    return None


def read_cpuinfo(path="/proc/cpuinfo"):
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return None


def plan(cpuinfo_text, machine, blas="scipy-openblas", simd_enabled=(), simd_baseline=()):
    """Decide the variants for a machine: ``(chosen, skipped)``.

    cpuinfo_text : the text of /proc/cpuinfo, or None where there is none (macOS, Windows).
    machine : platform.machine().
    blas : the name of NumPy's BLAS (``np.show_config``); core types and threads need OpenBLAS.
    simd_enabled : NumPy's dispatched SIMD targets that are enabled on this CPU.
    simd_baseline : NumPy's baseline targets (for the description only).

    chosen is a list of Variant; skipped a list of ``(name, reason)``.
    """
    chosen, skipped = [Variant("native")], []
    openblas = "openblas" in (blas or "").lower()
    flags = cpu_flags(cpuinfo_text)
    for core, needs in CORE_TYPES:
        if not openblas:
            reason = f"NumPy's BLAS is {blas or 'unknown'}, not OpenBLAS"
        elif machine.lower() not in X86_MACHINES:
            reason = f"an x86 kernel; this CPU is {machine or 'not x86'}"
        elif cpuinfo_text is None:
            reason = "no /proc/cpuinfo to read the CPU's x86 flags from"
        elif flags is None:
            reason = "/proc/cpuinfo has no x86 flags line"
        else:
            missing = [FLAG_NAMES.get(f, f) for f in needs if f not in flags]
            reason = f"CPU lacks {', '.join(missing)}" if missing else None
        if reason:
            skipped.append((core, reason))
        else:
            chosen.append(Variant(core, {"OPENBLAS_CORETYPE": core}, coretype=core))
    if openblas:
        chosen.append(Variant("one thread", {"OPENBLAS_NUM_THREADS": "1"}, threads=1))
    else:
        skipped.append(("one thread", f"NumPy's BLAS is {blas or 'unknown'}, not OpenBLAS"))
    if simd_enabled:
        chosen.append(Variant("NumPy baseline SIMD",
                              {"NPY_DISABLE_CPU_FEATURES": " ".join(simd_enabled)},
                              disabled_simd=tuple(simd_enabled)))
    else:
        base = " ".join(simd_baseline) or "baseline"
        skipped.append(("NumPy baseline SIMD",
                        f"no dispatched SIMD target is enabled on this CPU: native already runs {base}"))
    return chosen, skipped


def plan_here(native, cpuinfo_text=None):
    """plan() for this machine: ``native`` is the probe of NumPy's own configuration here, cpuinfo_text
    /proc/cpuinfo's text (read if None)."""
    blas = native.get("blas") or ("openblas" if native.get("kernel") else None)
    return plan(read_cpuinfo() if cpuinfo_text is None else cpuinfo_text, platform.machine(), blas,
                native.get("simd_enabled", ()), native.get("simd_baseline", ()))


# The variants make test-versions runs its ends under, in this order of preference: those that run
# the tests about as fast as OpenBLAS's own choice (one thread, Haswell), then the older kernels,
# which ran the whole suite much slower on two threads.
FOR_VERSIONS = ("one thread", "Haswell", "Sandybridge", "Prescott")


def for_version_ends(variants, ends):
    """``{end: Variant}``: one variant of ``variants`` for each of ``ends``, in FOR_VERSIONS' order.
    make test-versions runs each end of the versions under its variant, so that CI's make test-kernels
    (--skip-versions) need not run it again: each variant still runs every notebook that can depend
    on rounding once."""
    by_name = {v.name: v for v in variants}
    return dict(zip(ends, [by_name[name] for name in FOR_VERSIONS if name in by_name]))


# Runs in a child process with a variant's environment: what NumPy and the
# OpenBLAS it loaded really use. Prints one JSON object.
PROBE = r"""
import ctypes, glob, json, os, sys
import numpy as np
from numpy._core import _multiarray_umath as mu
out = {"numpy": np.__version__, "python": sys.executable}
try:
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    out["blas"] = blas.get("name")
    out["blas_version"] = blas.get("version")
except Exception as e:
    out["blas"] = None
features = mu.__cpu_features__
out["simd_baseline"] = list(mu.__cpu_baseline__)
out["simd_dispatch"] = list(mu.__cpu_dispatch__)
out["simd_enabled"] = [f for f in mu.__cpu_dispatch__ if features.get(f)]
np.ones((4, 4)) @ np.ones((4, 4))     # make sure the BLAS is loaded
paths = []
try:                                  # the library this process really loaded (Linux)
    with open("/proc/self/maps") as maps:
        paths = sorted({l.split()[-1] for l in maps if "openblas" in l.lower() and "/" in l})
except OSError:
    pass
if not paths:
    here = os.path.dirname(np.__file__)
    for pattern in ("../numpy.libs/*openblas*", ".dylibs/*openblas*", "../scipy_openblas*/lib/*openblas*"):
        paths += sorted(glob.glob(os.path.join(here, pattern)))
out["library"] = paths[0] if paths else None
if paths:
    lib = ctypes.CDLL(paths[0])
    for prefix in ("scipy_openblas", "openblas"):
        for suffix in ("64_", "_64", ""):
            try:
                corename = getattr(lib, f"{prefix}_get_corename{suffix}")
            except AttributeError:
                continue
            corename.restype = ctypes.c_char_p
            out["kernel"] = corename().decode()
            out["symbol"] = f"{prefix}_get_corename{suffix}"
            try:
                threads = getattr(lib, f"{prefix}_get_num_threads{suffix}")
                threads.restype = ctypes.c_int
                out["threads"] = threads()
            except AttributeError:
                pass
            break
        if "kernel" in out:
            break
print(json.dumps(out))
"""


def probe(env, python=sys.executable):
    """Run PROBE under ``env``: a dict, or ``{"error": ...}``."""
    try:
        proc = subprocess.run([python, "-c", PROBE], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {"error": "probe timed out"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"probe exited {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def kernel_name(reported):
    """The kernel OpenBLAS reports, under the name of the table it really is."""
    return KERNEL_ALIASES.get(reported, reported)


def kernel_label(reported):
    real = kernel_name(reported)
    if reported is None:
        return "n/a"
    return real if real == reported else f"{real} (reported as {reported})"


def configuration(info):
    """What decides a run's rounding, from a probe: ``(kernel, threads, enabled SIMD targets)``."""
    return kernel_name(info.get("kernel")), info.get("threads"), tuple(sorted(info.get("simd_enabled", ())))


def verify(variants, probes, already_run=None):
    """Check each variant's probe: ``(to_run, skipped, broken)``.

    already_run : ``{configuration: who ran it}`` for configurations run before this (``--skip-current``).
    to_run : list of ``(variant, probe)``, each configuration once.
    skipped : list of ``(name, reason)`` for variants that give a configuration already run.
    broken : list of ``(name, reason)`` for variants whose setting did not take effect.
    """
    to_run, skipped, broken, seen = [], [], [], dict(already_run or {})
    for variant, info in zip(variants, probes):
        if "error" in info:
            broken.append((variant.name, info["error"]))
            continue
        kernel = kernel_name(info.get("kernel"))
        threads = info.get("threads")
        if variant.coretype and kernel is None:
            broken.append((variant.name, f"cannot ask OpenBLAS which kernel it uses "
                                         f"(no *get_corename* in {info.get('library') or 'any library found'})"))
            continue
        enabled = set(info.get("simd_enabled", ()))
        still_on = sorted(set(variant.disabled_simd) & enabled)
        if still_on:
            broken.append((variant.name, f"NumPy still uses {' '.join(still_on)} with "
                                         f"NPY_DISABLE_CPU_FEATURES={' '.join(variant.disabled_simd)}"))
            continue
        if variant.threads is not None and threads != variant.threads:
            broken.append((variant.name, f"OpenBLAS reports {threads} threads, not {variant.threads}"))
            continue
        note = None
        if variant.coretype and kernel != variant.coretype:
            note = (f"OpenBLAS runs {kernel_label(info.get('kernel'))} for "
                    f"OPENBLAS_CORETYPE={variant.coretype} (this build has no separate {variant.coretype} kernel)")
        key = configuration(info)
        if key in seen:
            same = f"same kernel as {seen[key]}"
            if kernel:
                same += f" ({kernel}, {threads} threads)"
            skipped.append((variant.name, f"{note}: {same}" if note else same))
            continue
        seen[key] = variant.name
        if note:
            info = dict(info, note=note)
            variant = Variant(f"{kernel} (asked {variant.coretype})", variant.set_env,
                              coretype=kernel, threads=variant.threads,
                              disabled_simd=variant.disabled_simd)
        to_run.append((variant, info))
    return to_run, skipped, broken


ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")


def failures_from_junit(xml_text):
    """Each failed test of a JUnit XML report: ``(test, summary, saved, got)``.

    For nbval's "Cell outputs differ", saved and got are the lines that differ
    (pytest's diff of ``reference_output == test_output``: "+" is the left,
    saved side, "-" the right, fresh one); otherwise they are empty and summary
    is the last line of the error.
    """
    found = []
    root = ET.fromstring(xml_text)
    for case in root.iter("testcase"):
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is None:
            continue
        text = ANSI.sub("", bad.text or bad.get("message", ""))
        classname = case.get("classname", "")
        if classname.endswith(".ipynb"):   # nbval: "notebooks.04_two_layer_net.ipynb"
            classname = classname[:-len(".ipynb")].replace(".", "/") + ".ipynb"
        test = f"{classname}::{case.get('name')}"
        lines = text.splitlines()
        summary = next((re.sub(r"^Cell \d+: ", "", line.strip()) for line in lines
                        if re.match(r"\s*Cell \d+: ", line)), None)
        saved, got = [], []
        diff = [i for i, line in enumerate(lines) if "reference_output == test_output" in line]
        if diff:
            for line in lines[diff[0]:]:
                stripped = line.strip()
                if stripped.startswith("+ "):
                    saved.append(stripped[2:])
                elif stripped.startswith("- "):
                    got.append(stripped[2:])
        last = next((line.strip() for line in reversed(lines) if line.strip()), "failed")
        if summary is None:
            summary = last
        elif "exception" in summary:     # nbval: "Cell execution caused an exception"
            summary += f": {last}"
        found.append((test, summary, saved, got))
    return found


def counts_from_junit(xml_text):
    root = ET.fromstring(xml_text)
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    get = lambda k: int(suite.get(k, 0))  # noqa: E731
    return {"tests": get("tests"), "failures": get("failures") + get("errors"), "skipped": get("skipped")}


def slug(name):
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()


def run_variant(variant, base_env, python=sys.executable, extra=(), notebooks=("notebooks",)):
    """nbval on ``notebooks`` (paths relative to the project) under the variant: a dict with the result."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log, junit = ARTIFACTS / f"{slug(variant.name)}.log", ARTIFACTS / f"{slug(variant.name)}.xml"
    junit.unlink(missing_ok=True)
    cmd = [python, *PYTEST, *notebooks, "-vv", f"--junitxml={junit}", *extra]
    start = time.monotonic()
    with open(log, "w") as out:
        out.write(f"# {variant.describe()}\n# {' '.join(cmd)}\n")
        out.flush()
        try:
            rc = subprocess.run(cmd, env=variant.env(base_env), cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, timeout=TIMEOUT).returncode
        except subprocess.TimeoutExpired:
            rc = None
    result = {"rc": rc, "seconds": time.monotonic() - start, "log": log, "failed_tests": []}
    if junit.exists():
        xml_text = junit.read_text()
        result.update(counts_from_junit(xml_text), failed_tests=failures_from_junit(xml_text))
    return result


def result_text(r):
    if r["rc"] is None:
        return f"FAILED: timed out after {TIMEOUT} s"
    if "tests" not in r:
        return f"FAILED: pytest exited {r['rc']}, no report"
    passed = r["tests"] - r["failures"] - r["skipped"]
    if r["rc"] == 0:
        return f"passed ({passed} passed)"
    return f"FAILED ({r['failures']} failed, {passed} passed)"


def table(rows, header):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="variants run at the same time (default: 2, or 1 on one core)")
    ap.add_argument("--plan", action="store_true", help="decide and verify the variants, run nothing")
    ap.add_argument("--skip-current", action="store_true",
                    help="skip the variant that is this environment's own configuration (make test just ran it)")
    ap.add_argument("--skip-versions", action="store_true",
                    help="skip the kernels that make test-versions runs its two ends under (CI runs both)")
    ap.add_argument("pytest_args", nargs="*", help="passed on to pytest after --")
    args = ap.parse_args(argv)
    start = time.monotonic()
    base_env = dict(os.environ)

    native = probe(Variant("native").env(base_env))
    if "error" in native:
        print(f"test-kernels: cannot import numpy in {sys.executable}: {native['error']}", file=sys.stderr)
        return 2
    machine = platform.machine()
    cpuinfo = read_cpuinfo()
    model = next((line.split(":", 1)[1].strip() for line in (cpuinfo or "").splitlines()
                  if line.startswith("model name")), machine)
    variants, skipped = plan_here(native, cpuinfo)
    if args.skip_versions:
        import versions  # tools/versions.py, which imports this module: so not at the top
        moved = for_version_ends(variants, versions.ENDS)
        variants = [v for v in variants if v not in moved.values()]
        skipped += [(v.name, f"run by make test-versions: the {end} versions' pytest runs under it")
                    for end, v in moved.items()]
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        probes = list(pool.map(lambda v: probe(v.env(base_env)), variants))
    already_run = {}
    if args.skip_current:
        current = probe(base_env)
        if "error" not in current:
            already_run[configuration(current)] = "make test's nbval, in this environment"
    to_run, duplicates, broken = verify(variants, probes, already_run)
    selected = rounding.notebooks(rounding.rounding_sensitive)
    others = [path.name for path in sorted((ROOT / "notebooks").glob("*.ipynb")) if path not in selected]
    order = ["native", *(core for core, _ in CORE_TYPES), "one thread", "NumPy baseline SIMD"]
    skipped = sorted(skipped + duplicates, key=lambda s: order.index(s[0]) if s[0] in order else len(order))

    print("test-kernels: nbval under each kernel and SIMD level this CPU can run, on the notebooks that can "
          "depend on rounding (tools/rounding.py)")
    print(f"notebooks: {', '.join(path.name for path in selected) or 'none'}"
          + (f"; not re-run (they neither train nor print rounding noise): {', '.join(others)}" if others else ""))
    print(f"CPU: {model} ({machine}, {os.cpu_count()} cores); numpy {native['numpy']}, BLAS "
          f"{native.get('blas')} {native.get('blas_version') or ''}".rstrip())
    print(f"OpenBLAS library: {native.get('library') or 'none found'}"
          + (f" (asked through {native['symbol']})" if native.get("symbol") else ""))
    removed = [f"{k}={base_env[k]}" for k in CONTROLLED if k in base_env]
    kept = [f"{k}={v}" for k, v in sorted(base_env.items()) if k.startswith("OPENBLAS_") and k not in CONTROLLED]
    if removed:
        print(f"removed from every variant's environment: {' '.join(removed)}")
    if kept:
        print(f"kept (not a kernel choice): {' '.join(kept)}")

    results = {}
    if not selected:
        print("no notebook can depend on rounding: no variant to run")
        return 0
    if not args.plan and to_run:
        print(f"running {len(to_run)} variants, {min(args.jobs, len(to_run))} at a time; "
              f"logs in {ARTIFACTS.relative_to(ROOT)}/", flush=True)
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            paths = [str(path.relative_to(ROOT)) for path in selected]
            futures = {v.name: pool.submit(run_variant, v, base_env, sys.executable, args.pytest_args, paths)
                       for v, _ in to_run}
            for name, fut in futures.items():
                results[name] = fut.result()
                print(f"  {name}: {result_text(results[name])}", flush=True)

    def simd(info, variant):
        if variant.disabled_simd:
            return "baseline " + " ".join(info.get("simd_baseline", ()))
        enabled = info.get("simd_enabled", ())
        return f"up to {enabled[-1]}" if enabled else "baseline " + " ".join(info.get("simd_baseline", ()))

    rows = []
    for variant, info in to_run:
        r = results.get(variant.name)
        rows.append([variant.name, variant.describe(), kernel_label(info.get("kernel")),
                     info.get("threads", "?"), simd(info, variant),
                     result_text(r) if r else "(not run: --plan)",
                     f"{r['seconds']:.1f} s" if r else ""])
    print("\nenvironment: what each variant sets; OPENBLAS_CORETYPE, the thread counts and "
          "NPY_*_CPU_FEATURES are unset unless listed")
    print(table(rows, ["variant", "environment", "OpenBLAS kernel", "threads", "NumPy SIMD", "result", "time"]))
    if skipped:
        print("\nskipped:")
        width = max(len(n) for n, _ in skipped)
        for name, reason in skipped:
            print(f"  {name.ljust(width)}  {reason}")
    if broken:
        print("\nNOT VERIFIED (the setting did not take effect, counted as failed):")
        for name, reason in broken:
            print(f"  {name}: {reason}")
    failed = [(name, r) for name, r in results.items() if r["rc"] != 0]
    if failed:
        print("\nfailures:")
        for name, r in failed:
            print(f"  {name}  (log: {r['log'].relative_to(ROOT)})")
            for test, summary, saved, got in r["failed_tests"]:
                print(f"    {test}: {summary}")
                for label, lines in (("saved:   ", saved), ("this run:", got)):
                    for line in lines[:MAX_DIFF_LINES]:
                        print(f"      {label} {line}")
                    if len(lines) > MAX_DIFF_LINES:
                        print(f"      {label} ... {len(lines) - MAX_DIFF_LINES} more lines in the log")
    if args.plan:
        print(f"\n--plan: {len(to_run)} variants would run, {len(skipped)} skipped, {len(broken)} not verified")
        return 1 if broken else 0
    print(f"\n{len(results) - len(failed)} of {len(to_run)} variants passed, {len(failed)} failed, "
          f"{len(skipped)} skipped, {len(broken)} not verified; {time.monotonic() - start:.0f} s in all")
    return 1 if failed or broken else 0


if __name__ == "__main__":
    sys.exit(main())
