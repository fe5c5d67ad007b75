#!/usr/bin/env python3
"""CPU benchmark: our compiled module (llm-run) against ONNX Runtime, same threads.

    /usr/bin/python3 scripts/bench/cpu_vs_ort.py [--models gpt2-small,bert-base]
        [--shapes 1x128,1x512] [--threads N] [--warmup 3] [--iterations 20] [--check]
        [--skip-ours | --skip-ort] [--no-compile]

For each model and shape (batch x sequence, given to every input of the model):
  (a) once per model: build/bin/llm-opt MODEL.onnx --target=cpu --emit=module
      -o build/bench-modules/NAME
  (b) build/bin/llm-run MODULE --inputs NAME=FILE.npy ... --bench --threads T
      --warmup W --iterations N, parsing its "bench: median M ms, ..." line
  (c) node scripts/bench/ort_run.js MODEL.onnx with the same inputs, threads and counts
  (d) with --check, both run once more on those inputs and their outputs
      (--dump-outputs DIR, output_K.npy) are compared: max abs error and max abs
      error relative to the largest |ORT output|.
Both sides get the same .npy inputs (under --work-dir): input ids uniform in
[0, 100), attention masks all ones, token types all zeros. (Each runner's own
random inputs would not do: llm-run draws every integer input from [0, 100),
out of range for BERT's 2 token types and not a 0/1 mask.)

Prints (stdout) a Markdown report for docs/benchmarks.md: the date, command
line, machine, ONNX Runtime version, the measured fp32 GEMM rate, then a table
of medians, ORT/ours (> 1: we are faster) and each side's fraction of the
physical floor = model FLOPs / (median time x GEMM rate). Model FLOPs are the
matmul FLOPs from the config: 2 x (matmul weights) per token (GPT-2 includes
the LM head) plus 4*b*h*s^2*d per layer for QK^T and PV. The GEMM rate is the
best of 5 numpy float32 2048x2048 matmuls in /usr/bin/python3 (Debian's BLAS,
named in the report) with T threads. Progress goes to stderr.

Models come from build/bench-models (scripts/bench/make_bench_models.py, run
automatically when a model file is missing); gpt2-tiny / bert-tiny are accepted
too. Exits with status 1 if any step failed (the table shows n/a there).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SYSTEM_PYTHON = "/usr/bin/python3"

# Architecture of each benchmark model (make_bench_models.py builds them so).
CONFIGS = {
    "gpt2-small": dict(kind="gpt2", layers=12, hidden=768, heads=12, ffn=3072, vocab=50257,
                       inputs=["input_ids"]),
    "bert-base": dict(kind="bert", layers=12, hidden=768, heads=12, ffn=3072, vocab=30522,
                      inputs=["input_ids", "attention_mask", "token_type_ids"]),
    "gpt2-tiny": dict(kind="gpt2", layers=2, hidden=64, heads=4, ffn=256, vocab=1000,
                      inputs=["input_ids"]),
    "bert-tiny": dict(kind="bert", layers=2, hidden=64, heads=4, ffn=256, vocab=1000,
                      inputs=["input_ids", "attention_mask", "token_type_ids"]),
}
ALIASES = {"gpt2": "gpt2-small", "bert": "bert-base"}

BENCH_RE = re.compile(r"bench: median ([0-9.eE+-]+) ms, min ([0-9.eE+-]+) ms, "
                      r"(\d+) iterations, (\d+) threads")


def log(msg):
    print(f"cpu_vs_ort: {msg}", file=sys.stderr, flush=True)


def model_flops(cfg, batch, seq):
    """Matmul FLOPs of one forward pass."""
    H, F, L = cfg["hidden"], cfg["ffn"], cfg["layers"]
    weights = L * (4 * H * H + 2 * H * F)
    if cfg["kind"] == "gpt2":
        weights += H * cfg["vocab"]  # tied LM head
    attention = L * 4 * batch * cfg["heads"] * seq * seq * (H // cfg["heads"])
    return 2 * batch * seq * weights + attention


def busy_cpu_seconds():
    """CPU seconds all processes spent busy so far (from /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    busy = sum(v[:8]) - v[3] - (v[4] if len(v) > 4 else 0)  # all but idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# The share of the machine other processes used during the last run() (0..1).
LAST_FOREIGN = [None]


def run(cmd, what, timeout=None, env=None, show=True):
    """Runs cmd; returns (ok, stdout, stderr)."""
    log(f"{what}: {shlex.join(cmd)}" if show else what)
    busy0, child0, wall0 = busy_cpu_seconds(), children_cpu_seconds(), time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except FileNotFoundError as e:
        return False, "", str(e)
    except subprocess.TimeoutExpired:
        return False, "", f"timed out after {timeout} s"
    busy1, child1, wall1 = busy_cpu_seconds(), children_cpu_seconds(), time.time()
    if busy0 is not None and busy1 is not None and wall1 > wall0:
        foreign = (busy1 - busy0 - (child1 - child0)) / ((wall1 - wall0) * (os.cpu_count() or 1))
        LAST_FOREIGN[0] = min(max(foreign, 0.0), 1.0)
    if p.returncode != 0:
        return False, p.stdout, p.stderr + f"\n(exit status {p.returncode})"
    return True, p.stdout, p.stderr


def parse_bench(stdout):
    m = BENCH_RE.search(stdout)
    if not m:
        return None
    return dict(median=float(m.group(1)), min=float(m.group(2)), iterations=int(m.group(3)),
                threads=int(m.group(4)))


GEMM_SCRIPT = r"""
import ctypes, json, os, sys, time
import numpy as np
n = 2048
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
a @ b
best = min((lambda t0: (a @ b, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(5))
# The BLAS numpy calls: libblas.so.3 (Debian's alternatives pick the implementation).
libs = sorted({l.split()[-1] for l in open('/proc/self/maps')
               if '/' in l and ('blas' in l.lower() or 'mkl' in l.lower() or 'blis' in l.lower())})
main = [p for p in libs if 'libblas.so' in p or 'libcblas.so' in p] or libs[:1]
desc = []
for path in main:
    text = os.path.realpath(path)
    try:
        cfg = ctypes.CDLL(path).openblas_get_config
        cfg.restype = ctypes.c_char_p
        text += ': ' + cfg().decode().strip()
    except Exception:
        pass
    desc.append(text)
print(json.dumps(dict(seconds=best, gflops=2 * n ** 3 / best / 1e9, blas=desc,
                      numpy=np.__version__)))
"""


def measure_gemm(threads):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        env[var] = str(threads)
    ok, out, err = run([SYSTEM_PYTHON, "-c", GEMM_SCRIPT],
                       f"fp32 GEMM rate (numpy 2048x2048 float32 matmul, {threads} threads)",
                       timeout=300, env=env, show=False)
    if not ok:
        log(f"GEMM measurement failed: {err.strip()}")
        return None
    return json.loads(out.strip().splitlines()[-1])


def cpu_busy(seconds=1.0):
    """Fraction of all CPUs busy over `seconds` (from /proc/stat), or None."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v[:8]), idle
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError):
        return None
    return 1.0 - (i1 - i0) / max(t1 - t0, 1)


def measure_ort_gemm(threads, work_dir, node, ort_js):
    """The same 2048^3 matmul through ONNX Runtime (MLAS): GFLOP/s from the best of 5, or None."""
    try:
        import onnx
        from onnx import TensorProto, helper
    except ImportError:
        return None
    n = 2048
    os.makedirs(work_dir, exist_ok=True)
    path = os.path.join(work_dir, "gemm2048.onnx")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["c"])], "gemm",
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [n, n]) for x in ("a", "b")],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    ok, out, _ = run([node, ort_js, path, "--threads", str(threads), "--warmup", "1",
                      "--iterations", "5"], f"fp32 GEMM rate through ONNX Runtime ({threads} threads)",
                     timeout=300, show=False)
    res = parse_bench(out) if ok else None
    return 2 * n ** 3 / (res["min"] / 1e3) / 1e9 if res else None


def machine_description():
    cpu = platform.processor() or "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = ""
    try:
        text = open("/proc/cpuinfo").read()
        f = re.search(r"^flags\s*:(.*)$", text, re.M)
        if f:
            have = set(f.group(1).split())
            flags = " ".join(x for x in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if x in have)
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        mem = f", {kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs{mem}; {flags}"


def ort_version():
    try:
        with open(os.path.join(REPO, "node_modules", "onnxruntime-node", "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, KeyError, ValueError):
        return "not installed (scripts/install-deps.sh --bench)"


def git_revision():
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def make_inputs(cfg, batch, seq, directory):
    """Writes the --check inputs; returns {name: path}."""
    import numpy as np
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(1234)
    files = {}
    for name in cfg["inputs"]:
        if "mask" in name:
            arr = np.ones((batch, seq), dtype=np.int64)
        elif "token_type" in name:
            arr = np.zeros((batch, seq), dtype=np.int64)
        else:
            arr = rng.integers(0, 100, (batch, seq), dtype=np.int64)
        files[name] = os.path.join(directory, f"{name}.npy")
        np.save(files[name], arr)
    return files


def find_output(directory, k):
    path = os.path.join(directory, f"output_{k}.npy")
    if os.path.exists(path):
        return path
    found = sorted(f for f in os.listdir(directory) if f.endswith(".npy"))
    return os.path.join(directory, found[k]) if k < len(found) else None


def compare_outputs(ours_dir, ort_dir):
    """Returns (max abs error, max abs error / max |ORT|) over every output, or an error string."""
    import numpy as np
    worst_abs, worst_rel, k = 0.0, 0.0, 0
    while os.path.exists(os.path.join(ort_dir, f"output_{k}.npy")):
        ref_path = os.path.join(ort_dir, f"output_{k}.npy")
        ours_path = find_output(ours_dir, k)
        if ours_path is None:
            return f"llm-run wrote no output {k} in {ours_dir}"
        ref, got = np.load(ref_path), np.load(ours_path)
        if ref.shape != got.shape:
            return f"output {k}: shape {got.shape}, ORT {ref.shape}"
        diff = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        if not np.all(np.isfinite(got)):
            return f"output {k}: non-finite values"
        scale = float(np.abs(ref).max()) or 1.0
        worst_abs = max(worst_abs, float(diff.max()))
        worst_rel = max(worst_rel, float(diff.max()) / scale)
        k += 1
    if k == 0:
        return f"ORT wrote no outputs in {ort_dir}"
    return worst_abs, worst_rel


def fmt_ms(x):
    return "n/a" if x is None else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")


def fmt_pct(x):
    if x is None:
        return "n/a"
    return f"{100 * x:.0f}%" if x >= 0.1 else f"{100 * x:.2g}%"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="gpt2-small,bert-base",
                    help="comma-separated: gpt2-small, bert-base, gpt2-tiny, bert-tiny")
    ap.add_argument("--shapes", default="1x128,1x512", help="comma-separated BATCHxSEQUENCE")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="default: all cores")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--check", action="store_true", help="compare outputs on the same inputs")
    ap.add_argument("--skip-ours", action="store_true", help="ONNX Runtime only")
    ap.add_argument("--skip-ort", action="store_true", help="llm-run only")
    ap.add_argument("--no-compile", action="store_true",
                    help="reuse the modules in --modules-dir instead of compiling")
    ap.add_argument("--models-dir", default=os.path.join(REPO, "build", "bench-models"))
    ap.add_argument("--modules-dir", default=os.path.join(REPO, "build", "bench-modules"))
    ap.add_argument("--work-dir", default=os.path.join(REPO, "build", "bench-work"),
                    help="inputs (.npy) and --check outputs")
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "build", "bin"))
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per command")
    args = ap.parse_args()

    models = []
    for name in args.models.split(","):
        name = ALIASES.get(name.strip(), name.strip())
        if name not in CONFIGS:
            ap.error(f"unknown model '{name}' (choose from {', '.join(CONFIGS)})")
        models.append(name)
    shapes = []
    for s in args.shapes.split(","):
        m = re.fullmatch(r"(\d+)x(\d+)", s.strip())
        if not m:
            ap.error(f"bad shape '{s}' (expected BATCHxSEQUENCE, e.g. 1x128)")
        shapes.append((int(m.group(1)), int(m.group(2))))
    if args.threads < 1:
        ap.error("--threads must be at least 1")

    python = SYSTEM_PYTHON if os.path.realpath(sys.executable) == os.path.realpath(SYSTEM_PYTHON) \
        else sys.executable
    command = shlex.join([python, os.path.relpath(os.path.abspath(sys.argv[0]), REPO)] + sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    busy_before = cpu_busy()
    llm_opt = os.path.join(args.bin_dir, "llm-opt")
    llm_run = os.path.join(args.bin_dir, "llm-run")
    ort_js = os.path.join(HERE, "ort_run.js")
    node = shutil.which("node") or "node"
    errors = []

    # The models.
    for name in models:
        path = os.path.join(args.models_dir, f"{name}.onnx")
        if not os.path.exists(path):
            cmd = [SYSTEM_PYTHON, os.path.join(HERE, "make_bench_models.py"), args.models_dir,
                   "--models", CONFIGS[name]["kind"]] + (["--tiny"] if name.endswith("-tiny") else [])
            ok, _, err = run(cmd, f"making {name}", timeout=args.timeout)
            if not ok:
                sys.exit(f"cpu_vs_ort: making {name} failed:\n{err}")

    if not args.skip_ours:
        missing = [b for b in ([] if args.no_compile else [llm_opt]) + [llm_run] if not os.path.exists(b)]
        if missing:
            errors.append(f"{', '.join(missing)} not built: our side is skipped "
                          "(scripts/build.sh llm-opt llm-run)")
            args.skip_ours = True
    if not args.skip_ort and not os.path.exists(
            os.path.join(REPO, "node_modules", "onnxruntime-node", "package.json")):
        errors.append("onnxruntime-node is not installed (scripts/install-deps.sh --bench): "
                      "ONNX Runtime is skipped")
        args.skip_ort = True

    gemm = measure_gemm(args.threads)
    ort_gemm = None if args.skip_ort else measure_ort_gemm(args.threads, args.work_dir, node, ort_js)
    gemm_rate = gemm["gflops"] * 1e9 if gemm else None

    rows = []
    compile_times = {}
    for name in models:
        cfg = CONFIGS[name]
        model_path = os.path.join(args.models_dir, f"{name}.onnx")
        module = os.path.join(args.modules_dir, name)
        have_module = not args.skip_ours
        if not args.skip_ours and not args.no_compile:
            os.makedirs(args.modules_dir, exist_ok=True)
            t0 = time.time()
            ok, _, err = run([llm_opt, model_path, "--target=cpu", "--emit=module", "-o", module],
                             f"compiling {name}", timeout=args.timeout)
            compile_times[name] = time.time() - t0
            if not ok:
                errors.append(f"llm-opt {name}: {err.strip()[-2000:]}")
                have_module = False
        elif not args.skip_ours and not os.path.isdir(module):
            errors.append(f"{module}: no module (drop --no-compile)")
            have_module = False

        for batch, seq in shapes:
            shape = f"{batch}x{seq}"
            work = os.path.join(args.work_dir, name, shape)
            files = make_inputs(cfg, batch, seq, os.path.join(work, "inputs"))
            ours_in = [a for n, f in files.items() for a in ("--inputs", f"{n}={f}")]
            ort_in = [a for n, f in files.items() for a in ("--inputs-npy", f"{n}={f}")]
            counts = ["--threads", str(args.threads), "--warmup", str(args.warmup),
                      "--iterations", str(args.iterations)]
            row = dict(model=name, shape=shape, flops=model_flops(cfg, batch, seq),
                       ours=None, ort=None, check=None)

            if have_module:
                ok, out, err = run([llm_run, module] + ours_in + ["--bench"] + counts,
                                   f"llm-run {name} {shape}", timeout=args.timeout)
                res = parse_bench(out) if ok else None
                if res is not None:
                    res["foreign"] = LAST_FOREIGN[0]
                if res is None:
                    errors.append(f"llm-run {name} {shape}: " +
                                  (err.strip()[-2000:] if not ok else f"no bench line in: {out.strip()[-500:]}"))
                row["ours"] = res
            if not args.skip_ort:
                ok, out, err = run([node, ort_js, model_path] + ort_in + counts,
                                   f"ORT {name} {shape}", timeout=args.timeout)
                res = parse_bench(out) if ok else None
                if res is not None:
                    res["foreign"] = LAST_FOREIGN[0]
                if res is None:
                    errors.append(f"ort_run {name} {shape}: " +
                                  (err.strip()[-2000:] if not ok else f"no bench line in: {out.strip()[-500:]}"))
                row["ort"] = res

            if args.check and have_module and not args.skip_ort:
                ours_dir, ort_dir = os.path.join(work, "ours"), os.path.join(work, "ort")
                for d in (ours_dir, ort_dir):
                    shutil.rmtree(d, ignore_errors=True)
                ok1, _, err1 = run([llm_run, module] + ours_in + ["--threads", str(args.threads),
                                   "--dump-outputs", ours_dir], f"check llm-run {name} {shape}",
                                   timeout=args.timeout)
                ok2, _, err2 = run([node, ort_js, model_path] + ort_in +
                                   ["--threads", str(args.threads), "--warmup", "0",
                                    "--iterations", "1", "--dump-outputs", ort_dir],
                                   f"check ORT {name} {shape}", timeout=args.timeout)
                if not ok1:
                    row["check"] = "llm-run failed"
                    errors.append(f"check llm-run {name} {shape}: {err1.strip()[-2000:]}")
                elif not ok2:
                    row["check"] = "ORT failed"
                    errors.append(f"check ORT {name} {shape}: {err2.strip()[-2000:]}")
                else:
                    row["check"] = compare_outputs(ours_dir, ort_dir)
                    if isinstance(row["check"], str):
                        errors.append(f"check {name} {shape}: {row['check']}")
            rows.append(row)

    # The report.
    load_after = os.getloadavg()
    print(f"## CPU: llm-opt vs ONNX Runtime ({started.strftime('%Y-%m-%d %H:%M UTC')})")
    print()
    print("```")
    print(f"$ {command}")
    print("```")
    print()
    print(f"- machine: {machine_description()}")
    print(f"- load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}"
          + (f"; CPU busy in the second before: {100 * busy_before:.0f}%" if busy_before is not None else ""))
    if busy_before is not None and busy_before > 0.1:
        print("- **warning: the machine was busy before the run; timings are not reliable**")
    print(f"- llm-opt: {git_revision()}; ONNX Runtime: onnxruntime-node {ort_version()} "
          f"(CPU EP, graph optimization 'all', intra-op threads {args.threads}, inter-op 1, sequential)")
    print(f"- {args.threads} threads, {args.warmup} warm-up runs, median of {args.iterations} runs; "
          "the same .npy inputs for both: ids uniform in [0, 100), attention mask ones, token types zeros")
    if gemm:
        print(f"- fp32 GEMM rate: {gemm['gflops']:.1f} GFLOP/s (numpy {gemm['numpy']} float32 "
              f"2048x2048 matmul, best of 5, {args.threads} threads; BLAS: "
              f"{'; '.join(gemm['blas']) or 'unknown'})")
    else:
        print("- fp32 GEMM rate: measurement failed")
    if ort_gemm:
        print(f"- for comparison, the same matmul through ONNX Runtime (MLAS): {ort_gemm:.1f} GFLOP/s")
    if compile_times:
        print("- compile time (llm-opt --target=cpu --emit=module): " +
              ", ".join(f"{n} {t:.1f} s" for n, t in compile_times.items()))
    print()
    header = ["model", "shape", "ours median ms", "ORT median ms", "ORT/ours", "GFLOP",
              "ours % of GEMM rate", "ORT % of GEMM rate"]
    if args.check:
        header += ["max abs err", "max rel err"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
    for r in rows:
        ours = r["ours"]["median"] if r["ours"] else None
        ort = r["ort"]["median"] if r["ort"] else None
        ratio = f"{ort / ours:.2f}" if ours and ort else "n/a"

        def mark(res):
            # Flag a timing taken while other processes used over 5% of the machine.
            f = res.get("foreign") if res else None
            return f" (busy {100 * f:.0f}%)" if f is not None and f > 0.05 else ""

        def frac(ms):
            return r["flops"] / (ms / 1e3 * gemm_rate) if ms and gemm_rate else None

        cells = [r["model"], r["shape"], fmt_ms(ours) + mark(r["ours"]), fmt_ms(ort) + mark(r["ort"]), ratio, f"{r['flops'] / 1e9:.3g}",
                 fmt_pct(frac(ours)), fmt_pct(frac(ort))]
        if args.check:
            c = r["check"]
            if isinstance(c, tuple):
                cells += [f"{c[0]:.2e}", f"{c[1]:.2e}"]
            else:
                cells += [c or "n/a", ""]
        print("| " + " | ".join(cells) + " |")
    print()
    print("ORT/ours > 1 means llm-opt is faster. % of GEMM rate: matmul FLOPs "
          "(2 x weights per token + 4*b*h*s^2*d per layer) / (median x the GEMM rate above); "
          "it can exceed 100% where a runtime's GEMM beats the BLAS numpy uses "
          "(e.g. AVX-512 kernels against an AVX2 BLAS kernel). (busy N%): other processes used N% "
          "of the machine's CPU time during that measurement, so it is not reliable.")
    if args.check:
        print("max rel err: max |ours - ORT| / max |ORT| over the outputs.")
    if errors:
        print()
        print("Failures:")
        print()
        for e in errors:
            first = e.strip().splitlines()
            print(f"- {first[0]}" + ("" if len(first) == 1 else f" ... ({len(first) - 1} more lines on stderr)"))
            if len(first) > 1:
                print(e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
