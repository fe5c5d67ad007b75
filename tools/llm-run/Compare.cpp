//===- Compare.cpp - allclose with error statistics -----------------------===//

#include "Compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace llmrun {

namespace {

std::string format(const char *fmt, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), fmt, value);
  return buffer;
}

} // namespace

Comparison compare(const TensorView &actual, const TensorView &expected, double rtol, double atol) {
  Comparison result;
  // A module computed in f16/bf16 with --keep-io-types=false returns f16/bf16
  // where the reference is f32: float values compare across float types.
  if (actual.dtype != expected.dtype &&
      !(isFloating(actual.dtype) && isFloating(expected.dtype))) {
    result.summary = std::string("MISMATCH: dtype ") + llmrt_dtype_name(actual.dtype) +
                     ", expected " + llmrt_dtype_name(expected.dtype);
    return result;
  }
  if (actual.dims != expected.dims) {
    result.summary = "MISMATCH: shape [" + dimsString(actual.dims) + "], expected [" +
                     dimsString(expected.dims) + "]";
    return result;
  }
  const bool exact = !isFloating(actual.dtype);
  const double tiny = 1e-30;
  const int64_t n = numElements(actual.dims, "output");
  double maxAbs = 0, maxRel = 0;
  int64_t failures = 0, worst = -1;
  double worstExcess = -1; // how far past its tolerance the worst element is
  for (int64_t i = 0; i < n; ++i) {
    double a = elementAsDouble(actual.dtype, actual.data, i);
    double b = elementAsDouble(expected.dtype, expected.data, i);
    bool aNaN = std::isnan(a), bNaN = std::isnan(b);
    if (aNaN && bNaN)
      continue;
    double diff = a == b ? 0.0 : std::fabs(a - b); // inf == inf has no error
    if (std::isnan(diff))
      diff = INFINITY; // one NaN
    double rel = diff / std::max(std::fabs(b), tiny);
    maxAbs = std::max(maxAbs, diff);
    maxRel = std::max(maxRel, rel);
    // Infinities match only themselves (as in numpy.isclose).
    bool pass =
        exact || std::isinf(a) || std::isinf(b) ? a == b : diff <= atol + rtol * std::fabs(b);
    if (!pass) {
      ++failures;
      double excess = std::isinf(diff) || exact ? diff : diff - (atol + rtol * std::fabs(b));
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  result.summary = "max_abs " + format("%.1e", maxAbs) + " max_rel " + format("%.1e", maxRel);
  if (failures == 0) {
    result.ok = true;
    result.summary += " OK";
    return result;
  }
  double a = elementAsDouble(actual.dtype, actual.data, worst);
  double b = elementAsDouble(expected.dtype, expected.data, worst);
  result.summary += " MISMATCH: " + std::to_string(failures) + " of " + std::to_string(n) +
                    " elements differ; worst at " + indexString(actual.dims, worst) + ": got " +
                    format("%.9g", a) + ", expected " + format("%.9g", b);
  return result;
}

Comparison compareLogits(const TensorView &actual, const TensorView &expected, double maxRelError,
                         double minArgmaxAgreement) {
  if (!isFloating(actual.dtype) || !isFloating(expected.dtype) || actual.dims != expected.dims)
    return compare(actual, expected, 0, 0);
  Comparison result;
  const int64_t n = numElements(actual.dims, "output");
  double errorSq = 0, normSq = 0;
  bool nan = false;
  for (int64_t i = 0; i < n; ++i) {
    double a = elementAsDouble(actual.dtype, actual.data, i);
    double b = elementAsDouble(expected.dtype, expected.data, i);
    nan |= std::isnan(a) != std::isnan(b);
    if (std::isnan(a) || std::isnan(b))
      continue;
    errorSq += (a - b) * (a - b);
    normSq += b * b;
  }
  double relError = normSq > 0 ? std::sqrt(errorSq / normSq) : std::sqrt(errorSq);
  const int64_t cols = actual.dims.empty() ? 1 : std::max<int64_t>(actual.dims.back(), 1);
  const int64_t rows = n / cols;
  int64_t agree = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t bestA = 0, bestB = 0;
    for (int64_t c = 1; c < cols; ++c) {
      if (elementAsDouble(actual.dtype, actual.data, r * cols + c) >
          elementAsDouble(actual.dtype, actual.data, r * cols + bestA))
        bestA = c;
      if (elementAsDouble(expected.dtype, expected.data, r * cols + c) >
          elementAsDouble(expected.dtype, expected.data, r * cols + bestB))
        bestB = c;
    }
    agree += bestA == bestB;
  }
  double agreement = rows ? static_cast<double>(agree) / rows : 1.0;
  result.summary = "rel_l2 " + format("%.1e", relError) + " argmax_agree " +
                   format("%.4f", agreement) + " (" + std::to_string(agree) + "/" +
                   std::to_string(rows) + ")";
  result.ok = !nan && relError <= maxRelError && agreement >= minArgmaxAgreement;
  if (result.ok)
    result.summary += " OK";
  else
    result.summary += nan ? " MISMATCH: NaN where the reference has none"
                          : " MISMATCH: over rel_l2 " + format("%.1e", maxRelError) +
                                " or under argmax agreement " + format("%.4f", minArgmaxAgreement);
  return result;
}

} // namespace llmrun
