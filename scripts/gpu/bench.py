#!/usr/bin/env python3
"""GPU benchmark, run ON THE GPU MACHINE: our CUDA modules against PyTorch eager
and torch.compile(mode="max-autotune"), same architecture, same weights, fp16.

    python3 scripts/gpu/bench.py [--models gpt2-small,bert-base,llama-1b]
        [--shapes 1x128,32x512] [--iterations 50] [--skip-torch] [--skip-compile]
        [--compile-only gpt2-small:1x128,...]

Before the call, here: scripts/gpu/prepare-bench.sh compiles the benchmark
models (scripts/bench/make_bench_models.py, random weights) for the CUDA target
in f16 and carries only module.so and manifest.json
(.device-carry/gpu/bench/NAME/). The weights are made again there:

  1. make_bench_models.py's builder runs with the same config (the weights'
     values need not match the ones compiled here: only names, dtypes and
     shapes are baked into a module);
  2. its initializers go to one f16 safetensors checkpoint, read by both
     sides: our module through llm-run-standalone --weights (the weights the
     compiler derived, such as merged q/k/v, are rebuilt at load time from the
     manifest's weight_recipes), and a PyTorch module written here
     (GPT-2 / BERT / Llama blocks with F.scaled_dot_product_attention) that
     loads the same tensors by name;
  3. each side runs the same inputs; ours through llm-run-standalone --bench
     (its median of N runs: input upload, the CUDA-graph replay of the whole
     model, synchronize), PyTorch with CUDA events around each forward
     (median of N, after warm-up and compilation).

The physical floor of each run is max(FLOPs / measured bf16 GEMM rate,
bytes / measured copy bandwidth): FLOPs are 2 x matmul weights per token plus
4*b*h*s^2*d per layer for attention (halved when causal); bytes are the f16
weights read once plus the logits / hidden states written once. Both ceilings
are measured here first (torch: 8192^3 bf16 matmul; a 4 GiB device copy
counting read + write). Prints a Markdown table for docs/benchmarks.md.
"""

import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts", "bench"))
sys.path.insert(0, os.path.join(REPO, "scripts", "models"))
import make_bench_models as mbm  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from onnx_to_safetensors import (checkpoint_tensors, module_float32_weights,  # noqa: E402
                                  write_safetensors)

CARRY = os.path.join(REPO, ".device-carry", "gpu")
RUNNER = os.path.join(CARRY, "bin", "llm-run-standalone")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# -- ceilings ---------------------------------------------------------------

def median_ms(fn, iterations, warmup=5):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iterations):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return float(np.median(times))


def measure_ceilings():
    n = 8192
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    ms = median_ms(lambda: a @ b, 10, warmup=3)
    flops = 2 * n ** 3 / (ms * 1e-3)
    src = torch.empty(1 << 31, dtype=torch.int16, device="cuda").random_()
    dst = torch.empty_like(src)
    ms = median_ms(lambda: dst.copy_(src), 10, warmup=3)
    bandwidth = 2 * src.numel() * 2 / (ms * 1e-3)
    del a, b, src, dst
    torch.cuda.empty_cache()
    return flops, bandwidth


# -- the models, in PyTorch, reading the benchmark models' initializers -------

def addmm(x, w, b=None):
    y = x @ w
    return y + b if b is not None else y


class GPT2(torch.nn.Module):
    def __init__(self, cfg, w):
        super().__init__()
        self.cfg, self.w = cfg, w

    def forward(self, ids):
        cfg, w = self.cfg, self.w
        H, nh = cfg["hidden"], cfg["heads"]
        b, s = ids.shape
        pos = torch.arange(s, device=ids.device)
        h = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][pos]
        for i in range(cfg["layers"]):
            p = f"transformer.h.{i}"
            x = F.layer_norm(h, (H,), w[f"{p}.ln_1.weight"], w[f"{p}.ln_1.bias"], 1e-5)
            qkv = addmm(x, w[f"{p}.attn.c_attn.weight"], w[f"{p}.attn.c_attn.bias"])
            q, k, v = (t.view(b, s, nh, H // nh).transpose(1, 2) for t in qkv.split(H, dim=2))
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            a = a.transpose(1, 2).reshape(b, s, H)
            h = h + addmm(a, w[f"{p}.attn.c_proj.weight"], w[f"{p}.attn.c_proj.bias"])
            x = F.layer_norm(h, (H,), w[f"{p}.ln_2.weight"], w[f"{p}.ln_2.bias"], 1e-5)
            x = F.gelu(addmm(x, w[f"{p}.mlp.c_fc.weight"], w[f"{p}.mlp.c_fc.bias"]),
                       approximate="tanh")
            h = h + addmm(x, w[f"{p}.mlp.c_proj.weight"], w[f"{p}.mlp.c_proj.bias"])
        h = F.layer_norm(h, (H,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], 1e-5)
        return h @ w["onnx::MatMul_lm_head"]


class BERT(torch.nn.Module):
    def __init__(self, cfg, w):
        super().__init__()
        self.cfg, self.w = cfg, w

    def forward(self, ids, mask, types):
        cfg, w = self.cfg, self.w
        H, nh = cfg["hidden"], cfg["heads"]
        b, s = ids.shape
        h = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.token_type_embeddings.weight"][types]
             + w["embeddings.position_embeddings.weight"][:s])
        h = F.layer_norm(h, (H,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                         1e-12)
        additive = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        for i in range(cfg["layers"]):
            p = f"encoder.layer.{i}"
            a = f"{p}.attention.self"
            q, k, v = (addmm(h, w[f"{a}.{n}.weight"], w[f"{a}.{n}.bias"])
                       .view(b, s, nh, H // nh).transpose(1, 2) for n in ("query", "key", "value"))
            x = F.scaled_dot_product_attention(q, k, v, attn_mask=additive)
            x = x.transpose(1, 2).reshape(b, s, H)
            o = f"{p}.attention.output"
            h = F.layer_norm(addmm(x, w[f"{o}.dense.weight"], w[f"{o}.dense.bias"]) + h, (H,),
                             w[f"{o}.LayerNorm.weight"], w[f"{o}.LayerNorm.bias"], 1e-12)
            x = F.gelu(addmm(h, w[f"{p}.intermediate.dense.weight"],
                             w[f"{p}.intermediate.dense.bias"]))
            o = f"{p}.output"
            h = F.layer_norm(addmm(x, w[f"{o}.dense.weight"], w[f"{o}.dense.bias"]) + h, (H,),
                             w[f"{o}.LayerNorm.weight"], w[f"{o}.LayerNorm.bias"], 1e-12)
        return h


class Llama(torch.nn.Module):
    def __init__(self, cfg, w):
        super().__init__()
        self.cfg, self.w = cfg, w

    def forward(self, ids, mask):
        cfg, w = self.cfg, self.w
        H, nh, nkv = cfg["hidden"], cfg["heads"], cfg["kv_heads"]
        hd = H // nh
        b, s = ids.shape
        h = w["model.embed_tokens.weight"][ids]
        inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, device=ids.device,
                                                              dtype=torch.float32) / hd))
        freqs = torch.arange(s, device=ids.device, dtype=torch.float32)[:, None] * inv_freq[None]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(h.dtype), emb.sin().to(h.dtype)

        def rms(x, weight):
            x32 = x.float()
            x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + cfg["eps"])
            return weight * x32.to(x.dtype)

        def rotate(x):
            x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
            return x * cos + torch.cat((-x2, x1), dim=-1) * sin

        for i in range(cfg["layers"]):
            p = f"model.layers.{i}"
            x = rms(h, w[f"{p}.input_layernorm.weight"])
            q = (x @ w[f"{p}.self_attn.q_proj.weight"]).view(b, s, nh, hd).transpose(1, 2)
            k = (x @ w[f"{p}.self_attn.k_proj.weight"]).view(b, s, nkv, hd).transpose(1, 2)
            v = (x @ w[f"{p}.self_attn.v_proj.weight"]).view(b, s, nkv, hd).transpose(1, 2)
            q, k = rotate(q), rotate(k)
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            h = h + a.transpose(1, 2).reshape(b, s, H) @ w[f"{p}.self_attn.o_proj.weight"]
            x = rms(h, w[f"{p}.post_attention_layernorm.weight"])
            x = F.silu(x @ w[f"{p}.mlp.gate_proj.weight"]) * (x @ w[f"{p}.mlp.up_proj.weight"])
            h = h + x @ w[f"{p}.mlp.down_proj.weight"]
        return rms(h, w["model.norm.weight"]) @ w["lm_head.weight"]


MODELS = {
    # name: (builder, config, torch class, inputs, causal)
    "gpt2-small": ("build_gpt2", "GPT2_FULL", GPT2, ("input_ids",), True),
    "bert-base": ("build_bert", "BERT_FULL", BERT, ("input_ids", "attention_mask", "token_type_ids"), False),
    "llama-1b": ("build_llama", "LLAMA_1B", Llama, ("input_ids", "attention_mask"), True),
}


def model_flops(name, cfg, b, s):
    H, L = cfg["hidden"], cfg["layers"]
    tokens = b * s
    if name == "llama-1b":
        kv = H // cfg["heads"] * cfg["kv_heads"]
        per_layer = H * H * 2 + H * kv * 2 + 3 * H * cfg["ffn"]
        weights = L * per_layer + H * cfg["vocab"]
    else:
        weights = L * (4 * H * H + 2 * H * cfg["ffn"]) + (H * cfg["vocab"] if name == "gpt2-small" else 0)
    attention = L * 4 * b * s * s * H
    if MODELS[name][4]:
        attention //= 2
    return 2 * weights * tokens + attention


def make_inputs(name, cfg, b, s, rng):
    ids = rng.integers(0, min(cfg["vocab"], 30000), size=(b, s), dtype=np.int64)
    inputs = {"input_ids": ids}
    if "attention_mask" in MODELS[name][3]:
        inputs["attention_mask"] = np.ones((b, s), dtype=np.int64)
    if "token_type_ids" in MODELS[name][3]:
        inputs["token_type_ids"] = np.zeros((b, s), dtype=np.int64)
    return inputs


def ours(module, checkpoint, inputs, work, iterations, dump=None, profile=False):
    args = [RUNNER, module, "--weights", checkpoint, "--bench", "--warmup", "10",
            "--iterations", str(iterations)]
    if dump:
        args += ["--dump-outputs", dump]
    for n, a in inputs.items():
        path = os.path.join(work, f"{n}.npy")
        np.save(path, a)
        args += ["--inputs", f"{n}={path}"]
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(CARRY, "lib") + ":/usr/local/cuda/lib64:" + env.get("LD_LIBRARY_PATH", "")
    if profile:
        # Each op synchronizes to time itself, which a captured graph cannot.
        env["LLMRT_CUDA_GRAPHS"] = "0"
    out = subprocess.run(args, capture_output=True, text=True, env=env)
    if profile:
        log(out.stderr)  # the whole per-op table (its head is what matters)
    m = re.search(r"bench: median ([0-9.]+) ms", out.stdout)
    if out.returncode != 0 or not m:
        log(out.stdout[-2000:], out.stderr[-2000:])
        return None
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="gpt2-small,bert-base")
    ap.add_argument("--shapes", default="1x128,32x512")
    ap.add_argument("--llama-shapes", default="1x2048")
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--skip-torch", action="store_true")
    ap.add_argument("--skip-compile", action="store_true")
    ap.add_argument("--compile-mode", default="max-autotune")
    ap.add_argument("--profile", action="store_true",
                    help="also print our per-op profile (the NAME-profile modules of "
                         "PROFILE=1 prepare-bench.sh) and PyTorch eager's top CUDA kernels")
    ap.add_argument("--compile-only", default="",
                    help="torch.compile only these NAME:BxS (comma-separated; default all): "
                         "max-autotune takes minutes each, more than one device call allows")
    ap.add_argument("--work", default="/tmp/llm-bench")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False

    # `timeout` (SIGTERM) still prints the table of what was measured.
    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    flops_rate, bandwidth = measure_ceilings()
    log(f"ceilings: bf16 GEMM {flops_rate / 1e12:.0f} TFLOP/s, copy {bandwidth / 1e12:.2f} TB/s")
    try:
        phases(args, flops_rate, bandwidth, results := {})
    except KeyboardInterrupt:
        log("stopped: printing the results so far")
    rows = [(n, sh, r["ours"], r["eager"], r["compile"], r.get("floor"), r["check"])
            for (n, sh), r in results.items()]
    report(rows, flops_rate, bandwidth)


def phases(args, flops_rate, bandwidth, results):
    # Phase 1: every model's weights, ours and eager on every shape (cheap).
    # Phase 2: torch.compile on each (model, shape), smallest first, since
    # max-autotune spends minutes per model; a run cut short by a time limit
    # still has phase 1 and the compiled shapes done so far (stderr log).
    nets, jobs = {}, []
    for name in args.models.split(","):
        builder, cfg_name, cls, input_names, causal = MODELS[name]
        cfg = getattr(mbm, cfg_name)
        module = os.path.join(CARRY, "bench", name)
        start = time.time()
        model = getattr(mbm, builder)(cfg, 0)
        # The checkpoint stores each tensor in the dtype our module keeps it
        # in (the precision pass leaves a few in f32: rotary frequencies); the
        # rest, and PyTorch's copy, in f16.
        checkpoint = os.path.join(args.work, f"{name}.safetensors")
        write_safetensors(checkpoint, checkpoint_tensors(model, "float16",
                                                         module_float32_weights(module)))
        w = {}
        for init in model.graph.initializer:
            a = numpy_helper.to_array(init)
            w[init.name] = torch.from_numpy(a.astype(np.float16) if a.dtype == np.float32 else a).cuda()
        del model
        log(f"{name}: weights ready in {time.time() - start:.0f} s")
        net = cls(cfg, w).eval()
        nets[name] = (net, w)
        shapes = args.llama_shapes if name == "llama-1b" else args.shapes
        for shape in shapes.split(","):
            b, s_ = (int(x) for x in shape.split("x"))
            inputs = make_inputs(name, cfg, b, s_, np.random.default_rng(1))
            r = results[(name, shape)] = {"ours": None, "eager": None, "compile": None, "check": ""}
            # Small shapes also check that both sides compute the same thing.
            dump = os.path.join(args.work, f"{name}-{shape}") if b * s_ <= 4096 else None
            r["ours"] = ours(module, checkpoint, inputs, args.work, args.iterations, dump)
            log(f"{name} {shape}: ours {r['ours']} ms")
            if args.profile and os.path.isdir(module + "-profile"):
                log(f"{name} {shape}: our per-op profile (5 runs + 10 warm-up)")
                ours(module + "-profile", checkpoint, inputs, args.work, 5, profile=True)
            tin = [torch.from_numpy(inputs[n]).cuda() for n in input_names]
            if not args.skip_torch:
                with torch.inference_mode():
                    r["eager"] = median_ms(lambda: net(*tin), args.iterations)
                    log(f"{name} {shape}: eager {r['eager']:.3f} ms")
                    if args.profile:
                        with torch.profiler.profile(
                                activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
                            for _ in range(5):
                                net(*tin)
                            torch.cuda.synchronize()
                        log(f"{name} {shape}: eager's CUDA kernels, 5 runs")
                        log(prof.key_averages().table(sort_by="cuda_time_total", row_limit=25,
                                                      max_name_column_width=70))
                    if dump and os.path.exists(os.path.join(dump, "output_0.npy")):
                        mine = np.load(os.path.join(dump, "output_0.npy")).astype(np.float64)
                        theirs = net(*tin).float().cpu().numpy().astype(np.float64)
                        rel = np.linalg.norm(mine - theirs) / np.linalg.norm(theirs)
                        agree = (mine.argmax(-1) == theirs.argmax(-1)).mean()
                        r["check"] = f"rel L2 {rel:.1e}, argmax {agree:.1%}"
                        log(f"{name} {shape}: ours vs eager: {r['check']}")
            flops = model_flops(name, cfg, b, s_)
            weight_bytes = sum(t.numel() * t.element_size() for t in w.values()
                               if t.dtype == torch.float16)
            out_dim = cfg["hidden"] if name == "bert-base" else cfg["vocab"]
            bytes_moved = weight_bytes + b * s_ * out_dim * 2
            r["floor"] = max(flops / flops_rate, bytes_moved / bandwidth) * 1e3
            jobs.append((b * s_, name, shape, tin))
    if args.skip_torch or args.skip_compile:
        return
    wanted = {j for j in args.compile_only.split(",") if j}
    for _, name, shape, tin in sorted(jobs, key=lambda j: (j[0], j[1])):
        if wanted and f"{name}:{shape}" not in wanted:
            continue
        net = nets[name][0]
        compiled = torch.compile(net, mode=args.compile_mode, dynamic=False)
        c0 = time.time()
        with torch.inference_mode():
            for _ in range(3):
                compiled(*tin)
            torch.cuda.synchronize()
            log(f"{name} {shape}: compiled in {time.time() - c0:.0f} s")
            t = median_ms(lambda: compiled(*tin), args.iterations)
        results[(name, shape)]["compile"] = t
        log(f"{name} {shape}: torch.compile {t:.3f} ms")
        torch._dynamo.reset()


def report(rows, flops_rate, bandwidth):
    def f(x):
        return "n/a" if x is None else f"{x:.3f}"

    def ratio(peer, ours_ms):
        return "n/a" if peer is None or ours_ms is None else f"{peer / ours_ms:.2f}x"

    print(f"\nGPU benchmark, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{torch.cuda.get_device_name()}, torch {torch.__version__}, fp16, "
          f"`python3 scripts/gpu/bench.py {' '.join(sys.argv[1:])}`")
    print(f"ceilings measured: bf16 GEMM {flops_rate / 1e12:.0f} TFLOP/s, "
          f"copy {bandwidth / 1e12:.2f} TB/s\n")
    print("| model | batch x seq | ours ms | eager ms | torch.compile ms | eager/ours | "
          "compile/ours | floor ms | ours / floor | compile / floor | ours vs eager |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, shape, t_ours, t_eager, t_compile, floor_ms, check in rows:
        frac = lambda t: "n/a" if t is None or floor_ms is None else f"{floor_ms / t:.0%}"
        print(f"| {name} | {shape} | {f(t_ours)} | {f(t_eager)} | {f(t_compile)} | "
              f"{ratio(t_eager, t_ours)} | {ratio(t_compile, t_ours)} | {f(floor_ms)} | "
              f"{frac(t_ours)} | {frac(t_compile)} | {check} |")


if __name__ == "__main__":
    main()
