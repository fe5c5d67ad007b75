//===- ReduceTest.cpp - softmax, layerNorm, reduce, cumsum, argmax --------===//

#include "KernelTestUtil.h"

using namespace llmk_test;

namespace {

/// Softmax or log-softmax of [outer, len, inner] along len, in double.
std::vector<double> referenceSoftmax(const std::vector<float> &x, int64_t outer, int64_t len,
                                     int64_t inner, bool logSoftmax) {
  std::vector<double> out(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t j) { return (o * len + j) * inner + i; };
      double maxV = -INFINITY, sum = 0;
      for (int64_t j = 0; j < len; ++j)
        maxV = std::max(maxV, static_cast<double>(x[at(j)]));
      for (int64_t j = 0; j < len; ++j)
        sum += std::exp(x[at(j)] - maxV);
      for (int64_t j = 0; j < len; ++j)
        out[at(j)] = logSoftmax ? x[at(j)] - maxV - std::log(sum) : std::exp(x[at(j)] - maxV) / sum;
    }
  return out;
}

// Softmax: each output is exp (a few ulps) over a sum of positive terms, so
// it is relatively accurate: rtol 1e-5 (atol 1e-7 for the e^-40 tails of
// the wide-range inputs). Log-softmax subtracts max and log(sum) in float,
// whose rounding is an ulp of those (|x| up to 20): atol 1e-5 for the wide
// range, 1e-6 for [-2, 2].
void checkSoftmax(int64_t outer, int64_t len, int64_t inner, float range, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> x = randomFloats(rng, outer * len * inner, -range, range);
  for (bool logSoftmax : {false, true}) {
    SCOPED_TRACE(logSoftmax ? "log-softmax" : "softmax");
    std::vector<float> out(x.size(), 12345.f);
    llmk::softmax<float>(x.data(), out.data(), outer, len, inner, logSoftmax);
    std::vector<double> ref = referenceSoftmax(x, outer, len, inner, logSoftmax);
    const double atol = logSoftmax ? (range > 2 ? 1e-5 : 1e-6) : 1e-7;
    EXPECT_CLOSE(logSoftmax ? "log-softmax" : "softmax", allClose(out, ref, 1e-5, atol));
  }
}

} // namespace

TEST(Softmax, LastAxis) { checkSoftmax(6, 1000, 1, 2.f, 1); }
TEST(Softmax, LastAxisWideRangeThreaded) { checkSoftmax(64, 777, 1, 20.f, 2); }
TEST(Softmax, MiddleAxis) { checkSoftmax(3, 37, 5, 2.f, 3); }
TEST(Softmax, MiddleAxisWideRangeThreaded) { checkSoftmax(16, 129, 17, 20.f, 4); }
TEST(Softmax, FirstAxis) { checkSoftmax(1, 9, 40, 2.f, 5); }

TEST(Softmax, DoubleMiddleAxis) {
  std::mt19937 rng(6);
  const int64_t outer = 4, len = 50, inner = 3;
  std::vector<float> xf = randomFloats(rng, outer * len * inner, -10.f, 10.f);
  std::vector<double> x(xf.begin(), xf.end());
  for (bool logSoftmax : {false, true}) {
    std::vector<double> out(x.size());
    llmk::softmax<double>(x.data(), out.data(), outer, len, inner, logSoftmax);
    EXPECT_CLOSE("double", allClose(out, referenceSoftmax(xf, outer, len, inner, logSoftmax),
                                    1e-13, 1e-15));
  }
}

// LayerNorm / RMSNorm (subtractMean false): statistics in double, the
// normalization in float: rtol 1e-5 with atol 1e-6 for outputs near zero.
TEST(LayerNorm, AllVariants) {
  const int64_t rows = 130, cols = 300; // enough for the threaded loop
  struct Variant {
    const char *name;
    bool subtractMean;
    int64_t scaleN, biasN; // 0: none, 1: broadcast scalar, cols: per column
  } variants[] = {
      {"layer_norm scale+bias", true, cols, cols}, {"layer_norm scale", true, cols, 0},
      {"layer_norm none", true, 0, 0},             {"layer_norm scalar scale+bias", true, 1, 1},
      {"rms_norm scale", false, cols, 0},          {"rms_norm none", false, 0, 0},
      {"rms_norm scale+bias", false, cols, cols},
  };
  uint32_t seed = 10;
  for (const Variant &v : variants) {
    SCOPED_TRACE(v.name);
    std::mt19937 rng(seed++);
    // An offset of 3 makes mean subtraction matter.
    std::vector<float> x = randomFloats(rng, rows * cols, 1.f, 5.f);
    std::vector<float> scale = randomFloats(rng, cols), bias = randomFloats(rng, cols);
    const float eps = 1e-5f;
    std::vector<float> out(x.size(), 12345.f);
    llmk::layerNorm<float>(x.data(), v.scaleN ? scale.data() : nullptr, v.scaleN,
                           v.biasN ? bias.data() : nullptr, v.biasN, out.data(), rows, cols, eps,
                           v.subtractMean);
    std::vector<double> ref(x.size());
    for (int64_t r = 0; r < rows; ++r) {
      const float *p = x.data() + r * cols;
      double mean = 0, var = 0;
      if (v.subtractMean) {
        for (int64_t j = 0; j < cols; ++j)
          mean += p[j];
        mean /= cols;
      }
      for (int64_t j = 0; j < cols; ++j)
        var += (p[j] - mean) * (p[j] - mean);
      var /= cols;
      const double inv = 1 / std::sqrt(var + static_cast<double>(eps));
      for (int64_t j = 0; j < cols; ++j) {
        double y = (p[j] - mean) * inv;
        if (v.scaleN)
          y *= scale[v.scaleN == 1 ? 0 : j];
        if (v.biasN)
          y += bias[v.biasN == 1 ? 0 : j];
        ref[r * cols + j] = y;
      }
    }
    EXPECT_CLOSE(v.name, allClose(out, ref, 1e-5, 1e-6));
  }
}

// fusedLayerNorm: the row is computed by a lambda from broadcast operands
// (a residual add plus a bias, a per-row scaling), normalized, and
// optionally written out before normalization. The reference computes the
// prologue and the statistics in double; the kernel rounds the prologue to T
// (as the unfused program stores it), then normalizes like layerNorm.
namespace {

/// The float64 layer/RMS norm of `rows` rows of `cols` values.
std::vector<double> referenceNorm(const std::vector<double> &x, int64_t rows, int64_t cols,
                                  const float *scale, const float *bias, double eps,
                                  bool subtractMean) {
  std::vector<double> ref(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    const double *p = x.data() + r * cols;
    double mean = 0, var = 0;
    if (subtractMean) {
      for (int64_t j = 0; j < cols; ++j)
        mean += p[j];
      mean /= cols;
    }
    for (int64_t j = 0; j < cols; ++j)
      var += (p[j] - mean) * (p[j] - mean);
    var /= cols;
    const double inv = 1 / std::sqrt(var + eps);
    for (int64_t j = 0; j < cols; ++j)
      ref[r * cols + j] =
          (p[j] - mean) * inv * (scale ? scale[j] : 1.0) + (bias ? bias[j] : 0.0);
  }
  return ref;
}

} // namespace

// layer_norm(h + proj + bias) with the sum written out (GPT-2's residual
// stream): [2, 65, 300] operands, a [300] bias; threaded (39000 elements).
TEST(FusedLayerNorm, ResidualBiasWithPrologueOut) {
  const int64_t b = 2, s = 65, cols = 300, rows = b * s, n = rows * cols;
  std::mt19937 rng(40);
  std::vector<float> h = randomFloats(rng, n, 1.f, 5.f), proj = randomFloats(rng, n),
                     bias = randomFloats(rng, cols), scale = randomFloats(rng, cols),
                     shift = randomFloats(rng, cols);
  std::vector<float> out(n, 12345.f), sum(n, 12345.f);
  const float eps = 1e-5f;
  llmk::fusedLayerNorm<float>(
      shapeOf({b, s, cols}), out.data(), sum.data(),
      [](auto x, auto y, auto z) { return x + y + z; }, scale.data(), cols, shift.data(), cols,
      eps, true, llmk::in(h.data(), shapeOf({b, s, cols})),
      llmk::in(proj.data(), shapeOf({b, s, cols})), llmk::in(bias.data(), shapeOf({cols})));
  std::vector<double> refSum(n);
  for (int64_t i = 0; i < n; ++i)
    refSum[i] = static_cast<double>(h[i]) + proj[i] + bias[i % cols];
  // The sum of three floats rounded to float: a few ulps of its terms.
  std::vector<double> mag(n);
  for (int64_t i = 0; i < n; ++i)
    mag[i] = std::fabs(h[i]) + std::fabs(proj[i]) + std::fabs(bias[i % cols]);
  EXPECT_CLOSE("prologue", allClose(sum, refSum, 2e-7, 0, &mag));
  EXPECT_CLOSE("layer_norm", allClose(out, referenceNorm(refSum, rows, cols, scale.data(),
                                                         shift.data(), eps, true),
                                      1e-5, 1e-6));
}

// rms_norm(x * s) with s one value per row ([rows, 1]: the strided path),
// no prologue output, a scalar scale.
TEST(FusedLayerNorm, RmsPerRowScaleNoPrologueOut) {
  const int64_t rows = 37, cols = 129, n = rows * cols;
  std::mt19937 rng(41);
  std::vector<float> x = randomFloats(rng, n), perRow = randomFloats(rng, rows, 0.5f, 3.f),
                     scale = randomFloats(rng, 1);
  std::vector<float> out(n, 12345.f);
  const float eps = 1e-6f;
  llmk::fusedLayerNorm<float>(shapeOf({rows, cols}), out.data(), static_cast<float *>(nullptr),
                              [](auto a, auto c) { return a * c; }, scale.data(), 1, nullptr, 0,
                              eps, false, llmk::in(x.data(), shapeOf({rows, cols})),
                              llmk::in(perRow.data(), shapeOf({rows, 1})));
  std::vector<double> prologue(n);
  for (int64_t i = 0; i < n; ++i)
    prologue[i] = static_cast<double>(static_cast<float>(x[i] * perRow[i / cols]));
  std::vector<float> fullScale(cols, scale[0]);
  EXPECT_CLOSE("rms_norm", allClose(out, referenceNorm(prologue, rows, cols, fullScale.data(),
                                                       nullptr, eps, false),
                                    1e-5, 1e-6));
}

// f16: the prologue (a bf16 operand cast up, plus an f16 residual) is
// rounded to f16 before the statistics, as the unfused program stores it;
// the reference rounds its double sum to f16 the same way, and the output is
// within an f16 ulp or two (rtol 2e-3).
TEST(FusedLayerNorm, HalfWithCastOperand) {
  const int64_t rows = 130, cols = 256, n = rows * cols;
  std::mt19937 rng(42);
  std::vector<float> xf = randomFloats(rng, n), rf = randomFloats(rng, n),
                     scale = randomFloats(rng, cols), shift = randomFloats(rng, cols);
  std::vector<llmk::bf16> x(n);
  std::vector<llmk::f16> r(n), scale16(cols), shift16(cols), out(n), sum(n);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = llmk::convert<llmk::bf16>(xf[i]);
    r[i] = llmk::convert<llmk::f16>(rf[i]);
  }
  for (int64_t j = 0; j < cols; ++j) {
    scale16[j] = llmk::convert<llmk::f16>(scale[j]);
    shift16[j] = llmk::convert<llmk::f16>(shift[j]);
    scale[j] = static_cast<float>(scale16[j]);
    shift[j] = static_cast<float>(shift16[j]);
  }
  const float eps = 1e-5f;
  llmk::fusedLayerNorm<llmk::f16>(
      shapeOf({rows, cols}), out.data(), sum.data(),
      [](auto a, auto b) { return llmk::load(llmk::convert<llmk::f16>(a)) + b; }, scale16.data(),
      cols, shift16.data(), cols, eps, true, llmk::in(x.data(), shapeOf({rows, cols})),
      llmk::in(r.data(), shapeOf({rows, cols})));
  std::vector<double> refSum(n);
  for (int64_t i = 0; i < n; ++i) {
    const double a = static_cast<float>(llmk::convert<llmk::f16>(static_cast<float>(x[i])));
    refSum[i] = static_cast<float>(llmk::convert<llmk::f16>(static_cast<float>(a + static_cast<float>(r[i]))));
  }
  EXPECT_CLOSE("prologue", allClose(sum, refSum, 1e-3, 1e-7));
  EXPECT_CLOSE("layer_norm f16", allClose(out, referenceNorm(refSum, rows, cols, scale.data(),
                                                             shift.data(), eps, true),
                                          2e-3, 1e-3));
}

namespace {

using llmk::ReduceKind;

const char *kindName(ReduceKind k) {
  switch (k) {
  case ReduceKind::Sum: return "Sum";
  case ReduceKind::Mean: return "Mean";
  case ReduceKind::Max: return "Max";
  case ReduceKind::Min: return "Min";
  case ReduceKind::Prod: return "Prod";
  }
  return "?";
}

} // namespace

// Reductions accumulate in double, so the float result is the double one
// rounded once: rtol 2^-24 (6e-8, half an ulp) would do; 1e-7 is used. Prod
// takes values in +-[0.5, 1.5] so that 360 factors stay in float's range.
TEST(Reduce, EveryKindSeveralAxes) {
  const std::vector<int64_t> dims = {3, 4, 5, 6};
  const std::vector<std::vector<int>> axesSets = {{0}, {1}, {3}, {0, 2}, {1, 3}, {0, 1, 2, 3}, {1, 2}};
  uint32_t seed = 20;
  for (ReduceKind kind :
       {ReduceKind::Sum, ReduceKind::Mean, ReduceKind::Max, ReduceKind::Min, ReduceKind::Prod}) {
    std::mt19937 rng(seed++);
    std::vector<float> x = randomFloats(rng, numelOf(dims));
    if (kind == ReduceKind::Prod)
      for (auto &v : x)
        v = (v < 0 ? -1.f : 1.f) * (0.5f + std::fabs(v) / 2);
    for (const auto &axes : axesSets) {
      SCOPED_TRACE(testing::Message() << kindName(kind) << " axes "
                                      << testing::PrintToString(axes));
      bool reduced[4] = {false, false, false, false};
      for (int a : axes)
        reduced[a] = true;
      std::vector<int64_t> kept;
      for (int i = 0; i < 4; ++i)
        if (!reduced[i])
          kept.push_back(dims[i]);
      const int64_t outN = numelOf(kept);
      std::vector<double> ref(outN);
      std::vector<int64_t> count(outN, 0);
      for (int64_t o = 0; o < outN; ++o)
        ref[o] = kind == ReduceKind::Prod  ? 1.0
                 : kind == ReduceKind::Max ? -INFINITY
                 : kind == ReduceKind::Min ? INFINITY
                                           : 0.0;
      const std::vector<int64_t> keptStrides = stridesOf(kept);
      for (int64_t e = 0; e < numelOf(dims); ++e) {
        std::vector<int64_t> idx = unflatten(e, dims);
        int64_t o = 0, k = 0;
        for (int i = 0; i < 4; ++i)
          if (!reduced[i])
            o += idx[i] * keptStrides[k++];
        const double v = x[e];
        switch (kind) {
        case ReduceKind::Sum:
        case ReduceKind::Mean: ref[o] += v; break;
        case ReduceKind::Prod: ref[o] *= v; break;
        case ReduceKind::Max: ref[o] = std::max(ref[o], v); break;
        case ReduceKind::Min: ref[o] = std::min(ref[o], v); break;
        }
        ++count[o];
      }
      if (kind == ReduceKind::Mean)
        for (int64_t o = 0; o < outN; ++o)
          ref[o] /= count[o];
      std::vector<float> out(outN, 12345.f);
      llmk::reduce<float>(llmk::in(x.data(), shapeOf(dims)), out.data(), reduced, kind);
      if (kind == ReduceKind::Max || kind == ReduceKind::Min) {
        EXPECT_TRUE(allEqual(out, ref)); // a max is one of the inputs, exactly
      } else {
        EXPECT_CLOSE(kindName(kind), allClose(out, ref, 1e-7, 1e-12));
      }
    }
  }
}

TEST(Reduce, LargeThreadedSum) {
  // 40000 x 3 over the first axis: the strided (non-contiguous) inner walk.
  const std::vector<int64_t> dims = {40000, 3};
  std::mt19937 rng(30);
  std::vector<float> x = randomFloats(rng, numelOf(dims));
  const bool reduced[2] = {true, false};
  std::vector<float> out(3);
  llmk::reduce<float>(llmk::in(x.data(), shapeOf(dims)), out.data(), reduced, ReduceKind::Sum);
  std::vector<double> ref(3, 0);
  for (int64_t e = 0; e < numelOf(dims); ++e)
    ref[e % 3] += x[e];
  EXPECT_CLOSE("sum", allClose(out, ref, 1e-7, 1e-12));
}

// CumSum accumulates in the element type (float), as ONNX Runtime does: the
// error of a prefix is up to len * 2^-24 of the sum of its |terms|, so the
// tolerance is rtol 1e-5 of that sum for len = 50.
TEST(CumSum, ExclusiveReverse) {
  const int64_t outer = 3, len = 50, inner = 4;
  std::mt19937 rng(40);
  std::vector<float> x = randomFloats(rng, outer * len * inner);
  for (bool exclusive : {false, true})
    for (bool reverse : {false, true}) {
      SCOPED_TRACE(testing::Message() << "exclusive " << exclusive << " reverse " << reverse);
      std::vector<float> out(x.size(), 12345.f);
      llmk::cumsum<float>(x.data(), out.data(), outer, len, inner, exclusive, reverse);
      std::vector<double> ref(x.size()), mag(x.size());
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          double acc = 0, accAbs = 0;
          for (int64_t jj = 0; jj < len; ++jj) {
            const int64_t j = reverse ? len - 1 - jj : jj, at = (o * len + j) * inner + i;
            if (!exclusive)
              acc += x[at], accAbs += std::fabs(x[at]);
            ref[at] = acc, mag[at] = accAbs;
            if (exclusive)
              acc += x[at], accAbs += std::fabs(x[at]);
          }
        }
      EXPECT_CLOSE("cumsum", allClose(out, ref, 1e-5, 0.0, &mag));
      if (exclusive) { // the first element of each scan is exactly 0
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t i = 0; i < inner; ++i)
            EXPECT_EQ(out[(o * len + (reverse ? len - 1 : 0)) * inner + i], 0.f);
      }
    }
}

TEST(CumSum, Int64Exact) {
  const int64_t outer = 2, len = 30, inner = 3;
  std::mt19937 rng(41);
  std::uniform_int_distribution<int64_t> dist(-1000000000, 1000000000);
  std::vector<int64_t> x(outer * len * inner);
  for (auto &v : x)
    v = dist(rng);
  std::vector<int64_t> out(x.size()), ref(x.size());
  llmk::cumsum<int64_t>(x.data(), out.data(), outer, len, inner, true, true);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t acc = 0;
      for (int64_t j = len - 1; j >= 0; --j) {
        ref[(o * len + j) * inner + i] = acc;
        acc += x[(o * len + j) * inner + i];
      }
    }
  EXPECT_TRUE(allEqual(out, ref));
}

namespace {

std::vector<int64_t> referenceArgmax(const std::vector<float> &x, int64_t outer, int64_t len,
                                     int64_t inner, bool selectLast) {
  std::vector<int64_t> out(outer * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      for (int64_t j = 1; j < len; ++j) {
        const float v = x[(o * len + j) * inner + i], b = x[(o * len + best) * inner + i];
        if (v > b || (selectLast && v == b))
          best = j;
      }
      out[o * inner + i] = best;
    }
  return out;
}

} // namespace

TEST(ArgMax, TiesFirstAndLastIndex) {
  // Values in {-2, -1, 1, 2}: every row has ties for its maximum.
  const std::vector<int64_t> dims = {4, 9, 5};
  std::mt19937 rng(50);
  std::uniform_int_distribution<int> pick(0, 3);
  const float values[] = {-2.f, -1.f, 1.f, 2.f};
  std::vector<float> x(numelOf(dims));
  for (auto &v : x)
    v = values[pick(rng)];
  int ties = 0;
  for (int axis : {0, 1, 2}) {
    const int64_t outer = shapeOf(dims).span(0, axis), len = dims[axis],
                  inner = shapeOf(dims).span(axis + 1, 3);
    std::vector<int64_t> first = referenceArgmax(x, outer, len, inner, false),
                         last = referenceArgmax(x, outer, len, inner, true);
    for (size_t i = 0; i < first.size(); ++i)
      ties += first[i] != last[i];
    for (bool selectLast : {false, true}) {
      SCOPED_TRACE(testing::Message() << "axis " << axis << " select_last_index " << selectLast);
      std::vector<int64_t> out(outer * inner, -7);
      llmk::argmax<float>(llmk::in(x.data(), shapeOf(dims)), out.data(), axis, selectLast);
      EXPECT_TRUE(allEqual(out, selectLast ? last : first));
    }
  }
  EXPECT_GT(ties, 20); // the data does exercise ties
}

TEST(ArgMax, DistinctValuesThreaded) {
  const std::vector<int64_t> dims = {300, 150};
  std::mt19937 rng(51);
  std::vector<float> x = randomFloats(rng, numelOf(dims));
  for (bool selectLast : {false, true}) {
    std::vector<int64_t> out(300, -7);
    llmk::argmax<float>(llmk::in(x.data(), shapeOf(dims)), out.data(), 1, selectLast);
    EXPECT_TRUE(allEqual(out, referenceArgmax(x, 300, 150, 1, selectLast)));
  }
}

// rms_norm(a + b) with a a row-strided view (the first half of a merged
// [rows, 2 * cols] tensor, read in place) and b dense.
TEST(FusedLayerNorm, RowStridedViewOperand) {
  const int64_t rows = 9, cols = 40, n = rows * cols;
  std::mt19937 rng(42);
  std::vector<float> merged = randomFloats(rng, 2 * n), b = randomFloats(rng, n),
                     scale = randomFloats(rng, cols);
  std::vector<float> out(n, 12345.f);
  const float eps = 1e-6f;
  llmk::fusedLayerNorm<float>(shapeOf({rows, cols}), out.data(), static_cast<float *>(nullptr),
                              [](auto x, auto y) { return x + y; }, scale.data(), cols, nullptr,
                              0, eps, false, llmk::in(merged.data(), shapeOf({rows, cols}), 2 * cols),
                              llmk::in(b.data(), shapeOf({rows, cols})));
  std::vector<double> prologue(n);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j)
      prologue[r * cols + j] =
          static_cast<double>(merged[r * 2 * cols + j] + b[r * cols + j]);
  EXPECT_CLOSE("rms_norm", allClose(out, referenceNorm(prologue, rows, cols, scale.data(), nullptr,
                                                       eps, false),
                                    1e-5, 1e-6));
}
