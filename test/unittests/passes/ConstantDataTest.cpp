//===- ConstantDataTest.cpp - f32 rounding of the weight passes -----------===//
//
// roundF32ToF16 and roundF32ToBF16 are bit-level (APFloat per element is too
// slow for real weights); here they are checked against APFloat's
// round-to-nearest-even on a spread of bit patterns and the edge cases.
//
//===----------------------------------------------------------------------===//

#include "passes/Folding/ConstantData.h"

#include "llvm/ADT/APFloat.h"

#include <gtest/gtest.h>

using namespace mlir::llm;

namespace {

/// APFloat's rounding of `bits` to `semantics`, saturated the way the
/// passes saturate (to the largest finite value, keeping the sign).
uint16_t reference(uint32_t bits, const llvm::fltSemantics &semantics, bool &overflow) {
  llvm::APFloat value(llvm::APFloat::IEEEsingle(), llvm::APInt(32, bits));
  bool lost;
  llvm::APFloat::opStatus status =
      value.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &lost);
  overflow = status & llvm::APFloat::opOverflow;
  if (overflow)
    return llvm::APFloat::getLargest(semantics, value.isNegative())
        .bitcastToAPInt()
        .getZExtValue();
  return value.bitcastToAPInt().getZExtValue();
}

/// Every 4099th bit pattern (all exponents, mantissas and both signs) and
/// the edges: the f16 overflow threshold, subnormal ties, FLT_MAX, zeros,
/// infinities.
std::vector<uint32_t> samples() {
  std::vector<uint32_t> bits;
  for (uint64_t b = 0; b < (uint64_t(1) << 32); b += 4099)
    bits.push_back(static_cast<uint32_t>(b));
  for (uint32_t b : {0x477fe000u, 0x477fefffu, 0x477ff000u, 0x33000000u, 0x33000001u,
                     0x33c00000u, 0x38800000u, 0x387fffffu, 0x3f801000u, 0x3f803000u,
                     0x3f808000u, 0x3f818000u, 0x7f7fffffu, 0x7f7f7fffu, 0x7f7f8000u,
                     0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x00000001u})
    bits.push_back(b);
  return bits;
}

bool isNaN16(uint16_t bits, bool bf16) {
  return bf16 ? (bits & 0x7fff) > 0x7f80 : (bits & 0x7fff) > 0x7c00;
}

TEST(ConstantDataTest, RoundF32ToF16MatchesAPFloat) {
  for (uint32_t bits : samples()) {
    bool expectOverflow = false, overflow = false;
    uint16_t expected = reference(bits, llvm::APFloat::IEEEhalf(), expectOverflow);
    uint16_t got = roundF32ToF16(bits, overflow);
    if (isNaN16(expected, false)) {
      EXPECT_TRUE(isNaN16(got, false)) << std::hex << bits;
      continue;
    }
    EXPECT_EQ(got, expected) << std::hex << bits;
    EXPECT_EQ(overflow, expectOverflow) << std::hex << bits;
  }
}

TEST(ConstantDataTest, RoundF32ToBF16MatchesAPFloat) {
  for (uint32_t bits : samples()) {
    bool expectOverflow = false, overflow = false;
    uint16_t expected = reference(bits, llvm::APFloat::BFloat(), expectOverflow);
    uint16_t got = roundF32ToBF16(bits, overflow);
    if (isNaN16(expected, true)) {
      EXPECT_TRUE(isNaN16(got, true)) << std::hex << bits;
      continue;
    }
    EXPECT_EQ(got, expected) << std::hex << bits;
    EXPECT_EQ(overflow, expectOverflow) << std::hex << bits;
  }
}

TEST(ConstantDataTest, SaturatesAndKeepsSpecials) {
  bool overflow = false;
  EXPECT_EQ(roundF32ToF16(0x4788b800u /* 70000 */, overflow), 0x7bff);
  EXPECT_TRUE(overflow);
  overflow = false;
  EXPECT_EQ(roundF32ToF16(0xff800000u /* -inf */, overflow), 0xfc00);
  EXPECT_FALSE(overflow);
  EXPECT_EQ(roundF32ToBF16(0xff7fffffu /* -FLT_MAX */, overflow), 0xff7f);
  EXPECT_TRUE(overflow);
}

} // namespace
