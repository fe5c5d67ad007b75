//===- Passes.td - raising decomposed patterns to composites -*- tablegen -*-===//

#ifndef LLM_PASSES_RAISING_PASSES_TD
#define LLM_PASSES_RAISING_PASSES_TD

include "mlir/Pass/PassBase.td"

def RaiseCompositesPass : Pass<"llm-raise-composites", "::mlir::func::FuncOp"> {
  let summary = "Raise decomposed norms, activations, rotary embeddings and attention to llm composite ops";
  let description = [{
    Exporters spell normalizations and activations as chains of primitive
    ops; codegen has one kernel for each composite. This pass recognizes
    those chains and replaces them:

    * `x * rsqrt(mean(x^2) + eps)` (also with `1 / sqrt(...)`,
      `reciprocal(sqrt(...))` or `x / sqrt(...)`) becomes `llm.rms_norm`,
      and a following `* w` becomes its scale;
    * `rms_norm(x - mean(x))`, i.e. `(x - mean) / sqrt(var + eps)`, becomes
      `llm.layer_norm`; a following `* g` and `+ b` become its scale and bias;
    * `0.5 * x * (1 + erf(x / sqrt(2)))` becomes `llm.gelu`, and
      `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))` becomes
      `llm.gelu {approximate = "tanh"}`, with the factors in any order;
    * `x * sigmoid(x)` becomes `llm.silu`, and `silu(gate) * up` becomes
      `llm.swiglu`;
    * `x * cos + rotate(x) * sin`, with rotate-half (`concat(-x2, x1)`) or
      interleaved (`stack(-x_odd, x_even)`) rotation and tables proven to
      repeat each angle, becomes `llm.rotary_embedding` (a rotary of the
      first `r` features concatenated with the rest, `rotary_dim = r`);
    * `softmax(scale(q @ k^T) (+ mask)) @ v`, with the scale a constant
      multiplying or dividing the scores (or q and k^T separately) and the
      mask added or selected by a where against a large negative constant,
      becomes `llm.attention` (torch's NaN guard on fully masked rows folds
      in: the op's rows that attend to nothing are zeros);
    * on an `llm.attention`: kv heads repeated per head (HF's repeat_kv:
      unsqueeze / expand / reshape) fold into its grouped-query heads, the
      dynamo exports' k^T round trip folds into the key, and a causal mask
      term (a comparison of query and key positions, a trilu or constant
      triangle, a where of one, a sliced table) becomes
      `causal = "upper_left"` (or `"lower_right"`), the rest of the mask
      staying the mask.

    Norms must reduce the trailing axes with `keepdims`; epsilon and the
    GELU constants must be splat constants (of any rank that broadcasts).
    Intermediate values must have no other use, so that raising never
    computes a reduction twice; `llm.dim` users of a norm are redirected to
    its input. The pass does not fold or CSE; like any greedy rewrite, it
    erases ops that are left without uses.

    With `report-misses`, every op that looks like the root of a pattern
    but does not match gets a remark saying why, e.g.
    `not raised to llm.rms_norm: pow exponent is 3, expected 2` or
    `not folded into llm.attention's causal: mask is not causal: ...`.
  }];
  let options = [
    Option<"reportMisses", "report-misses", "bool", /*default=*/"false",
           "emit a remark for every candidate that does not match, with the reason">,
  ];
  let dependentDialects = ["::mlir::llm::LLMDialect"];
}

#endif // LLM_PASSES_RAISING_PASSES_TD
