//===- Passes.td - constant folding of weights -------------*- tablegen -*-===//

#ifndef LLM_PASSES_FOLDING_PASSES_TD
#define LLM_PASSES_FOLDING_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldWeightTransformsPass : Pass<"llm-fold-weight-transforms", "::mlir::ModuleOp"> {
  let summary = "Evaluate transpose, reshape, concat, cast and slice of constants at compile time";
  let description = [{
    Exporters write weight layout changes as ops on the weights (`W^T` of a
    dynamo `nn.Linear`, a reshape of a bias, a slice of a fused projection,
    the cast of an f16 weight in a mixed-precision graph), which then run at
    every inference. This pass evaluates `llm.transpose`, `llm.reshape`,
    `llm.squeeze`, `llm.unsqueeze`, `llm.concat`, `llm.cast` and
    `llm.slice` whose operands are constants, `dense_resource` weight blobs
    included, into a new constant. A result from a blob is a new blob named
    after its source (`w.T`, `w.reshape`, `w.slice`, `w.f32`, `a+b`).
    Each new blob records how it was made (`llm.weight_recipes`: reshape,
    transpose, concat, float casts) so that the runtime can rebuild it from
    a checkpoint of the model's own tensors. Chains fold one op after the
    other.

    To bound the compiler's memory, an op folds only when every constant it
    reads has no other user (folding then replaces the source instead of
    adding a copy next to it; a tied embedding read both by a gather and,
    transposed, by the LM head is left alone) and its result is no larger
    than `max-bytes`. The `[1, 0]` transpose of a matmul's weight is left
    too: `llm-fuse-epilogues` reads it in place (`transpose_weight`).
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", "268435456",
           "Largest result to fold, in bytes (default 256 MiB)">,
    Option<"reportMisses", "report-misses", "bool", "false",
           "Remark at every transform of a constant that is not folded, with the reason">,
  ];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

#endif // LLM_PASSES_FOLDING_PASSES_TD
