//===- Math.h - vectorizable exp, tanh, erf for float ---------------------===//
//
// libm's expf/tanhf/erff are scalar calls that stop GCC from vectorizing a
// loop (its vector variants need -ffast-math, which would also break NaN
// handling elsewhere). These are branch-free float versions made of
// arithmetic and bit operations, so `#pragma omp simd` loops over them
// vectorize. Accuracy: exp within 2 ulp; tanh and erf within 3e-7 absolute
// and 1e-6 relative away from 0 (tested against float64 in the kernel tests).
// Double inputs use libm.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_MATH_H
#define LLMK_MATH_H

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace llmk {

inline float expf32(float x) {
  // e^x = 2^n * e^r with n = round(x / ln2), |r| <= ln2 / 2 (Cephes expf).
  // NaN takes the path of 0 (so that the float-to-int conversion below is
  // defined) and is returned as is at the end.
  const float input = x;
  const bool under = x < -87.33654f, over = x > 88.72283f, nan = x != x;
  x = (under || nan) ? 0.0f : (over ? 88.0f : x);
  const float n = __builtin_roundevenf(x * 1.44269504088896341f);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r2 + r + 1.0f;
  // 2^n as two factors, so that n = -126 and n = 128 stay representable.
  const int32_t n1 = static_cast<int32_t>(n) >> 1, n2 = static_cast<int32_t>(n) - n1;
  const uint32_t bits1 = static_cast<uint32_t>(n1 + 127) << 23;
  const uint32_t bits2 = static_cast<uint32_t>(n2 + 127) << 23;
  float s1, s2;
  __builtin_memcpy(&s1, &bits1, 4);
  __builtin_memcpy(&s2, &bits2, 4);
  const float y = p * s1 * s2;
  return over ? INFINITY : (under ? 0.0f : (nan ? input : y));
}

inline float tanhf32(float x) {
  const float ax = std::fabs(x);
  // Small |x|: odd polynomial (Cephes tanhf), free of cancellation.
  const float z = x * x;
  float small = -5.70498872745E-3f;
  small = small * z + 2.06390887954E-2f;
  small = small * z - 5.37397155531E-2f;
  small = small * z + 1.33314422036E-1f;
  small = small * z - 3.33332819422E-1f;
  small = small * z * x + x;
  small = std::copysign(small, x); // -0 + +0 is +0, but tanh(-0) is -0
  // Otherwise 1 - 2 / (e^(2|x|) + 1), with the sign of x. From |x| = 9.011
  // on, tanh rounds to 1; the clamp must lie past that (at 9 the formula
  // gives 1 - 2^-24, and tanh(inf) would not be 1).
  const float e = expf32(2.0f * std::fmin(ax, 10.0f));
  float large = 1.0f - 2.0f / (e + 1.0f);
  large = std::copysign(large, x);
  return ax < 0.625f ? small : (x != x ? x : large);
}

inline float erff32(float x) {
  const float ax = std::fabs(x);
  // |x| < 1: x * P(x^2) (Cephes erff).
  const float z = x * x;
  float small = 7.853861353153693E-5f;
  small = small * z - 8.010193625184903E-4f;
  small = small * z + 5.188327685732524E-3f;
  small = small * z - 2.685381193529856E-2f;
  small = small * z + 1.128358514861418E-1f;
  small = small * z - 3.761262582423300E-1f;
  small = small * z + 1.128379165726710E0f;
  small = small * x;
  // |x| >= 1: 1 - poly(t) e^(-x^2) (Abramowitz and Stegun 7.1.26).
  const float t = 1.0f / (1.0f + 0.3275911f * ax);
  float poly = 1.061405429f;
  poly = poly * t - 1.453152027f;
  poly = poly * t + 1.421413741f;
  poly = poly * t - 0.284496736f;
  poly = poly * t + 0.254829592f;
  poly = poly * t;
  float large = 1.0f - poly * expf32(-z);
  large = std::copysign(large, x);
  return ax < 1.0f ? small : (x != x ? x : large);
}

// The generated elementwise bodies call these; float and the 16-bit floats
// (computed in float) take the fast path.
inline float vexp(float x) { return expf32(x); }
inline double vexp(double x) { return std::exp(x); }
inline float vtanh(float x) { return tanhf32(x); }
inline double vtanh(double x) { return std::tanh(x); }
inline float verf(float x) { return erff32(x); }
inline double verf(double x) { return std::erf(x); }
// Integer arguments (the activations of an integer llm.linear's epilogue are
// instantiated, if never applied) compute in double.
template <typename I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
inline double vexp(I x) { return std::exp(static_cast<double>(x)); }
template <typename I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
inline double vtanh(I x) { return std::tanh(static_cast<double>(x)); }
template <typename I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
inline double verf(I x) { return std::erf(static_cast<double>(x)); }

} // namespace llmk

#endif // LLMK_MATH_H
