//===- Passes.td - operator fusion -------------------------*- tablegen -*-===//

#ifndef LLM_PASSES_FUSION_PASSES_TD
#define LLM_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseEpiloguesPass : Pass<"llm-fuse-epilogues", "::mlir::func::FuncOp"> {
  let summary = "Fold bias, activation and residual adds into llm.linear";
  let description = [{
    A dense layer is exported as a matmul followed by elementwise ops that
    each read and write the whole product again. This pass makes them one
    `llm.linear`:

    * `matmul(x, W)` with a 2-D `W` becomes `linear(x, W)`, and
      `matmul(x, transpose(W))` becomes `linear(x, W) {transpose_weight}`
      (a tied embedding read as the LM head), so no transposed copy of the
      weight is ever made;
    * `linear + b` with a 1-D `b` of N elements becomes the bias;
    * `gelu`, `silu` or `relu` of a linear becomes its activation;
    * `linear + r` with `r` of the result's shape becomes its residual.

    A step folds only when the linear has no other use and the epilogue
    order (bias, activation, residual) is kept.
  }];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

def MergeParallelLinearsPass : Pass<"llm-merge-parallel-linears", "::mlir::ModuleOp"> {
  let summary = "Merge linears that read the same input into one wider linear";
  let description = [{
    Linears on the same input with constant weights of the same layout and
    element type, and no epilogue beyond a constant bias (attention's q, k and
    v projections), become one linear over the weights concatenated along N
    at compile time, followed by an `llm.split` that hands each consumer its
    slice. The merged weight is a new entry of the weights file, named after
    the merged ones joined by `+`.
  }];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

def FoldHeadTransposesPass : Pass<"llm-fold-head-transposes", "::mlir::func::FuncOp"> {
  let summary = "Let llm.attention read and write [B, S, H, D] instead of transposing its heads";
  let description = [{
    `attention(transpose(q), transpose(k), transpose(v))` with every
    transpose `[0, 2, 1, 3]` (the exporters' head split after the q/k/v
    projections) becomes `attention(q, k, v) {layout = "bshd"}`; users of
    the result that transpose it back with `[0, 2, 1, 3]` (the head merge
    before the output projection) read the new result directly, an
    `llm.dim` of it reads the swapped dim of the new result, and any other
    user reads a transpose of it. Four copies of the heads a layer
    disappear; the kernels read rows with a stride instead.

    A rotary embedding between a transpose and the attention (Llama's q and
    k) becomes a `layout = "bshd"` rotary embedding of the transpose's
    input; its other users are treated as the result's are (TorchScript's
    exports size the head merge from `llm.dim`s of q; rotated keys that are
    returned read a transpose, the copy the head split made before). An
    attention whose inputs are not all such transposes (a KV-cache concat
    in between) is left alone, with a remark under `report-misses`.
  }];
  let options = [
    Option<"reportMisses", "report-misses", "bool", /*default=*/"false",
           "Remark at each attention left in [B, H, S, D], with the reason">,
  ];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

def PackQKVHeadsPass : Pass<"llm-pack-qkv-heads", "::mlir::func::FuncOp"> {
  let summary = "Let llm.attention read q, k and v in place from the merged projection";
  let description = [{
    `attention(reshape(s#0), reshape(s#1), reshape(s#2)) {layout = "bshd"}`
    with `s = split(x)` three slices of the last dim of `x : [B, S, N]` and
    each reshape `[B, S, H_i, D]` (the merged q/k/v projection, split and
    cut into heads) becomes
    `attention(p, p, p) {layout = "bshd", packed_heads = [Hq, Hk, Hv]}` with
    `p = reshape(x) : [B, S, Hq + Hk + Hv, D]`, a view. The split's three
    copies disappear; the kernels read each head's rows with the packed
    tensor's stride.

    Only when the split and the reshapes have no other users (a KV cache or
    a rotary embedding between them keeps the split), and only in
    `[B, S, H, D]` (run after `llm-fold-head-transposes`); misses are
    remarks under `report-misses`.
  }];
  let options = [
    Option<"reportMisses", "report-misses", "bool", /*default=*/"false",
           "Remark at each attention whose q, k and v stay three tensors, with the reason">,
  ];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

def FuseElementwisePass : Pass<"llm-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Group elementwise ops into llm.fused regions, one loop each";
  let description = [{
    Every maximal group of elementwise ops whose intermediates are used only
    inside the group becomes one `llm.fused` region: codegen emits it as a
    single loop over the result, reading each input once and keeping the
    intermediates in registers. A group grows from its root (the op whose
    result leaves the group) backwards through producers in the same block
    whose every user is already in the group. Reductions and data-movement
    ops end a group (they are kernels of their own).

    A layer or RMS norm over the last axis whose input an elementwise op
    computes (a residual or bias add, casts, scaling) takes that op's group
    as its prologue: the region ends in the norm and codegen emits one row
    kernel that reads the prologue's operands once, normalizes the row in
    registers and writes it. The prologue's value may have users outside
    the region (the residual stream a later layer adds to): the region then
    also returns it, written by the same kernel. Norms over more than the
    last axis, or whose scale or bias has several rows or another element
    type, keep their own kernel.
  }];
  let options = [
    Option<"reportMisses", "report-misses", "bool", /*default=*/"false",
           "Remark at every norm that does not take the elementwise op computing its input, and why">,
  ];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

#endif // LLM_PASSES_FUSION_PASSES_TD
