#!/usr/bin/env python3
"""PyTorch's side of the kernel comparison in docs/benchmarks.md, run ON THE
GPU MACHINE in the same call as our kernel timings:

    .device-carry/gpu/bin/LinalgAttentionTest && python3 scripts/gpu/kernel_peers.py

Times F.scaled_dot_product_attention (prefill and GQA decode), F.linear with
and without a fused GELU, and torch.compile of two of them, on the shapes
LinalgAttentionTest's --bench section times (fp16, CUDA events, median of 20
after 5 warm-ups). Prints one `TORCH ...` line per case.
"""

import torch
import torch.nn.functional as F


def median_ms(fn):
    for _ in range(5):
        fn()
    times = []
    for _ in range(20):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    f16 = dict(device="cuda", dtype=torch.float16)
    for B, H, S, D, causal in [(1, 12, 2048, 64, True), (32, 12, 512, 64, True),
                               (1, 12, 2048, 64, False), (4, 16, 2048, 128, True)]:
        q, k, v = (torch.randn(B, H, S, D, **f16) for _ in range(3))
        ms = median_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal))
        flops = 4 * B * H * S * S * D * (0.5 if causal else 1)
        print(f"TORCH sdpa f16 B={B} H={H} S={S} D={D} {'causal' if causal else 'full'}: "
              f"{ms:.3f} ms, {flops / ms * 1e-9:.1f} TFLOP/s")
    M, N, K = 4096, 3072, 768
    x, w, b = torch.randn(M, K, **f16), torch.randn(N, K, **f16), torch.randn(N, **f16)
    cases = [("linear", lambda: F.linear(x, w)),
             ("linear+bias+gelu_tanh", lambda: F.gelu(F.linear(x, w, b), approximate="tanh")),
             ("linear+bias+gelu", lambda: F.gelu(F.linear(x, w, b)))]
    for name, fn in cases:
        ms = median_ms(fn)
        print(f"TORCH {name} f16 M={M} N={N} K={K}: {ms:.4f} ms, {2 * M * N * K / ms * 1e-9:.1f} TFLOP/s")
    fused = torch.compile(lambda x: F.gelu(F.linear(x, w, b), approximate="tanh"))
    ms = median_ms(lambda: fused(x))
    print(f"TORCH compile linear+bias+gelu_tanh: {ms:.4f} ms, {2 * M * N * K / ms * 1e-9:.1f} TFLOP/s")
    q, k, v = (torch.randn(1, 12, 2048, 64, **f16) for _ in range(3))
    sdpa = torch.compile(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True))
    ms = median_ms(lambda: sdpa(q, k, v))
    print(f"TORCH compile sdpa causal B=1 H=12 S=2048 D=64: {ms:.3f} ms, "
          f"{2 * 12 * 2048 * 2048 * 64 / ms * 1e-9:.1f} TFLOP/s")
    for B, Hq, Hk, Sk, D in [(1, 32, 8, 4096, 128), (16, 32, 8, 2048, 128), (8, 12, 12, 1024, 64)]:
        q = torch.randn(B, Hq, 1, D, **f16)
        k, v = torch.randn(B, Hk, Sk, D, **f16), torch.randn(B, Hk, Sk, D, **f16)
        ms = median_ms(lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True))
        print(f"TORCH decode sdpa B={B} Hq={Hq} Hk={Hk} Sk={Sk} D={D}: {ms:.4f} ms, "
              f"{2 * k.numel() * 2 / ms * 1e-6:.0f} GB/s of K/V")


if __name__ == "__main__":
    main()
