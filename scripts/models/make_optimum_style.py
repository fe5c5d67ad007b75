#!/usr/bin/env python3
"""Hand-build Hugging Face Optimum-style decoder exports with a KV cache.

`optimum-cli export onnx --task text-generation-with-past` writes decoders
whose inputs are `input_ids [batch, seq]`, `attention_mask [batch, past + seq]`,
`position_ids [batch, seq]` and `past_key_values.{i}.key/value [batch, kv_heads,
past, head_dim]`, and whose outputs are `logits` and `present.{i}.key/value`
= Concat(past, new, axis=2). The causal mask is offset by the past length:
query i sits at position past + i. There is no torch here, so the graphs are
written with onnx.helper in the exporters' spellings (Shape/Gather for dims,
Range for positions, Unsqueeze/Expand/Reshape for repeat_kv):

  optimum_llama/model.onnx
      Llama-style: RMSNorm, grouped-query attention (4 query heads over 2 kv
      heads, repeat_kv as unsqueeze/expand/reshape), rotary tables gathered by
      position_ids (cos_cached[position_ids], rotate-half), SwiGLU MLP.
      Mask: past = Shape(past_key_values.0.key)[2];
      keep = LessOrEqual(Range(0, past + seq), past + Range(0, seq)[:, None])
             & bool(attention_mask)[:, None, None, :];
      scores + Where(keep, 0, finfo.min).

  optimum_gpt2/model.onnx
      GPT-2-style: LayerNorm, fused c_attn (one Gemm-like MatMul + Split),
      tanh GELU, learned positions gathered by position_ids, tied lm_head.
      Mask: cache_position = Range(past, past + seq) (the start is the past
      length); masked = Greater(Range(0, past + seq),
      cache_position.reshape(-1, 1));
      causal = Where(masked, finfo.min, 0); HF's masked_fill with the padding:
      Where(attention_mask[:, None, None, :] == 0, finfo.min, causal); added
      to the scores.

Both: vocab 256, hidden 64, 2 layers, head size 16, intermediate 128, random
weights (numpy default_rng), opset 17, ir_version 8, weights embedded.

Data sets (inputs here; reference outputs from ONNX Runtime through node,
scripts/bench/ort_run.js, so onnxruntime-node must be installed:
scripts/install-deps.sh --bench):

  test_data_set_0  batch 1, seq 7, past 0 (the prompt), mask all ones
  test_data_set_1  batch 2, seq 1, past 12 (a decode step); row 1 left-padded
                   by 3 (mask[1, :3] = 0, position_ids 12 - 3 = 9)
  test_data_set_2  batch 2, seq 5, past 4 (a chunk after a cached prefix);
                   row 1 left-padded by 3
  test_data_set_3  batch 2, seq 6, past 0, row 1 left-padded by 2: the padding
                   query rows of row 1 see no key (every score is finfo.min,
                   so the source averages v over all keys)

position_ids follow HF: cumsum(mask) - 1, 1 where the mask is 0.

Usage:
    /usr/bin/python3 scripts/models/make_optimum_style.py [--out DIR] [--ort-node-modules DIR]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB = 256
HIDDEN = 64
LAYERS = 2
HEAD = 16
INTER = 128
MAX_POS = 128
EPS = 1e-5
ROPE_THETA = 10000.0
FINFO_MIN = float(np.finfo(np.float32).min)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Graph:
    """Nodes and initializers with fresh names."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []
        self.count = 0

    def fresh(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def op(self, op_type, inputs, hint=None, outputs=1, **attrs):
        names = [self.fresh(hint or op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=names[0], **attrs))
        return names[0] if outputs == 1 else names

    def const(self, array, hint="const"):
        name = self.fresh(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, scale=0.08):
        self.inits.append(numpy_helper.from_array(
            (self.rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def dim(self, tensor, axis):
        """Gather(Shape(tensor), axis): a 0-d int64, as the exporters write it."""
        return self.op("Gather", [self.op("Shape", [tensor]), self.const(np.int64(axis))], axis=0)

    def shape_of(self, *parts):
        """A 1-D shape from 0-d int64 dims and python ints (Unsqueeze + Concat)."""
        pieces = []
        for p in parts:
            if isinstance(p, int):
                pieces.append(self.const(np.array([p], np.int64)))
            else:
                pieces.append(self.op("Unsqueeze", [p, self.const(np.array([0], np.int64))]))
        return self.op("Concat", pieces, axis=0)

    def unsqueeze(self, x, axes):
        return self.op("Unsqueeze", [x, self.const(np.array(axes, np.int64))])

    def matmul(self, x, w):
        return self.op("MatMul", [x, w])


def rms_norm(g, x, weight):
    var = g.op("ReduceMean", [g.op("Pow", [x, g.const(np.float32(2.0))])], axes=[-1], keepdims=1)
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.op("Add", [var, g.const(np.float32(EPS))])])])
    return g.op("Mul", [weight, g.op("Mul", [x, inv])])


def layer_norm(g, x, prefix):
    mean = g.op("ReduceMean", [x], axes=[-1], keepdims=1)
    centered = g.op("Sub", [x, mean])
    var = g.op("ReduceMean", [g.op("Pow", [centered, g.const(np.float32(2.0))])], axes=[-1],
               keepdims=1)
    normed = g.op("Div", [centered, g.op("Sqrt", [g.op("Add", [var, g.const(np.float32(EPS))])])])
    gamma = g.const((1.0 + 0.1 * g.rng.standard_normal(HIDDEN)).astype(np.float32), prefix + ".weight")
    beta = g.const((0.1 * g.rng.standard_normal(HIDDEN)).astype(np.float32), prefix + ".bias")
    return g.op("Add", [g.op("Mul", [normed, gamma]), beta])


def split_heads(g, x, batch, seq, heads):
    """[b, s, heads * d] -> [b, heads, s, d]."""
    x = g.op("Reshape", [x, g.shape_of(batch, seq, heads, HEAD)])
    return g.op("Transpose", [x], perm=[0, 2, 1, 3])


def merge_heads(g, x, batch, seq, heads):
    x = g.op("Transpose", [x], perm=[0, 2, 1, 3])
    return g.op("Reshape", [x, g.shape_of(batch, seq, heads * HEAD)])


def attention(g, q, k, v, mask, heads):
    """eager attention: softmax(q @ k^T / sqrt(d) + mask) @ v."""
    scores = g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])])
    scores = g.op("Div", [scores, g.const(np.float32(np.sqrt(HEAD)))])
    scores = g.op("Add", [scores, mask])
    probs = g.op("Softmax", [scores], axis=-1)
    return g.op("MatMul", [probs, v])


def repeat_kv(g, x, heads_kv, n_rep):
    """HF repeat_kv: [b, hkv, s, d] -> unsqueeze 2 -> expand -> [b, hkv * n, s, d], the
    dims read from the tensor's own shape (`batch, hkv, slen, d = x.shape`)."""
    batch, total = g.dim(x, 0), g.dim(x, 2)
    x = g.unsqueeze(x, [2])
    x = g.op("Expand", [x, g.shape_of(batch, heads_kv, n_rep, total, HEAD)])
    return g.op("Reshape", [x, g.shape_of(batch, heads_kv * n_rep, total, HEAD)])


def rotate_half(g, x):
    half = HEAD // 2
    first = g.op("Slice", [x, g.const(np.array([0], np.int64)), g.const(np.array([half], np.int64)),
                          g.const(np.array([-1], np.int64))])
    second = g.op("Slice", [x, g.const(np.array([half], np.int64)),
                           g.const(np.array([np.iinfo(np.int64).max], np.int64)),
                           g.const(np.array([-1], np.int64))])
    return g.op("Concat", [g.op("Neg", [second]), first], axis=-1)


def apply_rotary(g, x, cos, sin):
    return g.op("Add", [g.op("Mul", [x, cos]), g.op("Mul", [rotate_half(g, x), sin])])


def io(name, dims, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, dims)


def kv_io(heads_kv):
    inputs, outputs = [], []
    for i in range(LAYERS):
        for kind in ("key", "value"):
            inputs.append(io(f"past_key_values.{i}.{kind}",
                             ["batch_size", heads_kv, "past_sequence_length", HEAD]))
            outputs.append(io(f"present.{i}.{kind}",
                              ["batch_size", heads_kv, "past_sequence_length + sequence_length",
                               HEAD]))
    return inputs, outputs


def common_inputs():
    return [
        io("input_ids", ["batch_size", "sequence_length"], TensorProto.INT64),
        io("attention_mask", ["batch_size", "past_sequence_length + sequence_length"],
           TensorProto.INT64),
        io("position_ids", ["batch_size", "sequence_length"], TensorProto.INT64),
    ]


def finish(g, name, inputs, outputs):
    graph = helper.make_graph(g.nodes, name, inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="make_optimum_style.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_llama():
    heads, heads_kv = 4, 2
    g = Graph(np.random.default_rng(2024))
    batch = g.dim("input_ids", 0)
    seq = g.dim("input_ids", 1)
    past = g.dim("past_key_values.0.key", 2)
    total = g.op("Add", [past, seq])

    # Optimum Llama: query positions past + arange(seq), key positions
    # arange(past + seq); keep key j for query i when j <= past + i.
    zero, one = g.const(np.int64(0)), g.const(np.int64(1))
    query_pos = g.op("Add", [past, g.op("Range", [zero, seq, one])])
    key_pos = g.op("Range", [zero, total, one])
    keep = g.op("LessOrEqual", [g.unsqueeze(key_pos, [0]), g.unsqueeze(query_pos, [1])])
    keep = g.unsqueeze(keep, [0, 1])
    padding = g.unsqueeze(g.op("Cast", ["attention_mask"], to=TensorProto.BOOL), [1, 2])
    keep = g.op("And", [keep, padding])
    mask = g.op("Where", [keep, g.const(np.float32(0.0)), g.const(np.float32(FINFO_MIN))])

    # Rotary tables cos/sin_cached [max_pos, d] (cat(freqs, freqs)), gathered
    # by position_ids -> [b, s, d] -> unsqueeze 1.
    inv_freq = 1.0 / ROPE_THETA ** (np.arange(0, HEAD, 2) / HEAD)
    freqs = np.outer(np.arange(MAX_POS), inv_freq)
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos_cached = g.const(np.cos(emb).astype(np.float32), "cos_cached")
    sin_cached = g.const(np.sin(emb).astype(np.float32), "sin_cached")
    cos = g.unsqueeze(g.op("Gather", [cos_cached, "position_ids"], axis=0), [1])
    sin = g.unsqueeze(g.op("Gather", [sin_cached, "position_ids"], axis=0), [1])

    h = g.op("Gather", [g.weight("model.embed_tokens.weight", (VOCAB, HIDDEN), 0.5), "input_ids"],
             axis=0)
    outputs_kv = []
    for i in range(LAYERS):
        p = f"model.layers.{i}"
        x = rms_norm(g, h, g.const(np.ones(HIDDEN, np.float32) + 0.1 * g.rng.standard_normal(
            HIDDEN).astype(np.float32), p + ".input_layernorm.weight"))
        q = split_heads(g, g.matmul(x, g.weight(p + ".q_proj", (HIDDEN, heads * HEAD))), batch,
                        seq, heads)
        k = split_heads(g, g.matmul(x, g.weight(p + ".k_proj", (HIDDEN, heads_kv * HEAD))), batch,
                        seq, heads_kv)
        v = split_heads(g, g.matmul(x, g.weight(p + ".v_proj", (HIDDEN, heads_kv * HEAD))), batch,
                        seq, heads_kv)
        q = apply_rotary(g, q, cos, sin)
        k = apply_rotary(g, k, cos, sin)
        k = g.op("Concat", [f"past_key_values.{i}.key", k], axis=2)
        v = g.op("Concat", [f"past_key_values.{i}.value", v], axis=2)
        g.nodes.append(helper.make_node("Identity", [k], [f"present.{i}.key"]))
        g.nodes.append(helper.make_node("Identity", [v], [f"present.{i}.value"]))
        k = repeat_kv(g, k, heads_kv, heads // heads_kv)
        v = repeat_kv(g, v, heads_kv, heads // heads_kv)
        o = merge_heads(g, attention(g, q, k, v, mask, heads), batch, seq, heads)
        h = g.op("Add", [h, g.matmul(o, g.weight(p + ".o_proj", (heads * HEAD, HIDDEN)))])
        x = rms_norm(g, h, g.const(np.ones(HIDDEN, np.float32), p + ".post_attention_layernorm"))
        gate = g.matmul(x, g.weight(p + ".gate_proj", (HIDDEN, INTER)))
        up = g.matmul(x, g.weight(p + ".up_proj", (HIDDEN, INTER)))
        act = g.op("Mul", [g.op("Mul", [gate, g.op("Sigmoid", [gate])]), up])
        h = g.op("Add", [h, g.matmul(act, g.weight(p + ".down_proj", (INTER, HIDDEN)))])
    h = rms_norm(g, h, g.const(np.ones(HIDDEN, np.float32), "model.norm.weight"))
    g.nodes.append(helper.make_node("MatMul", [h, g.weight("lm_head", (HIDDEN, VOCAB))], ["logits"]))
    past_in, present_out = kv_io(heads_kv)
    return finish(g, "optimum_llama", common_inputs() + past_in,
                  [io("logits", ["batch_size", "sequence_length", VOCAB])] + present_out), heads_kv


def build_gpt2():
    heads = 4
    g = Graph(np.random.default_rng(2025))
    batch = g.dim("input_ids", 0)
    seq = g.dim("input_ids", 1)
    past = g.dim("past_key_values.0.key", 2)
    total = g.op("Add", [past, seq])

    # cache_position = arange(past, past + seq); a key is masked out when its
    # position is after the query's: Greater(key_pos, cache_position[:, None]).
    one = g.const(np.int64(1))
    cache_position = g.op("Range", [past, total, one])
    key_pos = g.op("Range", [g.const(np.int64(0)), total, one])
    rows = g.op("Reshape", [cache_position, g.const(np.array([-1, 1], np.int64))])
    masked = g.op("Greater", [g.unsqueeze(key_pos, [0]), rows])
    causal = g.op("Where", [masked, g.const(np.float32(FINFO_MIN)), g.const(np.float32(0.0))])
    causal = g.op("Expand", [g.unsqueeze(causal, [0, 1]), g.shape_of(batch, 1, seq, total)])
    # HF's causal_mask.masked_fill(attention_mask[:, None, None, :] == 0, min).
    padded = g.op("Equal", [g.unsqueeze("attention_mask", [1, 2]), g.const(np.int64(0))])
    mask = g.op("Where", [padded, g.const(np.float32(FINFO_MIN)), causal])

    h = g.op("Add", [
        g.op("Gather", [g.weight("transformer.wte.weight", (VOCAB, HIDDEN), 0.5), "input_ids"],
             axis=0),
        g.op("Gather", [g.weight("transformer.wpe.weight", (MAX_POS, HIDDEN), 0.1), "position_ids"],
             axis=0)])
    for i in range(LAYERS):
        p = f"transformer.h.{i}"
        x = layer_norm(g, h, p + ".ln_1")
        qkv = g.op("Add", [g.matmul(x, g.weight(p + ".attn.c_attn.weight", (HIDDEN, 3 * HIDDEN))),
                           g.weight(p + ".attn.c_attn.bias", (3 * HIDDEN,), 0.02)])
        q, k, v = g.op("Split", [qkv, g.const(np.array([HIDDEN] * 3, np.int64))], outputs=3,
                       axis=2)
        q = split_heads(g, q, batch, seq, heads)
        k = g.op("Concat", [f"past_key_values.{i}.key", split_heads(g, k, batch, seq, heads)],
                 axis=2)
        v = g.op("Concat", [f"past_key_values.{i}.value", split_heads(g, v, batch, seq, heads)],
                 axis=2)
        g.nodes.append(helper.make_node("Identity", [k], [f"present.{i}.key"]))
        g.nodes.append(helper.make_node("Identity", [v], [f"present.{i}.value"]))
        o = merge_heads(g, attention(g, q, k, v, mask, heads), batch, seq, heads)
        o = g.op("Add", [g.matmul(o, g.weight(p + ".attn.c_proj.weight", (HIDDEN, HIDDEN))),
                         g.weight(p + ".attn.c_proj.bias", (HIDDEN,), 0.02)])
        h = g.op("Add", [h, o])
        x = layer_norm(g, h, p + ".ln_2")
        x = g.op("Add", [g.matmul(x, g.weight(p + ".mlp.c_fc.weight", (HIDDEN, INTER))),
                         g.weight(p + ".mlp.c_fc.bias", (INTER,), 0.02)])
        # gelu_new: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
        inner = g.op("Mul", [g.const(np.float32(np.sqrt(2.0 / np.pi))), g.op("Add", [
            x, g.op("Mul", [g.const(np.float32(0.044715)),
                            g.op("Pow", [x, g.const(np.float32(3.0))])])])])
        x = g.op("Mul", [g.op("Mul", [g.const(np.float32(0.5)), x]),
                         g.op("Add", [g.const(np.float32(1.0)), g.op("Tanh", [inner])])])
        x = g.op("Add", [g.matmul(x, g.weight(p + ".mlp.c_proj.weight", (INTER, HIDDEN))),
                         g.weight(p + ".mlp.c_proj.bias", (HIDDEN,), 0.02)])
        h = g.op("Add", [h, x])
    h = layer_norm(g, h, "transformer.ln_f")
    g.nodes.append(helper.make_node(
        "MatMul", [h, g.op("Transpose", ["transformer.wte.weight"], perm=[1, 0])], ["logits"]))
    past_in, present_out = kv_io(heads)
    return finish(g, "optimum_gpt2", common_inputs() + past_in,
                  [io("logits", ["batch_size", "sequence_length", VOCAB])] + present_out), heads


# (batch, seq, past, left padding of the last row)
DATA_SETS = [(1, 7, 0, 0), (2, 1, 12, 3), (2, 5, 4, 3), (2, 6, 0, 2)]


def make_inputs(set_idx, heads_kv):
    batch, seq, past, pad = DATA_SETS[set_idx]
    rng = np.random.default_rng(3000 + set_idx)
    mask = np.ones((batch, past + seq), np.int64)
    mask[-1, :pad] = 0
    # HF: position_ids = cumsum(mask) - 1, 1 on the padding; this step's part.
    positions = np.cumsum(mask, axis=1) - 1
    positions[mask == 0] = 1
    inputs = {
        "input_ids": rng.integers(0, VOCAB, (batch, seq)).astype(np.int64),
        "attention_mask": mask,
        "position_ids": positions[:, past:].astype(np.int64),
    }
    for i in range(LAYERS):
        for kind in ("key", "value"):
            inputs[f"past_key_values.{i}.{kind}"] = (
                rng.standard_normal((batch, heads_kv, past, HEAD)) * 0.5).astype(np.float32)
    return inputs


def run_ort(model_path, inputs, node_modules):
    """Outputs of ONNX Runtime (CPU) through node, in graph-output order."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["node", os.path.join(REPO, "scripts", "bench", "ort_run.js"), model_path,
                "--warmup", "0", "--iterations", "1", "--threads", "1",
                "--dump-outputs", os.path.join(tmp, "out")]
        for name, array in inputs.items():
            path = os.path.join(tmp, name + ".npy")
            np.save(path, array)
            args += ["--inputs-npy", f"{name}={path}"]
        env = dict(os.environ)
        if node_modules:
            env["NODE_PATH"] = node_modules
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
        outputs = []
        k = 0
        while os.path.exists(os.path.join(tmp, "out", f"output_{k}.npy")):
            outputs.append(np.load(os.path.join(tmp, "out", f"output_{k}.npy")))
            k += 1
        return outputs


def write_model(out_root, name, model, heads_kv, node_modules):
    folder = os.path.join(out_root, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    onnx.save(model, path)
    output_names = [o.name for o in model.graph.output]
    for set_idx in range(len(DATA_SETS)):
        inputs = make_inputs(set_idx, heads_kv)
        outputs = run_ort(path, inputs, node_modules)
        assert len(outputs) == len(output_names), (name, len(outputs))
        data = os.path.join(folder, f"test_data_set_{set_idx}")
        os.makedirs(data, exist_ok=True)
        for i, (key, array) in enumerate(inputs.items()):
            with open(os.path.join(data, f"input_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(array, key).SerializeToString())
        for j, (key, array) in enumerate(zip(output_names, outputs)):
            with open(os.path.join(data, f"output_{j}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(array, key).SerializeToString())
        print(f"{name} set {set_idx}: {DATA_SETS[set_idx]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "test", "models"))
    parser.add_argument("--ort-node-modules", default=None,
                        help="a node_modules folder holding onnxruntime-node (default: the "
                        "repository's, as scripts/bench/ort_run.js looks it up)")
    args = parser.parse_args()
    llama, llama_kv = build_llama()
    write_model(args.out, "optimum_llama", llama, llama_kv, args.ort_node_modules)
    gpt2, gpt2_kv = build_gpt2()
    write_model(args.out, "optimum_gpt2", gpt2, gpt2_kv, args.ort_node_modules)


if __name__ == "__main__":
    sys.exit(main())
