#!/usr/bin/env python3
"""Write onnxruntime (CPU) reference data sets next to an ONNX model.

Layout (same as ONNX's backend node tests):
    <model_dir>/model.onnx
    <model_dir>/test_data_set_0/input_0.pb ... output_0.pb ...
    <model_dir>/test_data_set_1/...

Each .pb file is a serialized onnx.TensorProto whose name is the graph input /
output name; inputs are numbered in the order of the graph's inputs, outputs in
the order of the graph's outputs.

Shapes:
    test_data_set_0: batch 1, sequence 7 (past length 0 if the model has a KV cache)
    test_data_set_1: batch 2, sequence 13; for models with past_key_values.* inputs,
                     a decode step instead: batch 2, sequence 1, past length 12
                     (total sequence length 13)

Input values (numpy default_rng(1000 + set index)):
    *input_ids*                 uniform ints in [0, vocab)
    *mask*                      ones; in set 1 of a model without KV cache, the last
                                2 positions of batch row 1 are 0 (right padding)
    *token_type_ids* / segment  zeros in set 0; in set 1 the second half is 1
    position_ids                past_len .. past_len + seq - 1, for every batch row
    past_key_values.*           standard normal * 0.5

Needs onnx, numpy and onnxruntime, so it runs on the GPU machine (see README.md):
    python3 scripts/models/make_reference_data.py DIR [DIR ...]
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

VOCAB = 256

ORT_TYPES = {
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(bool)": np.bool_,
}


def set_dims(set_idx, has_past):
    if set_idx == 0:
        b, s, p = 1, 7, 0
    elif has_past:
        b, s, p = 2, 1, 12
    else:
        b, s, p = 2, 13, 0
    return b, s, p


def make_inputs(specs, set_idx, vocab=VOCAB):
    """specs: list of (name, ort_type_str, shape) with shape entries int / str / None.
    Returns an ordered list of (name, ndarray)."""
    has_past = any(n.startswith("past_key_values") or n.startswith("past_") for n, _, _ in specs)
    b, s, p = set_dims(set_idx, has_past)
    t = p + s
    named = {
        "batch": b, "batch_size": b, "N": b,
        "sequence": s, "sequence_length": s, "seq": s, "seq_len": s,
        "total_sequence_length": t, "total_seq_len": t,
        "past_sequence_length": p, "past_seq_len": p,
    }
    rng = np.random.default_rng(1000 + set_idx)
    out = []
    for name, typ, shape in specs:
        dtype = ORT_TYPES[typ]
        dims = []
        for i, d in enumerate(shape):
            if isinstance(d, int) and d >= 0:
                dims.append(d)
            elif isinstance(d, str) and d in named:
                dims.append(named[d])
            else:  # unnamed / unknown symbolic dim: positional guess
                if "mask" in name and i == 1:
                    dims.append(t)
                else:
                    dims.append([b, s][i] if i < 2 else 1)
        lname = name.lower()
        if "input_ids" in lname:
            arr = rng.integers(0, vocab, size=dims)
        elif "mask" in lname:
            arr = np.ones(dims)
            if set_idx == 1 and not has_past and len(dims) == 2 and dims[0] > 1:
                arr[1, -2:] = 0
        elif "token_type" in lname or "segment" in lname:
            arr = np.zeros(dims)
            if set_idx == 1:
                arr[..., dims[-1] // 2:] = 1
        elif "position_ids" in lname:
            arr = np.broadcast_to(np.arange(p, p + s), dims).copy()
        elif lname.startswith("past"):
            arr = rng.standard_normal(dims) * 0.5
        else:
            raise ValueError(f"don't know how to make input {name!r}")
        out.append((name, np.ascontiguousarray(arr.astype(dtype))))
    return out


def ort_specs(sess):
    return [(i.name, i.type, list(i.shape)) for i in sess.get_inputs()]


def write_data_set(model_dir, set_idx, inputs, outputs):
    d = os.path.join(model_dir, f"test_data_set_{set_idx}")
    os.makedirs(d, exist_ok=True)
    for j, (name, arr) in enumerate(inputs):
        with open(os.path.join(d, f"input_{j}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(arr, name=name).SerializeToString())
    for j, (name, arr) in enumerate(outputs):
        with open(os.path.join(d, f"output_{j}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(arr), name=name).SerializeToString())


def model_summary(path):
    m = onnx.load(path, load_external_data=False)

    def vi(v):
        tt = v.type.tensor_type
        dims = [d.dim_param if d.HasField("dim_param") else (d.dim_value if d.HasField("dim_value") else None)
                for d in tt.shape.dim]
        return {"name": v.name, "elem_type": onnx.TensorProto.DataType.Name(tt.elem_type), "dims": dims}

    ext = any(t.data_location == onnx.TensorProto.EXTERNAL for t in m.graph.initializer)
    return {
        "ir_version": m.ir_version,
        "opset_import": {(o.domain or "ai.onnx"): o.version for o in m.opset_import},
        "producer": f"{m.producer_name} {m.producer_version}".strip(),
        "inputs": [vi(v) for v in m.graph.input],
        "outputs": [vi(v) for v in m.graph.output],
        "ops": sorted({f"{n.domain or 'ai.onnx'}::{n.op_type}" for n in m.graph.node}),
        "num_nodes": len(m.graph.node),
        "num_initializers": len(m.graph.initializer),
        "external_data": ext,
    }


def checker(path):
    try:
        onnx.checker.check_model(path)
        return "ok"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"


def reference_model_bytes(path):
    """The model as ORT should run it for reference outputs: MatMulNBits with
    accuracy_level 0. The genai builder writes accuracy_level=4, with which
    ORT's CPU kernel quantizes the activations to int8 before the product: a
    different computation from the op's definition (dequantize, then a float
    matmul), off by ~1e-2 on our test models. References follow the
    definition."""
    model = onnx.load(path, load_external_data=False)
    onnx.load_external_data_for_model(model, os.path.dirname(os.path.abspath(path)))
    for node in model.graph.node:
        if node.op_type == "MatMulNBits":
            for attr in node.attribute:
                if attr.name == "accuracy_level":
                    attr.i = 0
    return model.SerializeToString()


def run_ort_sets(model_dir, vocab=VOCAB, extra_check=None):
    """Run ORT on the two shapes and write test_data_set_{0,1}. Returns info dict."""
    import onnxruntime as ort

    path = os.path.join(model_dir, "model.onnx")
    sess = ort.InferenceSession(reference_model_bytes(path), providers=["CPUExecutionProvider"])
    out_names = [o.name for o in sess.get_outputs()]
    info = {"sets": []}
    for set_idx in (0, 1):
        inputs = make_inputs(ort_specs(sess), set_idx, vocab)
        outs = sess.run(None, dict(inputs))
        write_data_set(model_dir, set_idx, inputs, list(zip(out_names, outs)))
        entry = {
            "inputs": {n: list(a.shape) for n, a in inputs},
            "outputs": {n: list(o.shape) for n, o in zip(out_names, outs)},
            "finite": bool(all(np.isfinite(o).all() for o in outs if o.dtype.kind == "f")),
        }
        if extra_check is not None:
            entry.update(extra_check(set_idx, dict(inputs), dict(zip(out_names, outs))))
        info["sets"].append(entry)
    return info


def matmulnbits_selfcheck():
    """Check the MatMulNBits packing used by make_genai_style.py against ORT,
    including an odd number of blocks (K=96 -> 3 blocks, padded zero points)."""
    import onnxruntime as ort
    from onnx import TensorProto, helper

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_genai_style import quantize_nbits

    res = {}
    rng = np.random.default_rng(7)
    for k, n in ((64, 48), (96, 40), (128, 256)):
        w = (rng.standard_normal((n, k)) * 0.1).astype(np.float32)
        b, s, zp, deq = quantize_nbits(w)
        a = rng.standard_normal((3, 5, k)).astype(np.float32)
        node = helper.make_node("MatMulNBits", ["A", "B", "S", "Z"], ["Y"], domain="com.microsoft",
                                K=k, N=n, bits=4, block_size=32)
        g = helper.make_graph(
            [node], "mmnb",
            [helper.make_tensor_value_info("A", TensorProto.FLOAT, [3, 5, k])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3, 5, n])],
            initializer=[numpy_helper.from_array(b, "B"), numpy_helper.from_array(s, "S"),
                         numpy_helper.from_array(zp, "Z")])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("com.microsoft", 1)])
        m.ir_version = 10
        sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
        y = sess.run(None, {"A": a})[0]
        ref = a @ deq.T
        res[f"K{k}_N{n}"] = float(np.abs(y - ref).max())
    return res


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    for d in argv:
        info = {"summary": model_summary(os.path.join(d, "model.onnx"))}
        info.update(run_ort_sets(d))
        print(json.dumps({d: info}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
