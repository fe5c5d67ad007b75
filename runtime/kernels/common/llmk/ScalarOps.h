//===- ScalarOps.h - scalar bodies of generated elementwise code, both targets ===//
//
// The functions generated elementwise bodies call by name (floorMod, safeDiv,
// power, wrapInt, gelu, geluTanh, sigmoid), with ONNX's integer semantics
// spelled out once for the CPU and the CUDA library. Each library includes
// this after its own convert<>() and vexp/vtanh/verf (which it implements
// for its hardware: vectorizable on the CPU, intrinsics on the GPU).
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_COMMON_SCALAROPS_H
#define LLMK_COMMON_SCALAROPS_H

#include "Dims.h"

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace llmk {

template <typename T> LLMK_HD T floorMod(T a, T b) {
  if constexpr (std::is_same_v<T, float>) {
    return ::fmodf(a, b);
  } else if constexpr (std::is_floating_point_v<T>) {
    return ::fmod(a, b);
  } else {
    if (b == 0)
      return 0;
    if constexpr (std::is_signed_v<T>)
      if (b == -1) // a % -1 traps for the most negative a
        return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
      r += b;
    return r;
  }
}

/// A cast to an integer of Bits < 8 bits (int4, uint4, stored one per byte):
/// the value wrapped to its low Bits bits, sign-extended when Signed.
template <int Bits, bool Signed, typename T> LLMK_HD int64_t wrapInt(T a) {
  const uint64_t bits = static_cast<uint64_t>(convert<int64_t>(a)) & ((uint64_t(1) << Bits) - 1);
  if (Signed && bits >= (uint64_t(1) << (Bits - 1)))
    return static_cast<int64_t>(bits) - (int64_t(1) << Bits);
  return static_cast<int64_t>(bits);
}

template <typename T> LLMK_HD T safeDiv(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0)
      return 0; // integer division by zero is undefined in ONNX; never trap
    if constexpr (std::is_signed_v<T>)
      if (b == -1) // -a, wrapping for the most negative value instead of UB
        return static_cast<T>(std::make_unsigned_t<T>(0) - static_cast<std::make_unsigned_t<T>>(a));
  }
  return a / b;
}

template <typename T> LLMK_HD T power(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b < 0) // 1 / a^|b| truncated: 0 unless |a| is 1
      return a == 1 ? 1 : (a == T(-1) ? (b % 2 != 0 ? T(-1) : T(1)) : 0);
    // Squaring, wrapping on overflow as the products of the type do.
    using U = std::make_unsigned_t<T>;
    U r = 1, base = static_cast<U>(a);
    for (U e = static_cast<U>(b); e; e >>= 1) {
      if (e & 1)
        r = static_cast<U>(r * base);
      base = static_cast<U>(base * base);
    }
    return static_cast<T>(r);
  } else if constexpr (std::is_same_v<T, float>) {
    return ::powf(a, b);
  } else {
    return ::pow(a, b);
  }
}

template <typename T> LLMK_HD T gelu(T x) {
  return static_cast<T>(0.5) * x *
         (static_cast<T>(1) + verf(x * static_cast<T>(0.70710678118654752440)));
}
template <typename T> LLMK_HD T geluTanh(T x) {
  const T k = static_cast<T>(0.7978845608028654); // sqrt(2/pi)
  return static_cast<T>(0.5) * x *
         (static_cast<T>(1) + vtanh(k * (x + static_cast<T>(0.044715) * x * x * x)));
}
template <typename T> LLMK_HD T sigmoid(T x) {
  return static_cast<T>(1) / (static_cast<T>(1) + vexp(-x));
}

} // namespace llmk

#endif // LLMK_COMMON_SCALAROPS_H
