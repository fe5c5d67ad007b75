#!/usr/bin/env python3
"""Feeds llm-opt deterministic corruptions of real models and checks that
every one either imports or is rejected with a diagnostic: exit status 0, or 1
with an 'error:' line. A signal, a timeout or a silent failure is a bug.

Corruptions: truncation at random points, random byte flips, random byte
runs overwritten, and whole-protobuf-field damage (random bytes spliced in).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile


def corruptions(data, rng, count):
    n = len(data)
    for i in range(count):
        kind = i % 4
        if kind == 0:
            yield "truncate", data[: rng.randrange(1, n)]
        elif kind == 1:
            b = bytearray(data)
            for _ in range(rng.randrange(1, 8)):
                b[rng.randrange(n)] ^= 1 << rng.randrange(8)
            yield "bitflip", bytes(b)
        elif kind == 2:
            b = bytearray(data)
            start = rng.randrange(n)
            for j in range(start, min(n, start + rng.randrange(1, 64))):
                b[j] = rng.randrange(256)
            yield "overwrite", bytes(b)
        else:
            at = rng.randrange(n)
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 32)))
            yield "splice", data[:at] + junk + data[at:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm-opt", required=True)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    imported = rejected = 0
    bugs = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            data = open(model, "rb").read()
            for i, (kind, blob) in enumerate(corruptions(data, rng, args.count)):
                # Keep external data beside the copy so that only the bytes differ.
                folder = os.path.join(tmp, f"{os.path.basename(os.path.dirname(model))}_{i}")
                os.makedirs(folder)
                for extra in os.listdir(os.path.dirname(model)):
                    if extra.endswith(".data"):
                        os.symlink(os.path.join(os.path.dirname(os.path.abspath(model)), extra),
                                   os.path.join(folder, extra))
                path = os.path.join(folder, "model.onnx")
                with open(path, "wb") as f:
                    f.write(blob)
                try:
                    proc = subprocess.run([args.llm_opt, path, "-o", os.devnull],
                                          capture_output=True, text=True, errors="replace", timeout=60)
                except subprocess.TimeoutExpired:
                    bugs.append(f"{model} #{i} ({kind}): timeout")
                    continue
                if proc.returncode == 0:
                    imported += 1
                elif proc.returncode == 1 and "error:" in proc.stderr:
                    rejected += 1
                else:
                    tail = proc.stderr.strip().splitlines()[-3:]
                    bugs.append(f"{model} #{i} ({kind}): exit {proc.returncode}: {' | '.join(tail)}")
    print(f"corrupted models: {imported} imported, {rejected} rejected, {len(bugs)} crashed")
    for bug in bugs:
        print("CRASH:", bug)
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
