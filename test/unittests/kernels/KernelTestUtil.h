//===- KernelTestUtil.h - helpers of the llmk kernel tests ----------------===//
//
// Random data (std::mt19937 with a fixed seed per test, never zeros), shapes,
// and a comparison against float64 references that reports the worst
// element instead of flooding the log.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_TEST_UNITTESTS_KERNELS_KERNELTESTUTIL_H
#define LLM_TEST_UNITTESTS_KERNELS_KERNELTESTUTIL_H

#include "llmk/llmk.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace llmk_test {

inline llmk::Shape shapeOf(std::initializer_list<int64_t> dims) {
  llmk::Shape s;
  s.rank = static_cast<int>(dims.size());
  int i = 0;
  for (int64_t d : dims)
    s.d[i++] = d;
  return s;
}

inline llmk::Shape shapeOf(const std::vector<int64_t> &dims) {
  llmk::Shape s;
  s.rank = static_cast<int>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i)
    s.d[i] = dims[i];
  return s;
}

/// Uniform in [lo, hi], redrawn when it comes out exactly 0 (so a kernel that
/// ignores an operand cannot pass by accident).
inline std::vector<float> randomFloats(std::mt19937 &rng, int64_t n, float lo = -2.f,
                                       float hi = 2.f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto &x : v)
    do
      x = dist(rng);
    while (x == 0.f);
  return v;
}

/// Row-major strides of a shape.
inline std::vector<int64_t> stridesOf(const std::vector<int64_t> &dims) {
  std::vector<int64_t> s(dims.size());
  int64_t st = 1;
  for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
    s[i] = st;
    st *= dims[i];
  }
  return s;
}

inline int64_t numelOf(const std::vector<int64_t> &dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

/// Multi-index of flat element e of `dims`.
inline std::vector<int64_t> unflatten(int64_t e, const std::vector<int64_t> &dims) {
  std::vector<int64_t> idx(dims.size());
  for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
    idx[i] = e % dims[i];
    e /= dims[i];
  }
  return idx;
}

/// A kernel's output as double (the 16-bit floats through float).
template <typename G> double asDouble(G v) {
  if constexpr (std::is_same_v<G, double>)
    return v;
  else
    return static_cast<double>(static_cast<float>(v));
}

/// |got - ref| <= atol + rtol * max(|ref|, mag) for every element, where mag
/// (optional) is the magnitude of what was summed to make ref (sum |terms|):
/// the scale that float rounding errors of a sum are proportional to, so a
/// result that cancels to near zero is judged against its terms. NaN must
/// match NaN and infinities must match exactly.
template <typename G>
::testing::AssertionResult allClose(const G *got, const double *ref, int64_t n, double rtol,
                                    double atol, const double *mag = nullptr) {
  int64_t bad = 0, worst = -1;
  double worstExcess = -1, maxAbs = 0, maxRel = 0, maxRatio = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double g = asDouble(got[i]);
    const double r = ref[i];
    bool ok;
    double err = 0;
    if (std::isnan(r) || std::isnan(g))
      ok = std::isnan(r) && std::isnan(g);
    else if (std::isinf(r) || std::isinf(g))
      ok = g == r;
    else {
      err = std::fabs(g - r);
      const double scale = std::max(std::fabs(r), mag ? mag[i] : 0.0);
      ok = err <= atol + rtol * scale;
      maxAbs = std::max(maxAbs, err);
      if (std::fabs(r) > 0)
        maxRel = std::max(maxRel, err / std::fabs(r));
      const double excess = err / (atol + rtol * scale);
      maxRatio = std::max(maxRatio, excess);
      if (!ok && excess > worstExcess)
        worstExcess = excess, worst = i;
    }
    if (!ok) {
      ++bad;
      if (worst < 0)
        worst = i, worstExcess = INFINITY;
    }
  }
  if (bad == 0)
    return ::testing::AssertionSuccess() << "max abs err " << maxAbs << ", max rel err " << maxRel
                                         << ", max err / tolerance " << maxRatio;
  std::ostringstream os;
  os.precision(9);
  os << bad << " of " << n << " elements outside atol " << atol << " + rtol " << rtol
     << "; worst at " << worst << ": got " << asDouble(got[worst])
     << ", want " << ref[worst];
  if (mag)
    os << " (magnitude " << mag[worst] << ")";
  os << "; max abs err " << maxAbs;
  return ::testing::AssertionFailure() << os.str();
}

template <typename G>
::testing::AssertionResult allClose(const std::vector<G> &got, const std::vector<double> &ref,
                                    double rtol, double atol,
                                    const std::vector<double> *mag = nullptr) {
  if (got.size() != ref.size())
    return ::testing::AssertionFailure()
           << "size " << got.size() << " vs reference " << ref.size();
  return allClose(got.data(), ref.data(), static_cast<int64_t>(got.size()), rtol, atol,
                  mag ? mag->data() : nullptr);
}

/// Exact equality of two vectors, naming the first difference.
template <typename A, typename B>
::testing::AssertionResult allEqual(const std::vector<A> &got, const std::vector<B> &want) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure() << "size " << got.size() << " vs " << want.size();
  for (size_t i = 0; i < got.size(); ++i)
    if (!(got[i] == static_cast<A>(want[i])))
      return ::testing::AssertionFailure()
             << "first difference at " << i << ": got " << +got[i] << ", want " << +want[i];
  return ::testing::AssertionSuccess();
}

/// Prints the max errors of a passing comparison when LLMK_TEST_VERBOSE is
/// set (how the tolerances below were chosen).
inline void reportErrors(const char *what, const ::testing::AssertionResult &r) {
  if (r && std::getenv("LLMK_TEST_VERBOSE"))
    std::printf("    [%s] %s\n", what, r.message());
}

} // namespace llmk_test

/// EXPECT_TRUE on an AssertionResult, also printing its errors on request.
#define EXPECT_CLOSE(what, result)                                                                \
  do {                                                                                             \
    ::testing::AssertionResult r_ = (result);                                                      \
    ::llmk_test::reportErrors(what, r_);                                                           \
    EXPECT_TRUE(r_) << (what);                                                                     \
  } while (0)

#endif // LLM_TEST_UNITTESTS_KERNELS_KERNELTESTUTIL_H
