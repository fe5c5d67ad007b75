#!/usr/bin/env python3
"""Hand-build small ONNX models that use onnxruntime contrib ops (com.microsoft).

Runs with any Python that has `onnx` (>= 1.12) and numpy; no torch, no onnxruntime.
The onnx checker is NOT used (onnx 1.12's checker knows neither opset 21 nor the
com.microsoft domain).

Models written (default output root: <repo>/test/models):

  genai_llama/model.onnx + model.onnx.data
      A 2-layer Llama-style decoder laid out like the onnxruntime-genai model
      builder output (int4 / CPU flavour):
        * inputs  input_ids [batch_size, sequence_length] int64,
                  attention_mask [batch_size, total_sequence_length] int64,
                  position_ids [batch_size, sequence_length] int64 (only used by layer 1),
                  past_key_values.{0,1}.{key,value} [batch_size, 2, past_sequence_length, 16] f32
        * outputs logits [batch_size, sequence_length, 256] f32,
                  present.{0,1}.{key,value} [batch_size, 2, total_sequence_length, 16] f32
        * seqlens_k / total_sequence_length computed in-graph from attention_mask
          (ReduceSum -> Sub -> Cast, Shape -> Gather -> Cast), as the builder does
        * layer 0: SimplifiedLayerNormalization (default domain, as ORT registers it),
          separate q/k/v MatMulNBits, GroupQueryAttention(do_rotary=1, cos/sin caches),
          SkipSimplifiedLayerNormalization, SiLU-gated MLP with MatMulNBits
        * layer 1: packed QKV MatMulNBits -> Split -> RotaryEmbedding(q), RotaryEmbedding(k)
          -> GroupQueryAttention(do_rotary=0); MLP uses plain MatMul with float32 weights
          stored in typed fields (float_data)
        * final SkipSimplifiedLayerNormalization (gamma is an fp16 typed-field
          initializer, i.e. stored in int32_data, followed by Cast) and MatMulNBits lm_head
        * the token embedding is an fp16 initializer (Gather -> Cast to float)
      opset: "" 21, com.microsoft 1; ir_version 10.
      Weights are EXTERNAL DATA (model.onnx.data, size_threshold=0) except:
        - tensors stored in typed fields (float_data / int32_data / int64_data), which
          onnx's external-data conversion leaves inline, and
        - model.layers.0.post_attention_layernorm.weight, a small raw_data tensor kept
          inline on purpose (KEEP_INLINE_RAW below).

  contrib_ops_misc/model.onnx
      A 2-layer BERT-like encoder in the style of onnxruntime's transformers optimizer:
      EmbedLayerNormalization -> [Attention (packed QKV weights, 1-D mask_index),
      SkipLayerNormalization, MatMul + BiasGelu, SkipLayerNormalization] ->
      [3 x MatMul -> MultiHeadAttention (bias + 2-D key_padding_mask),
      SkipLayerNormalization, MatMul + FastGelu(bias), SkipLayerNormalization].
      inputs input_ids / segment_ids / input_mask: int32 [batch_size, sequence_length];
      output last_hidden_state [batch_size, sequence_length, 64].
      opset: "" 17, com.microsoft 1; ir_version 8; weights embedded (raw_data).

Usage:
    /usr/bin/python3 scripts/models/make_genai_style.py [--out DIR]

Reference outputs for these models are made separately with onnxruntime by
scripts/models/make_reference_data.py (see README.md).
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx import external_data_helper

MS = "com.microsoft"

# ----------------------------------------------------------------------------
# Shared config
# ----------------------------------------------------------------------------
VOCAB = 256
HIDDEN = 64
NUM_HEADS = 4
KV_HEADS = 2
HEAD = HIDDEN // NUM_HEADS  # 16
KV_HIDDEN = KV_HEADS * HEAD  # 32
INTER = 128
MAX_POS = 128
EPS = 1e-5
ROPE_THETA = 10000.0
BLOCK = 32
BITS = 4


def rng_for(seed):
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------
# Tensor helpers
# ----------------------------------------------------------------------------
def raw_tensor(name, arr):
    """Initializer stored in raw_data (numpy_helper.from_array always uses raw_data)."""
    return numpy_helper.from_array(np.ascontiguousarray(arr), name=name)


def typed_float_tensor(name, arr):
    """float32 initializer stored in the typed float_data field."""
    arr = np.asarray(arr, dtype=np.float32)
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(arr.shape)
    t.float_data.extend(arr.flatten().tolist())
    return t


def typed_fp16_tensor(name, arr):
    """float16 initializer stored in the typed int32_data field (one fp16 bit
    pattern per int32, as the ONNX spec requires)."""
    arr = np.asarray(arr, dtype=np.float16)
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT16
    t.dims.extend(arr.shape)
    t.int32_data.extend(arr.view(np.uint16).flatten().astype(np.int32).tolist())
    return t


def typed_int64_tensor(name, arr):
    arr = np.asarray(arr, dtype=np.int64)
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.INT64
    t.dims.extend(arr.shape)
    t.int64_data.extend(arr.flatten().tolist())
    return t


def const_node(name, tensor):
    """A Constant node whose value tensor uses typed fields (stays inline)."""
    return helper.make_node("Constant", [], [name], name=name, value=tensor)


# ----------------------------------------------------------------------------
# 4-bit block quantisation in the MatMulNBits layout
# ----------------------------------------------------------------------------
def quantize_nbits(w_nk, block_size=BLOCK, bits=BITS):
    """w_nk: float32 [N, K] (torch Linear layout: out_features x in_features).

    Returns (B, scales, zero_points, dequantized_w_nk) in the layout that
    com.microsoft.MatMulNBits expects:
      B:           uint8 [N, n_blocks_per_col, blob_size], blob_size = block_size*bits/8;
                   element 2j of a block in the low nibble of byte j, 2j+1 in the high nibble
      scales:      float32 [N * n_blocks_per_col]
      zero_points: uint8 [N * ceil(n_blocks_per_col * bits / 8)], packed like B
                   (block 2i in the low nibble, 2i+1 in the high nibble)
    Y = A @ dequant(B)^T with dequant(q) = (q - zp) * scale.
    """
    assert bits == 4
    n, k = w_nk.shape
    n_blocks = (k + block_size - 1) // block_size
    kp = n_blocks * block_size
    w = np.zeros((n, kp), dtype=np.float32)
    w[:, :k] = w_nk
    wb = w.reshape(n, n_blocks, block_size)
    mn = np.minimum(wb.min(axis=2), 0.0)
    mx = np.maximum(wb.max(axis=2), 0.0)
    qmax = (1 << bits) - 1
    scale = (mx - mn) / qmax
    scale[scale == 0] = 1.0
    zp = np.clip(np.round(-mn / scale), 0, qmax).astype(np.int32)
    q = np.clip(np.round(wb / scale[:, :, None]) + zp[:, :, None], 0, qmax).astype(np.uint8)
    packed = (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8)  # [n, n_blocks, block/2]
    zp_bytes_per_n = (n_blocks * bits + 7) // 8
    zp_pad = np.zeros((n, zp_bytes_per_n * 2), dtype=np.uint8)
    zp_pad[:, :n_blocks] = zp.astype(np.uint8)
    zp_packed = (zp_pad[:, 0::2] | (zp_pad[:, 1::2] << 4)).astype(np.uint8)
    deq = ((q.astype(np.float32) - zp[:, :, None]) * scale[:, :, None]).reshape(n, kp)[:, :k]
    return packed, scale.astype(np.float32).reshape(-1), zp_packed.reshape(-1), deq


class Builder:
    def __init__(self):
        self.nodes = []
        self.inits = []
        self.value_infos = []

    def init(self, t):
        self.inits.append(t)
        return t.name

    def node(self, op, inputs, outputs, name, domain=None, **attrs):
        n = helper.make_node(op, inputs, outputs, name=name, **attrs)
        if domain:
            n.domain = domain
        self.nodes.append(n)
        return outputs[0] if len(outputs) == 1 else outputs

    def matmul_nbits(self, x, w_nk, prefix, out):
        """prefix like 'model.layers.0.attn.q_proj' (initializer naming like the builder)."""
        n, k = w_nk.shape
        b, s, zp, _ = quantize_nbits(w_nk)
        base = prefix + ".MatMul"
        bq = self.init(raw_tensor(base + ".weight_Q4", b))
        sc = self.init(raw_tensor(base + ".weight_scales", s))
        zpn = self.init(raw_tensor(base + ".weight_zp", zp))
        node_name = "/" + prefix.replace(".", "/").replace("layers/", "layers.") + "/MatMulNBits"
        return self.node("MatMulNBits", [x, bq, sc, zpn], [out], node_name, domain=MS,
                         K=k, N=n, bits=BITS, block_size=BLOCK, accuracy_level=4)


# ----------------------------------------------------------------------------
# genai_llama
# ----------------------------------------------------------------------------
# Name of a small raw_data initializer that must stay inline (not external).
KEEP_INLINE_RAW = "model.layers.0.post_attention_layernorm.weight"


def build_genai_llama():
    r = rng_for(0)
    B = Builder()
    std = 0.08

    def lin(n_out, n_in):
        return (r.standard_normal((n_out, n_in)) * std).astype(np.float32)

    def norm_w():
        return (1.0 + 0.1 * r.standard_normal(HIDDEN)).astype(np.float32)

    # --- graph inputs / outputs -------------------------------------------
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", VOCAB])]
    for i in range(2):
        for kv in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(
                f"past_key_values.{i}.{kv}", TensorProto.FLOAT,
                ["batch_size", KV_HEADS, "past_sequence_length", HEAD]))
            outputs.append(helper.make_tensor_value_info(
                f"present.{i}.{kv}", TensorProto.FLOAT,
                ["batch_size", KV_HEADS, "total_sequence_length", HEAD]))

    # --- constants (Constant nodes, typed int64_data) -----------------------
    c1d = "/model/constants/TensorProto.INT64/1D/1"
    c0d = "/model/constants/TensorProto.INT64/0D/1"
    B.nodes.append(const_node(c1d, typed_int64_tensor("c1d", [1])))
    B.nodes.append(const_node(c0d, typed_int64_tensor("c0d", np.array(1, dtype=np.int64))))

    # --- attention-mask reformatting for GQA (as the genai builder does) -----
    base = "/model/attn_mask_reformat/attn_mask_subgraph"
    rs = B.node("ReduceSum", ["attention_mask", c1d], [base + "/ReduceSum/output_0"], base + "/ReduceSum", keepdims=0)
    sub = B.node("Sub", [rs, c0d], [base + "/Sub/output_0"], base + "/Sub")
    seqlens_k = B.node("Cast", [sub], [base + "/Sub/Cast/output_0"], base + "/Sub/Cast", to=TensorProto.INT32)
    shp = B.node("Shape", ["attention_mask"], [base + "/Shape/output_0"], base + "/Shape")
    gat = B.node("Gather", [shp, c0d], [base + "/Gather/output_0"], base + "/Gather", axis=0)
    total_len = B.node("Cast", [gat], [base + "/Gather/Cast/output_0"], base + "/Gather/Cast", to=TensorProto.INT32)

    # --- rotary caches -------------------------------------------------------
    inv_freq = 1.0 / (ROPE_THETA ** (np.arange(0, HEAD, 2, dtype=np.float32) / HEAD))
    freqs = np.outer(np.arange(MAX_POS, dtype=np.float32), inv_freq)  # [MAX_POS, HEAD/2]
    cos_cache = B.init(raw_tensor("cos_cache", np.cos(freqs).astype(np.float32)))
    sin_cache = B.init(raw_tensor("sin_cache", np.sin(freqs).astype(np.float32)))

    # --- embedding (fp16 table, raw_data -> external) ------------------------
    emb_w = (r.standard_normal((VOCAB, HIDDEN)) * 0.5).astype(np.float16)
    emb_name = B.init(raw_tensor("model.embed_tokens.weight", emb_w))
    g = B.node("Gather", [emb_name, "input_ids"], ["/model/embed_tokens/Gather/output_0"], "/model/embed_tokens/Gather", axis=0)
    emb = B.node("Cast", [g], ["/model/embed_tokens/Cast/output_0"], "/model/embed_tokens/Cast", to=TensorProto.FLOAT)

    # ======================= layer 0 =========================================
    L = "/model/layers.0"
    ln_w = B.init(raw_tensor("model.layers.0.input_layernorm.weight", norm_w()))
    x0 = B.node("SimplifiedLayerNormalization", [emb, ln_w], [L + "/input_layernorm/output_0"],
                L + "/input_layernorm/LayerNorm", axis=-1, epsilon=EPS, stash_type=1)
    q = B.matmul_nbits(x0, lin(HIDDEN, HIDDEN), "model.layers.0.attn.q_proj", L + "/attn/q_proj/MatMulNBits/output_0")
    k = B.matmul_nbits(x0, lin(KV_HIDDEN, HIDDEN), "model.layers.0.attn.k_proj", L + "/attn/k_proj/MatMulNBits/output_0")
    v = B.matmul_nbits(x0, lin(KV_HIDDEN, HIDDEN), "model.layers.0.attn.v_proj", L + "/attn/v_proj/MatMulNBits/output_0")
    attn = B.node("GroupQueryAttention",
                  [q, k, v, "past_key_values.0.key", "past_key_values.0.value", seqlens_k, total_len,
                   cos_cache, sin_cache],
                  [L + "/attn/GroupQueryAttention/output_0", "present.0.key", "present.0.value"],
                  L + "/attn/GroupQueryAttention", domain=MS,
                  num_heads=NUM_HEADS, kv_num_heads=KV_HEADS, do_rotary=1, rotary_interleaved=0,
                  local_window_size=-1, softcap=0.0)[0]
    o = B.matmul_nbits(attn, lin(HIDDEN, HIDDEN), "model.layers.0.attn.o_proj", L + "/attn/o_proj/MatMulNBits/output_0")
    pln_w = B.init(raw_tensor(KEEP_INLINE_RAW, norm_w()))
    x1, resid1 = (lambda outs: (outs[0], outs[3]))(B.node(
        "SkipSimplifiedLayerNormalization", [o, emb, pln_w],
        [L + "/post_attention_layernorm/output_0", "", "", L + "/post_attention_layernorm/output_3"],
        L + "/post_attention_layernorm/SkipLayerNorm", domain=MS, epsilon=EPS))
    gate = B.matmul_nbits(x1, lin(INTER, HIDDEN), "model.layers.0.mlp.gate_proj", L + "/mlp/gate_proj/MatMulNBits/output_0")
    up = B.matmul_nbits(x1, lin(INTER, HIDDEN), "model.layers.0.mlp.up_proj", L + "/mlp/up_proj/MatMulNBits/output_0")
    sig = B.node("Sigmoid", [gate], [L + "/mlp/act_fn/Sigmoid/output_0"], L + "/mlp/act_fn/Sigmoid")
    silu = B.node("Mul", [gate, sig], [L + "/mlp/act_fn/Mul/output_0"], L + "/mlp/act_fn/Mul")
    h = B.node("Mul", [silu, up], [L + "/mlp/Mul/output_0"], L + "/mlp/Mul")
    down = B.matmul_nbits(h, lin(HIDDEN, INTER), "model.layers.0.mlp.down_proj", L + "/mlp/down_proj/MatMulNBits/output_0")

    # ======================= layer 1 =========================================
    L = "/model/layers.1"
    ln_w1 = B.init(raw_tensor("model.layers.1.input_layernorm.weight", norm_w()))
    x2, resid2 = (lambda outs: (outs[0], outs[3]))(B.node(
        "SkipSimplifiedLayerNormalization", [down, resid1, ln_w1],
        [L + "/input_layernorm/output_0", "", "", L + "/input_layernorm/output_3"],
        L + "/input_layernorm/SkipLayerNorm", domain=MS, epsilon=EPS))
    qkv_w = np.concatenate([lin(HIDDEN, HIDDEN), lin(KV_HIDDEN, HIDDEN), lin(KV_HIDDEN, HIDDEN)], axis=0)
    qkv = B.matmul_nbits(x2, qkv_w, "model.layers.1.attn.qkv_proj", L + "/attn/qkv_proj/MatMulNBits/output_0")
    split_sizes = B.init(typed_int64_tensor("model.layers.1.attn.qkv_split", [HIDDEN, KV_HIDDEN, KV_HIDDEN]))
    q1, k1, v1 = B.node("Split", [qkv, split_sizes],
                        [L + "/attn/Split/output_0", L + "/attn/Split/output_1", L + "/attn/Split/output_2"],
                        L + "/attn/Split", axis=-1)
    q1r = B.node("RotaryEmbedding", [q1, "position_ids", cos_cache, sin_cache], [L + "/attn/q_rotary/output_0"],
                 L + "/attn/q_rotary/RotaryEmbedding", domain=MS, interleaved=0)
    k1r = B.node("RotaryEmbedding", [k1, "position_ids", cos_cache, sin_cache], [L + "/attn/k_rotary/output_0"],
                 L + "/attn/k_rotary/RotaryEmbedding", domain=MS, interleaved=0)
    attn1 = B.node("GroupQueryAttention",
                   [q1r, k1r, v1, "past_key_values.1.key", "past_key_values.1.value", seqlens_k, total_len],
                   [L + "/attn/GroupQueryAttention/output_0", "present.1.key", "present.1.value"],
                   L + "/attn/GroupQueryAttention", domain=MS,
                   num_heads=NUM_HEADS, kv_num_heads=KV_HEADS, do_rotary=0, local_window_size=-1)[0]
    o1 = B.matmul_nbits(attn1, lin(HIDDEN, HIDDEN), "model.layers.1.attn.o_proj", L + "/attn/o_proj/MatMulNBits/output_0")
    pln_w1 = B.init(raw_tensor("model.layers.1.post_attention_layernorm.weight", norm_w()))
    x3, resid3 = (lambda outs: (outs[0], outs[3]))(B.node(
        "SkipSimplifiedLayerNormalization", [o1, resid2, pln_w1],
        [L + "/post_attention_layernorm/output_0", "", "", L + "/post_attention_layernorm/output_3"],
        L + "/post_attention_layernorm/SkipLayerNorm", domain=MS, epsilon=EPS))
    # plain (unquantised) MLP, weights in typed float_data -> stay inline
    wg = B.init(typed_float_tensor("model.layers.1.mlp.gate_proj.MatMul.weight", lin(INTER, HIDDEN).T))
    wu = B.init(typed_float_tensor("model.layers.1.mlp.up_proj.MatMul.weight", lin(INTER, HIDDEN).T))
    wd = B.init(typed_float_tensor("model.layers.1.mlp.down_proj.MatMul.weight", lin(HIDDEN, INTER).T))
    gate1 = B.node("MatMul", [x3, wg], [L + "/mlp/gate_proj/MatMul/output_0"], L + "/mlp/gate_proj/MatMul")
    up1 = B.node("MatMul", [x3, wu], [L + "/mlp/up_proj/MatMul/output_0"], L + "/mlp/up_proj/MatMul")
    sig1 = B.node("Sigmoid", [gate1], [L + "/mlp/act_fn/Sigmoid/output_0"], L + "/mlp/act_fn/Sigmoid")
    silu1 = B.node("Mul", [gate1, sig1], [L + "/mlp/act_fn/Mul/output_0"], L + "/mlp/act_fn/Mul")
    h1 = B.node("Mul", [silu1, up1], [L + "/mlp/Mul/output_0"], L + "/mlp/Mul")
    down1 = B.node("MatMul", [h1, wd], [L + "/mlp/down_proj/MatMul/output_0"], L + "/mlp/down_proj/MatMul")

    # ======================= final norm + lm_head ============================
    fn16 = B.init(typed_fp16_tensor("model.norm.weight_fp16", norm_w()))
    fn = B.node("Cast", [fn16], ["/model/norm/weight/Cast/output_0"], "/model/norm/weight/Cast", to=TensorProto.FLOAT)
    xf = B.node("SkipSimplifiedLayerNormalization", [down1, resid3, fn], ["/model/norm/output_0"],
                "/model/norm/SkipLayerNorm", domain=MS, epsilon=EPS)
    B.matmul_nbits(xf, lin(VOCAB, HIDDEN), "lm_head", "logits")

    graph = helper.make_graph(B.nodes, "genai_llama_tiny", inputs, outputs, initializer=B.inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid(MS, 1)],
        producer_name="llm-opt make_genai_style.py (onnxruntime-genai builder style)",
        producer_version="0.1",
    )
    model.ir_version = 10
    model.doc_string = ("Tiny Llama-style decoder in the layout of the onnxruntime-genai model builder "
                        "(int4 MatMulNBits, GroupQueryAttention). Random weights.")
    helper.set_model_props(model, {"hidden_size": str(HIDDEN), "num_heads": str(NUM_HEADS),
                                   "kv_num_heads": str(KV_HEADS), "vocab_size": str(VOCAB)})
    return model


def save_external(model, out_dir, keep_inline=(KEEP_INLINE_RAW,)):
    """Save model.onnx + model.onnx.data with size_threshold=0, but keep the named
    raw_data initializers inline (so the file has external, inline-raw and
    inline-typed initializers)."""
    os.makedirs(out_dir, exist_ok=True)
    data_name = "model.onnx.data"
    data_path = os.path.join(out_dir, data_name)
    if os.path.exists(data_path):
        os.remove(data_path)  # write_external_data_tensors appends
    external_data_helper.convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location=data_name, size_threshold=0, convert_attribute=False)
    for t in model.graph.initializer:
        if t.name in keep_inline:
            t.data_location = TensorProto.DEFAULT
            del t.external_data[:]
    external_data_helper.write_external_data_tensors(model, out_dir)
    onnx.save_model(model, os.path.join(out_dir, "model.onnx"))


# ----------------------------------------------------------------------------
# contrib_ops_misc (BERT-like, transformers-optimizer style)
# ----------------------------------------------------------------------------
def build_contrib_misc():
    r = rng_for(1)
    B = Builder()
    std = 0.08

    def w(*shape):
        return (r.standard_normal(shape) * std).astype(np.float32)

    def gamma():
        return (1.0 + 0.1 * r.standard_normal(HIDDEN)).astype(np.float32)

    dims = ["batch_size", "sequence_length"]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT32, dims),
        helper.make_tensor_value_info("segment_ids", TensorProto.INT32, dims),
        helper.make_tensor_value_info("input_mask", TensorProto.INT32, dims),
    ]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [HIDDEN])]

    word = B.init(raw_tensor("embeddings.word_embeddings.weight", w(VOCAB, HIDDEN) * 6))
    pos = B.init(raw_tensor("embeddings.position_embeddings.weight", w(MAX_POS, HIDDEN) * 6))
    seg = B.init(raw_tensor("embeddings.token_type_embeddings.weight", w(2, HIDDEN) * 6))
    eg = B.init(raw_tensor("embeddings.LayerNorm.weight", gamma()))
    eb = B.init(raw_tensor("embeddings.LayerNorm.bias", w(HIDDEN)))
    emb, mask_index = B.node("EmbedLayerNormalization",
                             ["input_ids", "segment_ids", word, pos, seg, eg, eb, "input_mask"],
                             ["embed_output", "mask_index"], "EmbedLayerNormalization_0", domain=MS,
                             epsilon=1e-12)

    # ---- layer 0: Attention (packed QKV) + BiasGelu ------------------------
    P = "encoder.layer.0."
    qkv_w = B.init(raw_tensor(P + "attention.qkv.weight", w(HIDDEN, 3 * HIDDEN)))
    qkv_b = B.init(raw_tensor(P + "attention.qkv.bias", w(3 * HIDDEN)))
    a0 = B.node("Attention", [emb, qkv_w, qkv_b, mask_index], ["attention_0_output"], "Attention_0",
                domain=MS, num_heads=NUM_HEADS)
    wo = B.init(raw_tensor(P + "attention.output.dense.weight", w(HIDDEN, HIDDEN)))
    bo = B.init(raw_tensor(P + "attention.output.dense.bias", w(HIDDEN)))
    ao = B.node("MatMul", [a0, wo], ["attention_0_dense"], "MatMul_attn_out_0")
    g1 = B.init(raw_tensor(P + "attention.output.LayerNorm.weight", gamma()))
    b1 = B.init(raw_tensor(P + "attention.output.LayerNorm.bias", w(HIDDEN)))
    ln0 = B.node("SkipLayerNormalization", [ao, emb, g1, b1, bo], ["skip_ln_0"], "SkipLayerNorm_0",
                 domain=MS, epsilon=1e-12)
    wi = B.init(raw_tensor(P + "intermediate.dense.weight", w(HIDDEN, INTER)))
    bi = B.init(raw_tensor(P + "intermediate.dense.bias", w(INTER)))
    ff = B.node("MatMul", [ln0, wi], ["ffn_0_in"], "MatMul_ffn_in_0")
    ffg = B.node("BiasGelu", [ff, bi], ["ffn_0_gelu"], "BiasGelu_0", domain=MS)
    wo2 = B.init(raw_tensor(P + "output.dense.weight", w(INTER, HIDDEN)))
    bo2 = B.init(raw_tensor(P + "output.dense.bias", w(HIDDEN)))
    ffo = B.node("MatMul", [ffg, wo2], ["ffn_0_out"], "MatMul_ffn_out_0")
    g2 = B.init(raw_tensor(P + "output.LayerNorm.weight", gamma()))
    b2 = B.init(raw_tensor(P + "output.LayerNorm.bias", w(HIDDEN)))
    # also expose output 3 (input_skip_bias_sum) of a SkipLayerNormalization, unused downstream
    ln1 = B.node("SkipLayerNormalization", [ffo, ln0, g2, b2, bo2],
                 ["skip_ln_1", "", "", "skip_ln_1_sum"], "SkipLayerNorm_1", domain=MS, epsilon=1e-12)[0]

    # ---- layer 1: MultiHeadAttention (separate Q/K/V, bias, 2-D mask) + FastGelu ----
    P = "encoder.layer.1."
    wq = B.init(raw_tensor(P + "attention.self.query.weight", w(HIDDEN, HIDDEN)))
    wk = B.init(raw_tensor(P + "attention.self.key.weight", w(HIDDEN, HIDDEN)))
    wv = B.init(raw_tensor(P + "attention.self.value.weight", w(HIDDEN, HIDDEN)))
    bqkv = B.init(raw_tensor(P + "attention.self.qkv.bias", w(3 * HIDDEN)))
    q = B.node("MatMul", [ln1, wq], ["mha_1_q"], "MatMul_q_1")
    k = B.node("MatMul", [ln1, wk], ["mha_1_k"], "MatMul_k_1")
    v = B.node("MatMul", [ln1, wv], ["mha_1_v"], "MatMul_v_1")
    a1 = B.node("MultiHeadAttention", [q, k, v, bqkv, "input_mask"], ["mha_1_output"], "MultiHeadAttention_1",
                domain=MS, num_heads=NUM_HEADS)
    wo = B.init(raw_tensor(P + "attention.output.dense.weight", w(HIDDEN, HIDDEN)))
    bo = B.init(raw_tensor(P + "attention.output.dense.bias", w(HIDDEN)))
    ao = B.node("MatMul", [a1, wo], ["attention_1_dense"], "MatMul_attn_out_1")
    g1 = B.init(raw_tensor(P + "attention.output.LayerNorm.weight", gamma()))
    b1 = B.init(raw_tensor(P + "attention.output.LayerNorm.bias", w(HIDDEN)))
    ln2 = B.node("SkipLayerNormalization", [ao, ln1, g1, b1, bo], ["skip_ln_2"], "SkipLayerNorm_2",
                 domain=MS, epsilon=1e-12)
    wi = B.init(raw_tensor(P + "intermediate.dense.weight", w(HIDDEN, INTER)))
    bi = B.init(raw_tensor(P + "intermediate.dense.bias", w(INTER)))
    ff = B.node("MatMul", [ln2, wi], ["ffn_1_in"], "MatMul_ffn_in_1")
    ffg = B.node("FastGelu", [ff, bi], ["ffn_1_gelu"], "FastGelu_1", domain=MS)
    wo2 = B.init(raw_tensor(P + "output.dense.weight", w(INTER, HIDDEN)))
    bo2 = B.init(raw_tensor(P + "output.dense.bias", w(HIDDEN)))
    ffo = B.node("MatMul", [ffg, wo2], ["ffn_1_out"], "MatMul_ffn_out_1")
    g2 = B.init(raw_tensor(P + "output.LayerNorm.weight", gamma()))
    b2 = B.init(raw_tensor(P + "output.LayerNorm.bias", w(HIDDEN)))
    B.node("SkipLayerNormalization", [ffo, ln2, g2, b2, bo2], ["last_hidden_state"], "SkipLayerNorm_3",
           domain=MS, epsilon=1e-12)

    graph = helper.make_graph(B.nodes, "contrib_ops_misc", inputs, outputs, initializer=B.inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)],
        producer_name="llm-opt make_genai_style.py (onnxruntime transformers-optimizer style)",
        producer_version="0.1",
    )
    model.ir_version = 8
    model.doc_string = "Tiny BERT-like encoder using fused com.microsoft contrib ops. Random weights."
    return model


def summarize(path):
    m = onnx.load(path, load_external_data=False)
    ops = sorted({(n.domain or "ai.onnx", n.op_type) for n in m.graph.node})
    ext = sum(1 for t in m.graph.initializer if t.data_location == TensorProto.EXTERNAL)
    raw_inline = sum(1 for t in m.graph.initializer
                     if t.data_location != TensorProto.EXTERNAL and t.HasField("raw_data"))
    typed = len(m.graph.initializer) - ext - raw_inline
    print(f"{path}: ir_version={m.ir_version} opsets={[(o.domain or 'ai.onnx', o.version) for o in m.opset_import]}")
    print(f"  initializers: {len(m.graph.initializer)} (external={ext}, inline raw_data={raw_inline}, "
          f"inline typed fields={typed}); nodes={len(m.graph.node)}")
    print(f"  ops: {ops}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "..", "test", "models"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=default_out, help="output root (default: %(default)s)")
    args = ap.parse_args()

    d = os.path.join(args.out, "genai_llama")
    save_external(build_genai_llama(), d)
    summarize(os.path.join(d, "model.onnx"))

    d = os.path.join(args.out, "contrib_ops_misc")
    os.makedirs(d, exist_ok=True)
    onnx.save_model(build_contrib_misc(), os.path.join(d, "model.onnx"))
    summarize(os.path.join(d, "model.onnx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
