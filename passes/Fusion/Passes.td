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

#endif // LLM_PASSES_FUSION_PASSES_TD
