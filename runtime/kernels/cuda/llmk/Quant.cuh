//===- Quant.cuh - quantize and dequantize ---------------------------------===//
//
// The CUDA counterparts of the CPU library's Quant.h, same signatures and the
// same parameter layout over the axis that splits the tensor into
// [outer, len, inner]:
//   per tensor  one scale;
//   per axis    `len` scales, scale[a];
//   per block   scales of shape [outer, ceil(len / block), inner],
//               scale[o][a / block][i].
// Zero points (optional) have the scales' layout. A thread per element.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_QUANT_CUH
#define LLMK_CUDA_QUANT_CUH

#include "llmk/Elementwise.cuh"

namespace llmk {

struct QuantLayout {
  int64_t outer, len, inner;
  int64_t scaleCount; // 1: per tensor
  int64_t block;      // 0: per axis (when scaleCount > 1)

  LLMK_HD int64_t param(int64_t o, int64_t a, int64_t i) const {
    if (scaleCount == 1)
      return 0;
    if (block == 0)
      return a;
    return (o * ((len + block - 1) / block) + a / block) * inner + i;
  }
  /// The parameter of element e.
  LLMK_HD int64_t paramOf(int64_t e) const {
    if (scaleCount == 1)
      return 0;
    const int64_t i = e % inner, a = (e / inner) % len, o = e / (inner * len);
    return param(o, a, i);
  }
};

namespace detail {

template <typename Q, typename S, typename Z, typename F>
__global__ void __launch_bounds__(256) dequantizeKernel(const Q *q, const S *scale, const Z *zeroPoint, F *out,
                                                         QuantLayout l, int64_t n) {
  LLMK_GRID_STRIDE(e, n) {
    const int64_t p = l.paramOf(e);
    const float zp = zeroPoint ? static_cast<float>(load(zeroPoint[p])) : 0.f;
    out[e] = convert<F>((static_cast<float>(load(q[e])) - zp) * static_cast<float>(load(scale[p])));
  }
}

template <typename F, typename S, typename Z, typename Q>
__global__ void __launch_bounds__(256) quantizeKernel(const F *x, const S *scale, const Z *zeroPoint, Q *out,
                                                       QuantLayout l, int64_t n, float qmin, float qmax) {
  LLMK_GRID_STRIDE(e, n) {
    const int64_t p = l.paramOf(e);
    const float zp = zeroPoint ? static_cast<float>(load(zeroPoint[p])) : 0.f;
    // Round half to even, then saturate.
    float v = rintf(static_cast<float>(load(x[e])) / static_cast<float>(load(scale[p]))) + zp;
    v = fminf(fmaxf(v, qmin), qmax);
    out[e] = static_cast<Q>(v);
  }
}

} // namespace detail

template <typename Q, typename S, typename Z, typename F>
void dequantize(const Q *q, const S *scale, const Z *zeroPoint, F *out, const QuantLayout &l) {
  const int64_t n = l.outer * l.len * l.inner;
  if (n <= 0)
    return;
  detail::dequantizeKernel<Q, S, Z, F><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(
      q, scale, zeroPoint, out, l, n);
}

template <typename F, typename S, typename Z, typename Q>
void quantize(const F *x, const S *scale, const Z *zeroPoint, Q *out, const QuantLayout &l,
              int64_t qmin, int64_t qmax) {
  const int64_t n = l.outer * l.len * l.inner;
  if (n <= 0)
    return;
  detail::quantizeKernel<F, S, Z, Q><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(
      x, scale, zeroPoint, out, l, n, static_cast<float>(qmin), static_cast<float>(qmax));
}

} // namespace llmk

#endif // LLMK_CUDA_QUANT_CUH
