#!/usr/bin/env python3
"""Build the CPU benchmark models: GPT-2-small and BERT-base with random weights.

Needs only onnx (>= 1.12) and numpy: run with /usr/bin/python3 on Debian 12.

    /usr/bin/python3 scripts/bench/make_bench_models.py [OUTDIR] [--tiny] [--models gpt2,bert]

OUTDIR defaults to <repo>/build/bench-models (git-ignored; the full models are
~650 MB and ~440 MB: never commit them). Writes

    gpt2-small.onnx   12 layers, hidden 768, 12 heads, FFN 3072, vocab 50257, 1024 positions
                      input_ids int64 [batch, sequence] -> logits float32 [batch, sequence, 50257]
    bert-base.onnx    12 layers, hidden 768, 12 heads, FFN 3072, vocab 30522, 512 positions,
                      type vocab 2; input_ids, attention_mask, token_type_ids int64
                      [batch, sequence] -> last_hidden_state float32 [batch, sequence, 768]

and with --tiny, gpt2-tiny.onnx / bert-tiny.onnx instead (2 layers, hidden 64,
4 heads, FFN 256, vocab 1000; same positions) for quick correctness checks.

The graphs are spelled the way torch.onnx.export (TorchScript exporter, opset 17)
spells Hugging Face's GPT2LMHeadModel / BertModel with eager attention
(transformers 4.x): shape arithmetic from Shape/Gather/Unsqueeze/Concat, opset-17
LayerNormalization, weights as [in, out] MatMul initializers, scalar Constant
nodes, GPT-2's causal mask sliced from the [1, 1, 1024, 1024] bool `bias` buffer
and applied with Where(mask, scores, finfo(float32).min), BERT's additive mask
(1 - mask) * finfo(float32).min, tanh-GELU (GPT-2) and erf-GELU (BERT) spelled
with primitive ops. The GPT-2 LM head is tied to wte: a MatMul with the
transposed wte stored as a separate initializer, as exports do.

Weights: numpy default_rng(seed), N(0, 0.02) for matrices, embeddings and
biases; layer-norm gains 1 + N(0, 0.02). ir_version 8, opset 17.
"""

import argparse
import math
import os
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPSET = 17
IR_VERSION = 8
FLOAT_MIN = float(np.finfo(np.float32).min)  # -3.4028234663852886e+38

GPT2_FULL = dict(layers=12, hidden=768, heads=12, ffn=3072, vocab=50257, positions=1024)
GPT2_TINY = dict(layers=2, hidden=64, heads=4, ffn=256, vocab=1000, positions=1024)
BERT_FULL = dict(layers=12, hidden=768, heads=12, ffn=3072, vocab=30522, positions=512, type_vocab=2)
BERT_TINY = dict(layers=2, hidden=64, heads=4, ffn=256, vocab=1000, positions=512, type_vocab=2)
# TinyLlama-1.1B's shape: grouped-query attention (32 query heads, 4 kv heads).
LLAMA_1B = dict(layers=22, hidden=2048, heads=32, kv_heads=4, ffn=5632, vocab=32000,
                rope_theta=10000.0, eps=1e-5)
LLAMA_TINY = dict(layers=2, hidden=64, heads=4, kv_heads=2, ffn=172, vocab=1000,
                  rope_theta=10000.0, eps=1e-5)


class Graph:
    """A node list with torch-exporter-like names: /scope/Op_N_output_0."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.initializers = []
        self.counts = {}

    def _name(self, scope, op_type):
        key = (scope, op_type)
        k = self.counts.get(key, 0)
        self.counts[key] = k + 1
        base = f"{scope}/{op_type}" + (f"_{k}" if k else "")
        return base

    def op(self, op_type, inputs, scope, outputs=1, **attrs):
        base = self._name(scope, op_type)
        outs = [f"{base}_output_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, name=base, **attrs))
        return outs[0] if outputs == 1 else outs

    def const(self, value, scope, dtype=None):
        """A Constant node (the TorchScript exporter emits scalars and shape vectors so)."""
        arr = np.array(value, dtype=dtype)
        base = self._name(scope, "Constant")
        out = f"{base}_output_0"
        self.nodes.append(helper.make_node(
            "Constant", [], [out], name=base, value=numpy_helper.from_array(arr)))
        return out

    def init(self, name, arr):
        self.initializers.append(numpy_helper.from_array(arr, name))
        return name

    def normal(self, name, shape, std=0.02):
        arr = (self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std))
        return self.init(name, arr)

    def ln_gain(self, name, n):
        return self.init(name, (1.0 + 0.02 * self.rng.standard_normal(n, dtype=np.float32)).astype(np.float32))

    # -- the exporter's idioms -------------------------------------------

    def dim(self, x, index, scope):
        """Gather(Shape(x), index) -> a 0-d int64."""
        shape = self.op("Shape", [x], scope)
        return self.op("Gather", [shape, self.const(index, scope, np.int64)], scope, axis=0)

    def unsqueeze0(self, scalar, scope):
        return self.op("Unsqueeze", [scalar, self.const([0], scope, np.int64)], scope)

    def linear(self, x, weight, bias, scope):
        """Linear / Conv1D: MatMul with the [in, out] weight, then Add the bias."""
        mm = self.op("MatMul", [x, weight], scope)
        return self.op("Add", [bias, mm], scope)

    def layer_norm(self, x, gain, bias, eps, scope):
        return self.op("LayerNormalization", [x, gain, bias], scope, axis=-1, epsilon=eps)

    def split_heads(self, x, heads, head_dim, perm, scope):
        """x.view(b, s, heads, head_dim).permute(perm), the view's shape from Shape."""
        b = self.unsqueeze0(self.dim(x, 0, scope), scope)
        s = self.unsqueeze0(self.dim(x, 1, scope), scope)
        shape = self.op("Concat", [b, s, self.const([heads], scope, np.int64),
                                   self.const([head_dim], scope, np.int64)], scope, axis=0)
        r = self.op("Reshape", [x, shape], scope, allowzero=0)
        return self.op("Transpose", [r], scope, perm=perm)

    def merge_heads(self, x, hidden, scope):
        """x.permute(0, 2, 1, 3).contiguous().view(b, s, hidden)."""
        t = self.op("Transpose", [x], scope, perm=[0, 2, 1, 3])
        b = self.unsqueeze0(self.dim(t, 0, scope), scope)
        s = self.unsqueeze0(self.dim(t, 1, scope), scope)
        shape = self.op("Concat", [b, s, self.const([hidden], scope, np.int64)], scope, axis=0)
        return self.op("Reshape", [t, shape], scope, allowzero=0)

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="llm-opt scripts/bench/make_bench_models.py")
        model.ir_version = IR_VERSION
        return model


def io(name, elem_type, dims):
    return helper.make_tensor_value_info(name, elem_type, dims)


def gelu_tanh(g, x, scope):
    """0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) (transformers' NewGELUActivation)."""
    half = g.op("Mul", [g.const(0.5, scope, np.float32), x], scope)
    cube = g.op("Pow", [x, g.const(3.0, scope, np.float32)], scope)
    scaled = g.op("Mul", [g.const(0.044715, scope, np.float32), cube], scope)
    inner = g.op("Add", [x, scaled], scope)
    arg = g.op("Mul", [g.const(math.sqrt(2.0 / math.pi), scope, np.float32), inner], scope)
    th = g.op("Tanh", [arg], scope)
    onep = g.op("Add", [g.const(1.0, scope, np.float32), th], scope)
    return g.op("Mul", [half, onep], scope)


def gelu_erf(g, x, scope):
    """x * 0.5 * (1 + erf(x / sqrt(2))) (transformers' GELUActivation, as exported)."""
    d = g.op("Div", [x, g.const(math.sqrt(2.0), scope, np.float32)], scope)
    e = g.op("Erf", [d], scope)
    onep = g.op("Add", [e, g.const(1.0, scope, np.float32)], scope)
    m = g.op("Mul", [x, onep], scope)
    return g.op("Mul", [m, g.const(0.5, scope, np.float32)], scope)


def build_gpt2(cfg, seed):
    g = Graph(seed)
    H, nh, F, V, P = cfg["hidden"], cfg["heads"], cfg["ffn"], cfg["vocab"], cfg["positions"]
    hd = H // nh
    t = "/transformer"

    wte_arr = (g.rng.standard_normal((V, H), dtype=np.float32) * np.float32(0.02))
    wte = g.init("transformer.wte.weight", wte_arr)
    wpe = g.normal("transformer.wpe.weight", (P, H))
    # GPT2Attention's `bias` buffer: the lower-triangular causal mask.
    tril = g.init("transformer.h.0.attn.bias",
                  np.tril(np.ones((P, P), dtype=bool)).reshape(1, 1, P, P))

    # input_ids.view(-1, input_shape[-1]); position_ids = arange(0, seq).unsqueeze(0)
    seq = g.dim("input_ids", 1, t)
    view_shape = g.op("Concat", [g.const([-1], t, np.int64), g.unsqueeze0(seq, t)], t, axis=0)
    ids = g.op("Reshape", ["input_ids", view_shape], t, allowzero=0)
    embeds = g.op("Gather", [wte, ids], t + "/wte")
    rng_ = g.op("Range", [g.const(0, t, np.int64), seq, g.const(1, t, np.int64)], t)
    pos_ids = g.op("Unsqueeze", [rng_, g.const([0], t, np.int64)], t)
    pos = g.op("Gather", [wpe, pos_ids], t + "/wpe")
    h = g.op("Add", [embeds, pos], t)

    for i in range(cfg["layers"]):
        p = f"transformer.h.{i}"
        s = f"{t}/h.{i}"
        ln1 = g.layer_norm(h, g.ln_gain(f"{p}.ln_1.weight", H), g.normal(f"{p}.ln_1.bias", H),
                           1e-5, s + "/ln_1")
        a = s + "/attn"
        qkv = g.linear(ln1, g.normal(f"{p}.attn.c_attn.weight", (H, 3 * H)),
                       g.normal(f"{p}.attn.c_attn.bias", 3 * H), a + "/c_attn")
        q, k, v = g.op("Split", [qkv, g.const([H, H, H], a, np.int64)], a, outputs=3, axis=2)
        qh = g.split_heads(q, nh, hd, [0, 2, 1, 3], a)
        kh = g.split_heads(k, nh, hd, [0, 2, 1, 3], a)
        vh = g.split_heads(v, nh, hd, [0, 2, 1, 3], a)
        kt = g.op("Transpose", [kh], a, perm=[0, 1, 3, 2])
        scores = g.op("MatMul", [qh, kt], a)
        scores = g.op("Div", [scores, g.const(float(hd) ** 0.5, a, np.float32)], a)
        # causal_mask = self.bias[:, :, key_length - query_length : key_length, :key_length]
        q_len = g.dim(qh, 2, a)
        k_len = g.dim(kh, 2, a)
        start = g.unsqueeze0(g.op("Sub", [k_len, q_len], a), a)
        end = g.unsqueeze0(k_len, a)
        rows = g.op("Slice", [tril, start, end, g.const([2], a, np.int64), g.const([1], a, np.int64)], a)
        mask = g.op("Slice", [rows, g.const([0], a, np.int64), end, g.const([3], a, np.int64),
                              g.const([1], a, np.int64)], a)
        scores = g.op("Where", [mask, scores, g.const(FLOAT_MIN, a, np.float32)], a)
        probs = g.op("Softmax", [scores], a, axis=-1)
        ctx = g.op("MatMul", [probs, vh], a)
        merged = g.merge_heads(ctx, H, a)
        proj = g.linear(merged, g.normal(f"{p}.attn.c_proj.weight", (H, H)),
                        g.normal(f"{p}.attn.c_proj.bias", H), a + "/c_proj")
        h = g.op("Add", [proj, h], s)
        ln2 = g.layer_norm(h, g.ln_gain(f"{p}.ln_2.weight", H), g.normal(f"{p}.ln_2.bias", H),
                           1e-5, s + "/ln_2")
        m = s + "/mlp"
        fc = g.linear(ln2, g.normal(f"{p}.mlp.c_fc.weight", (H, F)),
                      g.normal(f"{p}.mlp.c_fc.bias", F), m + "/c_fc")
        act = gelu_tanh(g, fc, m + "/act")
        out = g.linear(act, g.normal(f"{p}.mlp.c_proj.weight", (F, H)),
                       g.normal(f"{p}.mlp.c_proj.bias", H), m + "/c_proj")
        h = g.op("Add", [h, out], s)

    hf = g.layer_norm(h, g.ln_gain("transformer.ln_f.weight", H), g.normal("transformer.ln_f.bias", H),
                      1e-5, t + "/ln_f")
    # Tied LM head: the exporter stores wte^T as its own initializer.
    lm_w = g.init("onnx::MatMul_lm_head", np.ascontiguousarray(wte_arr.T))
    del wte_arr
    mm = g.op("MatMul", [hf, lm_w], "/lm_head")
    g.nodes[-1].output[0] = "logits"
    del mm
    return g.model("gpt2-small" if H == 768 else "gpt2-tiny",
                   [io("input_ids", TensorProto.INT64, ["batch", "sequence"])],
                   [io("logits", TensorProto.FLOAT, ["batch", "sequence", V])])


def build_bert(cfg, seed):
    g = Graph(seed)
    H, nh, F, V, P, T = (cfg["hidden"], cfg["heads"], cfg["ffn"], cfg["vocab"],
                         cfg["positions"], cfg["type_vocab"])
    hd = H // nh
    e = "/embeddings"

    word = g.normal("embeddings.word_embeddings.weight", (V, H))
    posw = g.normal("embeddings.position_embeddings.weight", (P, H))
    typew = g.normal("embeddings.token_type_embeddings.weight", (T, H))
    pos_buf = g.init("embeddings.position_ids", np.arange(P, dtype=np.int64).reshape(1, P))

    # position_ids = self.position_ids[:, 0:seq]
    seq = g.dim("input_ids", 1, e)
    pos_ids = g.op("Slice", [pos_buf, g.const([0], e, np.int64), g.unsqueeze0(seq, e),
                             g.const([1], e, np.int64), g.const([1], e, np.int64)], e)
    we = g.op("Gather", [word, "input_ids"], e + "/word_embeddings")
    te = g.op("Gather", [typew, "token_type_ids"], e + "/token_type_embeddings")
    x = g.op("Add", [we, te], e)
    pe = g.op("Gather", [posw, pos_ids], e + "/position_embeddings")
    x = g.op("Add", [x, pe], e)
    h = g.layer_norm(x, g.ln_gain("embeddings.LayerNorm.weight", H),
                     g.normal("embeddings.LayerNorm.bias", H), 1e-12, e + "/LayerNorm")

    # extended_attention_mask = (1.0 - mask[:, None, None, :].to(float)) * finfo.min
    u1 = g.op("Unsqueeze", ["attention_mask", g.const([1], "", np.int64)], "")
    u2 = g.op("Unsqueeze", [u1, g.const([2], "", np.int64)], "")
    mf = g.op("Cast", [u2], "", to=TensorProto.FLOAT)
    inv = g.op("Sub", [g.const(1.0, "", np.float32), mf], "")
    ext_mask = g.op("Mul", [inv, g.const(FLOAT_MIN, "", np.float32)], "")

    for i in range(cfg["layers"]):
        p = f"encoder.layer.{i}"
        s = f"/encoder/layer.{i}"
        a = s + "/attention/self"
        q = g.linear(h, g.normal(f"{p}.attention.self.query.weight", (H, H)),
                     g.normal(f"{p}.attention.self.query.bias", H), a + "/query")
        k = g.linear(h, g.normal(f"{p}.attention.self.key.weight", (H, H)),
                     g.normal(f"{p}.attention.self.key.bias", H), a + "/key")
        v = g.linear(h, g.normal(f"{p}.attention.self.value.weight", (H, H)),
                     g.normal(f"{p}.attention.self.value.bias", H), a + "/value")
        qh = g.split_heads(q, nh, hd, [0, 2, 1, 3], a)
        # key.permute(0, 2, 1, 3).transpose(-1, -2): the exporter fuses the two transposes.
        kt = g.split_heads(k, nh, hd, [0, 2, 3, 1], a)
        vh = g.split_heads(v, nh, hd, [0, 2, 1, 3], a)
        scores = g.op("MatMul", [qh, kt], a)
        scores = g.op("Div", [scores, g.const(math.sqrt(hd), a, np.float32)], a)
        scores = g.op("Add", [scores, ext_mask], a)
        probs = g.op("Softmax", [scores], a, axis=-1)
        ctx = g.op("MatMul", [probs, vh], a)
        merged = g.merge_heads(ctx, H, a)
        o = s + "/attention/output"
        dense = g.linear(merged, g.normal(f"{p}.attention.output.dense.weight", (H, H)),
                         g.normal(f"{p}.attention.output.dense.bias", H), o + "/dense")
        res = g.op("Add", [dense, h], o)
        h = g.layer_norm(res, g.ln_gain(f"{p}.attention.output.LayerNorm.weight", H),
                         g.normal(f"{p}.attention.output.LayerNorm.bias", H), 1e-12, o + "/LayerNorm")
        inter = g.linear(h, g.normal(f"{p}.intermediate.dense.weight", (H, F)),
                         g.normal(f"{p}.intermediate.dense.bias", F), s + "/intermediate/dense")
        act = gelu_erf(g, inter, s + "/intermediate/intermediate_act_fn")
        o = s + "/output"
        out = g.linear(act, g.normal(f"{p}.output.dense.weight", (F, H)),
                       g.normal(f"{p}.output.dense.bias", H), o + "/dense")
        res = g.op("Add", [out, h], o)
        h = g.layer_norm(res, g.ln_gain(f"{p}.output.LayerNorm.weight", H),
                         g.normal(f"{p}.output.LayerNorm.bias", H), 1e-12, o + "/LayerNorm")

    g.nodes[-1].output[0] = "last_hidden_state"
    ints = [io(n, TensorProto.INT64, ["batch", "sequence"])
            for n in ("input_ids", "attention_mask", "token_type_ids")]
    return g.model("bert-base" if H == 768 else "bert-tiny", ints,
                   [io("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", H])])


def build_llama(cfg, seed):
    """LlamaForCausalLM (eager attention) as the TorchScript exporter spells it:
    RMSNorm from Pow/ReduceMean/Add/Sqrt/Div, rotary embeddings computed in the
    graph (inv_freq x positions, cos/sin, rotate_half with Slice/Neg/Concat),
    repeat_kv as Unsqueeze/Expand/Reshape, the causal + padding mask from Range
    comparisons and the attention mask, Where(keep, 0, min) added to the
    scores, SwiGLU as x * Sigmoid(x) * up. Weights are [in, out] MatMul
    initializers; the LM head is its own weight."""
    g = Graph(seed)
    H, nh, nkv, F, V = cfg["hidden"], cfg["heads"], cfg["kv_heads"], cfg["ffn"], cfg["vocab"]
    hd, rep = H // nh, nh // nkv
    m = "/model"

    embed = g.normal("model.embed_tokens.weight", (V, H))
    h = g.op("Gather", [embed, "input_ids"], m + "/embed_tokens")
    b = g.unsqueeze0(g.dim("input_ids", 0, m), m)
    seq = g.dim("input_ids", 1, m)
    s_ = g.unsqueeze0(seq, m)

    # Causal + padding mask: keep[b, 1, q, k] = (k <= q) & attention_mask[b, k].
    pos = g.op("Range", [g.const(0, m, np.int64), seq, g.const(1, m, np.int64)], m)
    rows = g.op("Unsqueeze", [pos, g.const([1], m, np.int64)], m)
    cols = g.op("Unsqueeze", [pos, g.const([0], m, np.int64)], m)
    causal = g.op("LessOrEqual", [cols, rows], m)
    pad = g.op("Cast", ["attention_mask"], m, to=TensorProto.BOOL)
    pad = g.op("Unsqueeze", [pad, g.const([1, 2], m, np.int64)], m)
    keep = g.op("And", [causal, pad], m)
    mask = g.op("Where", [keep, g.const(0.0, m, np.float32), g.const(FLOAT_MIN, m, np.float32)], m)

    # Rotary tables: emb = cat(freqs, freqs), freqs = positions x inv_freq.
    r = m + "/rotary_emb"
    inv_freq = g.init("model.rotary_emb.inv_freq", (1.0 / (cfg["rope_theta"] ** (
        np.arange(0, hd, 2, dtype=np.float32) / hd))).astype(np.float32))
    posf = g.op("Cast", [pos], r, to=TensorProto.FLOAT)
    freqs = g.op("Mul", [g.op("Unsqueeze", [posf, g.const([1], r, np.int64)], r),
                         g.op("Unsqueeze", [inv_freq, g.const([0], r, np.int64)], r)], r)
    emb = g.op("Concat", [freqs, freqs], r, axis=-1)
    cos = g.op("Unsqueeze", [g.op("Cos", [emb], r), g.const([0, 1], r, np.int64)], r)
    sin = g.op("Unsqueeze", [g.op("Sin", [emb], r), g.const([0, 1], r, np.int64)], r)

    def rms_norm(x, weight, scope):
        sq = g.op("Pow", [x, g.const(2.0, scope, np.float32)], scope)
        mean = g.op("ReduceMean", [sq], scope, axes=[-1], keepdims=1)
        var = g.op("Add", [mean, g.const(cfg["eps"], scope, np.float32)], scope)
        inv = g.op("Div", [g.const(1.0, scope, np.float32), g.op("Sqrt", [var], scope)], scope)
        return g.op("Mul", [weight, g.op("Mul", [x, inv], scope)], scope)

    def rotate(x, scope):
        half = hd // 2
        x1 = g.op("Slice", [x, g.const([0], scope, np.int64), g.const([half], scope, np.int64),
                            g.const([-1], scope, np.int64)], scope)
        x2 = g.op("Slice", [x, g.const([half], scope, np.int64),
                            g.const([np.iinfo(np.int64).max], scope, np.int64),
                            g.const([-1], scope, np.int64)], scope)
        rot = g.op("Concat", [g.op("Neg", [x2], scope), x1], scope, axis=-1)
        return g.op("Add", [g.op("Mul", [x, cos], scope), g.op("Mul", [rot, sin], scope)], scope)

    def heads(x, n, scope):
        shape = g.op("Concat", [b, s_, g.const([n], scope, np.int64),
                                g.const([hd], scope, np.int64)], scope, axis=0)
        return g.op("Transpose", [g.op("Reshape", [x, shape], scope)], scope, perm=[0, 2, 1, 3])

    def repeat_kv(x, scope):
        u = g.op("Unsqueeze", [x, g.const([2], scope, np.int64)], scope)
        shape = g.op("Concat", [b, g.const([nkv, rep], scope, np.int64), s_,
                                g.const([hd], scope, np.int64)], scope, axis=0)
        e = g.op("Expand", [u, shape], scope)
        shape2 = g.op("Concat", [b, g.const([nh], scope, np.int64), s_,
                                 g.const([hd], scope, np.int64)], scope, axis=0)
        return g.op("Reshape", [e, shape2], scope)

    for i in range(cfg["layers"]):
        p, s = f"model.layers.{i}", f"{m}/layers.{i}"
        a = s + "/self_attn"
        x = rms_norm(h, g.ln_gain(f"{p}.input_layernorm.weight", H), s + "/input_layernorm")
        q = heads(g.op("MatMul", [x, g.normal(f"{p}.self_attn.q_proj.weight", (H, H))], a), nh, a)
        k = heads(g.op("MatMul", [x, g.normal(f"{p}.self_attn.k_proj.weight", (H, nkv * hd))], a), nkv, a)
        v = heads(g.op("MatMul", [x, g.normal(f"{p}.self_attn.v_proj.weight", (H, nkv * hd))], a), nkv, a)
        q, k = rotate(q, a), rotate(k, a)
        k, v = repeat_kv(k, a), repeat_kv(v, a)
        scores = g.op("MatMul", [q, g.op("Transpose", [k], a, perm=[0, 1, 3, 2])], a)
        scores = g.op("Div", [scores, g.const(math.sqrt(hd), a, np.float32)], a)
        scores = g.op("Add", [scores, mask], a)
        probs = g.op("Softmax", [scores], a, axis=-1)
        ctx = g.op("Transpose", [g.op("MatMul", [probs, v], a)], a, perm=[0, 2, 1, 3])
        shape = g.op("Concat", [b, s_, g.const([H], a, np.int64)], a, axis=0)
        ctx = g.op("Reshape", [ctx, shape], a)
        h = g.op("Add", [h, g.op("MatMul", [ctx, g.normal(f"{p}.self_attn.o_proj.weight", (H, H))], a)], s)
        x = rms_norm(h, g.ln_gain(f"{p}.post_attention_layernorm.weight", H),
                     s + "/post_attention_layernorm")
        f = s + "/mlp"
        gate = g.op("MatMul", [x, g.normal(f"{p}.mlp.gate_proj.weight", (H, F))], f)
        silu = g.op("Mul", [gate, g.op("Sigmoid", [gate], f)], f)
        up = g.op("MatMul", [x, g.normal(f"{p}.mlp.up_proj.weight", (H, F))], f)
        down = g.op("MatMul", [g.op("Mul", [silu, up], f), g.normal(f"{p}.mlp.down_proj.weight", (F, H))], f)
        h = g.op("Add", [h, down], s)

    h = rms_norm(h, g.ln_gain("model.norm.weight", H), m + "/norm")
    g.op("MatMul", [h, g.normal("lm_head.weight", (H, V))], "/lm_head")
    g.nodes[-1].output[0] = "logits"
    ints = [io(n, TensorProto.INT64, ["batch", "sequence"]) for n in ("input_ids", "attention_mask")]
    return g.model("llama-1b" if H == 2048 else "llama-tiny", ints,
                   [io("logits", TensorProto.FLOAT, ["batch", "sequence", V])])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", default=os.path.join(REPO, "build", "bench-models"))
    ap.add_argument("--tiny", action="store_true", help="2 layers, hidden 64, 4 heads, vocab 1000")
    ap.add_argument("--models", default="gpt2,bert",
                    help="comma-separated subset of gpt2,bert,llama")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    os.makedirs(args.outdir, exist_ok=True)
    suffix = "tiny" if args.tiny else None
    jobs = {
        "gpt2": (build_gpt2, GPT2_TINY if args.tiny else GPT2_FULL, f"gpt2-{suffix or 'small'}.onnx"),
        "bert": (build_bert, BERT_TINY if args.tiny else BERT_FULL, f"bert-{suffix or 'base'}.onnx"),
        "llama": (build_llama, LLAMA_TINY if args.tiny else LLAMA_1B, f"llama-{suffix or '1b'}.onnx"),
    }
    for name in args.models.split(","):
        if name not in jobs:
            sys.exit(f"make_bench_models: unknown model '{name}' (gpt2, bert, llama)")
        build, cfg, filename = jobs[name]
        start = time.time()
        model = build(cfg, args.seed)
        path = os.path.join(args.outdir, filename)
        # Over protobuf's 2 GB limit (llama-1b: 4.4 GB), the weights go to a
        # file beside the model (ONNX external data).
        external = sum(len(t.raw_data) for t in model.graph.initializer) > (1 << 30)
        onnx.save(model, path, save_as_external_data=external, all_tensors_to_one_file=True,
                  location=filename + ".data", size_threshold=1024)
        del model
        onnx.checker.check_model(path)
        size = os.path.getsize(path)
        print(f"make_bench_models: wrote {path} ({size / 1e6:.0f} MB, {time.time() - start:.1f} s)")


if __name__ == "__main__":
    main()
