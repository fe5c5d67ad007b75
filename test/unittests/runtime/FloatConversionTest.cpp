// Load-time float conversion (runtime/lib/WeightRecipes.h): a checkpoint in
// one float dtype feeding a module in another must give the values the
// compiler's precision pass would have given.

#include "WeightRecipes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

std::vector<uint16_t> toHalf(const std::vector<float> &values, llmrt_dtype to) {
  std::vector<uint16_t> out(values.size());
  EXPECT_TRUE(llmrt::convertFloats(LLMRT_FLOAT32, values.data(), to, out.data(), values.size()));
  return out;
}

TEST(FloatConversion, F16RoundsToNearestEvenAndSaturates) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> in = {1.0f,     -2.0f,    65504.0f, 65519.0f, 65520.0f,
                           1e6f,     -3.4028234663852886e38f,     inf,
                           -inf,     5.9604645e-8f, 1.0f + 1.0f / 2048.0f, 0.0f};
  std::vector<uint16_t> expected = {0x3c00, 0xc000, 0x7bff, 0x7bff, 0x7bff,
                                    0x7bff, 0xfbff, 0x7c00,
                                    0xfc00, 0x0001, 0x3c00, 0x0000};
  std::vector<uint16_t> out = toHalf(in, LLMRT_FLOAT16);
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_EQ(out[i], expected[i]) << "element " << i << " = " << in[i];
  uint16_t nan = toHalf({std::nanf("")}, LLMRT_FLOAT16)[0];
  EXPECT_EQ(nan & 0x7c00, 0x7c00);
  EXPECT_NE(nan & 0x03ff, 0);
}

TEST(FloatConversion, BF16SaturatesFiniteValues) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> in = {1.0f, 3.4028234663852886e38f, -3.4028234663852886e38f, inf, -inf};
  std::vector<uint16_t> expected = {0x3f80, 0x7f7f, 0xff7f, 0x7f80, 0xff80};
  std::vector<uint16_t> out = toHalf(in, LLMRT_BFLOAT16);
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_EQ(out[i], expected[i]) << "element " << i << " = " << in[i];
}

// Round trips on fresh random data: f32 -> f16 -> f32 is within half an ulp
// of f16 (2^-11 relative) for normal values.
TEST(FloatConversion, RandomRoundTripWithinHalfUlp) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-14, 15);
  std::vector<float> in(4096);
  for (float &f : in)
    f = std::ldexp(mantissa(rng), exponent(rng));
  std::vector<uint16_t> half = toHalf(in, LLMRT_FLOAT16);
  std::vector<float> back(in.size());
  ASSERT_TRUE(llmrt::convertFloats(LLMRT_FLOAT16, half.data(), LLMRT_FLOAT32, back.data(), in.size()));
  for (size_t i = 0; i < in.size(); ++i) {
    double tolerance = std::max(std::fabs(static_cast<double>(in[i])) * std::ldexp(1.0, -11),
                                std::ldexp(1.0, -25)); // subnormal spacing / 2
    EXPECT_LE(std::fabs(static_cast<double>(back[i]) - in[i]), tolerance) << in[i];
  }
}

} // namespace
