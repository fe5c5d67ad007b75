//===- Math.cuh - scalar functions of the generated elementwise bodies -----===//
//
// The CUDA counterparts of the CPU library's Math.h and of the scalar bodies
// in its Elementwise.h. Everything is __host__ __device__: the generated
// bodies are __device__ lambdas, and host code may use the same helpers.
// Float uses CUDA's accurate single-precision functions (expf, not __expf),
// double the double ones, and integer arguments compute in double as the CPU
// library's std:: calls do. The 16-bit floats never reach these: bodies see
// them as float (llmk::load).
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_MATH_CUH
#define LLMK_CUDA_MATH_CUH

#include "llmk/Base.cuh"

namespace llmk {

#define LLMK_UNARY_MATH(name, fnF, fnD)                                                            \
  LLMK_HD float name(float x) { return ::fnF(x); }                                                 \
  LLMK_HD double name(double x) { return ::fnD(x); }                                               \
  template <typename I, std::enable_if_t<std::is_integral_v<I>, int> = 0>                          \
  LLMK_HD double name(I x) {                                                                       \
    return ::fnD(static_cast<double>(x));                                                          \
  }

LLMK_UNARY_MATH(vexp, expf, exp)
LLMK_UNARY_MATH(vtanh, tanhf, tanh)
LLMK_UNARY_MATH(verf, erff, erf)
LLMK_UNARY_MATH(sqrt, sqrtf, sqrt)
LLMK_UNARY_MATH(log, logf, log)
LLMK_UNARY_MATH(sin, sinf, sin)
LLMK_UNARY_MATH(cos, cosf, cos)
LLMK_UNARY_MATH(floor, floorf, floor)
LLMK_UNARY_MATH(ceil, ceilf, ceil)
// Round half to even in the default rounding mode, as std::nearbyint.
LLMK_UNARY_MATH(nearbyint, rintf, rint)

#undef LLMK_UNARY_MATH

} // namespace llmk

#include "../../common/llmk/ScalarOps.h"

#endif // LLMK_CUDA_MATH_CUH
