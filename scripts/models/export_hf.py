#!/usr/bin/env python3
"""Export tiny, randomly initialised Hugging Face transformer models to ONNX with
both PyTorch exporters, and write onnxruntime reference data for each.

Needs torch, transformers, onnx, onnxruntime (CPU is enough). No network: models
are built from config objects with torch.manual_seed(0), never from_pretrained.
It was run on the GPU machine (torch 2.11, transformers 5.17, onnx 1.23,
onnxscript 0.7.2, onnxruntime 1.30); everything runs on the CPU.

Models (all: vocab 256, hidden 64, 2 layers, 4 heads, intermediate 128, 128 positions):
    gpt2   GPT2LMHeadModel     input_ids                                   -> logits
    bert   BertModel (no pooler) input_ids, attention_mask, token_type_ids -> last_hidden_state
    llama  LlamaForCausalLM    input_ids, attention_mask                   -> logits
           (num_key_value_heads=2 -> grouped-query attention; rope; use_cache=False)

Exporters:
    <name>_torchscript  torch.onnx.export(..., dynamo=False, opset_version=17, dynamic_axes=...)
    <name>_dynamo       torch.onnx.export(..., dynamo=True, dynamic_shapes=... torch.export.Dim)
                        (exporter's default opset), weights embedded (external_data=False)

Dynamic axes are named "batch" and "sequence" on every input (renamed after export
if an exporter picked other names). If an export fails, it is retried with
attn_implementation="eager" (and, for dynamo, with Dim.AUTO); every failed attempt
is recorded in manifest.json.

Output layout (under --out):
    <model>/model.onnx
    <model>/test_data_set_{0,1}/input_*.pb, output_*.pb    (see make_reference_data.py)
    manifest.json                                           (what was made, how, and checks)

Usage:
    python3 scripts/models/export_hf.py --out /tmp/models [--models gpt2,bert,llama]
        [--ort-only test/models/genai_llama test/models/contrib_ops_misc]
The --ort-only directories (hand-built models from make_genai_style.py) are copied
into --out and get onnxruntime reference data too.
"""

import argparse
import json
import os
import shutil
import sys
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_reference_data as mrd  # noqa: E402

VOCAB = 256
HIDDEN = 64
LAYERS = 2
HEADS = 4
INTER = 128
MAX_POS = 128
TS_OPSET = 17


def short_err(e):
    lines = [ln for ln in str(e).strip().splitlines() if ln.strip()]
    msg = lines[0] if lines else ""
    if len(lines) > 1:
        msg += " | " + lines[-1]
    return f"{type(e).__name__}: {msg[:600]}"


# ----------------------------------------------------------------------------
# Model factories
# ----------------------------------------------------------------------------
def make_config(cls, attn, **kw):
    if attn is not None:
        try:
            cfg = cls(attn_implementation=attn, **kw)
        except TypeError:
            cfg = cls(**kw)
        try:
            cfg._attn_implementation = attn
        except Exception:  # noqa: BLE001
            pass
    else:
        cfg = cls(**kw)
    return cfg


def build_model(kind, attn):
    import torch
    import transformers as tf

    torch.manual_seed(0)
    if kind == "gpt2":
        cfg = make_config(tf.GPT2Config, attn, vocab_size=VOCAB, n_positions=MAX_POS, n_embd=HIDDEN,
                          n_layer=LAYERS, n_head=HEADS, n_inner=INTER)
        model = tf.GPT2LMHeadModel(cfg)
    elif kind == "bert":
        cfg = make_config(tf.BertConfig, attn, vocab_size=VOCAB, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                          num_attention_heads=HEADS, intermediate_size=INTER,
                          max_position_embeddings=MAX_POS, type_vocab_size=2)
        model = tf.BertModel(cfg, add_pooling_layer=False)
    elif kind == "llama":
        cfg = make_config(tf.LlamaConfig, attn, vocab_size=VOCAB, hidden_size=HIDDEN, intermediate_size=INTER,
                          num_hidden_layers=LAYERS, num_attention_heads=HEADS, num_key_value_heads=2,
                          max_position_embeddings=MAX_POS, tie_word_embeddings=False)
        model = tf.LlamaForCausalLM(cfg)
    else:
        raise ValueError(kind)
    model.eval()
    if attn is not None and hasattr(model, "set_attn_implementation"):
        try:
            model.set_attn_implementation(attn)
        except Exception:  # noqa: BLE001
            pass
    return model


INPUTS = {
    "gpt2": ["input_ids"],
    "bert": ["input_ids", "attention_mask", "token_type_ids"],
    "llama": ["input_ids", "attention_mask"],
}
OUTPUT = {"gpt2": "logits", "bert": "last_hidden_state", "llama": "logits"}
SOURCE = {
    "gpt2": "transformers.GPT2LMHeadModel",
    "bert": "transformers.BertModel(add_pooling_layer=False)",
    "llama": "transformers.LlamaForCausalLM(num_key_value_heads=2)",
}


def make_wrapper(kind, model, internal_mask=False):
    import torch

    class GPT2Wrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids):
            if internal_mask:
                # With attention_mask=None transformers' mask code probes position_ids for
                # packed sequences with torch.diff (aten::diff), which the TorchScript
                # exporter cannot translate; an all-ones mask skips that probe.
                return self.m(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                              use_cache=False, return_dict=True).logits
            return self.m(input_ids=input_ids, use_cache=False, return_dict=True).logits

    class BertWrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                          return_dict=True).last_hidden_state

    class LlamaWrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, use_cache=False,
                          return_dict=True).logits

    return {"gpt2": GPT2Wrapper, "bert": BertWrapper, "llama": LlamaWrapper}[kind](model).eval()


def sample_args(kind):
    import torch

    g = torch.Generator().manual_seed(0)
    b, s = 2, 8
    args = []
    for name in INPUTS[kind]:
        if name == "input_ids":
            args.append(torch.randint(0, VOCAB, (b, s), generator=g, dtype=torch.int64))
        elif name == "attention_mask":
            args.append(torch.ones((b, s), dtype=torch.int64))
        elif name == "token_type_ids":
            args.append(torch.zeros((b, s), dtype=torch.int64))
    return tuple(args)


# ----------------------------------------------------------------------------
# Exporters
# ----------------------------------------------------------------------------
def export_torchscript(wrapper, kind, path):
    import torch

    names = INPUTS[kind]
    out = OUTPUT[kind]
    dyn = {n: {0: "batch", 1: "sequence"} for n in names}
    dyn[out] = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(wrapper, sample_args(kind), path, dynamo=False, opset_version=TS_OPSET,
                          input_names=names, output_names=[out], dynamic_axes=dyn, do_constant_folding=True)


def export_dynamo(wrapper, kind, path, dim_style):
    import torch
    from torch.export import Dim

    names = INPUTS[kind]
    out = OUTPUT[kind]
    if dim_style == "named":
        batch = Dim("batch", min=1, max=1024)
        seq = Dim("sequence", min=1, max=MAX_POS)
        ds = {n: {0: batch, 1: seq} for n in names}
    else:  # "auto"
        ds = {n: {0: Dim.AUTO, 1: Dim.AUTO} for n in names}
    with torch.no_grad():
        prog = torch.onnx.export(wrapper, sample_args(kind), None, dynamo=True, input_names=names,
                                 output_names=[out], dynamic_shapes=ds, external_data=False)
    if _save_accepts_external(prog):
        prog.save(path, external_data=False)
    else:
        prog.save(path)


def _save_accepts_external(prog):
    import inspect

    try:
        return "external_data" in inspect.signature(prog.save).parameters
    except (TypeError, ValueError):
        return False


def finalize_model(path, names):
    """Embed all weights, make sure inputs have dim_params 'batch'/'sequence'."""
    import onnx

    m = onnx.load(path)  # also pulls in external data, if any was written
    rename = {}
    for inp in m.graph.input:
        if inp.name not in names:
            continue
        for d, want in zip(inp.type.tensor_type.shape.dim, ("batch", "sequence")):
            if d.HasField("dim_param") and d.dim_param != want:
                rename[d.dim_param] = want
    if rename:
        for v in list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info):
            if not v.type.HasField("tensor_type"):
                continue
            for d in v.type.tensor_type.shape.dim:
                if d.HasField("dim_param") and d.dim_param in rename:
                    d.dim_param = rename[d.dim_param]
    problems = []
    for inp in m.graph.input:
        if inp.name in names:
            dims = inp.type.tensor_type.shape.dim
            got = [d.dim_param if d.HasField("dim_param") else d.dim_value for d in dims]
            if got[:2] != ["batch", "sequence"]:
                problems.append(f"{inp.name} dims {got}")
    for t in m.graph.initializer:
        if t.data_location == onnx.TensorProto.EXTERNAL:
            t.data_location = onnx.TensorProto.DEFAULT
            del t.external_data[:]
    d = os.path.dirname(path)
    for f in os.listdir(d):  # the model dir only holds this export: drop stray external-data files
        if f != "model.onnx" and os.path.isfile(os.path.join(d, f)):
            os.remove(os.path.join(d, f))
    onnx.save_model(m, path, save_as_external_data=False)
    return {"renamed_dims": rename, "dim_problems": problems}


# ----------------------------------------------------------------------------
# Reference data + check against torch
# ----------------------------------------------------------------------------
def reference_sets(model_dir, kind, wrapper):
    import onnxruntime as ort
    import torch

    path = os.path.join(model_dir, "model.onnx")
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ort_in = {i.name: i.type for i in sess.get_inputs()}
    out_names = [o.name for o in sess.get_outputs()]
    specs = [(n, "tensor(int64)", ["batch", "sequence"]) for n in INPUTS[kind]]
    sets = []
    for set_idx in (0, 1):
        full = mrd.make_inputs(specs, set_idx, VOCAB)
        feeds = []
        for n, a in full:
            if n in ort_in:
                feeds.append((n, a.astype(mrd.ORT_TYPES[ort_in[n]])))
        # keep the graph's input order
        order = [i.name for i in sess.get_inputs()]
        feeds.sort(key=lambda na: order.index(na[0]))
        outs = sess.run(None, dict(feeds))
        with torch.no_grad():
            ref = wrapper(*[torch.from_numpy(a) for _, a in full]).numpy()
        diff = float(np.abs(outs[0] - ref).max())
        mrd.write_data_set(model_dir, set_idx, feeds, list(zip(out_names, outs)))
        sets.append({
            "inputs": {n: list(a.shape) for n, a in feeds},
            "outputs": {n: list(o.shape) for n, o in zip(out_names, outs)},
            "max_abs_diff_vs_torch": diff,
            "finite": bool(np.isfinite(outs[0]).all()),
        })
    missing = [n for n in INPUTS[kind] if n not in ort_in]
    return {"sets": sets, "inputs_dropped_by_exporter": missing}


def do_export(kind, exporter, out_root):
    name = f"{kind}_{exporter}"
    model_dir = os.path.join(out_root, name)
    if os.path.isdir(model_dir):
        shutil.rmtree(model_dir)
    os.makedirs(model_dir)
    path = os.path.join(model_dir, "model.onnx")
    entry = {"name": name, "source": SOURCE[kind], "exporter": exporter, "attempts": []}
    attempts = []  # (attn_implementation, dynamo dim style, gpt2 internal all-ones mask)
    for attn in (None, "eager"):
        if exporter == "torchscript":
            attempts.append((attn, None, False))
        else:
            attempts.append((attn, "named", False))
            attempts.append((attn, "auto", False))
    if kind == "gpt2":
        attempts.append((None, "named" if exporter == "dynamo" else None, True))
    ok = False
    wrapper = None
    for attn, dim_style, internal_mask in attempts:
        t0 = time.time()
        try:
            model = build_model(kind, attn)
            wrapper = make_wrapper(kind, model, internal_mask)
            if exporter == "torchscript":
                export_torchscript(wrapper, kind, path)
            else:
                export_dynamo(wrapper, kind, path, dim_style)
            entry["attn_implementation"] = getattr(model.config, "_attn_implementation", attn)
            entry["attn_requested"] = attn or "default"
            if dim_style:
                entry["dynamic_shapes"] = dim_style
            if internal_mask:
                entry["wrapper_note"] = "forward passes attention_mask=torch.ones_like(input_ids) to the HF model"
            entry["attempts"].append({"attn": attn or "default", "dims": dim_style, "internal_mask": internal_mask,
                                      "ok": True, "seconds": round(time.time() - t0, 1)})
            ok = True
            break
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            entry["attempts"].append({"attn": attn or "default", "dims": dim_style, "internal_mask": internal_mask,
                                      "ok": False, "error": short_err(e), "seconds": round(time.time() - t0, 1)})
    if not ok:
        entry["status"] = "export_failed"
        shutil.rmtree(model_dir, ignore_errors=True)
        return entry
    try:
        entry.update(finalize_model(path, INPUTS[kind]))
        entry["summary"] = mrd.model_summary(path)
        entry["checker"] = mrd.checker(path)
        entry["file_bytes"] = os.path.getsize(path)
        entry.update(reference_sets(model_dir, kind, wrapper))
        entry["status"] = "ok"
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        entry["status"] = "post_export_failed"
        entry["error"] = short_err(e)
    return entry


def do_ort_only(src_dir, out_root):
    name = os.path.basename(os.path.normpath(src_dir))
    model_dir = os.path.join(out_root, name)
    if os.path.isdir(model_dir):
        shutil.rmtree(model_dir)
    os.makedirs(model_dir)
    for f in os.listdir(src_dir):
        if f.startswith("model.onnx"):
            shutil.copy2(os.path.join(src_dir, f), model_dir)
    entry = {"name": name, "source": "scripts/models/make_genai_style.py", "exporter": "hand-built (onnx.helper)"}
    try:
        path = os.path.join(model_dir, "model.onnx")
        entry["summary"] = mrd.model_summary(path)
        entry["checker"] = mrd.checker(path)
        entry.update(mrd.run_ort_sets(model_dir))
        entry["status"] = "ok"
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        entry["status"] = "ort_failed"
        entry["error"] = short_err(e)
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", default="gpt2,bert,llama")
    ap.add_argument("--exporters", default="torchscript,dynamo")
    ap.add_argument("--ort-only", nargs="*", default=[])
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    versions = {}
    for mod in ("torch", "transformers", "onnx", "onnxscript", "onnxruntime", "numpy"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001
            versions[mod] = f"unavailable ({short_err(e)})"
    print("versions:", versions, flush=True)

    manifest = {"versions": versions, "models": []}
    for kind in [k for k in args.models.split(",") if k]:
        for exporter in [e for e in args.exporters.split(",") if e]:
            t0 = time.time()
            print(f"=== {kind} / {exporter}", flush=True)
            entry = do_export(kind, exporter, args.out)
            entry["total_seconds"] = round(time.time() - t0, 1)
            print(json.dumps(entry, indent=1, default=str), flush=True)
            manifest["models"].append(entry)
    for d in args.ort_only:
        print(f"=== ort-only {d}", flush=True)
        entry = do_ort_only(d, args.out)
        print(json.dumps(entry, indent=1, default=str), flush=True)
        manifest["models"].append(entry)
    if args.ort_only:
        try:
            manifest["matmulnbits_selfcheck_max_abs_diff"] = mrd.matmulnbits_selfcheck()
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            manifest["matmulnbits_selfcheck_max_abs_diff"] = short_err(e)
        print("matmulnbits selfcheck:", manifest["matmulnbits_selfcheck_max_abs_diff"], flush=True)

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, default=str)
    print("=== status:", [(m["name"], m.get("status")) for m in manifest["models"]], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
