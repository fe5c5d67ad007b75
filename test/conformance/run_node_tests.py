#!/usr/bin/python3
"""Imports every ONNX backend node test with llm-opt and classifies the result.

Each test folder holds a model.onnx (one ai.onnx op). The importer runs on it
with a timeout, and the outcome is:

  imported  exit code 0
  rejected  exit code 1 with an `error:` diagnostic
  crashed   anything else: a signal, a timeout, another exit code, or exit
            code 1 without a diagnostic

A test is in the supported set when every op it uses is in the importer's
table (`llm-opt --list-onnx-ops`) for the model's opset, and every graph
input and output is a tensor of an element type we support. The run fails
(exit 1) when any test crashed, when a supported test was rejected without an
entry in EXPECTED_REJECTIONS below, or when a test listed there imports now
(so the list cannot go stale).

With --run, every imported test of the supported set (also those imported
with bound inputs) is then compiled for the CPU (`llm-opt --target=cpu
--emit=module`, with the same --bind-input flags, or more: see NEEDS_VALUES)
and run with `llm-run --data test_data_set_0` at ONNX's backend-test
tolerances (rtol 1e-3, atol 1e-7); tests outside the supported set are not
run. Each run is one of:

  passed         every output matches
  failed         an output is outside the tolerance (the worst one is named)
  compile-error  llm-opt imports the model but cannot compile it (exit 1)
  run-error      llm-run reports an error (exit 1 or 2)
  crashed        a signal or a timeout in either, or another exit code

The run fails when a supported test does not pass and has no entry in
EXPECTED_FAILURES, or when a test listed there passes.

Run with Debian's python3 (it has onnx):
  /usr/bin/python3 test/conformance/run_node_tests.py \
      --llm-opt build/bin/llm-opt --tests /work/shared/onnx-node-tests
  /usr/bin/python3 test/conformance/run_node_tests.py --run \
      --llm-opt build/bin/llm-opt --llm-run build/bin/llm-run \
      --tests /work/shared/onnx-node-tests
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

# ONNX TensorProto data types the importer supports on graph inputs and
# outputs: float, uint8, int8, uint16, int16, int32, int64, bool, float16,
# double, uint32, uint64, bfloat16, uint4, int4. Not: string (8), complex
# (14, 15), the float8 family (17-20, 24), float4e2m1 (23), uint2/int2 (25, 26).
SUPPORTED_DTYPES = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16, 21, 22}

# Supported-op tests that are rejected on purpose: test name -> (reason, a
# substring the first error line must contain). A listed test that imports,
# or that fails with another error, fails the run. Empty today: every test of
# a supported op and dtype imports.
EXPECTED_REJECTIONS = {}

# The node tests feed every operand as a graph input, also the axes, split
# sizes, slice bounds and target shapes that real exports compute from shapes
# or store as constants, and that fix ranks and shapes in the llm dialect. A
# model rejected for such an operand is imported again with its integer
# inputs bound to the test's values (`llm-opt --bind-input`), as a user who
# knows them would; those tests count as imported ("bound").
NEEDS_CONSTANT = ("must be a constant", "must be constants", "not computable at compile time")
INTEGER_DTYPES = {2, 3, 4, 5, 6, 7, 12, 13}
# The CPU code computes every shape from the input dims before it runs, so
# llm-opt --emit=module rejects a shape that depends on input values (a
# Reshape to a shape input, a Range of scalar inputs). Such a model is
# compiled again with the values bound, as above: its integer inputs and its
# scalar inputs (Range's float bounds).
NEEDS_VALUES = ("computed from tensor data",)

# ONNX's backend tests compare with numpy.testing.assert_allclose at these.
RTOL, ATOL = 1e-3, 1e-7

# Supported tests that compile and run but may not pass, on purpose (--run):
# test name -> (reason, a substring the first error line must contain). A
# listed test that passes, or that fails in another way, fails the run.
EXPECTED_FAILURES = {}

RUN_OUTCOMES = ("passed", "failed", "compile-error", "run-error", "crashed")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--llm-opt", default="llm-opt", help="the llm-opt binary")
    parser.add_argument("--tests", required=True, help="folder of test_* folders")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per model")
    parser.add_argument("--jobs", type=int, default=None,
                        help="tests at a time (default: 2 with --run, else every core)")
    parser.add_argument("--filter", default="", help="only tests whose name matches this regex")
    parser.add_argument("--verbose", action="store_true", help="list every test")
    parser.add_argument("--run", action="store_true",
                        help="also compile every imported supported test and run it with llm-run")
    parser.add_argument("--llm-run", default="llm-run", help="the llm-run binary (--run)")
    parser.add_argument("--workdir", default="",
                        help="where modules are built (--run; default: node-tests-run/ in the "
                             "build folder of llm-opt); each is removed after its run")
    parser.add_argument("--run-timeout", type=float, default=120.0,
                        help="seconds per compile and per run (--run)")
    parser.add_argument("--keep", action="store_true", help="keep the compiled modules (--run)")
    parser.add_argument("--bind-all", action="store_true",
                        help="compile with every input bound to its test value (--run): the "
                             "graph is constants, which the compile-time folds evaluate")
    args = parser.parse_args()
    if args.jobs is None:
        args.jobs = 2 if args.run else (os.cpu_count() or 1)
    return args


def load_op_table(llm_opt):
    """(domain, op) -> smallest supported opset, from `llm-opt --list-onnx-ops`."""
    out = subprocess.run([llm_opt, "--list-onnx-ops"], check=True, capture_output=True,
                         text=True).stdout
    table = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[2].isdigit():
            continue
        domain = "" if cells[0] == "ai.onnx" else cells[0]
        key = (domain, cells[1])
        table[key] = min(table.get(key, 1 << 30), int(cells[2]))
    if not table:
        sys.exit("error: `%s --list-onnx-ops` printed no table" % llm_opt)
    return table


def describe_model(path, table):
    """Returns (ops, why_unsupported or None) for a model."""
    import onnx  # Debian's python3 has it; imported late so --help works without.

    model = onnx.load(path, load_external_data=False)
    opsets = {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import}
    ops = []
    why = None
    for node in model.graph.node:
        domain = "" if node.domain == "ai.onnx" else node.domain
        name = node.op_type if not domain else "%s.%s" % (domain, node.op_type)
        if name not in ops:
            ops.append(name)
        since = table.get((domain, node.op_type))
        if since is None:
            why = why or "op %s is not in the importer's table" % name
        elif opsets.get(domain, 0) < since:
            why = why or "op %s is supported from opset %d, the model has %d" % (
                name, since, opsets.get(domain, 0))
    for value in list(model.graph.input) + list(model.graph.output):
        kind = value.type.WhichOneof("value")
        if kind != "tensor_type":
            why = why or "graph value '%s' is a %s" % (value.name, kind)
        elif value.type.tensor_type.elem_type not in SUPPORTED_DTYPES:
            why = why or "graph value '%s' has element type %d" % (
                value.name, value.type.tensor_type.elem_type)
    return ops, why


def integer_input_bindings(folder, scalars=False, everything=False):
    """--bind-input flags binding the model's integer graph inputs (and with
    `scalars`, its rank-0 inputs of any type; with `everything`, all of
    them) to the values of test_data_set_0."""
    import onnx

    model = onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    flags = []
    for k, value in enumerate(inputs):
        pb = os.path.join(folder, "test_data_set_0", "input_%d.pb" % k)
        if value.type.WhichOneof("value") != "tensor_type" or not os.path.isfile(pb):
            continue
        tensor = value.type.tensor_type
        scalar = tensor.HasField("shape") and len(tensor.shape.dim) == 0
        if everything or tensor.elem_type in INTEGER_DTYPES or (scalars and scalar):
            flags.append("--bind-input=%s=%s" % (value.name, pb))
    return flags


def run_llm_opt(llm_opt, folder, timeout, extra=()):
    """Returns (outcome, first error line or a description of the crash)."""
    try:
        proc = subprocess.run([llm_opt, os.path.join(folder, "model.onnx"), *extra],
                              capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return "crashed", "timed out after %gs" % timeout
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    if proc.returncode == 0:
        return "imported", ""
    if proc.returncode == 1 and errors:
        return "rejected", errors[0]
    if proc.returncode < 0:
        what = "killed by signal %d" % -proc.returncode
    else:
        what = "exit code %d" % proc.returncode
    detail = (errors or proc.stderr.strip().splitlines() or ["no output"])[0]
    return "crashed", "%s: %s" % (what, detail)


def run_one(llm_opt, folder, timeout):
    """Imports a test's model; a model rejected for an operand it needs at
    compile time is retried with its integer inputs bound. Returns (outcome,
    detail, the --bind-input flags it imported with, or None)."""
    outcome, detail = run_llm_opt(llm_opt, folder, timeout)
    if outcome == "rejected" and any(s in detail for s in NEEDS_CONSTANT):
        flags = integer_input_bindings(folder)
        if flags:
            retry, retry_detail = run_llm_opt(llm_opt, folder, timeout, flags)
            return retry, retry_detail, flags
    return outcome, detail, None


def describe_exit(proc, lines):
    if proc.returncode < 0:
        what = "killed by signal %d" % -proc.returncode
    else:
        what = "exit code %d" % proc.returncode
    return "%s: %s" % (what, (lines or ["no output"])[0])


def worst_mismatch(stdout):
    """The llm-run line of the output furthest outside its tolerance: a dtype
    or shape mismatch first, else the largest max_abs."""
    worst, worst_key = None, None
    for line in stdout.splitlines():
        if "MISMATCH" not in line:
            continue
        m = re.search(r"max_abs (\S+)", line)
        key = float(m.group(1)) if m else float("inf")
        if worst is None or key > worst_key:
            worst, worst_key = line.strip(), key
    return worst


def compile_module(llm_opt, folder, module, flags, timeout):
    """Returns (outcome, detail): None when the module compiled."""
    try:
        proc = subprocess.run([llm_opt, os.path.join(folder, "model.onnx"), "--target=cpu",
                               "--emit=module", "-o", module, *(flags or ())],
                              capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return "crashed", "compiling timed out after %gs" % timeout
    lines = proc.stderr.splitlines()
    errors = [line for line in lines if "error:" in line]
    if proc.returncode == 1 and errors:
        detail = errors[0]
        if detail.endswith(":"):  # a failed host compiler: add its first error
            more = [line for line in lines[lines.index(detail) + 1:] if "error" in line]
            detail += " " + (more[0].strip() if more else "")
        return "compile-error", detail
    if proc.returncode != 0:
        return "crashed", "compiling: " + describe_exit(
            proc, errors or proc.stderr.strip().splitlines())
    return None, ""


def compile_and_run(llm_opt, llm_run, folder, name, workdir, flags, timeout, keep,
                    bind_all=False):
    """Compiles a test's model for the CPU and runs it on test_data_set_0.
    Returns (outcome, first error line or the worst mismatch, whether more
    inputs were bound to compile it than to import it)."""
    module = os.path.join(workdir, name)
    shutil.rmtree(module, ignore_errors=True)
    if bind_all:
        flags = integer_input_bindings(folder, everything=True)
    try:
        rebound = False
        outcome, detail = compile_module(llm_opt, folder, module, flags, timeout)
        if outcome == "compile-error" and any(s in detail for s in NEEDS_VALUES):
            more = integer_input_bindings(folder, scalars=True)
            if more and set(more) != set(flags or ()):
                rebound = True
                outcome, detail = compile_module(llm_opt, folder, module, more, timeout)
        if outcome:
            return outcome, detail, rebound
        try:
            proc = subprocess.run([llm_run, module, "--data",
                                   os.path.join(folder, "test_data_set_0"),
                                   "--rtol", "%g" % RTOL, "--atol", "%g" % ATOL],
                                  capture_output=True, text=True, errors="replace",
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return "crashed", "running timed out after %gs" % timeout, rebound
        errors = [line for line in proc.stderr.splitlines() if "error:" in line]
        mismatch = worst_mismatch(proc.stdout)
        if proc.returncode == 0:
            return "passed", "", rebound
        if proc.returncode == 1 and mismatch and not errors:
            return "failed", mismatch, rebound
        if proc.returncode in (1, 2) and errors:
            return "run-error", errors[0], rebound
        return "crashed", "running: " + describe_exit(
            proc, errors or proc.stderr.strip().splitlines()), rebound
    finally:
        if not keep:
            shutil.rmtree(module, ignore_errors=True)


def report_runs(runs, args):
    """Prints the --run summary; returns the failure lines."""
    counts = collections.Counter(outcome for _, outcome, _, _ in runs)
    print("\nruns: %d supported tests compiled and run with llm-run (rtol %g, atol %g)"
          % (len(runs), RTOL, ATOL))
    for outcome in RUN_OUTCOMES:
        print("  %-13s %4d" % (outcome, counts[outcome]))
    print("  compiled with their shape-determining inputs bound to their test values: %d"
          % sum(1 for run in runs if run[3]))
    failures, expected, listed = [], [], set()
    for name, outcome, detail, rebound in runs:
        if args.verbose:
            print("%-13s %s %s%s" % (outcome, name, "(bound) " if rebound else "", detail))
        entry = EXPECTED_FAILURES.get(name)
        if entry:
            listed.add(name)
        if outcome == "passed":
            if entry:
                failures.append("PASSED %s, which EXPECTED_FAILURES lists: remove its entry"
                                % name)
        elif entry and entry[1] in detail:
            expected.append((name, entry[0]))
        elif entry:
            failures.append("%s %s in another way than the expected '%s': %s"
                            % (outcome.upper(), name, entry[1], detail))
        else:
            failures.append("%s %s: %s" % (outcome.upper(), name, detail))
    print("  of the not passed, expected failures: %d" % len(expected))
    if expected:
        print("\nexpected failures (EXPECTED_FAILURES):")
        by_reason = collections.defaultdict(list)
        for name, reason in expected:
            by_reason[reason].append(name)
        for reason, tests in by_reason.items():
            print("  %s:\n    %s" % (reason, "\n    ".join(tests)))
    unused = sorted(set(EXPECTED_FAILURES) - listed)
    if unused and not args.filter:
        print("\nnote: EXPECTED_FAILURES names tests that were not run: %s" % ", ".join(unused))
    return failures


def main():
    args = parse_args()
    if not os.path.isdir(args.tests):
        print("node tests not found at %s; nothing to do" % args.tests)
        return 0
    llm_opt = os.path.abspath(shutil.which(args.llm_opt) or args.llm_opt)
    table = load_op_table(llm_opt)
    if args.run:
        llm_run = os.path.abspath(shutil.which(args.llm_run) or args.llm_run)
        if not os.access(llm_run, os.X_OK):
            sys.exit("error: llm-run not found at '%s' (--llm-run)" % args.llm_run)
        workdir = args.workdir or os.path.join(
            os.path.dirname(os.path.dirname(os.path.realpath(llm_opt))), "node-tests-run")
        os.makedirs(workdir, exist_ok=True)
    names = sorted(t for t in os.listdir(args.tests)
                   if t.startswith("test_") and re.search(args.filter, t)
                   and os.path.isfile(os.path.join(args.tests, t, "model.onnx")))

    def work(name):
        folder = os.path.join(args.tests, name)
        ops, why = describe_model(os.path.join(folder, "model.onnx"), table)
        outcome, detail, flags = run_one(llm_opt, folder, args.timeout)
        run = None
        if args.run and outcome == "imported" and why is None:
            run = compile_and_run(llm_opt, llm_run, folder, name, workdir, flags,
                                  args.run_timeout, args.keep, args.bind_all)
        return name, ops, why, outcome, detail, flags is not None, run

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(work, names))

    counts = collections.Counter()
    per_op = collections.defaultdict(collections.Counter)
    failures, expected, stale, unsupported_rejected = [], [], [], []
    listed = set()
    bound_tests = []
    runs = [(name,) + run for name, *_, run in results if run is not None]
    for name, ops, why, outcome, detail, bound, _ in results:
        supported = why is None
        counts[(outcome, supported)] += 1
        if bound and outcome == "imported":
            bound_tests.append(name)
        for op in ops:
            per_op[op][outcome] += 1
        if args.verbose:
            print("%-9s %-11s %s %s%s" % (outcome, "supported" if supported else "unsupported",
                                          name, "(bound) " if bound else "", detail or why or ""))
        entry = EXPECTED_REJECTIONS.get(name)
        if entry:
            listed.add(name)
        if outcome == "crashed":
            failures.append("CRASHED %s: %s" % (name, detail))
        elif outcome == "rejected" and supported:
            if entry and entry[1] in detail:
                expected.append((name, entry[0], detail))
            elif entry:
                failures.append("REJECTED %s with another error than the expected '%s': %s"
                                % (name, entry[1], detail))
            else:
                failures.append("REJECTED %s (supported): %s" % (name, detail))
        elif outcome == "rejected":
            unsupported_rejected.append((name, why, detail))
        elif outcome == "imported" and entry and supported:
            stale.append(name)

    total = len(results)
    print("node tests: %d in %s" % (total, args.tests))
    for outcome in ("imported", "rejected", "crashed"):
        s, u = counts[(outcome, True)], counts[(outcome, False)]
        print("  %-9s %4d  (supported %d, unsupported %d)" % (outcome, s + u, s, u))
    print("  supported set: %d tests, of which %d rejected as expected"
          % (sum(counts[(o, True)] for o in ("imported", "rejected", "crashed")), len(expected)))
    print("  imported with integer inputs bound to their test values: %d" % len(bound_tests))

    print("\nper op (imported / rejected / crashed):")
    for op in sorted(per_op):
        c = per_op[op]
        print("  %-24s %4d %4d %4d" % (op, c["imported"], c["rejected"], c["crashed"]))

    if expected:
        print("\nexpected rejections (supported ops, features we do not support):")
        by_reason = collections.defaultdict(list)
        for name, reason, detail in expected:
            by_reason[reason].append(name)
        for reason, tests in by_reason.items():
            print("  %s:\n    %s" % (reason, "\n    ".join(tests)))
    if unsupported_rejected:
        print("\nrejected, outside the supported set:")
        for name, why, detail in unsupported_rejected:
            print("  %s (%s): %s" % (name, why, detail.split("error: ", 1)[-1]))
    unused = sorted(set(EXPECTED_REJECTIONS) - listed)
    if unused and not args.filter:
        print("\nnote: EXPECTED_REJECTIONS names tests that are not in %s: %s"
              % (args.tests, ", ".join(unused)))

    for name in stale:
        failures.append("IMPORTED %s, which EXPECTED_REJECTIONS lists: remove its entry" % name)
    if args.run:
        failures += report_runs(runs, args)
    if failures:
        print("\nFAILURES:")
        for line in failures:
            print("  " + line)
        return 1
    print("\nOK: no crashes, and every supported test imports or is an expected rejection")
    if args.run:
        print("OK: every supported test passes with llm-run or is an expected failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
