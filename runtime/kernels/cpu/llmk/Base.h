//===- Base.h - shapes, element types and errors of the CPU kernels -------===//
//
// The CPU kernel library is header-only C++ included by the code llm-opt
// generates (module.cpp): the generated code decides shapes, buffers and the
// order of kernels, and the kernels are templates the host compiler
// specializes for each element type and each elementwise body, so an
// elementwise op compiles to one vectorizable loop with its body inlined.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_BASE_H
#define LLMK_BASE_H

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <time.h>

#include "../../common/llmk/Dims.h"

#include <omp.h>

/// Marks the elementwise bodies of generated code: nothing on the CPU,
/// __device__ in the CUDA library (the same source serves both).
#define LLMK_FN

namespace llmk {

// Scalar functions of generated elementwise bodies, by the names the CUDA
// library also defines.
using std::ceil;
using std::cos;
using std::floor;
using std::log;
using std::nearbyint;
using std::sin;
using std::sqrt;

/// bfloat16 storage: the top half of a float, rounded to nearest even.
struct bf16 {
  uint16_t bits = 0;
  bf16() = default;
  bf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) { // NaN stays a quiet NaN
      bits = static_cast<uint16_t>((u >> 16) | 0x40);
      return;
    }
    u += 0x7fffu + ((u >> 16) & 1u);
    bits = static_cast<uint16_t>(u >> 16);
  }
  bf16(double f) : bf16(static_cast<float>(f)) {}
  template <typename I, typename = std::enable_if_t<std::is_integral_v<I>>>
  bf16(I i) : bf16(static_cast<float>(i)) {}
  operator float() const {
    uint32_t u = static_cast<uint32_t>(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
};

using f16 = _Float16;

/// The type elementwise bodies compute in: float for the 16-bit floats.
template <typename T> struct ComputeType { using type = T; };
template <> struct ComputeType<f16> { using type = float; };
template <> struct ComputeType<bf16> { using type = float; };
template <typename T> using compute_t = typename ComputeType<T>::type;

template <typename T> inline compute_t<T> load(T v) { return static_cast<compute_t<T>>(v); }

template <typename To, typename From> inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>)
    return static_cast<float>(v) != 0;
  else if constexpr (std::is_integral_v<To> && !std::is_integral_v<From>) {
    // Float to integer: truncate; NaN and out-of-range values saturate
    // instead of being undefined behaviour.
    double d = static_cast<double>(static_cast<float>(v));
    if constexpr (std::is_same_v<From, double>)
      d = v;
    if (std::isnan(d))
      return 0;
    if (d <= static_cast<double>(std::numeric_limits<To>::lowest()))
      return std::numeric_limits<To>::lowest();
    if (d >= static_cast<double>(std::numeric_limits<To>::max()))
      return std::numeric_limits<To>::max();
    return static_cast<To>(d);
  } else if constexpr (std::is_same_v<To, bf16> || std::is_same_v<From, bf16>)
    return To(static_cast<float>(v));
  else
    return static_cast<To>(v);
}

/// Writes a message for the runtime; generated code returns its result.
inline int32_t fail(char *error, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
inline int32_t fail(char *error, size_t capacity, const char *format, ...) {
  if (error && capacity) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(error, capacity, format, args);
    va_end(args);
  }
  return 1;
}

//===----------------------------------------------------------------------===//
// Per-op profiling (modules built with llm-opt --profile-ops): the clock of
// OpProfile (common/llmk/OpProfile.h).
//===----------------------------------------------------------------------===//

inline double clockMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/// Parallel loops run on the OpenMP pool only when there is enough work to
/// pay for waking it.
inline bool worthThreads(int64_t work) { return work >= (1 << 15); }

} // namespace llmk

#include "../../common/llmk/OpProfile.h"

#endif // LLMK_BASE_H
