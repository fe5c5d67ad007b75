#!/usr/bin/python3
"""Writes ONNX models that check the semantics of the CPU backend on edge
cases the shared ONNX node tests do not cover, in the node tests' layout
(test_NAME/model.onnx, test_data_set_0/input_K.pb, output_K.pb), for
`run_node_tests.py --run --tests OUT_DIR`.

Each case is a small subgraph with its expected outputs from numpy (what the
ONNX reference implementation computes): integer division and mod, NaN in
max/min/argmax/topk/reductions, rounding, casts between every kind of type
(float16, bfloat16, bool, unsigned, 4-bit wrap-around), empty tensors,
negative axes and indices, broadcasting, slices with negative steps,
reductions with keepdims=0 or over empty sets, softmax on other axes than
the last, layer normalization over several axes with broadcast scales. The
cases of a group that share an opset are one model (one compile), their
names prefixed by the case's, so a mismatch names the case.

usage: make_semantic_tests.py OUT_DIR
"""

import math
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper, numpy_helper

NP2TP = {np.float32: TP.FLOAT, np.float16: TP.FLOAT16, np.float64: TP.DOUBLE, np.int8: TP.INT8,
         np.uint8: TP.UINT8, np.int16: TP.INT16, np.uint16: TP.UINT16, np.int32: TP.INT32,
         np.uint32: TP.UINT32, np.int64: TP.INT64, np.uint64: TP.UINT64, np.bool_: TP.BOOL}


class BF16:
    """float32 values stored as bfloat16 (rounded to nearest even)."""

    def __init__(self, a):
        a = np.asarray(a, np.float32)
        u = a.view(np.uint32).astype(np.uint64)
        r = ((u + 0x7fff + ((u >> 16) & 1)) >> 16).astype(np.uint16)
        r = np.where(np.isnan(a), ((u >> 16) | 0x40).astype(np.uint16), r)
        self.bits = r.astype(np.uint16)
        self.shape = a.shape


def tensor(name, a):
    if isinstance(a, BF16):
        t = TP()
        t.name = name
        t.data_type = TP.BFLOAT16
        t.dims.extend(a.shape)
        t.raw_data = a.bits.tobytes()
        return t
    return numpy_helper.from_array(np.asarray(a), name)


def value_info(name, a):
    if isinstance(a, BF16):
        return helper.make_tensor_value_info(name, TP.BFLOAT16, list(a.shape))
    a = np.asarray(a)
    return helper.make_tensor_value_info(name, NP2TP[a.dtype.type], list(a.shape))


# (group, opset) -> the nodes, inputs, outputs and initializers of one model.
MODELS = {}
GROUP = ["misc"]


def group(name):
    GROUP[0] = name


def case(name, op, inputs, outputs, attrs=None, inits=None, opset=17, nodes=None):
    """One subgraph: `op` on inputs then initializers (or `nodes`), each
    name prefixed with the case's. inputs, outputs, inits: (name, array)."""
    inits = inits or []
    if nodes is None:
        nodes = [helper.make_node(op, [n for n, _ in inputs] + [n for n, _ in inits],
                                  [n for n, _ in outputs], **(attrs or {}))]
    prefix = name + "_"
    for node in nodes:
        node.input[:] = [prefix + n if n else n for n in node.input]
        node.output[:] = [prefix + n if n else n for n in node.output]
        node.name = prefix + (node.name or node.op_type)
    m = MODELS.setdefault((GROUP[0], opset), {"nodes": [], "in": [], "out": [], "init": []})
    m["nodes"] += nodes
    m["in"] += [(prefix + n, a) for n, a in inputs]
    m["out"] += [(prefix + n, a) for n, a in outputs]
    m["init"] += [(prefix + n, a) for n, a in inits]


def write_models(out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for (name, opset), m in sorted(MODELS.items()):
        test = "test_semantics_%s_opset%d" % (name, opset)
        graph = helper.make_graph(m["nodes"], test, [value_info(n, a) for n, a in m["in"]],
                                  [value_info(n, a) for n, a in m["out"]],
                                  initializer=[tensor(n, a) for n, a in m["init"]])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        onnx.checker.check_model(model)
        data = os.path.join(out, test, "test_data_set_0")
        os.makedirs(data)
        onnx.save(model, os.path.join(out, test, "model.onnx"))
        for kind, values in (("input", m["in"]), ("output", m["out"])):
            for k, (n, a) in enumerate(values):
                with open(os.path.join(data, "%s_%d.pb" % (kind, k)), "wb") as f:
                    f.write(tensor(n, a).SerializeToString())


np.seterr(all="ignore")  # the references compute NaN and inf on purpose
rng = np.random.default_rng(0)
f32 = np.float32
nan = np.nan
f32 = np.float32
nan = np.nan

group("arith")

# Integer division and mod.
for t in (np.int8, np.int32, np.int64):
    a = np.array([-7, 7, -7, 7, 0, 5, -1, 6], t)
    b = np.array([3, -3, -3, 3, 2, -5, 4, -4], t)
    case("div_%s" % t.__name__, "Div", [("a", a), ("b", b)], [("c", (np.trunc(a / b)).astype(t))])
    case("mod_%s" % t.__name__, "Mod", [("a", a), ("b", b)], [("c", np.mod(a, b))])
for t in (np.uint8, np.uint32):
    a = np.array([7, 200, 9, 0], t)
    b = np.array([3, 7, 10, 5], t)
    case("div_%s" % t.__name__, "Div", [("a", a), ("b", b)], [("c", a // b)])
    case("mod_%s" % t.__name__, "Mod", [("a", a), ("b", b)], [("c", np.mod(a, b))])
a = np.array([-7.5, 7.5, -7.5, 7.5, 0.0, 5.25], f32)
b = np.array([2.0, -2.0, -2.0, 2.0, 3.0, -5.0], f32)
case("mod_fmod_float", "Mod", [("a", a), ("b", b)], [("c", np.fmod(a, b))], {"fmod": 1})
case("mod_broadcast", "Mod", [("a", np.arange(-6, 6, dtype=np.int64).reshape(3, 4)), ("b", np.array([3, -4, 5, -2], np.int64))],
     [("c", np.mod(np.arange(-6, 6, dtype=np.int64).reshape(3, 4), np.array([3, -4, 5, -2], np.int64)))])

# NaN in Max / Min, variadic.
a = np.array([1.0, nan, 3.0, nan, -np.inf], f32)
b = np.array([nan, 2.0, 1.0, nan, 0.0], f32)
c = np.array([0.5, 0.5, 5.0, 1.0, -1.0], f32)
case("max_nan", "Max", [("a", a), ("b", b), ("c", c)], [("d", np.maximum(np.maximum(a, b), c))])
case("min_nan", "Min", [("a", a), ("b", b), ("c", c)], [("d", np.minimum(np.minimum(a, b), c))])
case("max_int_bcast", "Max", [("a", np.array([[1, -5, 3]], np.int32)), ("b", np.array([[0], [4]], np.int32))],
     [("d", np.maximum(np.array([[1, -5, 3]], np.int32), np.array([[0], [4]], np.int32)))])

# Rounding.
x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 0.49999997, 1e10, nan, -0.0], f32)
case("round", "Round", [("x", x)], [("y", np.round(x))])
case("floor_ceil", None, [("x", x)], [("y", np.floor(x)), ("z", np.ceil(x))],
     nodes=[helper.make_node("Floor", ["x"], ["y"]), helper.make_node("Ceil", ["x"], ["z"])])

group("casts")

# Casts.
x = np.array([0.0, -0.0, 1.5, -2.7, 65504.0, 1e-8, 3.14159, -1e5, nan, np.inf], f32)
case("cast_f32_f16", "Cast", [("x", x)], [("y", x.astype(np.float16))], {"to": TP.FLOAT16})
case("cast_f32_bf16", "Cast", [("x", x)], [("y", BF16(x))], {"to": TP.BFLOAT16})
case("cast_f32_bool", "Cast", [("x", x)], [("y", x.astype(np.bool_))], {"to": TP.BOOL})
case("cast_f32_f64", "Cast", [("x", x)], [("y", x.astype(np.float64))], {"to": TP.DOUBLE})
xi = np.array([0.0, 1.9, -2.7, 100.5, -100.5, 7.0], f32)
for t, tp in ((np.int32, TP.INT32), (np.int64, TP.INT64), (np.int8, TP.INT8), (np.int16, TP.INT16)):
    case("cast_f32_%s" % t.__name__, "Cast", [("x", xi)], [("y", xi.astype(t))], {"to": tp})
xu = np.array([0.0, 1.9, 2.7, 100.5, 255.0, 7.0], f32)
for t, tp in ((np.uint8, TP.UINT8), (np.uint16, TP.UINT16), (np.uint32, TP.UINT32), (np.uint64, TP.UINT64)):
    case("cast_f32_%s" % t.__name__, "Cast", [("x", xu)], [("y", xu.astype(t))], {"to": tp})
h = np.array([0.0, 1.9, -2.7, 100.5, -100.5, 7.0, 65504], np.float16)
case("cast_f16_int32", "Cast", [("x", h)], [("y", h.astype(np.int32))], {"to": TP.INT32})
case("cast_f16_f32", "Cast", [("x", h)], [("y", h.astype(f32))], {"to": TP.FLOAT})
case("cast_f16_bf16", "Cast", [("x", h)], [("y", BF16(h.astype(f32)))], {"to": TP.BFLOAT16})
bfx = BF16(np.array([1.0, -2.5, 3.140625, 1e30, -0.0], f32))
bf_as_f32 = (bfx.bits.astype(np.uint32) << 16).view(f32)
case("cast_bf16_f32", "Cast", [("x", bfx)], [("y", bf_as_f32)], {"to": TP.FLOAT})
case("cast_bf16_f16", "Cast", [("x", bfx)], [("y", bf_as_f32.astype(np.float16))], {"to": TP.FLOAT16})
case("cast_bf16_int64", "Cast", [("x", BF16(np.array([1.0, -2.5, 3.0, 1e3, -0.0], f32)))],
     [("y", np.array([1, -2, 3, 1000, 0], np.int64))], {"to": TP.INT64})
i64 = np.array([0, -1, 2**40, -(2**40), 123456789, 3], np.int64)
case("cast_i64_f16", "Cast", [("x", np.array([0, -1, 2048, -3000, 65504, 3], np.int64))],
     [("y", np.array([0, -1, 2048, -3000, 65504, 3], np.int64).astype(np.float16))], {"to": TP.FLOAT16})
case("cast_i64_f32", "Cast", [("x", i64)], [("y", i64.astype(f32))], {"to": TP.FLOAT})
case("cast_i64_i32", "Cast", [("x", i64)], [("y", i64.astype(np.int32))], {"to": TP.INT32})
case("cast_i64_u8", "Cast", [("x", i64)], [("y", i64.astype(np.uint8))], {"to": TP.UINT8})
case("cast_i32_bool", "Cast", [("x", np.array([0, 1, -1, 256], np.int32))], [("y", np.array([0, 1, -1, 256], np.int32).astype(np.bool_))], {"to": TP.BOOL})
case("cast_bool_f32", "Cast", [("x", np.array([True, False, True]))], [("y", np.array([1, 0, 1], f32))], {"to": TP.FLOAT})
case("cast_bool_i64", "Cast", [("x", np.array([True, False, True]))], [("y", np.array([1, 0, 1], np.int64))], {"to": TP.INT64})
case("cast_u8_i8", "Cast", [("x", np.array([0, 127, 128, 255], np.uint8))], [("y", np.array([0, 127, 128, 255], np.uint8).astype(np.int8))], {"to": TP.INT8})
case("cast_i8_u16", "Cast", [("x", np.array([0, -1, -128, 127], np.int8))], [("y", np.array([0, -1, -128, 127], np.int8).astype(np.uint16))], {"to": TP.UINT16})
case("cast_u32_f32", "Cast", [("x", np.array([0, 4000000000, 7], np.uint32))], [("y", np.array([0, 4000000000, 7], np.uint32).astype(f32))], {"to": TP.FLOAT})
case("cast_u64_f64", "Cast", [("x", np.array([0, 2**63 + 5, 7], np.uint64))], [("y", np.array([0, 2**63 + 5, 7], np.uint64).astype(np.float64))], {"to": TP.DOUBLE})
case("cast_f64_f32", "Cast", [("x", np.array([1e-50, 1e50, -3.5, 1 / 3], np.float64))], [("y", np.array([1e-50, 1e50, -3.5, 1 / 3], np.float64).astype(f32))], {"to": TP.FLOAT})

group("argmax_topk")

# ArgMax.
x = np.array([[1, 5, 5, 2], [7, 7, 0, 7], [3, 1, 2, 3]], f32)
case("argmax_first", "ArgMax", [("x", x)], [("y", np.argmax(x, axis=1)[:, None])], {"axis": 1})
case("argmax_last", "ArgMax", [("x", x)], [("y", (3 - np.argmax(x[:, ::-1], axis=1)))], {"axis": -1, "keepdims": 0, "select_last_index": 1})
case("argmax_axis0", "ArgMax", [("x", x)], [("y", np.argmax(x, axis=0))], {"axis": 0, "keepdims": 0})
case("argmax_axis0_last", "ArgMax", [("x", x)], [("y", (2 - np.argmax(x[::-1], axis=0))[None])], {"axis": -2, "select_last_index": 1})
xi = np.array([[-5, -5, -9], [0, 2, 2]], np.int32)
case("argmax_int", "ArgMax", [("x", xi)], [("y", np.argmax(xi, axis=1))], {"axis": 1, "keepdims": 0})
xn = np.array([[1, nan, 5, 2], [nan, 7, 0, 8], [3, 1, 2, 3]], f32)
case("argmax_nan", "ArgMax", [("x", xn)], [("y", np.argmax(xn, axis=1))], {"axis": 1, "keepdims": 0})

# TopK.
x = np.array([[3, 1, 3, 2, 3], [0, 5, 5, -1, 4]], f32)
K = np.array([3], np.int64)
def topk(x, k, axis, largest):
    idx = np.argsort(-x if largest else x, axis=axis, kind="stable")
    idx = np.take(idx, np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis=axis), idx.astype(np.int64)
v, i = topk(x, 3, 1, True)
case("topk_ties_largest", "TopK", [("x", x)], [("v", v), ("i", i)], {"axis": -1}, inits=[("k", K)])
v, i = topk(x, 3, 1, False)
case("topk_ties_smallest", "TopK", [("x", x)], [("v", v), ("i", i)], {"axis": 1, "largest": 0}, inits=[("k", K)])
x3 = rng.integers(0, 4, (4, 3, 2)).astype(f32)
v, i = topk(x3, 2, 0, True)
case("topk_axis0", "TopK", [("x", x3)], [("v", v), ("i", i)], {"axis": 0}, inits=[("k", np.array([2], np.int64))])
xi = np.array([[3, 1, 3, 2, 3]], np.int64)
v, i = topk(xi, 5, 1, True)
case("topk_int_all", "TopK", [("x", xi)], [("v", v), ("i", i)], {}, inits=[("k", np.array([5], np.int64))])

group("scan")

# CumSum.
x = np.arange(1, 13, dtype=f32).reshape(3, 4)
def cumsum(x, axis, exclusive, reverse):
    y = np.flip(x, axis) if reverse else x
    c = np.cumsum(y, axis=axis)
    if exclusive:
        c = c - y
    return np.flip(c, axis) if reverse else c
for ex in (0, 1):
    for rev in (0, 1):
        case("cumsum_ex%d_rev%d" % (ex, rev), "CumSum", [("x", x)], [("y", cumsum(x, 1, ex, rev))],
             {"exclusive": ex, "reverse": rev}, inits=[("axis", np.array(-1, np.int32))])
case("cumsum_axis0_int", "CumSum", [("x", x.astype(np.int64))], [("y", cumsum(x.astype(np.int64), 0, 1, 1))],
     {"exclusive": 1, "reverse": 1}, inits=[("axis", np.array(0, np.int64))])

# Trilu.
x = np.arange(1, 21, dtype=f32).reshape(4, 5)
for k in (-2, -1, 0, 1, 3, 7):
    case("triu_k%d" % (k + 10), "Trilu", [("x", x)], [("y", np.triu(x, k))], {}, inits=[("k", np.array(k, np.int64))])
    case("tril_k%d" % (k + 10), "Trilu", [("x", x)], [("y", np.tril(x, k))], {"upper": 0}, inits=[("k", np.array(k, np.int64))])

group("gather_slice")

# Gather family.
data = np.arange(24, dtype=f32).reshape(2, 3, 4)
idx = np.array([[-1, 0], [2, -3]], np.int64)
case("gather_neg_axis1", "Gather", [("d", data), ("i", idx)], [("y", np.take(data, idx, axis=1))], {"axis": 1})
case("gather_neg_axis_neg", "Gather", [("d", data), ("i", np.array([-4, 3, 0], np.int32))], [("y", np.take(data, np.array([-4, 3, 0]), axis=-1))], {"axis": -1})
case("gather_scalar_idx", "Gather", [("d", data), ("i", np.array(-1, np.int64))], [("y", np.take(data, -1, axis=0))], {"axis": 0})
ge_idx = np.array([[[0, -1, 2, 1]] * 3] * 2, np.int64)
case("gather_elements_neg", "GatherElements", [("d", data), ("i", ge_idx)], [("y", np.take_along_axis(data, np.where(ge_idx < 0, ge_idx + 4, ge_idx), axis=2))], {"axis": -1})
ge_idx2 = np.array([[[1, 0, -1, 2]], [[-2, 2, 1, 0]]], np.int64)
case("gather_elements_axis1", "GatherElements", [("d", data), ("i", ge_idx2)], [("y", np.take_along_axis(data, np.where(ge_idx2 < 0, ge_idx2 + 3, ge_idx2), axis=1))], {"axis": 1})
nd_idx = np.array([[0, -1], [1, 0]], np.int64)
case("gather_nd", "GatherND", [("d", data), ("i", nd_idx)], [("y", np.stack([data[0, -1], data[1, 0]]))])
nd_idx_b = np.array([[1], [-1]], np.int64)
case("gather_nd_batch", "GatherND", [("d", data), ("i", nd_idx_b)], [("y", np.stack([data[0, 1], data[1, -1]]))], {"batch_dims": 1})
upd = np.ones((2, 4), f32) * 10
sc = data.copy()
sc[0, 2] += 10; sc[1, 0] += 10; sc[0, 2] += 10
case("scatter_nd_add", "ScatterND", [("d", data), ("i", np.array([[0, -1], [1, 0], [0, 2]], np.int64)), ("u", np.ones((3, 4), f32) * 10)],
     [("y", sc)], {"reduction": "add"}, opset=16)
sc2 = data.copy()
sc2[1] = 5
case("scatter_nd_none", "ScatterND", [("d", data), ("i", np.array([[-1]], np.int64)), ("u", np.full((1, 3, 4), 5, f32))],
     [("y", sc2)])

# Slice with negative steps and clamping (constant starts/ends/axes/steps).
x = np.arange(60, dtype=f32).reshape(3, 4, 5)
def sl(name, starts, ends, axes, steps):
    sls = [slice(None)] * 3
    for s, e, a, st in zip(starts, ends, axes, steps):
        sls[a] = slice(s, e, st)
    case(name, "Slice", [("x", x)], [("y", x[tuple(sls)])],
         inits=[("s", np.array(starts, np.int64)), ("e", np.array(ends, np.int64)),
                ("a", np.array(axes, np.int64)), ("t", np.array(steps, np.int64))])
sl("slice_neg_step", [-1], [-1000], [2], [-2])
sl("slice_neg_step_all", [10, 3], [-10, 0], [0, -2], [-1, -2])
sl("slice_neg_step_mid", [3, -2], [0, -5], [1, 2], [-1, -1])
sl("slice_big_ends", [1, -100], [2**62, 100], [0, 2], [1, 3])
sl("slice_empty", [2], [1], [1], [1])
sl("slice_neg_axes_step", [-1, 0], [0, 4], [-1, -3], [-3, 2])

group("reduce")

# Reductions.
x = rng.standard_normal((2, 3, 4)).astype(f32)
case("reduce_min_neg_nokeep", "ReduceMin", [("x", x)], [("y", np.min(x, axis=-1))], {"axes": [-1], "keepdims": 0})
case("reduce_prod", "ReduceProd", [("x", x)], [("y", np.prod(x, axis=(0, 2), keepdims=True))], {"axes": [0, 2]})
case("reduce_max_all_nokeep", "ReduceMax", [("x", x)], [("y", np.array(np.max(x), f32))], {"keepdims": 0})
case("reduce_sum_noop", "ReduceSum", [("x", x)], [("y", x)], {"noop_with_empty_axes": 1})
case("reduce_sum_nokeep_all", "ReduceSum", [("x", x)], [("y", np.array(np.sum(x), f32))], {"keepdims": 0})
xe = np.zeros((2, 0, 3), f32)
case("reduce_sum_empty", "ReduceSum", [("x", xe)], [("y", np.zeros((2, 3), f32))], {"keepdims": 0}, inits=[("axes", np.array([1], np.int64))])
case("reduce_prod_empty", "ReduceProd", [("x", xe)], [("y", np.ones((2, 1, 3), f32))], {"axes": [1]})
case("reduce_min_empty", "ReduceMin", [("x", xe)], [("y", np.full((2, 1, 3), np.inf, f32))], {"axes": [1]})
case("reduce_mean_empty", "ReduceMean", [("x", xe)], [("y", np.mean(xe, axis=1, keepdims=True))], {"axes": [1]})
xn = np.array([[1, nan, 3], [4, 5, 6]], f32)
case("reduce_max_nan", "ReduceMax", [("x", xn)], [("y", np.max(xn, axis=1))], {"axes": [1], "keepdims": 0})
case("reduce_min_nan", "ReduceMin", [("x", xn)], [("y", np.min(xn, axis=1))], {"axes": [1], "keepdims": 0})
xi = np.array([[1, -7, 3], [4, 5, 2**40]], np.int64)
case("reduce_max_int", "ReduceMax", [("x", xi)], [("y", np.max(xi, axis=0))], {"axes": [0], "keepdims": 0})
case("reduce_sum_int32", "ReduceSum", [("x", xi.astype(np.int32))], [("y", np.sum(xi.astype(np.int32), axis=1, keepdims=True).astype(np.int32))], {}, inits=[("axes", np.array([-1], np.int64))])
case("reduce_mean_int", "ReduceMean", [("x", np.array([[1, 2], [3, 6]], np.int32))], [("y", np.array([1, 4], np.int32))], {"axes": [1], "keepdims": 0})
case("reduce_mean_f16", "ReduceMean", [("x", x.astype(np.float16))], [("y", np.mean(x.astype(np.float16).astype(f32), axis=(1,)).astype(np.float16))], {"axes": [1], "keepdims": 0})

group("softmax_norm")

# Softmax on non-last axes, with -inf entries; double.
x = rng.standard_normal((2, 3, 4)).astype(f32)
x[0, 1, 2] = -np.inf
def softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
case("softmax_axis0", "Softmax", [("x", x)], [("y", softmax(x, 0))], {"axis": 0}, opset=13)
case("softmax_axis1", "Softmax", [("x", x)], [("y", softmax(x, 1))], {"axis": -2}, opset=13)
case("logsoftmax_axis1", "LogSoftmax", [("x", x)], [("y", np.log(softmax(x, 1)))], {"axis": 1}, opset=13)
xd = rng.standard_normal((3, 5)) * 30
case("softmax_f64", "Softmax", [("x", xd)], [("y", softmax(xd, 1))], {"axis": 1}, opset=13)
case("logsoftmax_f64_axis0", "LogSoftmax", [("x", xd)], [("y", np.log(softmax(xd, 0)))], {"axis": 0}, opset=13)
xh = rng.standard_normal((3, 5)).astype(np.float16)
case("softmax_f16_axis0", "Softmax", [("x", xh)], [("y", softmax(xh.astype(f32), 0).astype(np.float16))], {"axis": 0}, opset=13)
case("softmax_opset11_flatten", "Softmax", [("x", x)], [("y", softmax(x.reshape(2, 12), 1).reshape(2, 3, 4))], {"axis": 1}, opset=11)

# LayerNorm axes.
x = rng.standard_normal((2, 3, 4)).astype(f32)
sc = rng.standard_normal((3, 4)).astype(f32)
bi = rng.standard_normal((3, 4)).astype(f32)
m = x.mean(axis=(1, 2), keepdims=True)
v = ((x - m) ** 2).mean(axis=(1, 2), keepdims=True)
case("layernorm_axis1", "LayerNormalization", [("x", x), ("s", sc), ("b", bi)], [("y", (x - m) / np.sqrt(v + 1e-5) * sc + bi)], {"axis": 1})
case("layernorm_axis_neg2", "LayerNormalization", [("x", x), ("s", sc), ("b", bi)], [("y", (x - m) / np.sqrt(v + 1e-5) * sc + bi)], {"axis": -2})
sc1 = rng.standard_normal((1, 4)).astype(f32)
case("layernorm_scale_bcast", "LayerNormalization", [("x", x), ("s", sc1)], [("y", (x - m) / np.sqrt(v + 1e-5) * sc1)], {"axis": 1})
xd = rng.standard_normal((2, 5))
md = xd.mean(axis=1, keepdims=True); vd = ((xd - md) ** 2).mean(axis=1, keepdims=True)
case("layernorm_f64", "LayerNormalization", [("x", xd), ("s", np.ones(5))], [("y", (xd - md) / np.sqrt(vd + 1e-5))], {"axis": -1})

group("arith")

# Pow.
case("pow_int_big", "Pow", [("a", np.array([2, -3, 1, -1, 0, 5], np.int64)), ("b", np.array([40, 3, 1000000000, 7, 0, 2], np.int64))],
     [("c", np.array([2**40, -27, 1, -1, 1, 25], np.int64))])
case("pow_float_int", "Pow", [("a", np.array([2.0, -3.0, 0.5], f32)), ("b", np.array([3, 2, -2], np.int64))],
     [("c", np.array([8.0, 9.0, 4.0], f32))], opset=15)
case("pow_float", "Pow", [("a", np.array([2.0, -8.0, 0.0, 4.0], f32)), ("b", np.array([0.5, 1.0 / 3, -1.0, 2.5], f32))],
     [("c", np.power(np.array([2.0, -8.0, 0.0, 4.0], f32), np.array([0.5, 1.0 / 3, -1.0, 2.5], f32)))])

# Misc elementwise.
case("abs_neg_int8", None, [("x", np.array([-128 + 1, -5, 0, 7], np.int8))], [("a", np.array([127, 5, 0, 7], np.int8)), ("n", np.array([127, 5, 0, -7], np.int8))],
     nodes=[helper.make_node("Abs", ["x"], ["a"]), helper.make_node("Neg", ["x"], ["n"])])
case("sign", "Sign", [("x", np.array([-2.0, 0.0, 3.5, -0.0, nan], f32))], [("y", np.sign(np.array([-2.0, 0.0, 3.5, -0.0, nan], f32)))])
case("sign_int", "Sign", [("x", np.array([-2, 0, 3], np.int32))], [("y", np.array([-1, 0, 1], np.int32))])
case("isinf", "IsInf", [("x", np.array([np.inf, -np.inf, 0, nan], f32))], [("y", np.array([True, False, False, False]))], {"detect_negative": 0})
case("isnan", "IsNaN", [("x", np.array([np.inf, -np.inf, 0, nan], f32))], [("y", np.array([False, False, False, True]))])
x = np.array([-3.0, -0.5, 0.0, 0.5, 3.0, nan], f32)
case("clip", "Clip", [("x", x)], [("y", np.clip(x, -1.0, 2.0))], inits=[("lo", np.array(-1.0, f32)), ("hi", np.array(2.0, f32))], opset=13)
case("clip_int", "Clip", [("x", np.array([-5, 0, 9], np.int32))], [("y", np.array([-2, 0, 4], np.int32))], inits=[("lo", np.array(-2, np.int32)), ("hi", np.array(4, np.int32))], opset=13)
case("sigmoid_extreme", "Sigmoid", [("x", np.array([-100, -20, 0, 20, 100, nan], f32))], [("y", 1 / (1 + np.exp(-np.array([-100, -20, 0, 20, 100, nan], np.float64))).astype(f32))])
case("tanh_extreme", "Tanh", [("x", np.array([-100, -5, -1e-3, 0, 1e-3, 0.6, 0.7, 5, 100, nan], f32))], [("y", np.tanh(np.array([-100, -5, -1e-3, 0, 1e-3, 0.6, 0.7, 5, 100, nan], f32)))])
xe = np.linspace(-6, 6, 49).astype(f32)
case("erf_range", "Erf", [("x", xe)], [("y", np.array([math.erf(v) for v in xe], f32))])
case("exp_extreme", "Exp", [("x", np.array([-200, -88, -87, 0, 88, 89, 200, nan, -np.inf, np.inf], f32))], [("y", np.exp(np.array([-200, -88, -87, 0, 88, 89, 200, nan, -np.inf, np.inf], np.float64)).astype(f32))])
case("log_edges", "Log", [("x", np.array([0.0, -1.0, 1.0, np.inf, 1e-40], f32))], [("y", np.log(np.array([0.0, -1.0, 1.0, np.inf, 1e-40], f32)))])
case("reciprocal_zero", "Reciprocal", [("x", np.array([0.0, -0.0, 2.0], f32))], [("y", np.array([np.inf, -np.inf, 0.5], f32))])
case("div_float_zero", "Div", [("a", np.array([1.0, -1.0, 0.0], f32)), ("b", np.array([0.0, 0.0, 0.0], f32))], [("c", np.array([np.inf, -np.inf, nan], f32))])
case("relu_int", "Relu", [("x", np.array([-3, 0, 4], np.int32))], [("y", np.array([0, 0, 4], np.int32))], opset=14)
case("leaky_relu", "LeakyRelu", [("x", np.array([-3.0, 0.0, 4.0], f32))], [("y", np.array([-0.03, 0.0, 4.0], f32))], {"alpha": 0.01})
case("elu", "Elu", [("x", np.array([-3.0, 0.0, 4.0], f32))], [("y", np.array([np.expm1(-3.0), 0.0, 4.0], f32))])
case("softplus", "Softplus", [("x", np.array([-100.0, -3.0, 0.0, 4.0, 100.0], f32))], [("y", np.log1p(np.exp(np.array([-100.0, -3.0, 0.0, 4.0, 100.0]))).astype(f32))])
case("hardsigmoid", "HardSigmoid", [("x", np.array([-5.0, 0.0, 1.0, 5.0], f32))], [("y", np.clip(np.array([-5.0, 0.0, 1.0, 5.0]) * 0.2 + 0.5, 0, 1).astype(f32))])
case("xor_bool_bcast", "Xor", [("a", np.array([[True], [False]])), ("b", np.array([True, False, True]))], [("c", np.logical_xor(np.array([[True], [False]]), np.array([True, False, True])))])
case("and_or", None, [("a", np.array([True, True, False, False])), ("b", np.array([True, False, True, False]))],
     [("c", np.array([True, False, False, False])), ("d", np.array([True, True, True, False])), ("e", np.array([False, False, True, True]))],
     nodes=[helper.make_node("And", ["a", "b"], ["c"]), helper.make_node("Or", ["a", "b"], ["d"]), helper.make_node("Not", ["a"], ["e"])])
case("greater_uint8", "Greater", [("a", np.array([0, 200, 255], np.uint8)), ("b", np.array([1, 100, 255], np.uint8))], [("c", np.array([False, True, False]))])
case("less_equal_nan", "LessOrEqual", [("a", np.array([1.0, nan, 2.0], f32)), ("b", np.array([1.0, 1.0, nan], f32))], [("c", np.array([True, False, False]))])
case("equal_int_bcast", "Equal", [("a", np.array([[1, 2, 3]], np.int64)), ("b", np.array([[1], [3]], np.int64))], [("c", np.array([[1, 2, 3]]) == np.array([[1], [3]]))])
case("where_bcast_int", "Where", [("c", np.array([[True, False, True]])), ("x", np.array([[1], [2]], np.int64)), ("y", np.array(-1, np.int64))],
     [("z", np.where(np.array([[True, False, True]]), np.array([[1], [2]]), -1).astype(np.int64))])
case("sum_mean_variadic", None, [("a", np.array([1.0, 2.0], f32)), ("b", np.array([[3.0], [4.0]], f32)), ("c", np.array(5.0, f32))],
     [("s", np.array([1.0, 2.0], f32) + np.array([[3.0], [4.0]], f32) + 5), ("m", (np.array([1.0, 2.0], f32) + np.array([[3.0], [4.0]], f32) + 5) / 3)],
     nodes=[helper.make_node("Sum", ["a", "b", "c"], ["s"]), helper.make_node("Mean", ["a", "b", "c"], ["m"])])

group("empty")

# Empty tensors.
case("add_empty", "Add", [("a", np.zeros((0, 3), f32)), ("b", np.ones((1, 3), f32))], [("c", np.zeros((0, 3), f32))])
case("concat_empty", "Concat", [("a", np.zeros((2, 0), f32)), ("b", np.ones((2, 3), f32)), ("c", np.zeros((2, 0), f32))], [("d", np.ones((2, 3), f32))], {"axis": 1})
case("matmul_k0", "MatMul", [("a", np.zeros((2, 0), f32)), ("b", np.zeros((0, 3), f32))], [("c", np.zeros((2, 3), f32))])
case("matmul_m0", "MatMul", [("a", np.zeros((0, 4), f32)), ("b", np.ones((4, 3), f32))], [("c", np.zeros((0, 3), f32))])
case("matmul_int_k0", "MatMul", [("a", np.zeros((2, 0), np.int32)), ("b", np.zeros((0, 3), np.int32))], [("c", np.zeros((2, 3), np.int32))])
case("transpose_empty", "Transpose", [("a", np.zeros((2, 0, 3), f32))], [("c", np.zeros((3, 2, 0), f32))], {"perm": [2, 0, 1]})
case("softmax_empty", "Softmax", [("a", np.zeros((0, 3), f32))], [("c", np.zeros((0, 3), f32))], {"axis": 1}, opset=13)
case("softmax_empty_axis", "Softmax", [("a", np.zeros((2, 0), f32))], [("c", np.zeros((2, 0), f32))], {"axis": 1}, opset=13)
case("reduce_max_empty_out", "ReduceMax", [("a", np.zeros((0, 3), f32))], [("c", np.zeros((0,), f32))], {"axes": [1], "keepdims": 0})
case("gather_empty_idx", "Gather", [("d", np.ones((3, 4), f32)), ("i", np.zeros((0,), np.int64))], [("y", np.zeros((0, 4), f32))], {"axis": 0})
case("cumsum_empty", "CumSum", [("x", np.zeros((0, 3), f32))], [("y", np.zeros((0, 3), f32))], inits=[("axis", np.array(1, np.int64))])
case("layernorm_empty_rows", "LayerNormalization", [("x", np.zeros((0, 4), f32)), ("s", np.ones(4, f32))], [("y", np.zeros((0, 4), f32))], {"axis": -1})
case("argmax_empty_outer", "ArgMax", [("x", np.zeros((0, 4), f32))], [("y", np.zeros((0,), np.int64))], {"axis": 1, "keepdims": 0})
case("tile_empty", "Tile", [("x", np.ones((2, 3), f32))], [("y", np.ones((0, 6), f32))], inits=[("r", np.array([0, 2], np.int64))])
case("expand_empty", "Expand", [("x", np.ones((1, 3), f32))], [("y", np.ones((0, 3), f32))], inits=[("s", np.array([0, 1], np.int64))])
case("where_empty", "Where", [("c", np.zeros((0, 2), bool)), ("x", np.ones((1, 2), f32)), ("y", np.ones((0, 1), f32))], [("z", np.ones((0, 2), f32))])
case("trilu_empty", "Trilu", [("x", np.ones((2, 0, 3), f32))], [("y", np.ones((2, 0, 3), f32))])
case("split_uneven", "Split", [("x", np.arange(7, dtype=f32))], [("a", np.arange(2, dtype=f32)), ("b", np.arange(2, 7, dtype=f32)), ("c", np.zeros(0, f32))], {"axis": 0},
     inits=[("sp", np.array([2, 5, 0], np.int64))], opset=13)

group("movement")

# Broadcasting and movement.
x = rng.standard_normal((2, 1, 4)).astype(f32)
y = rng.standard_normal((3, 1)).astype(f32)
case("add_bcast3", "Add", [("x", x), ("y", y)], [("z", x + y)])
case("expand_bcast", "Expand", [("x", x)], [("y", np.broadcast_to(x, (3, 2, 5, 4)).copy())], inits=[("s", np.array([3, 1, 5, 1], np.int64))])
case("expand_lower_rank", "Expand", [("x", x)], [("y", np.broadcast_to(x, (2, 3, 4)).copy())], inits=[("s", np.array([3, 1], np.int64))])
case("tile", "Tile", [("x", x)], [("y", np.tile(x, (2, 3, 1)))], inits=[("r", np.array([2, 3, 1], np.int64))])
xt = rng.standard_normal((2, 3, 4, 5)).astype(f32)
case("transpose_4d", "Transpose", [("x", xt)], [("y", np.transpose(xt, (3, 1, 0, 2)))], {"perm": [3, 1, 0, 2]})
case("transpose_default", "Transpose", [("x", xt)], [("y", np.transpose(xt))])
case("squeeze_neg", "Squeeze", [("x", np.ones((1, 3, 1), f32))], [("y", np.ones((1, 3), f32))], inits=[("a", np.array([-1], np.int64))], opset=13)
case("unsqueeze_neg", "Unsqueeze", [("x", np.ones((3, 2), f32))], [("y", np.ones((3, 1, 2, 1), f32))], inits=[("a", np.array([-1, 1], np.int64))], opset=13)
case("flatten_neg", "Flatten", [("x", xt)], [("y", xt.reshape(6, 20))], {"axis": -2})
case("concat_neg_axis", "Concat", [("a", np.ones((2, 3), f32)), ("b", np.zeros((2, 1), f32))], [("c", np.concatenate([np.ones((2, 3), f32), np.zeros((2, 1), f32)], axis=-1))], {"axis": -1})
case("einsum_bmm", "Einsum", [("a", xt[0]), ("b", xt[1])], [("c", np.einsum("ijk,ijl->ikl", xt[0], xt[1]))], {"equation": "ijk,ijl->ikl"})
A = rng.standard_normal((4, 3)).astype(f32); B = rng.standard_normal((5, 4)).astype(f32); C = np.arange(5, dtype=f32)
case("gemm_trans", "Gemm", [("a", A), ("b", B), ("c", C)], [("y", 0.5 * A.T @ B.T + 2.0 * C)], {"transA": 1, "transB": 1, "alpha": 0.5, "beta": 2.0})
Ai = rng.integers(-5, 5, (2, 3, 4)).astype(np.int32); Bi = rng.integers(-5, 5, (4, 2)).astype(np.int32)
case("matmul_int32", "MatMul", [("a", Ai), ("b", Bi)], [("c", Ai @ Bi)])
case("matmul_vec", "MatMul", [("a", np.arange(4, dtype=f32)), ("b", xt[0])], [("c", np.arange(4, dtype=f32) @ xt[0])])
case("matmul_vec_r", "MatMul", [("a", xt[0]), ("b", np.arange(5, dtype=f32))], [("c", xt[0] @ np.arange(5, dtype=f32))])
case("matmul_f16", "MatMul", [("a", Ai.astype(np.float16)), ("b", Bi.astype(np.float16))], [("c", (Ai @ Bi).astype(np.float16))])
case("matmul_f64", "MatMul", [("a", Ai.astype(np.float64)), ("b", Bi.astype(np.float64))], [("c", (Ai @ Bi).astype(np.float64))])
a4 = rng.standard_normal((2, 1, 3, 4)).astype(f32); b3 = rng.standard_normal((3, 4, 2)).astype(f32)
case("matmul_bcast_batch", "MatMul", [("a", a4), ("b", b3)], [("c", a4 @ b3)])


group("edges")

# More edge cases.
x = np.array([[-np.inf, -np.inf, -np.inf], [1.0, -np.inf, 2.0]], f32)
case("softmax_all_neginf", "Softmax", [("x", x)], [("y", softmax(x, 1))], {"axis": 1}, opset=13)
case("logsoftmax_all_neginf", "LogSoftmax", [("x", x)], [("y", np.log(softmax(x, 1)))], {"axis": 1}, opset=13)
case("softmax_all_neginf_axis0", "Softmax", [("x", x.T.copy())], [("y", softmax(x.T, 0))], {"axis": 0}, opset=13)
xt = np.array([[3, nan, 1, 5, nan, 2]], f32)
case("topk_nan_largest", "TopK", [("x", xt)], [("v", np.array([[nan, nan, 5, 3]], f32)), ("i", np.array([[1, 4, 3, 0]], np.int64))], {}, inits=[("k", np.array([4], np.int64))])
case("topk_nan_smallest", "TopK", [("x", xt)], [("v", np.array([[1, 2, 3, 5]], f32)), ("i", np.array([[2, 5, 0, 3]], np.int64))], {"largest": 0}, inits=[("k", np.array([4], np.int64))])
case("pow_int_neg_exp", "Pow", [("a", np.array([2, -1, -1, 1, 3], np.int32)), ("b", np.array([-1, -3, -2, -5, 0], np.int32))], [("c", np.array([0, -1, 1, 1, 1], np.int32))])
case("div_int_min", "Div", [("a", np.array([-2**31, 7], np.int32)), ("b", np.array([-1, -1], np.int32))], [("c", np.array([-2**31, -7], np.int32))])
xn = np.array([[1, nan, 5, nan], [nan, 7, 0, 8]], f32)
case("argmax_nan_last", "ArgMax", [("x", xn)], [("y", np.array([3, 0], np.int64))], {"axis": 1, "keepdims": 0, "select_last_index": 1})
case("sign_f16", "Sign", [("x", np.array([-2.0, 0.0, 3.5, nan], np.float16))], [("y", np.array([-1.0, 0.0, 1.0, nan], np.float16))])
case("mod_int_min", "Mod", [("a", np.array([-2**31, 7, -2**31], np.int32)), ("b", np.array([-1, -1, 3], np.int32))], [("c", np.mod(np.array([-2**31, 7, -2**31], np.int64), np.array([-1, -1, 3])).astype(np.int32))])
case("mod_int64_min", "Mod", [("a", np.array([-2**63, 7], np.int64)), ("b", np.array([-1, -1], np.int64))], [("c", np.array([0, 0], np.int64))])
case("div_int64_min", "Div", [("a", np.array([-2**63, 7], np.int64)), ("b", np.array([-1, -1], np.int64))], [("c", np.array([-2**63, -7], np.int64))])
case("mod_f16", "Mod", [("a", np.array([-7.5, 7.5, 5.0], np.float16)), ("b", np.array([2.0, -2.0, 3.0], np.float16))], [("c", np.fmod(np.array([-7.5, 7.5, 5.0], np.float16), np.array([2.0, -2.0, 3.0], np.float16)))], {"fmod": 1})
case("add_bf16", "Add", [("a", BF16(np.array([1.0, 2.5, -3.0, 1e30], f32))), ("b", BF16(np.array([0.00390625, 2.5, 1.0, 1e30], f32)))], [("c", BF16(np.array([1.0, 5.0, -2.0, 2e30], f32)))])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_semantic_tests.py OUT_DIR")
    write_models(sys.argv[1])
