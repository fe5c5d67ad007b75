//===- Quant.h - quantize and dequantize ----------------------------------===//
//
// One parameter layout for every granularity, over the axis that splits the
// tensor into [outer, len, inner]:
//   per tensor  one scale;
//   per axis    `len` scales, scale[a];
//   per block   scales of shape [outer, ceil(len / block), inner],
//               scale[o][a / block][i].
// Zero points (optional) have the scales' layout.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_QUANT_H
#define LLMK_QUANT_H

#include "llmk/Elementwise.h"

namespace llmk {

struct QuantLayout {
  int64_t outer, len, inner;
  int64_t scaleCount; // 1: per tensor
  int64_t block;      // 0: per axis (when scaleCount > 1)

  int64_t param(int64_t o, int64_t a, int64_t i) const {
    if (scaleCount == 1)
      return 0;
    if (block == 0)
      return a;
    return (o * ((len + block - 1) / block) + a / block) * inner + i;
  }
};

template <typename Q, typename S, typename Z, typename F>
void dequantize(const Q *q, const S *scale, const Z *zeroPoint, F *out, const QuantLayout &l) {
#pragma omp parallel for schedule(static) if (worthThreads(l.outer * l.len * l.inner))
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t a = 0; a < l.len; ++a)
      for (int64_t i = 0; i < l.inner; ++i) {
        const int64_t e = (o * l.len + a) * l.inner + i, p = l.param(o, a, i);
        const float zp = zeroPoint ? static_cast<float>(zeroPoint[p]) : 0.f;
        out[e] = convert<F>((static_cast<float>(q[e]) - zp) * static_cast<float>(scale[p]));
      }
}

template <typename F, typename S, typename Z, typename Q>
void quantize(const F *x, const S *scale, const Z *zeroPoint, Q *out, const QuantLayout &l,
              int64_t qmin, int64_t qmax) {
#pragma omp parallel for schedule(static) if (worthThreads(l.outer * l.len * l.inner))
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t a = 0; a < l.len; ++a)
      for (int64_t i = 0; i < l.inner; ++i) {
        const int64_t e = (o * l.len + a) * l.inner + i, p = l.param(o, a, i);
        const float zp = zeroPoint ? static_cast<float>(zeroPoint[p]) : 0.f;
        // Round half to even (the default rounding mode), then saturate.
        float v = std::nearbyint(static_cast<float>(x[e]) / static_cast<float>(scale[p])) + zp;
        v = std::clamp(v, static_cast<float>(qmin), static_cast<float>(qmax));
        out[e] = static_cast<Q>(v);
      }
}

} // namespace llmk

#endif // LLMK_QUANT_H
