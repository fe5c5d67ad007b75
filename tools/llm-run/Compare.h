//===- Compare.h - compare an output with its expected value --------------===//

#ifndef LLM_TOOLS_LLM_RUN_COMPARE_H
#define LLM_TOOLS_LLM_RUN_COMPARE_H

#include "Tensor.h"

#include <string>

namespace llmrun {

struct Comparison {
  bool ok = false;
  /// "max_abs 3.1e-06 max_rel 2.0e-05 OK", or "... MISMATCH: ..." saying why.
  std::string summary;
};

/// numpy.allclose: every element has |a - b| <= atol + rtol * |b| (b the
/// expected value); NaN matches NaN. Integer and bool outputs must be equal.
/// Shapes and dtypes must match exactly.
Comparison compare(const TensorView &actual, const TensorView &expected, double rtol, double atol);

/// For reduced-precision runs (f16/bf16 against an f32 reference), where
/// elementwise tolerances say little: the relative L2 error
/// ||a - b|| / ||b|| must be at most `maxRelError`, and the argmax over the
/// last dim (the predicted token, for logits) must agree on at least
/// `minArgmaxAgreement` of the rows. Integer and bool outputs must be equal.
Comparison compareLogits(const TensorView &actual, const TensorView &expected, double maxRelError,
                         double minArgmaxAgreement);

} // namespace llmrun

#endif // LLM_TOOLS_LLM_RUN_COMPARE_H
