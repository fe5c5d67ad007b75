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

} // namespace llmrun

#endif // LLM_TOOLS_LLM_RUN_COMPARE_H
