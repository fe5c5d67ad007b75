//===- LinalgTest.cpp - llmk::linear and llmk::matmul against float64 -----===//
//
// float GEMMs run in oneDNN's sgemm, so a result that cancels to near zero
// carries the rounding error of its terms: outputs are compared against
// atol + rtol * max(|ref|, sum_k |a_ik b_kj| (+ |bias| + |residual|)), with
// rtol 1e-5 (a K-term float dot product errs by at most ~K * 2^-24 of its
// terms' magnitude, 9e-6 for K = 150, and in practice far less).
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

using namespace llmk_test;
using llmk::Activation;

namespace {

double activate(double v, Activation act) {
  switch (act) {
  case Activation::None: return v;
  case Activation::Gelu: return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
  case Activation::GeluTanh:
    return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
  case Activation::Silu: return v / (1 + std::exp(-v));
  case Activation::Relu: return v > 0 ? v : 0;
  }
  return NAN;
}

const char *name(Activation act) {
  switch (act) {
  case Activation::None: return "None";
  case Activation::Gelu: return "Gelu";
  case Activation::GeluTanh: return "GeluTanh";
  case Activation::Silu: return "Silu";
  case Activation::Relu: return "Relu";
  }
  return "?";
}

/// Every combination of M (a single row and 130 rows, enough for the
/// threaded GEMM and epilogue), weight layout, bias and residual for one
/// activation.
template <typename T> void checkLinear(Activation act, uint32_t seed, double rtol, double atol) {
  const int64_t N = 300, K = 150;
  for (int64_t M : {1, 130})
    for (bool transposeWeight : {false, true})
      for (bool withBias : {false, true})
        for (bool withResidual : {false, true}) {
          SCOPED_TRACE(testing::Message() << name(act) << " M=" << M << " transposeWeight="
                                          << transposeWeight << " bias=" << withBias
                                          << " residual=" << withResidual);
          std::mt19937 rng(seed + static_cast<uint32_t>(M * 8 + transposeWeight * 4 + withBias * 2 +
                                                        withResidual));
          auto cast = [](const std::vector<float> &v) { return std::vector<T>(v.begin(), v.end()); };
          std::vector<T> x = cast(randomFloats(rng, M * K)), w = cast(randomFloats(rng, K * N)),
                         bias = cast(randomFloats(rng, N)), res = cast(randomFloats(rng, M * N));
          std::vector<T> y(M * N, T(12345));
          llmk::linear<T>(x.data(), w.data(), withBias ? bias.data() : nullptr,
                          withResidual ? res.data() : nullptr, y.data(), M, N, K, transposeWeight,
                          act);
          std::vector<double> ref(M * N), mag(M * N);
          for (int64_t i = 0; i < M; ++i)
            for (int64_t j = 0; j < N; ++j) {
              double acc = 0, m = 0;
              for (int64_t k = 0; k < K; ++k) {
                const double wv = transposeWeight ? w[j * K + k] : w[k * N + j];
                acc += static_cast<double>(x[i * K + k]) * wv;
                m += std::fabs(static_cast<double>(x[i * K + k]) * wv);
              }
              if (withBias)
                acc += bias[j], m += std::fabs(static_cast<double>(bias[j]));
              acc = activate(acc, act);
              if (withResidual)
                acc += res[i * N + j], m += std::fabs(static_cast<double>(res[i * N + j]));
              ref[i * N + j] = acc;
              mag[i * N + j] = m;
            }
          EXPECT_CLOSE(name(act), allClose(y, ref, rtol, atol, &mag));
        }
}

} // namespace

TEST(Linear, NoActivation) { checkLinear<float>(Activation::None, 100, 1e-5, 1e-6); }
TEST(Linear, Gelu) { checkLinear<float>(Activation::Gelu, 200, 1e-5, 1e-6); }
TEST(Linear, GeluTanh) { checkLinear<float>(Activation::GeluTanh, 300, 1e-5, 1e-6); }
TEST(Linear, Silu) { checkLinear<float>(Activation::Silu, 400, 1e-5, 1e-6); }
TEST(Linear, Relu) { checkLinear<float>(Activation::Relu, 500, 1e-5, 1e-6); }
// double goes to OpenBLAS's dgemm and libm's erf/tanh/exp.
TEST(Linear, DoubleGeluThroughOpenBLAS) {
  checkLinear<double>(Activation::Gelu, 600, 1e-13, 1e-15);
}

namespace {

/// numpy.matmul in double: 1-D operands promoted, batch dims broadcast.
/// Returns the result's dims.
std::vector<int64_t> referenceMatmul(const std::vector<float> &a, std::vector<int64_t> ad,
                                     const std::vector<float> &b, std::vector<int64_t> bd,
                                     std::vector<double> &out, std::vector<double> &mag) {
  const bool aVec = ad.size() == 1, bVec = bd.size() == 1;
  if (aVec)
    ad.insert(ad.begin(), 1);
  if (bVec)
    bd.push_back(1);
  const int64_t M = ad[ad.size() - 2], K = ad.back(), N = bd.back();
  EXPECT_EQ(bd[bd.size() - 2], K);
  std::vector<int64_t> aBatch(ad.begin(), ad.end() - 2), bBatch(bd.begin(), bd.end() - 2);
  const size_t rank = std::max(aBatch.size(), bBatch.size());
  aBatch.insert(aBatch.begin(), rank - aBatch.size(), 1);
  bBatch.insert(bBatch.begin(), rank - bBatch.size(), 1);
  std::vector<int64_t> batch(rank);
  for (size_t i = 0; i < rank; ++i)
    batch[i] = std::max(aBatch[i], bBatch[i]);
  const int64_t batches = numelOf(batch);
  out.assign(batches * M * N, 0);
  mag.assign(out.size(), 0);
  const std::vector<int64_t> as = stridesOf(aBatch), bs = stridesOf(bBatch);
  for (int64_t t = 0; t < batches; ++t) {
    std::vector<int64_t> idx = unflatten(t, batch);
    int64_t ao = 0, bo = 0;
    for (size_t i = 0; i < rank; ++i) {
      ao += (aBatch[i] == 1 ? 0 : idx[i]) * as[i];
      bo += (bBatch[i] == 1 ? 0 : idx[i]) * bs[i];
    }
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j)
        for (int64_t k = 0; k < K; ++k) {
          const double p = static_cast<double>(a[ao * M * K + i * K + k]) * b[bo * K * N + k * N + j];
          out[(t * M + i) * N + j] += p;
          mag[(t * M + i) * N + j] += std::fabs(p);
        }
  }
  std::vector<int64_t> dims = batch;
  if (!aVec)
    dims.push_back(M);
  if (!bVec)
    dims.push_back(N);
  return dims;
}

void checkMatmul(const std::vector<int64_t> &ad, const std::vector<int64_t> &bd,
                 const std::vector<int64_t> &wantDims, uint32_t seed) {
  SCOPED_TRACE(testing::Message() << "a " << testing::PrintToString(ad) << " b "
                                  << testing::PrintToString(bd));
  std::mt19937 rng(seed);
  std::vector<float> a = randomFloats(rng, numelOf(ad)), b = randomFloats(rng, numelOf(bd));
  std::vector<double> ref, mag;
  std::vector<int64_t> dims = referenceMatmul(a, ad, b, bd, ref, mag);
  ASSERT_EQ(dims, wantDims);
  std::vector<float> out(ref.size(), 12345.f);
  llmk::matmul<float>(llmk::in(a.data(), shapeOf(ad)), llmk::in(b.data(), shapeOf(bd)), out.data());
  EXPECT_CLOSE("matmul", allClose(out, ref, 1e-5, 1e-6, &mag));
}

} // namespace

TEST(Matmul, BatchedTimesSharedWeight) { checkMatmul({2, 3, 7, 33}, {33, 19}, {2, 3, 7, 19}, 1); }
TEST(Matmul, SharedLhsTimesBatched) { checkMatmul({7, 33}, {4, 33, 19}, {4, 7, 19}, 2); }
TEST(Matmul, BothBroadcast) { checkMatmul({2, 1, 7, 33}, {3, 33, 19}, {2, 3, 7, 19}, 3); }
TEST(Matmul, ManyHeadsThreaded) { checkMatmul({4, 2, 40, 48}, {2, 48, 56}, {4, 2, 40, 56}, 4); }
TEST(Matmul, VectorTimesMatrix) { checkMatmul({33}, {33, 19}, {19}, 5); }
TEST(Matmul, MatrixTimesVector) { checkMatmul({7, 33}, {33}, {7}, 6); }
TEST(Matmul, VectorDotVector) { checkMatmul({33}, {33}, {}, 7); }
TEST(Matmul, VectorTimesBatched) { checkMatmul({33}, {4, 33, 19}, {4, 19}, 8); }
TEST(Matmul, BatchedTimesVector) { checkMatmul({3, 7, 33}, {33}, {3, 7}, 9); }
