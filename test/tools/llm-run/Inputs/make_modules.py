#!/usr/bin/env python3
"""Writes module directories around the fake module.so of the runtime tests
(test/unittests/runtime/FakeModule.cpp), with test_data_set dirs and .npy
inputs, for the llm-run lit tests.

usage: make_modules.py OUT_DIR FAKE_MODULE_SO

OUT_DIR/
  module/           z = (x + y) * w + 1; x, y: float32[batch, 4]; w: float32[4]
  static/           the same with x, y: float32[2, 4] (random inputs need no --shape)
  const/            no inputs, no buffers: c = 2 * w
  casts/            x: float32[n] -> float16, bfloat16, int64 (x * 4), bool (x > 0);
                    no weights
  other.safetensors another w for --weights; wrong.safetensors one of another shape
  data_ok/          input_0.pb (x), input_1.pb (y), output_0.pb (z), batch 3
  data_by_name/     the same with the input files swapped (bound by name)
  data_typed/       float_data instead of raw_data, inputs named 'a' and 'b'
                    (bound by position)
  data_mismatch/    output_0.pb with one element off by 0.5
  data_close/       output_0.pb off by a relative 1e-3 everywhere
  data_shape/       output_0.pb of shape [2, 4] for batch 3
  data_nan/         a NaN input element, NaN expected; data_nan_bad: 1 expected
  data_extra/       output_1.pb, which the module does not have
  data_casts/       the casts module's input and outputs, raw_data
  data_casts_typed/ the same in typed fields (int32_data for float16, bfloat16
                    bits and bools; int64_data)
  data_casts_bad/   one int64 and one bool value wrong
  data_badpb/       an input_0.pb that is not a TensorProto
  data_unknown/     input_0.pb (x) and input_5.pb named 'q' (neither a module
                    input nor a position)
  data_bound/       data_ok plus input_2.pb named 'shape', a graph input bound
                    at compile time (one file more than module inputs: skipped)
  data_empty/       no .pb files
  data_npy/         only output_0.pb, for x.npy and y.npy
  x.npy, y.npy      the inputs of data_ok; x_v2.npy, x_v3.npy in formats 2.0, 3.0
  x_f64.npy x_f16.npy x_rank3.npy x_fortran.npy x_big_endian.npy x_truncated.npy
  not_npy.npy       bad .npy inputs
"""

import json
import os
import struct
import sys

import numpy as np
from onnx import helper, numpy_helper, TensorProto

W = np.array([1.5, -2.0, 0.25, 3.0], dtype=np.float32)
W_OTHER = np.array([-1.0, 0.5, 4.0, -0.125], dtype=np.float32)


def safetensors(tensors):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, array in tensors.items():
        dtype = {np.float32: "F32"}[array.dtype.type]
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [len(data), len(data) + array.nbytes]}
        data += array.tobytes()
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def typed_tensor(name, data_type, dims, field, values):
    """A TensorProto with `values` in the typed field `field` (no conversion)."""
    t = TensorProto()
    t.name, t.data_type = name, data_type
    t.dims.extend(dims)
    getattr(t, field).extend(int(v) for v in np.asarray(values).flatten())
    return t


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def tensor_io(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": shape}


def module(out, name, so, entry, weights):
    d = os.path.join(out, name)
    os.makedirs(d)
    manifest = {
        "format": "llm-module", "abi_version": 2, "target": "cpu",
        "library": "module.so", "weights_file": "weights.safetensors",
        "producer": "make_modules.py",
        "weights": [tensor_io(n, "float32", list(a.shape)) for n, a in weights.items()],
        "entries": [entry],
    }
    write(os.path.join(d, "manifest.json"), json.dumps(manifest, indent=2).encode())
    write(os.path.join(d, "weights.safetensors"), safetensors(weights))
    os.symlink(os.path.abspath(so), os.path.join(d, "module.so"))


def main_entry(batch):
    return {
        "name": "main", "plan_symbol": "fake_main_plan", "run_symbol": "fake_main_run",
        "inputs": [tensor_io("x", "float32", [batch, 4]), tensor_io("y", "float32", [batch, 4])],
        "outputs": [tensor_io("z", "float32", [batch, 4])],
        "buffers": [{"first": 0, "last": 1}, {"first": 1, "last": 2}],
        "static_arena_bytes": None,
    }


def data_set(out, name, inputs=(), outputs=()):
    d = os.path.join(out, name)
    os.makedirs(d)
    for k, t in enumerate(inputs):
        if t is not None:
            write(os.path.join(d, f"input_{k}.pb"), t.SerializeToString())
    for k, t in enumerate(outputs):
        if t is not None:
            write(os.path.join(d, f"output_{k}.pb"), t.SerializeToString())
    return d


def main():
    out, so = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    module(out, "module", so, main_entry("batch"), {"w": W})
    module(out, "static", so, main_entry(2), {"w": W})
    module(out, "const", so, {
        "name": "const", "plan_symbol": "fake_const_plan", "run_symbol": "fake_const_run",
        "inputs": [], "outputs": [tensor_io("c", "float32", [4])], "buffers": [],
        "static_arena_bytes": 0}, {"w": W})
    module(out, "casts", so, {
        "name": "casts", "plan_symbol": "fake_casts_plan", "run_symbol": "fake_casts_run",
        "inputs": [tensor_io("x", "float32", ["n"])],
        "outputs": [tensor_io("h", "float16", ["n"]), tensor_io("b", "bfloat16", ["n"]),
                    tensor_io("i", "int64", ["n"]), tensor_io("m", "bool", ["n"])],
        "buffers": [], "static_arena_bytes": None}, {})
    write(os.path.join(out, "other.safetensors"), safetensors({"w": W_OTHER}))
    write(os.path.join(out, "wrong.safetensors"),
          safetensors({"w": np.zeros(3, dtype=np.float32)}))

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    y = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    z = (x + y) * W + np.float32(1)
    T = numpy_helper.from_array
    data_set(out, "data_ok", [T(x, "x"), T(y, "y")], [T(z, "z")])
    # Inputs in reverse file order, bound by name.
    data_set(out, "data_by_name", [T(y, "y"), T(x, "x")], [T(z, "z")])
    typed = [helper.make_tensor(n, TensorProto.FLOAT, a.shape, a.flatten().tolist())
             for n, a in (("a", x), ("b", y))]
    data_set(out, "data_typed", typed,
             [helper.make_tensor("z", TensorProto.FLOAT, z.shape, z.flatten().tolist())])
    bad = z.copy()
    bad[1, 2] += 0.5
    data_set(out, "data_mismatch", [T(x, "x"), T(y, "y")], [T(bad, "z")])
    data_set(out, "data_close", [T(x, "x"), T(y, "y")], [T(z * np.float32(1.001), "z")])
    data_set(out, "data_shape", [T(x, "x"), T(y, "y")], [T(z[:2], "z")])
    xn = x.copy()
    xn[0, 1] = np.nan
    with np.errstate(invalid="ignore"):
        zn = (xn + y) * W + np.float32(1)
    data_set(out, "data_nan", [T(xn, "x"), T(y, "y")], [T(zn, "z")])
    zn2 = zn.copy()
    zn2[0, 1] = 1.0
    data_set(out, "data_nan_bad", [T(xn, "x"), T(y, "y")], [T(zn2, "z")])
    data_set(out, "data_extra", [T(x, "x"), T(y, "y")], [T(z, "z"), T(z, "z2")])
    d = data_set(out, "data_badpb")
    write(os.path.join(d, "input_0.pb"), b"\xff\xff\xff\xff not a protobuf")
    data_set(out, "data_unknown", [T(x, "x"), None, None, None, None, T(y, "q")])
    data_set(out, "data_bound", [T(x, "x"), T(y, "y"), T(np.array([3, 4], np.int64), "shape")],
             [T(z, "z")])
    data_set(out, "data_empty")

    # The casts module: values exact in float16 and bfloat16.
    c = np.array([0.0, 0.25, -0.5, 1.75, -3.0, 2.5, 0.0, -0.25], dtype=np.float32)
    h = c.astype(np.float16)
    bf16_bits = (c.view(np.uint32) >> 16).astype(np.uint16)
    b = helper.make_tensor("b", TensorProto.BFLOAT16, c.shape, bf16_bits.tobytes(), raw=True)
    i = (c * 4).astype(np.int64)
    m = c > 0
    data_set(out, "data_casts", [T(c, "x")], [T(h, "h"), b, T(i, "i"), T(m, "m")])
    # float16 in the typed int32_data field, int64 typed, bool typed.
    h_typed = typed_tensor("h", TensorProto.FLOAT16, c.shape, "int32_data", h.view(np.uint16))
    b_typed = typed_tensor("b", TensorProto.BFLOAT16, c.shape, "int32_data", bf16_bits)
    i_typed = typed_tensor("i", TensorProto.INT64, c.shape, "int64_data", i)
    m_typed = typed_tensor("m", TensorProto.BOOL, c.shape, "int32_data", m)
    data_set(out, "data_casts_typed", [T(c, "x")], [h_typed, b_typed, i_typed, m_typed])
    i_bad, m_bad = i.copy(), m.copy()
    i_bad[3] += 1
    m_bad[0] = True
    data_set(out, "data_casts_bad", [T(c, "x")], [T(h, "h"), b, T(i_bad, "i"), T(m_bad, "m")])

    # .npy inputs.
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "y.npy"), y)
    data_set(out, "data_npy", [], [T(z, "z")])
    for version in ((2, 0), (3, 0)):
        with open(os.path.join(out, f"x_v{version[0]}.npy"), "wb") as f:
            np.lib.format.write_array(f, x, version=version)
    np.save(os.path.join(out, "x_f64.npy"), x.astype(np.float64))
    np.save(os.path.join(out, "x_f16.npy"), x.astype(np.float16))
    np.save(os.path.join(out, "x_rank3.npy"), x.reshape(3, 2, 2))
    np.save(os.path.join(out, "x_fortran.npy"), np.asfortranarray(x))
    np.save(os.path.join(out, "x_big_endian.npy"), x.astype(">f4"))
    with open(os.path.join(out, "x.npy"), "rb") as f:
        whole = f.read()
    write(os.path.join(out, "x_truncated.npy"), whole[:-5])
    write(os.path.join(out, "not_npy.npy"), b"hello, world")


if __name__ == "__main__":
    main()
