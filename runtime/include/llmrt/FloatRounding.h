//===- FloatRounding.h - f32 to f16 / bf16, the one rounding of the project ===//
//
// The compiler converts weights at compile time (llm-convert-precision,
// llm-fold-weight-transforms) and the runtime converts a checkpoint's floats
// to the module's dtype at load time; both must give the same bits, so both
// use these. Header-only and free of MLIR, like ArenaPlanner.h.
//
// Round to nearest, ties to even, on the bits (APFloat per element would
// take seconds on a real model). A finite value that would round past the
// largest finite value saturates to it (+-65504 in f16, +-0x7f7f in bf16)
// and sets `overflow`: a mask's finfo(float32).min must stay a very negative
// number, not become -inf (0 * -inf = NaN in (1 - mask) * min). Infinities
// stay infinities, NaNs stay (quiet) NaNs.
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_FLOATROUNDING_H
#define LLMRT_FLOATROUNDING_H

#include <cstdint>

namespace llmrt {

/// f32 bits to f16 bits.
inline uint16_t roundF32ToF16(uint32_t bits, bool &overflow) {
  const uint16_t sign = (bits >> 16) & 0x8000;
  const uint32_t abs = bits & 0x7fffffff;
  if (abs > 0x7f800000)
    return sign | 0x7e00;
  if (abs == 0x7f800000)
    return sign | 0x7c00;
  // 65520 is halfway between 65504 and 65536 and ties to the even 65536 (inf).
  if (abs >= 0x477ff000) {
    overflow = true;
    return sign | 0x7bff;
  }
  if (abs < 0x38800000) {
    // Below 2^-14: an f16 subnormal, in units of 2^-24.
    const uint32_t exponent = abs >> 23;
    if (exponent < 102) // below 2^-25, rounds to zero
      return sign;
    const uint32_t mantissa = (abs & 0x7fffff) | 0x800000;
    const uint32_t shift = 126 - exponent;
    uint32_t q = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (q & 1)))
      ++q;
    return sign | q;
  }
  // Rebias the exponent (127 -> 15) and round 23 mantissa bits to 10; a
  // carry out of the mantissa correctly bumps the exponent.
  const uint32_t rebiased = abs - 0x38000000;
  uint32_t q = rebiased >> 13;
  const uint32_t rest = rebiased & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (q & 1)))
    ++q;
  return sign | q;
}

/// f32 bits to bf16 bits.
inline uint16_t roundF32ToBF16(uint32_t bits, bool &overflow) {
  if ((bits & 0x7fffffff) > 0x7f800000)
    return (bits >> 16) | 0x40;
  const uint32_t rounded = bits + 0x7fff + ((bits >> 16) & 1);
  const uint16_t result = rounded >> 16;
  if ((result & 0x7fff) == 0x7f80 && (bits & 0x7fffffff) != 0x7f800000) {
    overflow = true;
    return (result & 0x8000) | 0x7f7f;
  }
  return result;
}

} // namespace llmrt

#endif // LLMRT_FLOATROUNDING_H
