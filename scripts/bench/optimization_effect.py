#!/usr/bin/env python3
"""What llm-optimize does to a model: ops, kernels, intermediate bytes, CPU time.

    /usr/bin/python3 scripts/bench/optimization_effect.py [--models gpt2-small,bert-base]
        [--shape 1x128] [--threads N] [--iterations 10]

For each model it compiles two CPU modules, one with `--no-optimize` (memory
planning only) and one through the default `llm-optimize` pipeline, and
prints a Markdown row with:
  ops        top-level ops of the function before / after llm-optimize
             (llm.constant excluded)
  kernels    ops that run code (not constants, views, dims or index math),
             i.e. kernel calls in the generated module, before / after
  arena      bytes of intermediates (the planned arena at the shape), before / after
  CPU ms     llm-run --bench medians before / after
  ORT ms     ONNX Runtime with its own fusions (graph optimization 'all')
Inputs are the same .npy files for every run (ids in [0, 100), masks ones,
token types zeros). Models come from build/bench-models (make_bench_models.py)
or test/models/NAME/model.onnx.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(REPO, "build", "bin")
VIEWS = {"llm.constant", "llm.dim", "llm.reshape", "llm.squeeze", "llm.unsqueeze",
         "llm.storage_cast", "llm.dynamic_reshape", "func.return"}


def model_path(name):
    for path in (os.path.join(REPO, "build", "bench-models", name + ".onnx"),
                 os.path.join(REPO, "test", "models", name, "model.onnx")):
        if os.path.exists(path):
            return path
    sys.exit(f"no model {name}: run scripts/bench/make_bench_models.py first")


def op_counts(ir):
    ops = re.findall(r"^    (?:%\S+ = )?([a-z_]+\.[a-z_]+)", ir, re.M)
    total = sum(1 for op in ops if op != "llm.constant" and op != "func.return")
    kernels = sum(1 for op in ops if op not in VIEWS and not op.startswith("arith."))
    return total, kernels


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return result.stdout + result.stderr


def inputs_for(model, shape, work):
    import onnx
    m = onnx.load(model, load_external_data=False)
    initializers = {i.name for i in m.graph.initializer}
    batch, seq = shape
    args = []
    for inp in m.graph.input:
        if inp.name in initializers:
            continue
        if "mask" in inp.name:
            value = np.ones((batch, seq), np.int64)
        elif "type" in inp.name:
            value = np.zeros((batch, seq), np.int64)
        else:
            value = np.random.default_rng(0).integers(0, 100, (batch, seq)).astype(np.int64)
        path = os.path.join(work, inp.name + ".npy")
        np.save(path, value)
        args.append((inp.name, path))
    return args


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="gpt2-small,bert-base")
    parser.add_argument("--shape", default="1x128")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    shape = tuple(int(x) for x in args.shape.split("x"))
    work = os.path.join(REPO, "build", "optimization-effect")
    os.makedirs(work, exist_ok=True)

    print(f"## llm-optimize on the CPU ({datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC)\n")
    print("```\n$ /usr/bin/python3 scripts/bench/optimization_effect.py " + " ".join(sys.argv[1:]) + "\n```\n")
    print(f"shape {args.shape}, {args.threads} threads, median of {args.iterations} runs\n")
    print("| model | ops before → after | kernels before → after | intermediates (arena) before → after "
          "| CPU ms before → after | ONNX Runtime ms |")
    print("|---|---|---|---|---|---|")
    for name in args.models.split(","):
        model = model_path(name)
        before_ir = run([os.path.join(BIN, "llm-opt"), model])
        after_ir = run([os.path.join(BIN, "llm-opt"), model, "--llm-optimize"])
        (ops0, k0), (ops1, k1) = op_counts(before_ir), op_counts(after_ir)
        feeds = inputs_for(model, shape, work)
        input_args = [a for n, p in feeds for a in ("--inputs", f"{n}={p}")]
        results = []
        for label, extra in (("before", ["--no-optimize"]), ("after", [])):
            module = os.path.join(work, f"{name}.{label}")
            run([os.path.join(BIN, "llm-opt"), model, "--target=cpu", "--emit=module", "-o", module]
                + extra)
            out = run([os.path.join(BIN, "llm-run"), module, *input_args, "--bench", "--warmup", "2",
                       "--iterations", str(args.iterations), "--threads", str(args.threads)])
            ms = float(re.search(r"bench: median ([0-9.]+) ms", out).group(1))
            arena = int(re.search(r"arena: ([0-9]+) bytes", out).group(1))
            results.append((ms, arena))
        ort = run(["node", os.path.join(REPO, "scripts", "bench", "ort_run.js"), model,
                   *[a for n, p in feeds for a in ("--inputs-npy", f"{n}={p}")],
                   "--threads", str(args.threads), "--warmup", "2", "--iterations",
                   str(args.iterations)])
        ort_ms = float(re.search(r"bench: median ([0-9.]+) ms", ort).group(1))
        mib = lambda b: f"{b / 2**20:.1f} MiB"
        print(f"| {name} | {ops0} → {ops1} | {k0} → {k1} | {mib(results[0][1])} → {mib(results[1][1])} "
              f"| {results[0][0]:.1f} → {results[1][0]:.1f} | {ort_ms:.1f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
