//===- Passes.td - compute precision -----------------------*- tablegen -*-===//

#ifndef LLM_PASSES_PRECISION_PASSES_TD
#define LLM_PASSES_PRECISION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertPrecisionPass : Pass<"llm-convert-precision", "::mlir::ModuleOp"> {
  let summary = "Compute an f32 model in f16 or bf16, weights converted at compile time";
  let description = [{
    Every f32 tensor op of every function computes in `dtype` instead:
    results are retyped, `llm.constant` weights (dense attributes and
    `dense_resource` blobs) are rounded to nearest even at compile time into
    blobs of the same name, and `llm.full` fill values are converted. The
    function's interface does not change: f32 arguments are cast down where
    they are read and f32 results are cast up before the return. With
    `keep-io-types=0` it does: f32 arguments and results take the compute
    type (onnxconverter-common's `keep_io_types=False`), which saves a cast
    pass over the outputs (GPT-2's logits are 50257 wide).

    Ops whose *result* is numerically fragile stay in f32, with casts around
    them: `reduce_sum`, `reduce_prod`, `cumsum` (sums over long extents),
    `pow` unless its exponent is a constant in [0, 1], an `exp` that feeds a
    division (directly or through a `reduce_sum`) and that division, `sin`
    and `cos` (angles of rotary tables), the quantization ops (their float
    type is the quant type's f32) and ops of other dialects. A float
    computation made only of constants and integers (a rotary table from
    positions and frequencies) whose every user stays in f32 stays in f32
    too. Integer and boolean tensors are untouched.

    Constants saturate: a value beyond the f16 range becomes the largest
    finite f16 value (65504, with its sign), with a warning for a weight
    and a remark for a splat (the `finfo(float32).min` of attention masks);
    bf16 saturates the few f32 values that round past its largest finite
    value the same way.
  }];
  let options = [
    Option<"dtype", "dtype", "std::string", "\"f16\"",
           "The compute type of f32 ops: f16 or bf16">,
    Option<"keepIOTypes", "keep-io-types", "bool", "true",
           "Keep the functions' f32 arguments and results f32 (false: they take "
           "the compute type, as the inputs and outputs of a PyTorch .half() "
           "model do, and no cast runs at either end)">,
  ];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

#endif // LLM_PASSES_PRECISION_PASSES_TD
