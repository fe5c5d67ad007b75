#!/usr/bin/python3
"""Writes the small ONNX models that the importer's lit tests read.

Run with Debian's python3 (onnx 1.12 + numpy) from anywhere:

    /usr/bin/python3 test/frontend/onnx/make_fixtures.py

Every model lands in test/frontend/onnx/Inputs/. The output is deterministic
(fixed seeds, no timestamps), so rerunning it leaves git clean unless this
script changed. onnx 1.12 knows opsets up to 17: models of newer opsets set
opset_import by hand and skip the checker and shape inference. Models that
are broken on purpose (err_*.onnx, for errors.test) skip them too.
"""

import os

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import external_data_helper, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Inputs")
RNG = np.random.default_rng(0)


class Graph:
    """A graph under construction: inputs, nodes, initializers, outputs."""

    def __init__(self, name, opset=17, ir_version=None, extra_opsets=()):
        self.name = name
        self.opset = opset
        self.ir_version = ir_version
        self.extra_opsets = list(extra_opsets)
        self.inputs, self.outputs, self.nodes, self.inits = [], [], [], []
        self.counter = 0

    def input(self, name, dtype, shape):
        self.inputs.append(helper.make_tensor_value_info(name, dtype, shape))
        return name

    def init(self, name, value):
        """Adds an initializer from a numpy array or a ready TensorProto."""
        tensor = value if isinstance(value, TP) else numpy_helper.from_array(value, name)
        tensor.name = name
        self.inits.append(tensor)
        return name

    def node(self, op, inputs, n_out=1, name=None, domain="", outputs=None, **attrs):
        """Adds a node named `<op>_<k>` (or `name`) with `n_out` outputs named
        after it; returns its output name(s)."""
        self.counter += 1
        name = name or "%s_%d" % (op.lower(), self.counter)
        if outputs is None:
            outputs = [name] if n_out == 1 else ["%s_%d" % (name, i) for i in range(n_out)]
        self.nodes.append(helper.make_node(op, list(inputs), outputs, name=name, domain=domain,
                                           **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def const(self, value, name=None):
        """A Constant node holding `value` (a numpy array)."""
        self.counter += 1
        name = name or "const_%d" % self.counter
        self.nodes.append(helper.make_node("Constant", [], [name], name=name,
                                           value=numpy_helper.from_array(np.asarray(value))))
        return name

    def output(self, name, dtype=None, shape=None):
        """Declares a graph output; dtype None takes the inferred type."""
        self.outputs.append((name, dtype, shape))
        return name

    def model(self, infer=True):
        opsets = [helper.make_opsetid("", self.opset)] + [helper.make_opsetid(d, v)
                                                         for d, v in self.extra_opsets]
        known = self.opset <= 17 and not self.extra_opsets
        pending = [helper.make_tensor_value_info(n, d if d is not None else TP.UNDEFINED, s)
                   for n, d, s in self.outputs]
        graph = helper.make_graph(self.nodes, self.name, self.inputs, pending, self.inits)
        model = helper.make_model(graph, opset_imports=opsets, producer_name="make_fixtures")
        model.ir_version = self.ir_version or (8 if known else 10)
        if infer and known:
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
            types = {v.name: v.type for v in list(inferred.graph.value_info)
                     + list(inferred.graph.output) + list(inferred.graph.input)}
            for out, (name, dtype, _) in zip(model.graph.output, self.outputs):
                if dtype is None and name in types:
                    out.type.CopyFrom(types[name])
                    # Shape inference names the dims it cannot relate to
                    # the inputs unk__N; leave those unnamed.
                    for dim in out.type.tensor_type.shape.dim:
                        if dim.dim_param.startswith("unk__"):
                            dim.ClearField("dim_param")
        missing = [o.name for o in model.graph.output if o.type.tensor_type.elem_type == 0]
        if infer and missing:
            raise ValueError("%s: give the type of outputs %s" % (self.name, missing))
        if infer and known:
            onnx.checker.check_model(model)
        return model

    def save(self, filename=None, infer=True):
        save(self.model(infer), filename or self.name + ".onnx")


def save(model, filename):
    with open(os.path.join(OUT, filename), "wb") as f:
        f.write(model.SerializeToString())


def write_bytes(filename, data):
    with open(os.path.join(OUT, filename), "wb") as f:
        f.write(data)


def pack4(values):
    """Packs 4-bit values two a byte, low nibble first, as ONNX stores them."""
    nibbles = [v & 0xF for v in values] + [0] * (len(values) % 2)
    return bytes(lo | (hi << 4) for lo, hi in zip(nibbles[::2], nibbles[1::2]))


F, I64, B = TP.FLOAT, TP.INT64, TP.BOOL

#===----------------------------------------------------------------------===#
# Elementwise ops (elementwise.test)
#===----------------------------------------------------------------------===#


def elementwise():
    g = Graph("elementwise", opset=17)
    x = g.input("x", F, [2, 3])
    y = g.input("y", F, [3])
    z = g.input("z", F, [2, 1])
    for op in ["Abs", "Ceil", "Cos", "Erf", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Relu",
               "Sigmoid", "Sin", "Sqrt", "Tanh", "IsNaN", "Identity"]:
        g.output(g.node(op, [x], name=op.lower()))
    # Binary ops broadcast [2, 3] with [3].
    for op in ["Add", "Sub", "Mul", "Div", "Pow", "Equal", "Greater", "GreaterOrEqual", "Less",
               "LessOrEqual"]:
        g.output(g.node(op, [x, y], name=op.lower()))
    g.output(g.node("Mod", [x, y], name="fmod", fmod=1))
    g.output(g.node("Round", [x], name="round"))
    # Variadic ops with three operands broadcast pairwise.
    for op in ["Max", "Min", "Sum", "Mean"]:
        g.output(g.node(op, [x, y, z], name=op.lower()))
    g.save()

    # Integer and bool ops, and Pow with an integer exponent.
    g = Graph("elementwise_int", opset=17)
    i = g.input("i", I64, [4])
    j = g.input("j", I64, [4])
    p = g.input("p", B, [4])
    q = g.input("q", B, [4])
    f = g.input("f", F, [4])
    g.output(g.node("Mod", [i, j], name="mod"))
    g.output(g.node("Abs", [i], name="abs"))
    g.output(g.node("Neg", [i], name="neg"))
    for op in ["And", "Or", "Xor"]:
        g.output(g.node(op, [p, q], name=op.lower()))
    g.output(g.node("Not", [p], name="not"))
    g.output(g.node("Where", [p, f, g.const(np.float32(0))], name="where"))
    g.output(g.node("Pow", [f, i], name="pow_int_exponent"))
    g.save()

    # Cast and CastLike; Clip with attributes (opset 6) and inputs (opset 13).
    g = Graph("cast", opset=17)
    x = g.input("x", F, [2, 3])
    h = g.input("h", TP.FLOAT16, [2, 3])
    g.output(g.node("Cast", [x], name="to_f16", to=TP.FLOAT16))
    g.output(g.node("Cast", [x], name="to_bf16", to=TP.BFLOAT16))
    g.output(g.node("Cast", [x], name="to_i8", to=TP.INT8))
    g.output(g.node("Cast", [x], name="to_bool", to=TP.BOOL))
    g.output(g.node("Cast", [x], name="same", to=TP.FLOAT))
    g.output(g.node("CastLike", [x, h], name="like_f16"))
    g.output(g.node("Clip", [x, g.const(np.float32(-1)), g.const(np.float32(1))],
                    name="clip_both"))
    g.output(g.node("Clip", [x, "", g.const(np.float32(6))], name="clip_max"))
    g.save()

    g = Graph("clip_opset6", opset=7)
    x = g.input("x", F, [2, 3])
    g.output(g.node("Clip", [x], name="clip", min=0.0, max=6.0))
    g.output(g.node("Clip", [x], name="clip_min", min=-2.0))
    g.output(g.node("Dropout", [x], name="dropout", ratio=0.1))
    g.save()

    # Dropout from opset 12: ratio and training_mode are inputs; the mask
    # output is all true in inference.
    g = Graph("dropout", opset=13)
    x = g.input("x", F, [2, 3])
    out, mask = g.node("Dropout", [x, g.const(np.float32(0.5)), g.const(np.bool_(False))],
                       n_out=2, name="dropout")
    g.output(out)
    g.output(mask)
    g.save()

    # Gelu is in ai.onnx from opset 20.
    g = Graph("gelu", opset=20)
    x = g.input("x", F, [2, 3])
    g.output(g.node("Gelu", [x], name="gelu"), F, [2, 3])
    g.output(g.node("Gelu", [x], name="gelu_tanh", approximate="tanh"), F, [2, 3])
    g.save()


def activations():
    # Activations without an llm op of their own are decomposed.
    g = Graph("activations", opset=18)
    x = g.input("x", F, [2, 3])
    for op, attrs in [("Elu", {"alpha": 0.5}), ("HardSigmoid", {}), ("HardSwish", {}),
                      ("IsInf", {}), ("LeakyRelu", {"alpha": 0.1}), ("Mish", {}), ("Sign", {}),
                      ("Softplus", {})]:
        g.output(g.node(op, [x], name=op.lower(), **attrs),
                 B if op == "IsInf" else F, [2, 3])
    g.save()

    # Swish (opset 24) with alpha 1 is SiLU.
    g = Graph("swish", opset=24)
    x = g.input("x", F, [2, 3])
    g.output(g.node("Swish", [x], name="swish"), F, [2, 3])
    g.save()


#===----------------------------------------------------------------------===#
# Matmul, Gemm and normalizations (linalg.test)
#===----------------------------------------------------------------------===#


def linalg():
    g = Graph("linalg", opset=17)
    a = g.input("a", F, ["batch", 4, 8])
    m = g.input("m", F, [3, 8])
    w = g.init("w", RNG.standard_normal((8, 16)).astype(np.float32))
    wt = g.init("wt", RNG.standard_normal((16, 8)).astype(np.float32))
    bias = g.init("bias", RNG.standard_normal((16,)).astype(np.float32))
    c2 = g.init("c2", RNG.standard_normal((3, 16)).astype(np.float32))
    g.output(g.node("MatMul", [a, w], name="matmul"))
    g.output(g.node("Gemm", [m, w, bias], name="gemm_bias"))
    g.output(g.node("Gemm", [m, wt, bias], name="gemm_transb", transB=1))
    g.output(g.node("Gemm", [m, w, c2], name="gemm_alpha_beta", alpha=0.5, beta=2.0))
    g.output(g.node("Gemm", [g.node("Transpose", [m], name="mt"), w], name="gemm_transa",
                    transA=1))
    scale = g.init("ln_scale", np.ones(8, np.float32))
    shift = g.init("ln_bias", np.zeros(8, np.float32))
    y, mean, inv = g.node("LayerNormalization", [a, scale, shift], n_out=3,
                          name="layer_norm", epsilon=1e-6)
    g.output(y)
    g.output(mean)
    g.output(inv)
    # Einsum as transposes and a batched matmul.
    g.output(g.node("Einsum", [a, g.input("e", F, ["batch", 8, 5])], name="einsum_bmm",
                    equation="bij,bjk->bik"))
    g.output(g.node("Einsum", [m], name="einsum_transpose", equation="ij->ji"))
    g.save()

    # ONNX Runtime registers SimplifiedLayerNormalization (RMS norm) in the
    # default domain; exporters of its graphs use it there.
    g = Graph("simplified_layer_norm", opset=17)
    x = g.input("x", F, ["batch", 8])
    g.node("SimplifiedLayerNormalization", [x, g.init("gamma", np.ones(8, np.float32))],
           outputs=["y"], name="sln", axis=-1, epsilon=1e-6)
    g.output("y", F, ["batch", 8])
    g.save(infer=False)

    g = Graph("rms_norm", opset=23)
    x = g.input("x", F, ["batch", 4, 8])
    scale = g.init("scale", np.ones(8, np.float32))
    g.output(g.node("RMSNormalization", [x, scale], name="rms", epsilon=1e-6), F,
             ["batch", 4, 8])
    g.save()


#===----------------------------------------------------------------------===#
# Reductions, softmax, cumsum, trilu (reductions.test)
#===----------------------------------------------------------------------===#


def reductions():
    # Opset 11: axes are attributes.
    g = Graph("reduce_opset11", opset=11)
    x = g.input("x", F, [2, 3, 4])
    g.output(g.node("ReduceSum", [x], name="sum", axes=[1]))
    g.output(g.node("ReduceMean", [x], name="mean", axes=[-1], keepdims=0))
    g.output(g.node("ReduceMax", [x], name="max", axes=[0, 2]))
    g.output(g.node("ReduceMin", [x], name="min"))
    g.output(g.node("ReduceProd", [x], name="prod", axes=[1], keepdims=0))
    g.output(g.node("ArgMax", [x], name="argmax", axis=1, keepdims=0))
    # Before opset 13 Softmax coerces the input to 2-D at `axis`.
    g.output(g.node("Softmax", [x], name="softmax_axis1", axis=1))
    g.output(g.node("Softmax", [x], name="softmax_last", axis=2))
    g.output(g.node("LogSoftmax", [x], name="log_softmax_default"))
    g.save()

    # Opset 18: axes are an input; ReduceSum's since opset 13.
    g = Graph("reduce_opset18", opset=18)
    x = g.input("x", F, [2, 3, 4])
    axes = g.const(np.array([1], np.int64), "axes")
    g.output(g.node("ReduceSum", [x, axes], name="sum"), F, [2, 1, 4])
    g.output(g.node("ReduceMean", [x, axes], name="mean", keepdims=0), F, [2, 4])
    g.output(g.node("ReduceMax", [x, axes], name="max"), F, [2, 1, 4])
    g.output(g.node("ReduceMin", [x], name="min_all", keepdims=0), F, [])
    g.output(g.node("ReduceProd", [x, g.const(np.array([-1, 0], np.int64))], name="prod"),
             F, [1, 3, 1])
    g.output(g.node("ReduceSum", [x], name="sum_noop", noop_with_empty_axes=1), F, [2, 3, 4])
    g.output(g.node("Softmax", [x], name="softmax_axis1", axis=1), F, [2, 3, 4])
    g.output(g.node("LogSoftmax", [x], name="log_softmax"), F, [2, 3, 4])
    g.save()

    g = Graph("scan_ops", opset=17)
    x = g.input("x", F, [2, 5, 5])
    g.output(g.node("CumSum", [x, g.const(np.int64(1))], name="cumsum"))
    g.output(g.node("CumSum", [x, g.const(np.int32(-1))], name="cumsum_rev", exclusive=1,
                    reverse=1))
    g.output(g.node("Trilu", [x], name="triu"))
    g.output(g.node("Trilu", [x, g.const(np.int64(-1))], name="tril", upper=0))
    g.save()


#===----------------------------------------------------------------------===#
# Shape ops (shapes.test)
#===----------------------------------------------------------------------===#


def shapes():
    g = Graph("shapes", opset=17)
    x = g.input("x", F, ["batch", "seq", 8])
    shape = g.node("Shape", [x], name="shape")
    g.output(shape)
    g.output(g.node("Shape", [x], name="shape_tail", start=-2))
    g.output(g.node("Size", [x], name="size"))
    # ConstantOfShape from a shape sub-graph and from a constant.
    g.output(g.node("ConstantOfShape", [shape], name="zeros"))
    g.output(g.node("ConstantOfShape", [g.const(np.array([2, 3], np.int64))], name="ones_i64",
                    value=numpy_helper.from_array(np.array([1], np.int64))))
    # Range: constant (folded) and symbolic.
    g.output(g.node("Range", [g.const(np.int64(0)), g.const(np.int64(5)),
                              g.const(np.int64(2))], name="range_const"))
    seq = g.node("Gather", [shape, g.const(np.int64(1))], name="seq")
    g.output(g.node("Range", [g.const(np.int64(0)), seq, g.const(np.int64(1))],
                    name="range_seq"))
    g.output(g.node("Expand", [g.const(np.ones((1, 8), np.float32)), shape], name="expand"))
    g.output(g.node("Tile", [x, g.const(np.array([1, 2, 1], np.int64))], name="tile"))
    g.save()

    # Constant's attribute forms.
    g = Graph("constants", opset=17)
    g.output(g.node("Constant", [], name="c_tensor",
                    value=numpy_helper.from_array(np.arange(4, dtype=np.float32))))
    g.output(g.node("Constant", [], name="c_float", value_float=2.5))
    g.output(g.node("Constant", [], name="c_floats", value_floats=[1.0, 2.0]))
    g.output(g.node("Constant", [], name="c_int", value_int=7))
    g.output(g.node("Constant", [], name="c_ints", value_ints=[1, 2, 3]))
    g.save()


#===----------------------------------------------------------------------===#
# Reshape, transpose, squeeze, concat (reshape.test)
#===----------------------------------------------------------------------===#


def reshape():
    g = Graph("reshape", opset=17)
    x = g.input("x", F, ["batch", 4, 6])
    g.output(g.node("Reshape", [x, g.const(np.array([0, -1], np.int64))], name="copy_and_infer"))
    g.output(g.node("Reshape", [x, g.const(np.array([0, 4, 2, 3], np.int64))], name="split_dim"))
    g.output(g.node("Reshape", [g.const(np.zeros((2, 0), np.float32)),
                                g.const(np.array([0, 5], np.int64))], name="allowzero",
                    allowzero=1))
    g.output(g.node("Flatten", [x], name="flatten"))
    g.output(g.node("Flatten", [x], name="flatten_axis0", axis=0))
    g.output(g.node("Transpose", [x], name="transpose_default"))
    g.output(g.node("Transpose", [x], name="transpose", perm=[0, 2, 1]))
    g.output(g.node("Concat", [x, x], name="concat", axis=-1))
    g.save()

    # Squeeze/Unsqueeze: axes attribute before opset 13, input from 13.
    g = Graph("squeeze_opset11", opset=11)
    x = g.input("x", F, [1, 3, 1, 4])
    g.output(g.node("Squeeze", [x], name="squeeze", axes=[0]))
    g.output(g.node("Squeeze", [x], name="squeeze_all"), F, [3, 4])
    g.output(g.node("Unsqueeze", [x], name="unsqueeze", axes=[-1, 1]))
    g.save()

    g = Graph("squeeze_opset13", opset=13)
    x = g.input("x", F, [1, 3, 1, 4])
    g.output(g.node("Squeeze", [x, g.const(np.array([2], np.int64))], name="squeeze"))
    g.output(g.node("Squeeze", [x], name="squeeze_all"), F, [3, 4])
    g.output(g.node("Unsqueeze", [x, g.const(np.array([0, 5], np.int64))], name="unsqueeze"))
    g.save()


#===----------------------------------------------------------------------===#
# Slice, Split, Gather (slice.test)
#===----------------------------------------------------------------------===#


def slicing():
    # Slice before opset 10: starts/ends/axes are attributes.
    g = Graph("slice_opset9", opset=9)
    x = g.input("x", F, [4, 10])
    g.output(g.node("Slice", [x], name="slice", starts=[1], ends=[1000], axes=[1]))
    g.output(g.node("Slice", [x], name="slice_default_axes", starts=[0, 2], ends=[2, -1]))
    g.save()

    g = Graph("slice_opset13", opset=13)
    x = g.input("x", F, ["batch", 10])
    i64 = lambda *v: g.const(np.array(v, np.int64))
    g.output(g.node("Slice", [x, i64(2), i64(8), i64(1)], name="slice"))
    g.output(g.node("Slice", [x, i64(-1), i64(-(2 ** 63)), i64(1), i64(-1)], name="reverse"))
    g.output(g.node("Slice", [x, i64(0, 1), i64(2 ** 63 - 1, 9), i64(0, 1), i64(1, 3)],
                    name="strided"))
    g.save()

    # Split: sizes as an attribute (opset 11), as an input (13), equal parts
    # (13), num_outputs with a smaller last part (18).
    g = Graph("split_opset11", opset=11)
    x = g.input("x", F, [2, 6])
    for out in g.node("Split", [x], n_out=2, name="split", axis=1, split=[2, 4]):
        g.output(out)
    g.save()

    g = Graph("split_opset13", opset=13)
    x = g.input("x", F, [2, 6])
    d = g.input("d", F, ["n", 6])
    for out in g.node("Split", [x, g.const(np.array([1, 5], np.int64))], n_out=2,
                      name="split", axis=-1):
        g.output(out)
    for out in g.node("Split", [x], n_out=3, name="split_equal", axis=1):
        g.output(out)
    for out in g.node("Split", [d], n_out=2, name="split_dynamic", axis=0):
        g.output(out)
    g.save()

    g = Graph("split_opset18", opset=18)
    x = g.input("x", F, [2, 7])
    for k, out in enumerate(g.node("Split", [x], n_out=3, name="split", axis=1,
                                   num_outputs=3)):
        g.output(out, F, [2, 3 if k < 2 else 1])
    g.save()

    g = Graph("gather_scatter", opset=17)
    data = g.input("data", F, [3, 4])
    g.output(g.node("GatherElements", [data, g.const(np.array([[0, 2], [1, 3], [3, 0]],
                                                           np.int64))], name="gather_elements",
                    axis=1))
    g.output(g.node("ScatterND", [data, g.const(np.array([[1], [2]], np.int64)),
                                  g.input("updates", F, [2, 4])], name="scatter_nd"))
    values, indices = g.node("TopK", [data, g.const(np.array([2], np.int64))], n_out=2,
                             name="topk", axis=1, largest=1)
    g.output(values)
    g.output(indices)
    g.save()

    g = Graph("gather", opset=17)
    emb = g.init("embedding", RNG.standard_normal((10, 4)).astype(np.float32))
    ids = g.input("ids", I64, ["batch", "seq"])
    data = g.input("data", F, [3, 4, 5])
    g.output(g.node("Gather", [emb, ids], name="embed"))
    g.output(g.node("Gather", [data, g.const(np.int32(-1))], name="gather_scalar", axis=1))
    g.output(g.node("GatherND", [data, g.const(np.array([[0, 1], [2, 3]], np.int64))],
                    name="gather_nd"))
    g.save()


#===----------------------------------------------------------------------===#
# Attention and rotary embedding (attention.test)
#===----------------------------------------------------------------------===#


def attention():
    g = Graph("attention", opset=23)
    q = g.input("q", F, ["batch", 8, "seq", 16])
    k = g.input("k", F, ["batch", 2, "seq", 16])
    v = g.input("v", F, ["batch", 2, "seq", 16])
    pk = g.input("past_k", F, ["batch", 2, "past", 16])
    pv = g.input("past_v", F, ["batch", 2, "past", 16])
    mask = g.input("mask", B, ["seq", "total"])
    g.output(g.node("Attention", [q, k, v], name="gqa_causal", is_causal=1), F,
             ["batch", 8, "seq", 16])
    y, pk2, pv2 = g.node("Attention", [q, k, v, mask, pk, pv], n_out=3,
                         name="with_cache", is_causal=1, scale=0.25, softcap=30.0)
    g.output(y, F, ["batch", 8, "seq", 16])
    g.output(pk2, F, ["batch", 2, "total", 16])
    g.output(pv2, F, ["batch", 2, "total", 16])
    g.save()

    # 3-D inputs carry the heads in the hidden dim.
    g = Graph("attention_3d", opset=23)
    q = g.input("q", F, ["batch", "seq", 64])
    kv = g.input("kv", F, ["batch", "seq", 32])
    g.output(g.node("Attention", [q, kv, kv], name="attn", q_num_heads=4, kv_num_heads=2), F,
             ["batch", "seq", 64])
    g.save()

    g = Graph("rotary", opset=23)
    x4 = g.input("x4", F, ["batch", 4, "seq", 8])
    x3 = g.input("x3", F, ["batch", "seq", 32])
    pos = g.input("pos", I64, ["batch", "seq"])
    cos = g.init("cos", RNG.standard_normal((16, 4)).astype(np.float32))
    sin = g.init("sin", RNG.standard_normal((16, 4)).astype(np.float32))
    g.output(g.node("RotaryEmbedding", [x4, cos, sin, pos], name="rope_4d"), F,
             ["batch", 4, "seq", 8])
    g.output(g.node("RotaryEmbedding", [x3, cos, sin, pos], name="rope_3d", num_heads=4,
                    interleaved=1), F, ["batch", "seq", 32])
    g.output(g.node("RotaryEmbedding", [x4, cos, sin, pos], name="rope_partial",
                    rotary_embedding_dim=4), F, ["batch", 4, "seq", 8])
    g.save()


#===----------------------------------------------------------------------===#
# Quantization (quantization.test)
#===----------------------------------------------------------------------===#


def quantization():
    g = Graph("quantization", opset=13)
    x = g.input("x", F, ["n", 4])
    w8 = g.init("w_i8", RNG.integers(-128, 127, (4, 3), dtype=np.int8))
    scale = g.init("s", np.float32(0.05))
    zp = g.init("zp", np.int8(-3))
    axis_scale = g.init("s_axis", np.array([0.1, 0.2, 0.3], np.float32))
    axis_zp = g.init("zp_axis", np.zeros(3, np.int8))
    g.output(g.node("DequantizeLinear", [w8, scale, zp], name="dq_tensor"))
    g.output(g.node("DequantizeLinear", [w8, axis_scale, axis_zp], name="dq_axis", axis=1))
    g.output(g.node("QuantizeLinear", [x, scale, g.init("zp_u8", np.uint8(128))],
                    name="q_u8"))
    xu = g.input("xu", TP.UINT8, ["n", 4])
    wu = g.init("w_u8", RNG.integers(0, 255, (4, 3), dtype=np.uint8))
    g.output(g.node("MatMulInteger", [xu, wu, g.init("a_zp", np.uint8(128)),
                                      g.init("b_zp", np.uint8(7))], name="mm_integer"))
    g.output(g.node("QLinearMatMul", [xu, g.init("xu_scale", np.float32(0.1)), "a_zp", wu,
                                      g.init("wu_scale", np.float32(0.02)), "b_zp",
                                      g.init("y_scale", np.float32(0.5)),
                                      g.init("y_zp", np.uint8(10))], name="qlinear_matmul"))
    y, y_scale, y_zp = g.node("DynamicQuantizeLinear", [x], n_out=3, name="dynamic_q")
    g.output(y)
    g.output(y_scale)
    g.output(y_zp)
    g.save()

    # Blocked int4 weights (opset 21) with runtime scales.
    g = Graph("quantization_blocked", opset=21)
    w4 = TP(name="w_i4", data_type=22, dims=[4, 8],
            raw_data=pack4(RNG.integers(-8, 7, 32).tolist()))
    g.init("w_i4", w4)
    scales = g.input("scales", F, [4, 2])
    g.output(g.node("DequantizeLinear", [w4.name, scales], name="dq_blocked", axis=1,
                    block_size=4), F, [4, 8])
    x = g.input("x", F, [4, 8])
    g.output(g.node("QuantizeLinear", [x, scales], name="q_blocked", axis=1, block_size=4,
                    output_dtype=TP.INT8), TP.INT8, [4, 8])
    g.save()


#===----------------------------------------------------------------------===#
# Initializers and tensor storage (initializers.test)
#===----------------------------------------------------------------------===#


def initializers():
    g = Graph("initializers", opset=17)
    x = g.input("x", F, [2])
    # raw_data (numpy_helper's default) for several element types.
    g.output(g.init("raw_f32", np.array([1.5, -2.0], np.float32)))
    g.output(g.init("raw_f16", np.array([1.0, 0.5], np.float16)))
    g.output(g.init("raw_i8", np.array([-128, 127], np.int8)))
    g.output(g.init("raw_u8", np.array([0, 255], np.uint8)))
    g.output(g.init("raw_bool", np.array([True, False])))
    g.output(g.init("raw_f64", np.array([0.25], np.float64)))
    # Typed fields: float_data, int64_data, int32_data (also fp16 bits and
    # bf16 bits), double_data.
    g.output(g.init("typed_f32", helper.make_tensor("typed_f32", F, [2], [3.0, 4.0])))
    g.output(g.init("typed_i64", helper.make_tensor("typed_i64", I64, [3], [-1, 0, 1 << 40])))
    g.output(g.init("typed_i32", helper.make_tensor("typed_i32", TP.INT32, [2], [7, -7])))
    fp16_bits = np.array([1.0, -2.0], np.float16).view(np.uint16).astype(np.int32).tolist()
    fp16 = TP(name="typed_f16", data_type=TP.FLOAT16, dims=[2], int32_data=fp16_bits)
    g.output(g.init("typed_f16", fp16))
    bf16 = TP(name="typed_bf16", data_type=TP.BFLOAT16, dims=[2],
              int32_data=[0x3F80, 0xC000])  # 1.0, -2.0
    g.output(g.init("typed_bf16", bf16))
    g.output(g.init("raw_bf16", TP(name="raw_bf16", data_type=TP.BFLOAT16, dims=[1],
                                   raw_data=np.array([0x4040], np.uint16).tobytes())))  # 3.0
    g.output(g.init("typed_f64", helper.make_tensor("typed_f64", TP.DOUBLE, [1], [0.5])))
    g.output(g.init("typed_u8", helper.make_tensor("typed_u8", TP.UINT8, [2], [1, 200])))
    # int4/uint4 pack two values a byte, low nibble first: 5 values -> 3 bytes.
    g.output(g.init("raw_i4", TP(name="raw_i4", data_type=22, dims=[5],
                                 raw_data=pack4([-1, -8, 1, 2, 7]))))
    g.output(g.init("typed_u4", TP(name="typed_u4", data_type=21, dims=[3],
                                   int32_data=list(pack4([1, 2, 15])))))
    # More than 64 elements: a dense_resource blob.
    g.output(g.init("big", np.arange(100, dtype=np.float32).reshape(10, 10)))
    g.output(g.node("Add", [x, "raw_f32"], name="use_init"))
    # A graph input with an initializer: the ONNX default value of an
    # overridable input.
    g.inputs.append(helper.make_tensor_value_info("overridable", F, [2]))
    g.init("overridable", np.array([9.0, 9.0], np.float32))
    g.output(g.node("Mul", [x, "overridable"], name="use_overridable"))
    model = g.model(infer=False)
    for out in model.graph.output:
        if out.type.tensor_type.elem_type == 0:
            init = next((t for t in model.graph.initializer if t.name == out.name), None)
            out.CopyFrom(helper.make_tensor_value_info(out.name, init.data_type if init
                                                       else F, None))
    save(model, "initializers.onnx")

    # Weights in an external file next to the model.
    g = Graph("external", opset=17)
    x = g.input("x", F, [4, 8])
    g.init("w_ext", np.arange(8 * 16, dtype=np.float32).reshape(8, 16))
    g.init("b_ext", np.full(16, 0.5, np.float32))
    g.output(g.node("Add", [g.node("MatMul", [x, "w_ext"], name="mm"), "b_ext"], name="add"))
    model = g.model()
    external_data_helper.convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location="external.bin", size_threshold=0)
    # onnx appends the data file while saving the model: start afresh.
    if os.path.exists(os.path.join(OUT, "external.bin")):
        os.remove(os.path.join(OUT, "external.bin"))
    onnx.save_model(model, os.path.join(OUT, "external.onnx"))


#===----------------------------------------------------------------------===#
# Node order and symbolic dims (topo_order.test, symbolic_dims.test)
#===----------------------------------------------------------------------===#


def topo_order():
    g = Graph("topo_order", opset=17)
    x = g.input("x", F, [2, 3])
    a = g.node("Relu", [x], name="first")
    b = g.node("Neg", [a], name="second")
    c = g.node("Add", [a, b], name="third")
    g.output(c, F, [2, 3])
    # Store the nodes last-to-first: the checker rejects that, but ONNX
    # runtimes sort, and so does the importer.
    g.nodes.reverse()
    g.save(infer=False)


def symbolic_dims():
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as torch exports
    # x.view(x.size(0), x.size(1), heads, -1).
    g = Graph("split_heads", opset=13)
    x = g.input("hidden", F, ["batch", "seq", 64])
    shape = g.node("Shape", [x], name="shape")
    batch = g.node("Gather", [shape, g.const(np.int64(0))], name="gather_batch", axis=0)
    seq = g.node("Gather", [shape, g.const(np.int64(1))], name="gather_seq", axis=0)
    parts = [g.node("Unsqueeze", [batch, g.const(np.array([0], np.int64))], name="unsq_batch"),
             g.node("Unsqueeze", [seq, g.const(np.array([0], np.int64))], name="unsq_seq"),
             g.const(np.array([4, -1], np.int64))]
    target = g.node("Concat", parts, name="concat_shape", axis=0)
    heads = g.node("Reshape", [x, target], name="reshape_heads")
    g.output(g.node("Transpose", [heads], name="to_bhsd", perm=[0, 2, 1, 3]), F,
             ["batch", 4, "seq", 16])
    # Merging back with Mul on the tracked dims: [batch, seq, 4 * 16].
    merged = g.node("Concat", [parts[0], parts[1], g.node(
        "Mul", [g.const(np.array([4], np.int64)), g.const(np.array([16], np.int64))],
        name="mul_hidden")], name="concat_merged", axis=0)
    g.output(g.node("Reshape", [heads, merged], name="reshape_merged"), F, ["batch", "seq", 64])
    g.save()

    # TorchScript's mask expansion: shape entries equal to -1 are replaced by
    # 1 with Where(Equal(shape, -1), ones, shape) before Expand.
    g = Graph("expand_where", opset=13)
    ids = g.input("input_ids", I64, ["batch", "seq"])
    shape = g.node("Shape", [ids], name="shape")
    batch = g.node("Gather", [shape, g.const(np.int64(0))], name="gather_batch")
    seq = g.node("Gather", [shape, g.const(np.int64(1))], name="gather_seq")
    unsq = lambda v, n: g.node("Unsqueeze", [v, g.const(np.array([0], np.int64))], name=n)
    target = g.node("Concat", [unsq(batch, "unsq_b"), g.const(np.array([1], np.int64)),
                               unsq(seq, "unsq_s1"), unsq(seq, "unsq_s2")], name="target",
                    axis=0)
    is_minus_one = g.node("Equal", [target, g.const(np.array([-1, -1, -1, -1], np.int64))],
                          name="equal")
    ones = g.node("ConstantOfShape", [g.const(np.array([4], np.int64))], name="ones",
                  value=numpy_helper.from_array(np.array([1], np.int64)))
    fixed = g.node("Where", [is_minus_one, ones, target], name="where")
    mask = g.node("Unsqueeze", [g.node("Cast", [ids], name="mask_bool", to=B),
                                g.const(np.array([1, 2], np.int64))], name="mask_4d")
    g.output(g.node("Expand", [mask, fixed], name="expand"))
    g.save()

    # dim_param names on inputs and outputs; one input without any name.
    g = Graph("dim_names", opset=17)
    a = g.input("a", F, ["batch", "seq", 8])
    b = g.input("b", F, [None, 8])
    g.output(g.node("Relu", [a], name="relu"), F, ["batch", "seq", 8])
    g.output(g.node("Neg", [b], name="neg"), F, [None, 8])
    g.save()


#===----------------------------------------------------------------------===#
# com.microsoft contrib ops (contrib.test)
#===----------------------------------------------------------------------===#

MS = "com.microsoft"
# A generator of its own, so that these fixtures leave the others' random
# values as they were.
CRNG = np.random.default_rng(1)


def ms_graph(name, opset=17):
    """A graph that imports com.microsoft version 1 next to ai.onnx."""
    return Graph(name, opset=opset, extra_opsets=[(MS, 1)])


def ms(g, op, inputs, **kw):
    """A com.microsoft node."""
    return g.node(op, inputs, domain=MS, **kw)


def pack_bits(values, bits):
    """Packs unsigned `bits`-wide fields into bytes, least significant bits
    first, as MatMulNBits stores B and zero_points (numpy's bit order, not the
    importer's shift arithmetic)."""
    values = np.asarray(values, np.uint8).reshape(-1)
    lsb_first = np.unpackbits(values[:, None], axis=1, bitorder="little")[:, :bits]
    flat = lsb_first.reshape(-1)
    flat = np.concatenate([flat, np.zeros(-len(flat) % 8, np.uint8)])
    return np.packbits(flat.reshape(-1, 8), axis=1, bitorder="little").reshape(-1)


def nbits_weight(q, bits, block):
    """B of MatMulNBits, [N, n_blocks, blob_size] uint8, from q [N, K]: each
    row is cut into blocks of `block` (the last one padded with zeros), each
    block packed on its own."""
    n, k = q.shape
    blocks = -(-k // block)
    padded = np.zeros((n, blocks * block), np.uint8)
    padded[:, :k] = q
    return np.stack([pack_bits(blk, bits) for blk in padded.reshape(n * blocks, block)]) \
        .reshape(n, blocks, block * bits // 8)


def nbits_zero_points(zp, bits):
    """zero_points of MatMulNBits: each row of [N, n_blocks] packed on its own
    (padded to whole bytes), flattened."""
    return np.concatenate([pack_bits(row, bits) for row in zp])


def contrib():
    # Skip*/Simplified layer norms, in both domains for Simplified.
    g = ms_graph("contrib_norms")
    x = g.input("x", F, ["batch", "seq", 8])
    skip = g.input("skip", F, ["batch", "seq", 8])
    gamma = g.init("gamma", np.full(8, 1.5, np.float32))
    beta = g.init("beta", np.full(8, 0.25, np.float32))
    bias = g.init("bias", np.full(8, 0.5, np.float32))
    dims = ["batch", "seq", 8]
    ms(g, "SkipLayerNormalization", [x, skip, gamma, beta, bias], name="skip_ln",
       outputs=["skip_ln_y", "", "", "skip_ln_sum"], epsilon=1e-5)
    g.output("skip_ln_y", F, dims)
    g.output("skip_ln_sum", F, dims)
    g.output(ms(g, "SkipLayerNormalization", [x, skip, gamma], name="skip_ln_plain"), F, dims)
    ms(g, "SkipSimplifiedLayerNormalization", [x, skip, gamma, bias], name="skip_rms",
       outputs=["skip_rms_y", "", "", "skip_rms_sum"], epsilon=1e-6)
    g.output("skip_rms_y", F, dims)
    g.output("skip_rms_sum", F, dims)
    g.output(ms(g, "SkipSimplifiedLayerNormalization", [x, skip, gamma], name="skip_rms_plain"),
             F, dims)
    g.output(ms(g, "SimplifiedLayerNormalization", [x, gamma], name="rms_ms", epsilon=1e-6),
             F, dims)
    g.output(g.node("SimplifiedLayerNormalization", [x, gamma], name="rms_onnx", axis=-1),
             F, dims)
    g.save()

    # EmbedLayerNormalization with segment ids and a mask (and the
    # embedding sum), and without either.
    g = ms_graph("contrib_embed")
    ids = g.input("input_ids", TP.INT32, ["batch", "seq"])
    segments = g.input("segment_ids", TP.INT32, ["batch", "seq"])
    mask = g.input("mask", TP.INT32, ["batch", "seq"])
    word = g.init("word_emb", CRNG.standard_normal((20, 8)).astype(np.float32))
    pos = g.init("pos_emb", CRNG.standard_normal((16, 8)).astype(np.float32))
    seg = g.init("seg_emb", CRNG.standard_normal((2, 8)).astype(np.float32))
    gamma = g.init("gamma", np.ones(8, np.float32))
    beta = g.init("beta", np.zeros(8, np.float32))
    outs = ms(g, "EmbedLayerNormalization", [ids, segments, word, pos, seg, gamma, beta, mask],
              n_out=3, name="embed_full", epsilon=1e-5)
    for out, dtype, shape in zip(outs, [F, TP.INT32, F],
                                 [["batch", "seq", 8], ["batch"], ["batch", "seq", 8]]):
        g.output(out, dtype, shape)
    outs = ms(g, "EmbedLayerNormalization", [ids, "", word, pos, "", gamma, beta], n_out=2,
              name="embed_plain")
    g.output(outs[0], F, ["batch", "seq", 8])
    g.output(outs[1], TP.INT32, ["batch"])
    g.save()

    # The Gelu family and BiasAdd.
    g = ms_graph("contrib_activations")
    x = g.input("x", F, ["batch", "seq", 8])
    skip = g.input("skip", F, ["batch", "seq", 8])
    bias = g.init("bias", np.full(8, 0.5, np.float32))
    dims = ["batch", "seq", 8]
    g.output(ms(g, "FastGelu", [x, bias], name="fast_gelu_bias"), F, dims)
    g.output(ms(g, "FastGelu", [x], name="fast_gelu"), F, dims)
    g.output(ms(g, "BiasGelu", [x, bias], name="bias_gelu"), F, dims)
    g.output(ms(g, "Gelu", [x], name="gelu"), F, dims)
    g.output(ms(g, "QuickGelu", [x], name="quick_gelu"), F, dims)
    g.output(ms(g, "QuickGelu", [x], name="quick_gelu_alpha", alpha=1.5), F, dims)
    g.output(ms(g, "BiasAdd", [x, bias, skip], name="bias_add"), F, dims)
    g.save()

    # GroupQueryAttention: 4 query heads over 2 KV heads of 16, a KV cache,
    # seqlens_k; with and without rotary embedding from cos/sin caches.
    g = ms_graph("contrib_gqa")
    q = g.input("query", F, ["batch", "seq", 64])
    k = g.input("key", F, ["batch", "seq", 32])
    v = g.input("value", F, ["batch", "seq", 32])
    pk = g.input("past_key", F, ["batch", 2, "past", 16])
    pv = g.input("past_value", F, ["batch", 2, "past", 16])
    seqlens = g.input("seqlens_k", TP.INT32, ["batch"])
    total = g.input("total_sequence_length", TP.INT32, [])
    cos = g.init("cos_cache", CRNG.standard_normal((32, 8)).astype(np.float32))
    sin = g.init("sin_cache", CRNG.standard_normal((32, 8)).astype(np.float32))
    for name, extra, attrs in [
            ("gqa", [], dict(scale=0.125, softcap=30.0)),
            ("gqa_rotary", [cos, sin], dict(do_rotary=1)),
            ("gqa_rotary_interleaved", [cos, sin], dict(do_rotary=1, rotary_interleaved=1))]:
        outs = ms(g, "GroupQueryAttention", [q, k, v, pk, pv, seqlens, total] + extra, n_out=3,
                  name=name, num_heads=4, kv_num_heads=2, **attrs)
        g.output(outs[0], F, ["batch", "seq", 64])
        g.output(outs[1], F, ["batch", 2, None, 16])
        g.output(outs[2], F, ["batch", 2, None, 16])
    g.save()

    # MultiHeadAttention: 4 heads of 8.
    g = ms_graph("contrib_mha")
    q = g.input("query", F, ["batch", "seq", 32])
    k = g.input("key", F, ["batch", "kv_seq", 32])
    v = g.input("value", F, ["batch", "kv_seq", 32])
    bias = g.init("qkv_bias", np.arange(96, dtype=np.float32) / 96)
    pad2 = g.input("key_padding_mask", TP.INT32, ["batch", "kv_seq"])
    lengths = g.input("key_lengths", TP.INT32, ["batch"])
    attn_bias = g.input("attention_bias", F, [1, 4, "seq", "total"])
    pk = g.input("past_key", F, ["batch", 4, "past", 8])
    pv = g.input("past_value", F, ["batch", 4, "past", 8])
    k4 = g.input("key_bnsh", F, ["batch", 4, "kv_seq", 8])
    v4 = g.input("value_bnsh", F, ["batch", 4, "kv_seq", 8])
    out = ["batch", "seq", 32]
    g.output(ms(g, "MultiHeadAttention", [q, k, v, bias, pad2], name="mha_bias_mask",
                num_heads=4), F, out)
    g.output(ms(g, "MultiHeadAttention", [q, k, v, "", lengths], name="mha_lengths",
                num_heads=4), F, out)
    outs = ms(g, "MultiHeadAttention", [q, k, v, "", "", attn_bias, pk, pv], n_out=3,
              name="mha_past", num_heads=4, unidirectional=1)
    g.output(outs[0], F, out)
    g.output(outs[1], F, ["batch", 4, "total", 8])
    g.output(outs[2], F, ["batch", 4, "total", 8])
    g.output(ms(g, "MultiHeadAttention", [q, k4, v4, bias, pad2], name="mha_cross",
                num_heads=4, scale=0.5), F, out)
    g.save()

    # Attention: packed QKV weights [16, 48] for 2 heads of 8.
    g = ms_graph("contrib_attention")
    x = g.input("input", F, ["batch", "seq", 16])
    w = g.init("qkv_weight", CRNG.standard_normal((16, 48)).astype(np.float32))
    b = g.init("qkv_bias", CRNG.standard_normal(48).astype(np.float32))
    lengths = g.input("mask_lengths", TP.INT32, ["batch"])
    mask2 = g.input("mask_2d", TP.INT32, ["batch", "seq"])
    mask3 = g.input("mask_3d", TP.INT32, ["batch", "seq", "seq"])
    past = g.input("past", F, [2, "batch", 2, "past", 8])
    out = ["batch", "seq", 16]
    g.output(ms(g, "Attention", [x, w, b, lengths], name="attn_lengths", num_heads=2), F, out)
    g.output(ms(g, "Attention", [x, w, b, mask2], name="attn_mask_2d", num_heads=2), F, out)
    g.output(ms(g, "Attention", [x, w, b, mask3], name="attn_mask_3d", num_heads=2), F, out)
    outs = ms(g, "Attention", [x, w, b, "", past], n_out=2, name="attn_past", num_heads=2,
              unidirectional=1)
    g.output(outs[0], F, out)
    g.output(outs[1], F, [2, "batch", 2, None, 8])
    g.output(ms(g, "Attention", [x, w], name="attn_causal", num_heads=2, unidirectional=1), F,
             out)
    g.save()

    # RotaryEmbedding: input, position_ids, cos_cache, sin_cache.
    g = ms_graph("contrib_rotary")
    x3 = g.input("x3", F, ["batch", "seq", 32])
    x4 = g.input("x4", F, ["batch", 4, "seq", 8])
    pos = g.input("position_ids", I64, ["batch", "seq"])
    cos = g.init("cos_cache", CRNG.standard_normal((16, 4)).astype(np.float32))
    sin = g.init("sin_cache", CRNG.standard_normal((16, 4)).astype(np.float32))
    cos2 = g.init("cos_cache_half", CRNG.standard_normal((16, 2)).astype(np.float32))
    sin2 = g.init("sin_cache_half", CRNG.standard_normal((16, 2)).astype(np.float32))
    offset = g.const(np.array([3], np.int64), "offset")
    g.output(ms(g, "RotaryEmbedding", [x3, pos, cos, sin], name="rope_3d", num_heads=4), F,
             ["batch", "seq", 32])
    g.output(ms(g, "RotaryEmbedding", [x4, pos, cos, sin], name="rope_4d"), F,
             ["batch", 4, "seq", 8])
    g.output(ms(g, "RotaryEmbedding", [x4, offset, cos, sin], name="rope_offset"), F,
             ["batch", 4, "seq", 8])
    g.output(ms(g, "RotaryEmbedding", [x3, pos, cos, sin], name="rope_interleaved",
                num_heads=4, interleaved=1), F, ["batch", "seq", 32])
    g.output(ms(g, "RotaryEmbedding", [x3, pos, cos2, sin2], name="rope_partial",
                num_heads=4, rotary_embedding_dim=4), F, ["batch", "seq", 32])
    g.save()

    # MatMulNBits: N = 4 outputs; 4-bit without and with zero points (and a
    # bias), 8-bit with 2-D scales and zero points, and K = 40 with block 16
    # (the last block padded).
    g = ms_graph("contrib_matmulnbits")

    def nbits(name, a, n, k, bits, block, zero_points=False, bias=False, scales_2d=False,
              splat=False):
        blocks = -(-k // block)
        q = np.full((n, k), 1, np.uint8) if splat else \
            CRNG.integers(0, 1 << bits, (n, k), dtype=np.uint8)
        inputs = [a, g.init(name + "_b", nbits_weight(q, bits, block))]
        scales = (CRNG.random(n * blocks) / 10 + 0.01).astype(np.float32)
        inputs.append(g.init(name + "_scales",
                             scales.reshape(n, blocks) if scales_2d else scales))
        if zero_points:
            zp = np.full((n, blocks), 8, np.uint8) if splat else \
                CRNG.integers(0, 1 << bits, (n, blocks), dtype=np.uint8)
            packed = nbits_zero_points(zp, bits)
            inputs.append(g.init(name + "_zp", packed.reshape(n, -1) if scales_2d else packed))
        if bias:
            inputs += ["", g.init(name + "_bias", np.full(n, 0.5, np.float32))]
        return ms(g, "MatMulNBits", inputs, name=name, K=k, N=n, bits=bits, block_size=block)

    a = g.input("a", F, ["batch", "seq", 32])
    a40 = g.input("a40", F, ["m", 40])
    g.output(nbits("nbits4", a, 4, 32, 4, 16), F, ["batch", "seq", 4])
    g.output(nbits("nbits4_zp_bias", a, 4, 32, 4, 16, zero_points=True, bias=True), F,
             ["batch", "seq", 4])
    g.output(nbits("nbits8", a, 4, 32, 8, 16, zero_points=True, scales_2d=True), F,
             ["batch", "seq", 4])
    g.output(nbits("nbits4_ragged", a40, 4, 40, 4, 16, zero_points=True), F, ["m", 4])
    # B and zero points that are one repeated byte (dense splats), as a
    # symmetric quantizer's explicit zero points 8 are.
    g.output(nbits("nbits4_splat", a, 4, 32, 4, 16, zero_points=True, splat=True), F,
             ["batch", "seq", 4])
    g.save()

    # Exact unpacking: N = 2, K = 32, block 16, known values. The expected
    # ui4 weight and zero points are computed here with numpy and written as
    # FileCheck lines next to the model.
    g = ms_graph("contrib_matmulnbits_values")
    n, k, block = 2, 32, 16
    q = np.random.default_rng(2).integers(0, 16, (n, k), dtype=np.uint8)
    zp = np.array([[0, 15], [8, 5]], np.uint8)
    scales = np.array([[0.5, 0.25], [2.0, 0.125]], np.float32)
    a = g.input("a", F, ["m", k])
    g.output(ms(g, "MatMulNBits", [a, g.init("w", nbits_weight(q, 4, block)),
                                   g.init("w_scales", scales.reshape(-1)),
                                   g.init("w_zp", nbits_zero_points(zp, 4))],
                name="nbits", K=k, N=n, bits=4, block_size=block), F, ["m", n])
    g.save()
    def dense(a, fmt=str):
        return "[" + ", ".join(dense(r, fmt) for r in a) + "]" if a.ndim else fmt(a)
    # FileCheck reads "[[" as the start of a variable.
    check = lambda text: text.replace("[[", "{{\\[\\[}}")
    e = lambda v: "%e" % v
    weight = ((q.astype(np.float32) - np.repeat(zp, block, axis=1)) *
              np.repeat(scales, block, axis=1))
    lines = [
        "// Generated by make_fixtures.py from the values it packed into",
        "// contrib_matmulnbits_values.onnx: the unpacked ui4 weight [N, K], zero",
        "// points [N, n_blocks] and scales. (q - zp) * scale, the weight",
        "// llm.dequantize computes, is",
        "// %s" % dense(weight, lambda v: "%g" % v),
        "CHECK-DAG: %%[[Q:.+]] = llm.constant dense<%s> : tensor<%dx%dxui4>"
        % (check(dense(q)), n, k),
        "CHECK-DAG: %%[[ZP:.+]] = llm.constant dense<%s> : tensor<%dx%dxui4>"
        % (check(dense(zp)), n, k // block),
        "CHECK-DAG: %%[[S:.+]] = llm.constant dense<%s> : tensor<%dxf32>"
        % (dense(scales.reshape(-1), e), n * k // block),
        "CHECK:     %%[[S2:.+]] = llm.reshape %%[[S]] [%d, %d]" % (n, k // block),
        "CHECK:     %%[[W:.+]] = llm.dequantize %%[[Q]] scale %%[[S2]] : tensor<%dx%dxf32> "
        "zero_point %%[[ZP]] : tensor<%dx%dxui4> {block_size = %d : i64} : "
        "tensor<%dx%dxui4> -> tensor<%dx%dxf32>"
        % (n, k // block, n, k // block, block, n, k, n, k),
        "CHECK:     llm.linear %%arg0, %%[[W]] {transpose_weight = true} : "
        "(tensor<?x%dxf32>, tensor<%dx%dxf32>) -> tensor<?x%dxf32>" % (k, n, k, n),
    ]
    write_bytes("contrib_matmulnbits_values.check", ("\n".join(lines) + "\n").encode())


def contrib_errors():
    """Contrib nodes the importer rejects (the CONTRIB-ERR checks of
    contrib.test): one node each, named after the file."""
    def one_node(name, op, inputs, n_out=1, inits=(), **attrs):
        g = ms_graph(name)
        names = []
        for n, t, s in inputs:
            names.append(g.input(n, t, s) if n else "")
        for n, v in inits:
            names.append(g.init(n, v) if n else "")
        outs = ms(g, op, names, n_out=n_out, name=name, **attrs)
        for out in [outs] if n_out == 1 else outs:
            g.output(out, F, None)
        g.save(name + ".onnx", infer=False)

    gqa_inputs = [("query", F, ["batch", "seq", 64]), ("key", F, ["batch", "seq", 32]),
                  ("value", F, ["batch", "seq", 32]), ("past_key", F, ["batch", 2, "past", 16]),
                  ("past_value", F, ["batch", 2, "past", 16]),
                  ("seqlens_k", TP.INT32, ["batch"]), ("total_sequence_length", TP.INT32, [])]
    one_node("err_contrib_gqa_window", "GroupQueryAttention", gqa_inputs, n_out=3, num_heads=4,
             kv_num_heads=2, local_window_size=8)
    packed = [("query", F, ["batch", "seq", 128]), ("", None, None), ("", None, None)]
    one_node("err_contrib_gqa_packed", "GroupQueryAttention", packed + gqa_inputs[3:], n_out=3,
             num_heads=4, kv_num_heads=2)
    one_node("err_contrib_gqa_attr_type", "GroupQueryAttention", gqa_inputs, n_out=3,
             num_heads=4.0, kv_num_heads=2)

    # MatMulNBits with K = 32, N = 4, block 16 unless the case is about them.
    a = [("a", F, ["m", 32])]
    b4 = ("b", np.zeros((4, 2, 8), np.uint8))
    scales = ("scales", np.ones(8, np.float32))
    nbits = dict(K=32, N=4, block_size=16)
    one_node("err_contrib_nbits_bits3", "MatMulNBits", a,
             inits=[("b", np.zeros((4, 2, 6), np.uint8)), scales], bits=3, **nbits)
    one_node("err_contrib_nbits_g_idx", "MatMulNBits", a,
             inits=[b4, scales, ("", None), ("g_idx", np.zeros(32, np.int32))], **nbits)
    one_node("err_contrib_nbits_b_input", "MatMulNBits", a + [("b", TP.UINT8, [4, 2, 8])],
             inits=[scales], **nbits)
    one_node("err_contrib_nbits_b_shape", "MatMulNBits", a,
             inits=[("b", np.zeros((4, 16), np.uint8)), scales], **nbits)
    one_node("err_contrib_nbits_float_zp", "MatMulNBits", a,
             inits=[b4, scales, ("zero_points", np.full(8, 8.0, np.float32))], **nbits)

    one_node("err_contrib_mha_packed", "MultiHeadAttention",
             [("query", F, ["batch", "seq", 4, 3, 8])], num_heads=4)
    one_node("err_contrib_mha_no_heads", "MultiHeadAttention",
             [("query", F, ["batch", "seq", 32]), ("key", F, ["batch", "seq", 32]),
              ("value", F, ["batch", "seq", 32])])
    one_node("err_contrib_attention_rotary", "Attention", [("input", F, ["batch", "seq", 16])],
             inits=[("weights", np.zeros((16, 48), np.float32))], num_heads=2, do_rotary=1)
    one_node("err_contrib_mha_packed_kv", "MultiHeadAttention",
             [("query", F, ["batch", "seq", 32]), ("key", F, ["batch", "seq", 4, 2, 8])],
             num_heads=4)
    one_node("err_contrib_bias_gelu_no_bias", "BiasGelu", [("x", F, ["batch", 8])])
    one_node("err_contrib_embed_segments", "EmbedLayerNormalization",
             [("input_ids", TP.INT32, ["batch", "seq"]), ("segment_ids", TP.INT32, ["batch", "seq"])],
             inits=[("word_emb", np.zeros((20, 8), np.float32)),
                    ("pos_emb", np.zeros((16, 8), np.float32)), ("", None),
                    ("gamma", np.ones(8, np.float32)), ("beta", np.zeros(8, np.float32))],
             n_out=2)
    one_node("err_contrib_rotary_dim_no_heads", "RotaryEmbedding",
             [("x", F, ["batch", "seq", 32]), ("position_ids", I64, ["batch", "seq"])],
             inits=[("cos", np.zeros((16, 2), np.float32)), ("sin", np.zeros((16, 2), np.float32))],
             rotary_embedding_dim=4)
    one_node("err_contrib_rotary_packed", "RotaryEmbedding",
             [("x", F, ["batch", 4, "seq", 8]), ("position_ids", I64, ["batch", "seq"])],
             inits=[("cos", np.zeros((16, 4), np.float32)), ("sin", np.zeros((16, 4), np.float32))],
             is_packed_batching=1)


#===----------------------------------------------------------------------===#
# Broken models (errors.test)
#===----------------------------------------------------------------------===#


def errors():
    def one_node(name, op, inputs, outputs, opset=17, inits=(), domain="", extra_opsets=(),
                 **attrs):
        g = Graph(name, opset=opset, extra_opsets=extra_opsets)
        for n, t, s in inputs:
            g.input(n, t, s)
        for n, v in inits:
            g.init(n, v)
        g.node(op, [n for n, _, _ in inputs] + [n for n, _ in inits], name=name, domain=domain,
               outputs=[o for o, _, _ in outputs], **attrs)
        for o, t, s in outputs:
            g.output(o, t, s)
        g.save(name + ".onnx", infer=False)

    x23 = ("x", F, [2, 3])
    y = [("y", F, None)]
    one_node("err_unknown_op", "FooBar", [x23], y)
    one_node("err_unknown_domain", "Frobnicate", [x23], y, domain="com.example")
    one_node("err_domain_no_ops", "Frobnicate", [x23], y, domain="com.example",
             extra_opsets=[("com.example", 1)])
    one_node("err_opset_too_old", "Relu", [x23], y, opset=3)
    one_node("err_opset_too_new", "Relu", [x23], y, opset=99)
    one_node("err_op_needs_newer_opset", "Gelu", [x23], y, opset=17)
    one_node("err_matmul_shapes", "MatMul", [x23, ("w", F, [4, 5])], y)
    one_node("err_add_broadcast", "Add", [x23, ("z", F, [4])], y)
    one_node("err_output_shape", "Relu", [x23], [("y", F, [3, 2])])
    one_node("err_output_type", "Relu", [x23], [("y", I64, [2, 3])])
    one_node("err_attr_type", "Transpose", [x23], y)
    model = onnx.load(os.path.join(OUT, "err_attr_type.onnx"))
    model.graph.node[0].attribute.append(helper.make_attribute("perm", 1.0))
    save(model, "err_attr_type.onnx")
    one_node("err_missing_attr", "Concat", [x23, ("x2", F, [2, 3])], y)
    one_node("err_axis_range", "Softmax", [x23], y, axis=5)
    one_node("err_too_few_inputs", "Add", [x23], y)
    one_node("err_no_shape", "Relu", [("x", F, None)], y)
    one_node("err_string_input", "Identity", [("x", TP.STRING, [2])], [("y", TP.STRING, [2])])
    one_node("err_reshape_two_infer", "Reshape", [x23],
             y, inits=[("shape", np.array([-1, -1], np.int64))])
    one_node("err_raw_data_size", "Add", [x23], y, inits=[(
        "bias", TP(name="bias", data_type=F, dims=[3], raw_data=b"\0" * 8))])
    one_node("err_typed_data_size", "Add", [x23], y, inits=[(
        "bias", TP(name="bias", data_type=F, dims=[3], float_data=[1.0, 2.0]))])

    # A node input that nothing produces.
    g = Graph("err_dangling_input", opset=17)
    g.input("x", F, [2, 3])
    g.output(g.node("Add", ["x", "nowhere"], name="add"), F, [2, 3])
    g.save("err_dangling_input.onnx", infer=False)

    # A cycle: a = Relu(b), b = Neg(a).
    g = Graph("err_cycle", opset=17)
    g.input("x", F, [2, 3])
    g.node("Relu", ["b"], outputs=["a"], name="relu")
    g.node("Neg", ["a"], outputs=["b"], name="neg")
    g.output(g.node("Add", ["x", "a"], name="add"), F, [2, 3])
    g.save("err_cycle.onnx", infer=False)

    # Two nodes write the same value.
    g = Graph("err_two_producers", opset=17)
    g.input("x", F, [2, 3])
    g.node("Relu", ["x"], outputs=["y"], name="relu")
    g.node("Neg", ["x"], outputs=["y"], name="neg")
    g.output("y", F, [2, 3])
    g.save("err_two_producers.onnx", infer=False)

    # A graph output that nothing computes.
    g = Graph("err_output_missing", opset=17)
    g.input("x", F, [2, 3])
    g.output("ghost", F, [2, 3])
    g.save("err_output_missing.onnx", infer=False)

    # External data: a missing file, a location outside the model's folder,
    # a file too short for the tensor.
    def external(name, location, offset=None, length=None, data=None):
        g = Graph(name, opset=17)
        g.input("x", F, [4])
        tensor = TP(name="w", data_type=F, dims=[4], data_location=TP.EXTERNAL)
        entries = [("location", location)]
        if offset is not None:
            entries.append(("offset", str(offset)))
        if length is not None:
            entries.append(("length", str(length)))
        for k, v in entries:
            tensor.external_data.add(key=k, value=v)
        g.init("w", tensor)
        g.output(g.node("Add", ["x", "w"], name="add"), F, [4])
        g.save(name + ".onnx", infer=False)
        if data is not None:
            write_bytes(location, data)

    external("err_external_missing", "no_such_file.bin")
    external("err_external_escape", "../x.bin")
    external("err_external_short", "err_external_short.bin", data=b"\0" * 10)
    external("err_external_offset", "err_external_offset.bin", offset=8,
             data=b"\0" * 16)
    external("err_external_length", "err_external_length.bin", length=12, data=b"\0" * 16)

    # Files that are not ONNX models: empty, truncated, garbage, text.
    write_bytes("err_empty.onnx", b"")
    whole = open(os.path.join(OUT, "elementwise.onnx"), "rb").read()
    write_bytes("err_truncated.onnx", whole[: len(whole) // 2])
    write_bytes("err_garbage.onnx", bytes(RNG.integers(0, 256, 256, dtype=np.uint8)))
    write_bytes("err_text.onnx", b"this is not a protobuf\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    elementwise()
    activations()
    linalg()
    reductions()
    shapes()
    reshape()
    slicing()
    attention()
    quantization()
    initializers()
    topo_order()
    symbolic_dims()
    contrib()
    contrib_errors()
    errors()


if __name__ == "__main__":
    main()
