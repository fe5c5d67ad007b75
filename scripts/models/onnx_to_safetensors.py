#!/usr/bin/env python3
"""Write an ONNX model's initializers to a safetensors checkpoint, by name.

    onnx_to_safetensors.py MODEL.onnx OUT.safetensors [--dtype float16|bfloat16]
                           [--module DIR]

The result holds the model's own tensors only. A module compiled from the
model runs with it (llm-run MODULE --weights OUT.safetensors): weights the
compiler derived (merged q/k/v, f16 copies, ...) are rebuilt at load time from
the manifest's weight_recipes. --dtype stores float32 tensors in that dtype
(round to nearest even), as a half-precision checkpoint would be, except the
tensors that the compiled module DIR (--module) keeps in float32 (the
precision pass keeps rotary frequencies and a few others in f32: rounding
them would lose what the module keeps).

Needs only onnx and numpy (Debian's /usr/bin/python3 here; the GPU machine's
python3 too).
"""

import argparse
import json
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DTYPES = {
    np.dtype("float32"): "F32", np.dtype("float16"): "F16", np.dtype("float64"): "F64",
    np.dtype("int8"): "I8", np.dtype("uint8"): "U8", np.dtype("int16"): "I16",
    np.dtype("uint16"): "U16", np.dtype("int32"): "I32", np.dtype("uint32"): "U32",
    np.dtype("int64"): "I64", np.dtype("uint64"): "U64", np.dtype("bool"): "BOOL",
}


def to_bfloat16_bits(a):
    """float32 -> bfloat16 bit patterns (uint16), round to nearest even."""
    u = a.astype(np.float32).view(np.uint32)
    nan = (u & 0x7FFFFFFF) > 0x7F800000
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return np.where(nan, ((u >> 16) | 0x40).astype(np.uint16), rounded)


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype tag, shape, bytes)."""
    header, offset = {}, 0
    # Larger elements first keeps every tensor aligned to its element size.
    size = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4,
            "F16": 2, "BF16": 2, "I16": 2, "U16": 2}
    tensors = sorted(tensors, key=lambda t: -size.get(t[1], 1))
    for name, tag, shape, data in tensors:
        header[name] = {"dtype": tag, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, _, data in tensors:
            f.write(data)


def checkpoint_tensors(model, dtype=None, keep_float32=frozenset()):
    """The model's initializers as write_safetensors entries; float32 ones are
    stored in `dtype` ("float16" / "bfloat16"), except those named in
    keep_float32. Raises ValueError on a dtype safetensors cannot hold."""
    tensors = []
    for init in model.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype == np.float32 and dtype and init.name not in keep_float32:
            if dtype == "bfloat16":
                tensors.append((init.name, "BF16", a.shape, to_bfloat16_bits(a).tobytes()))
                continue
            a = a.astype(np.float16)
        if a.dtype not in DTYPES:
            raise ValueError(f"initializer '{init.name}' has unsupported dtype {a.dtype}")
        tensors.append((init.name, DTYPES[a.dtype], a.shape, np.ascontiguousarray(a).tobytes()))
    return tensors


def module_float32_weights(module_dir):
    """Names of the weights a compiled module keeps in float32 (its manifest)."""
    with open(f"{module_dir}/manifest.json") as f:
        return {w["name"] for w in json.load(f)["weights"] if w["dtype"] == "float32"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--dtype", choices=["float16", "bfloat16"])
    parser.add_argument("--module", help="keep in float32 what this compiled module keeps in float32")
    args = parser.parse_args()
    model = onnx.load(args.model)  # external data is loaded from beside the model
    keep = module_float32_weights(args.module) if args.module else frozenset()
    try:
        tensors = checkpoint_tensors(model, args.dtype, keep)
    except ValueError as e:
        sys.exit(f"{args.model}: {e}")
    write_safetensors(args.out, tensors)
    print(f"{args.out}: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
