"""tools/kernel_variants.py (make test-kernels): which variants a CPU gets, and why the others are skipped.

Fake /proc/cpuinfo texts and fake probe results only: nothing here starts OpenBLAS or nbval.
"""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("kernel_variants", ROOT / "tools" / "kernel_variants.py")
kv = importlib.util.module_from_spec(spec)
sys.modules["kernel_variants"] = kv  # dataclasses look the module up
spec.loader.exec_module(kv)

SSE = "fpu sse sse2 pni ssse3 sse4_1 sse4_2"
AVX2 = SSE + " avx fma avx2"
AVX512 = AVX2 + " avx512f avx512cd avx512bw avx512dq avx512vl"
CORES = ["Prescott", "Sandybridge", "Haswell", "SkylakeX", "Cooperlake", "SapphireRapids"]
SIMD = ("X86_V3", "X86_V4")


def cpuinfo(flags):
    return "".join(f"processor\t: {i}\nvendor_id\t: GenuineIntel\nflags\t\t: {flags}\n\n" for i in range(2))


def names(variants):
    return [v.name for v in variants]


def test_avx2_cpu_runs_up_to_haswell_and_says_what_avx512_lacks():
    chosen, skipped = kv.plan(cpuinfo(AVX2), "x86_64", simd_enabled=SIMD)
    assert names(chosen) == ["native", "Prescott", "Sandybridge", "Haswell", "one thread", "NumPy baseline SIMD"]
    reasons = dict(skipped)
    assert list(reasons) == ["SkylakeX", "Cooperlake", "SapphireRapids"]
    assert reasons["SkylakeX"] == "CPU lacks avx512f, avx512cd, avx512bw, avx512dq, avx512vl"
    assert "avx512_bf16" in reasons["Cooperlake"]


def test_each_variant_sets_exactly_its_own_variables():
    chosen, _ = kv.plan(cpuinfo(AVX512 + " avx512_bf16"), "x86_64", simd_enabled=SIMD)
    by_name = {v.name: v for v in chosen}
    assert "Cooperlake" in by_name and "SapphireRapids" not in by_name
    machine = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512", "OMP_NUM_THREADS": "1", "PATH": "/bin"}
    native = by_name["native"].env(machine)
    assert "OPENBLAS_CORETYPE" not in native and "OMP_NUM_THREADS" not in native
    assert native["OPENBLAS_L2_SIZE"] == "512" and native["PATH"] == "/bin"
    one = by_name["one thread"].env(machine)
    assert one["OPENBLAS_NUM_THREADS"] == "1" and "OPENBLAS_CORETYPE" not in one
    assert by_name["Prescott"].env(machine)["OPENBLAS_CORETYPE"] == "Prescott"
    simd = by_name["NumPy baseline SIMD"].env(machine)
    assert simd["NPY_DISABLE_CPU_FEATURES"] == "X86_V3 X86_V4" and "OPENBLAS_CORETYPE" not in simd


def test_sse3_is_pni_in_cpuinfo():
    chosen, skipped = kv.plan(cpuinfo("fpu sse sse2"), "x86_64")
    assert dict(skipped)["Prescott"] == "CPU lacks sse3"
    assert names(chosen) == ["native", "one thread"]
    assert "NumPy baseline SIMD" in dict(skipped)


def test_no_proc_cpuinfo_skips_the_x86_core_types_with_a_reason():
    chosen, skipped = kv.plan(None, "x86_64", simd_enabled=SIMD)      # an Intel Mac
    assert names(chosen) == ["native", "one thread", "NumPy baseline SIMD"]
    reasons = dict(skipped)
    assert list(reasons) == CORES
    assert all("/proc/cpuinfo" in reasons[c] for c in CORES)


def test_arm_skips_the_x86_core_types():
    arm = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes crc32 asimddp sve\n"
    _, skipped = kv.plan(arm, "aarch64", simd_enabled=("ASIMDDP",))
    assert all(dict(skipped)[c] == "an x86 kernel; this CPU is aarch64" for c in CORES)
    _, skipped = kv.plan(None, "arm64", blas="accelerate")               # macOS arm64 wheels
    reasons = dict(skipped)
    assert reasons["Haswell"] == reasons["one thread"] == "NumPy's BLAS is accelerate, not OpenBLAS"


def probe(kernel, threads=2, simd=SIMD):
    return {"kernel": kernel, "threads": threads, "simd_enabled": list(simd)}


def test_a_replaced_kernel_runs_once_and_the_duplicate_says_why():
    chosen, _ = kv.plan(cpuinfo(AVX512 + " avx512_bf16"), "x86_64", simd_enabled=SIMD)
    reported = {"native": probe("SkylakeX"), "Prescott": probe("Katmai"), "Sandybridge": probe("Sandybridge"),
                "Haswell": probe("Haswell"), "SkylakeX": probe("SkylakeX"), "Cooperlake": probe("SkylakeX"),
                "one thread": probe("SkylakeX", threads=1), "NumPy baseline SIMD": probe("SkylakeX", simd=())}
    to_run, skipped, broken = kv.verify(chosen, [reported[v.name] for v in chosen])
    assert [v.name for v, _ in to_run] == ["native", "Prescott", "Sandybridge", "Haswell", "one thread",
                                           "NumPy baseline SIMD"]
    reasons = dict(skipped)
    assert reasons["SkylakeX"].startswith("same kernel as native")
    assert reasons["Cooperlake"].startswith("OpenBLAS runs SkylakeX for OPENBLAS_CORETYPE=Cooperlake")
    assert reasons["Cooperlake"].endswith("same kernel as native (SkylakeX, 2 threads)")
    assert broken == []
    assert kv.kernel_label("Katmai") == "Prescott (reported as Katmai)"


def test_a_setting_that_did_not_take_effect_is_not_trusted():
    chosen, _ = kv.plan(cpuinfo(AVX2), "x86_64", simd_enabled=SIMD)
    by_name = {v.name: v for v in chosen}
    variants = [by_name["native"], by_name["one thread"], by_name["NumPy baseline SIMD"], by_name["Haswell"]]
    to_run, skipped, broken = kv.verify(variants, [probe("Haswell"), probe("Haswell", threads=2),
                                                   probe("Haswell", simd=("X86_V4",)), probe("Sandybridge")])
    assert [v.name for v, _ in to_run] == ["native", "Sandybridge (asked Haswell)"]
    assert dict(broken) == {"one thread": "OpenBLAS reports 2 threads, not 1",
                            "NumPy baseline SIMD": "NumPy still uses X86_V4 with "
                                                   "NPY_DISABLE_CPU_FEATURES=X86_V3 X86_V4"}


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0"
failures="1" skipped="0" tests="22"><testcase classname="notebooks.04_two_layer_net.ipynb" name="Cell 17"/>
<testcase classname="notebooks.04_two_layer_net.ipynb" name="Cell 18"><failure message="x">#x1B[91mNotebook cell
execution failed#x1B[0m
#x1B[94mCell 18: Cell outputs differ

#x1B[94m mismatch 'stdout'#x1B[91m

 assert reference_output == test_output failed:

  'labels at th...re possible\\n' == 'labels at th...re possible\\n'

    labels at the origin: [0 1 2]   predicted there: [1 1 1]
  - correct: 294 of 300; at most 298 are possible
  ?            ^
  + correct: 295 of 300; at most 298 are possible
  ?            ^
#x1B[0m</failure></testcase></testsuite></testsuites>"""


def test_the_failing_line_is_read_from_the_junit_report():
    assert kv.counts_from_junit(JUNIT) == {"tests": 22, "failures": 1, "skipped": 0}
    [(test, summary, saved, got)] = kv.failures_from_junit(JUNIT)
    assert test == "notebooks/04_two_layer_net.ipynb::Cell 18"
    assert summary == "Cell outputs differ"
    assert saved == ["correct: 295 of 300; at most 298 are possible"]
    assert got == ["correct: 294 of 300; at most 298 are possible"]


def test_a_kernel_that_cannot_be_asked_for_is_not_trusted():
    chosen, _ = kv.plan(cpuinfo(AVX2), "x86_64")
    to_run, skipped, broken = kv.verify(chosen[:2], [probe(None), probe(None)])
    assert [v.name for v, _ in to_run] == ["native"] and skipped == []
    assert broken[0][0] == "Prescott" and "cannot ask OpenBLAS" in broken[0][1]


def test_an_exception_in_a_cell_is_named():
    junit = ('<testsuite tests="1" failures="1"><testcase classname="notebooks.05_x.ipynb" name="Cell 5">'
             '<failure>Cell 5: Cell execution caused an exception\n\nTraceback:\n----> 3 runs[reg]\n\n'
             'KeyError: 1e-05\n</failure></testcase></testsuite>')
    [(test, summary, saved, got)] = kv.failures_from_junit(junit)
    assert test == "notebooks/05_x.ipynb::Cell 5"
    assert summary == "Cell execution caused an exception: KeyError: 1e-05"
    assert saved == got == []


def test_the_configuration_make_test_already_ran_is_skipped():
    """--skip-current: the caller's own configuration (here Haswell, 2 threads, every SIMD target) is where
    make test's nbval has just run, so native and the forced Haswell are not run again; the others are."""
    chosen, _ = kv.plan(cpuinfo(AVX2), "x86_64", simd_enabled=SIMD)
    reported = {"native": probe("Haswell"), "Prescott": probe("Katmai"), "Sandybridge": probe("Sandybridge"),
                "Haswell": probe("Haswell"), "one thread": probe("Haswell", threads=1),
                "NumPy baseline SIMD": probe("Haswell", simd=())}
    probes = [reported[v.name] for v in chosen]
    current = {kv.configuration(probe("Haswell")): "make test"}
    to_run, skipped, broken = kv.verify(chosen, probes, current)
    assert [v.name for v, _ in to_run] == ["Prescott", "Sandybridge", "one thread", "NumPy baseline SIMD"]
    assert dict(skipped) == {"native": "same kernel as make test (Haswell, 2 threads)",
                             "Haswell": "same kernel as make test (Haswell, 2 threads)"}
    assert broken == []
    # without it, native runs
    assert [v.name for v, _ in kv.verify(chosen, probes)[0]][0] == "native"


def test_the_version_ends_take_the_fast_variants_first_one_each():
    """make test-versions runs its ends under one thread and Haswell where they exist, then the older kernels;
    --skip-versions leaves exactly those out."""
    chosen, _ = kv.plan(cpuinfo(AVX2), "x86_64", simd_enabled=SIMD)
    ends = kv.for_version_ends(chosen, ("oldest", "newest"))
    assert {end: v.name for end, v in ends.items()} == {"oldest": "one thread", "newest": "Haswell"}
    assert ends["newest"].set_env == {"OPENBLAS_CORETYPE": "Haswell"}
    assert ends["oldest"].set_env == {"OPENBLAS_NUM_THREADS": "1"}
    # without AVX2 the older kernels come next
    avx, _ = kv.plan(cpuinfo(SSE + " avx"), "x86_64")
    assert [v.name for v in kv.for_version_ends(avx, ("oldest", "newest")).values()] == ["one thread", "Sandybridge"]
    # no OpenBLAS: nothing moves
    none, _ = kv.plan(None, "arm64", blas="accelerate")
    assert kv.for_version_ends(none, ("oldest", "newest")) == {}
