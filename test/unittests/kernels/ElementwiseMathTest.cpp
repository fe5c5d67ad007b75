//===- ElementwiseMathTest.cpp - broadcasting loops and llmk/Math.h -------===//

#include "KernelTestUtil.h"

#include <cfloat>
#include <memory>

using namespace llmk_test;

namespace {

/// Offset into an operand of `dims` broadcast (right-aligned) to the output
/// multi-index `idx`.
int64_t operandOffset(const std::vector<int64_t> &dims, const std::vector<int64_t> &idx) {
  const size_t shift = idx.size() - dims.size();
  int64_t off = 0, stride = 1;
  for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
    if (dims[i] != 1)
      off += idx[i + shift] * stride;
    stride *= dims[i];
  }
  return off;
}

/// out = a * b - c with a, b, c of different ranks broadcast to `od`, in
/// float (possibly fused into an FMA by -march=native): within 2 ulp of the
/// result, plus an ulp of |a * b| <= 4 for results that cancel (2.4e-7).
void checkThreeOperands(const std::vector<int64_t> &od, const std::vector<int64_t> &ad,
                        const std::vector<int64_t> &bd, const std::vector<int64_t> &cd,
                        uint32_t seed) {
  SCOPED_TRACE(testing::Message() << "out " << testing::PrintToString(od));
  std::mt19937 rng(seed);
  std::vector<float> a = randomFloats(rng, numelOf(ad)), b = randomFloats(rng, numelOf(bd)),
                     c = randomFloats(rng, numelOf(cd));
  std::vector<float> out(numelOf(od), 12345.f);
  llmk::elementwise(
      shapeOf(od), out.data(), [](float x, float y, float z) { return x * y - z; },
      llmk::in(a.data(), shapeOf(ad)), llmk::in(b.data(), shapeOf(bd)),
      llmk::in(c.data(), shapeOf(cd)));
  std::vector<double> ref(out.size());
  for (int64_t e = 0; e < numelOf(od); ++e) {
    std::vector<int64_t> idx = unflatten(e, od);
    ref[e] = static_cast<double>(a[operandOffset(ad, idx)]) * b[operandOffset(bd, idx)] -
             c[operandOffset(cd, idx)];
  }
  EXPECT_CLOSE("a*b-c", allClose(out, ref, 2.4e-7, 2.4e-7));
}

} // namespace

TEST(Elementwise, ThreeOperandsOfDifferentRanks) {
  checkThreeOperands({2, 3, 4, 5}, {2, 3, 4, 5}, {4, 1}, {3, 1, 5}, 1);
}

TEST(Elementwise, ThreeOperandsAllBroadcast) {
  checkThreeOperands({2, 3, 4, 5}, {2, 1, 4, 1}, {5}, {3, 1, 1}, 2);
}

TEST(Elementwise, ScalarOperand) { checkThreeOperands({7, 9}, {7, 9}, {}, {9}, 3); }

TEST(Elementwise, LargeFlatThreaded) {
  // 64 rows: one chunk per row, threaded.
  checkThreeOperands({64, 1024}, {64, 1024}, {1024}, {64, 1}, 4);
}

TEST(Elementwise, LongRowsSplitIntoChunks) {
  // Two rows of 40000: each row is split into chunks across threads.
  checkThreeOperands({2, 40000}, {2, 40000}, {40000}, {2, 40000}, 5);
}

TEST(Elementwise, NonContiguousBroadcast) {
  // [4, 1, 5] + [1, 3, 1] -> [4, 3, 5]: neither operand walks the output's
  // inner dim contiguously with the other. A float sum of two floats is the
  // exact sum rounded once, so the result must equal float(double sum).
  std::mt19937 rng(6);
  std::vector<float> a = randomFloats(rng, 20), b = randomFloats(rng, 3);
  const std::vector<int64_t> od = {4, 3, 5}, ad = {4, 1, 5}, bd = {1, 3, 1};
  std::vector<float> out(60, 12345.f);
  llmk::elementwise(
      shapeOf(od), out.data(), [](float x, float y) { return x + y; },
      llmk::in(a.data(), shapeOf(ad)), llmk::in(b.data(), shapeOf(bd)));
  std::vector<float> want(60);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 5; ++k)
        want[(i * 3 + j) * 5 + k] =
            static_cast<float>(static_cast<double>(a[i * 5 + k]) + static_cast<double>(b[j]));
  EXPECT_TRUE(allEqual(out, want));
}

TEST(Elementwise, WhereWithBoolAndMixedRanks) {
  // where(cond[5], x[2,3,4,5], y[3,1,1]) with a bool operand and an int64
  // output: operands of different element types.
  std::mt19937 rng(7);
  std::unique_ptr<bool[]> cond(new bool[5]{true, false, false, true, true});
  std::vector<float> x = randomFloats(rng, 120, -100.f, 100.f), y = randomFloats(rng, 3, -100.f, 100.f);
  std::vector<int64_t> out(120, -7);
  llmk::elementwise(
      shapeOf({2, 3, 4, 5}), out.data(), [](bool c, float a, float b) { return c ? a : b; },
      llmk::in(cond.get(), shapeOf({5})), llmk::in(x.data(), shapeOf({2, 3, 4, 5})),
      llmk::in(y.data(), shapeOf({3, 1, 1})));
  std::vector<int64_t> want(120);
  for (int64_t e = 0; e < 120; ++e) {
    const int64_t k = e % 5, j = (e / 20) % 3;
    want[e] = static_cast<int64_t>(cond[k] ? x[e] : y[j]); // truncation toward zero
  }
  EXPECT_TRUE(allEqual(out, want));
}

TEST(Elementwise, Float16ComputesInFloat) {
  // f16 operands reach the body as float; the result is rounded to f16
  // once (after float's own rounding): within one f16 ulp (2^-10 relative,
  // rtol 1e-3) of the double result of the same f16 inputs.
  std::mt19937 rng(8);
  std::vector<float> af = randomFloats(rng, 6 * 50), bf = randomFloats(rng, 50);
  std::vector<llmk::f16> a(af.begin(), af.end()), b(bf.begin(), bf.end());
  std::vector<llmk::f16> out(300);
  llmk::elementwise(
      shapeOf({6, 50}), out.data(),
      [](float x, float y) {
        static_assert(std::is_same_v<decltype(x), float>);
        return x * y + 1.0f;
      },
      llmk::in(a.data(), shapeOf({6, 50})), llmk::in(b.data(), shapeOf({50})));
  std::vector<double> ref(300);
  for (int64_t e = 0; e < 300; ++e)
    ref[e] = static_cast<double>(static_cast<float>(a[e])) * static_cast<float>(b[e % 50]) + 1.0;
  EXPECT_CLOSE("f16", allClose(out, ref, 1e-3, 6e-8));
}

//===----------------------------------------------------------------------===//
// llmk/Math.h: expf32, tanhf32, erff32 against double libm.
//===----------------------------------------------------------------------===//

namespace {

struct ErrorStats {
  double maxRel = 0, maxAbs = 0;
  float worstRelX = 0, worstAbsX = 0;
};

/// 1e6 points evenly spread over [-90, 90] (rounded to float), plus 2e5
/// log-spaced points of both signs in [1e-30, 1] where tanh and erf are
/// computed by their small-argument polynomials.
std::vector<float> mathPoints() {
  std::vector<float> xs;
  const int n = 1000000;
  xs.reserve(n + 200000);
  for (int i = 0; i < n; ++i)
    xs.push_back(static_cast<float>(-90.0 + 180.0 * i / (n - 1)));
  for (int i = 0; i < 100000; ++i) {
    const float x = static_cast<float>(std::pow(10.0, -30.0 + 30.0 * i / 99999));
    xs.push_back(x);
    xs.push_back(-x);
  }
  return xs;
}

template <typename F>
std::vector<float> evaluate(F f, const std::vector<float> &xs) {
  std::vector<float> ys(xs.size());
  // The way kernels call them: a loop the compiler vectorizes.
#pragma omp simd
  for (size_t i = 0; i < xs.size(); ++i)
    ys[i] = f(xs[i]);
  return ys;
}

bool sameFloat(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) ||
         (a == b && std::signbit(a) == std::signbit(b));
}

} // namespace

// exp: within 2e-7 relative (under 2 ulp) wherever e^x is a normal float.
// Below FLT_MIN (x < -87.34) the result is 0 or a subnormal: those are within
// FLT_MIN absolute (the kernel flushes e^x < FLT_MIN to zero rather than
// computing subnormals). Above FLT_MAX it is +inf.
TEST(Math, ExpF32) {
  const std::vector<float> xs = mathPoints();
  const std::vector<float> ys = evaluate([](float x) { return llmk::expf32(x); }, xs);
  ErrorStats st;
  int64_t normal = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double ref = std::exp(static_cast<double>(xs[i])), y = ys[i];
    if (ref > FLT_MAX) {
      ASSERT_EQ(ys[i], INFINITY) << "x = " << xs[i];
    } else if (ref < FLT_MIN) {
      ASSERT_LE(std::fabs(y - ref), FLT_MIN) << "x = " << xs[i];
      ASSERT_GE(y, 0.0) << "x = " << xs[i];
    } else {
      ++normal;
      const double rel = std::fabs(y - ref) / ref;
      if (rel > st.maxRel)
        st.maxRel = rel, st.worstRelX = xs[i];
    }
  }
  EXPECT_GT(normal, 900000);
  EXPECT_LE(st.maxRel, 2e-7) << "at x = " << st.worstRelX;
  if (std::getenv("LLMK_TEST_VERBOSE"))
    std::printf("    [expf32] max rel err %.3g at %.9g\n", st.maxRel, st.worstRelX);

  // Special values and the edges of float's range.
  EXPECT_EQ(llmk::expf32(INFINITY), INFINITY);
  EXPECT_TRUE(sameFloat(llmk::expf32(-INFINITY), 0.f));
  EXPECT_TRUE(std::isnan(llmk::expf32(NAN)));
  EXPECT_TRUE(std::isnan(llmk::expf32(-NAN)));
  EXPECT_EQ(llmk::expf32(0.f), 1.f);
  EXPECT_EQ(llmk::expf32(-0.f), 1.f);
  EXPECT_EQ(llmk::expf32(FLT_MAX), INFINITY);
  EXPECT_TRUE(sameFloat(llmk::expf32(-FLT_MAX), 0.f));
  EXPECT_TRUE(sameFloat(llmk::expf32(-104.f), 0.f)); // e^-104 < half the smallest subnormal
  // The largest x with e^x <= FLT_MAX, and the next float, which overflows.
  const float lastFinite = 88.7228317f, firstInf = std::nextafter(lastFinite, INFINITY);
  ASSERT_LT(std::log(static_cast<double>(FLT_MAX)), static_cast<double>(firstInf));
  ASSERT_GE(std::log(static_cast<double>(FLT_MAX)), static_cast<double>(lastFinite));
  const float big = llmk::expf32(lastFinite);
  EXPECT_TRUE(std::isfinite(big));
  EXPECT_NEAR(big / std::exp(static_cast<double>(lastFinite)), 1.0, 2e-7);
  EXPECT_EQ(llmk::expf32(firstInf), INFINITY);
  // Near the smallest normal: e^-87.33654 is FLT_MIN (1.1755e-38).
  const float nearMin = llmk::expf32(-87.33654f);
  EXPECT_NEAR(nearMin / std::exp(-87.33654), 1.0, 1e-6);
  EXPECT_NEAR(llmk::expf32(-87.f) / std::exp(-87.0), 1.0, 2e-7);
  // Exact powers where the result is representable.
  EXPECT_NEAR(llmk::expf32(1.f), static_cast<float>(M_E), 2e-7 * M_E);
}

namespace {

/// tanh and erf: within 3e-7 absolute everywhere, and within 1e-6 relative
/// for results not too close to 0 (|ref| >= 1e-30: the polynomial paths are
/// relative-accurate down to there; below, results are subnormal-adjacent).
template <typename F, typename R>
void checkOddFunction(const char *name, F f, R ref, double relTol, double absTol) {
  const std::vector<float> xs = mathPoints();
  const std::vector<float> ys = evaluate(f, xs);
  ErrorStats st;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double r = ref(static_cast<double>(xs[i])), y = ys[i];
    const double abs = std::fabs(y - r);
    if (abs > st.maxAbs)
      st.maxAbs = abs, st.worstAbsX = xs[i];
    if (std::fabs(r) >= 1e-30 && abs / std::fabs(r) > st.maxRel)
      st.maxRel = abs / std::fabs(r), st.worstRelX = xs[i];
  }
  EXPECT_LE(st.maxAbs, absTol) << name << " at x = " << st.worstAbsX;
  EXPECT_LE(st.maxRel, relTol) << name << " at x = " << st.worstRelX;
  if (std::getenv("LLMK_TEST_VERBOSE"))
    std::printf("    [%s] max abs err %.3g at %.9g, max rel err %.3g at %.9g\n", name, st.maxAbs,
                st.worstAbsX, st.maxRel, st.worstRelX);
}

} // namespace

TEST(Math, TanhF32) {
  checkOddFunction(
      "tanhf32", [](float x) { return llmk::tanhf32(x); }, [](double x) { return std::tanh(x); },
      1e-6, 3e-7);
  // Past |x| = 9.011, tanh(x) rounds to +-1 in float: exactly that.
  for (float x : mathPoints()) {
    if (std::fabs(x) >= 9.02f) {
      ASSERT_EQ(llmk::tanhf32(x), x > 0 ? 1.f : -1.f) << "x = " << x;
    }
  }
  EXPECT_EQ(llmk::tanhf32(INFINITY), 1.f);
  EXPECT_EQ(llmk::tanhf32(-INFINITY), -1.f);
  EXPECT_TRUE(std::isnan(llmk::tanhf32(NAN)));
  EXPECT_TRUE(sameFloat(llmk::tanhf32(0.f), 0.f));
  EXPECT_TRUE(sameFloat(llmk::tanhf32(-0.f), -0.f)) << "tanh(-0) must be -0";
  EXPECT_EQ(llmk::tanhf32(FLT_MAX), 1.f);
  EXPECT_EQ(llmk::tanhf32(-FLT_MAX), -1.f);
  EXPECT_EQ(llmk::tanhf32(20.f), 1.f);
  EXPECT_EQ(llmk::tanhf32(1e-40f), 1e-40f); // subnormal: tanh(x) = x
  EXPECT_EQ(llmk::tanhf32(-1e-40f), -1e-40f);
  // Both sides of the switch from the polynomial to the exp form.
  for (float x : {0.625f, std::nextafter(0.625f, 0.f), -0.625f})
    EXPECT_NEAR(llmk::tanhf32(x), std::tanh(static_cast<double>(x)), 1e-6 * std::tanh(0.625))
        << x;
}

TEST(Math, ErfF32) {
  checkOddFunction(
      "erff32", [](float x) { return llmk::erff32(x); }, [](double x) { return std::erf(x); },
      1e-6, 3e-7);
  EXPECT_EQ(llmk::erff32(INFINITY), 1.f);
  EXPECT_EQ(llmk::erff32(-INFINITY), -1.f);
  EXPECT_TRUE(std::isnan(llmk::erff32(NAN)));
  EXPECT_TRUE(sameFloat(llmk::erff32(0.f), 0.f));
  EXPECT_TRUE(sameFloat(llmk::erff32(-0.f), -0.f)) << "erf(-0) must be -0";
  EXPECT_EQ(llmk::erff32(FLT_MAX), 1.f);
  EXPECT_EQ(llmk::erff32(-FLT_MAX), -1.f);
  EXPECT_EQ(llmk::erff32(10.f), 1.f);
  EXPECT_GT(llmk::erff32(1e-40f), 0.f);
  EXPECT_NEAR(llmk::erff32(1e-30f), 1.1283791670955126e-30, 1e-36);
  for (float x : {1.f, std::nextafter(1.f, 0.f), -1.f})
    EXPECT_NEAR(llmk::erff32(x), std::erf(static_cast<double>(x)), 1e-6 * std::erf(1.0)) << x;
}

TEST(Math, DoubleOverloadsUseLibm) {
  for (double x : {-3.5, -0.2, 0.7, 12.0}) {
    EXPECT_EQ(llmk::vexp(x), std::exp(x));
    EXPECT_EQ(llmk::vtanh(x), std::tanh(x));
    EXPECT_EQ(llmk::verf(x), std::erf(x));
  }
}

// SiLU(gate) * up with gate and up the two halves of one merged [B, S, 2F]
// projection, read in place as row-strided views (In::rowStride = 2F), as
// Llama's MLP reads its merged gate/up GEMM; a bias row [F] broadcast on
// top. Odd F keeps the views' rows unaligned; the elements past each view
// (the other half) must not be read into the result.
TEST(Elementwise, RowStridedViewsOfAMergedProjection) {
  for (int64_t f : {24, 13}) {
    SCOPED_TRACE(testing::Message() << "F " << f);
    const int64_t b = 2, s = 5, rows = b * s;
    std::mt19937 rng(static_cast<uint32_t>(50 + f));
    std::vector<float> merged = randomFloats(rng, rows * 2 * f), bias = randomFloats(rng, f);
    std::vector<float> out(rows * f, 12345.f);
    llmk::elementwise(
        shapeOf({b, s, f}), out.data(),
        [](float g, float u, float c) { return g / (1.f + std::exp(-g)) * u + c; },
        llmk::in(merged.data(), shapeOf({b, s, f}), 2 * f),
        llmk::in(merged.data() + f, shapeOf({b, s, f}), 2 * f), llmk::in(bias.data(), shapeOf({f})));
    std::vector<double> ref(out.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < f; ++j) {
        const double g = merged[r * 2 * f + j], u = merged[r * 2 * f + f + j];
        ref[r * f + j] = g / (1 + std::exp(-g)) * u + bias[j];
      }
    EXPECT_CLOSE("silu(gate)*up+bias", allClose(out, ref, 1e-6, 1e-6));
  }
}
