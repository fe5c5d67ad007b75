//===- GpuTestUtil.h - a tiny harness for the CUDA kernel tests ------------===//
//
// Standalone CUDA test programs (no gtest): device buffers, random host data,
// float64 comparison, PASS/FAIL lines and a run context for llmk::begin.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_TEST_GPU_GPUTESTUTIL_H
#define LLM_TEST_GPU_GPUTESTUTIL_H

#include "llmk/Base.cuh"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace gt {

#define GT_CHECK(expr)                                                                             \
  do {                                                                                             \
    cudaError_t e_ = (expr);                                                                       \
    if (e_ != cudaSuccess) {                                                                       \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, cudaGetErrorString(e_)); \
      std::exit(2);                                                                                \
    }                                                                                              \
  } while (0)

inline int &failures() {
  static int n = 0;
  return n;
}
inline int &passes() {
  static int n = 0;
  return n;
}

inline std::mt19937_64 &rng() {
  static std::mt19937_64 r([] {
    uint64_t seed = std::random_device{}();
    if (const char *s = std::getenv("GT_SEED"))
      seed = std::strtoull(s, nullptr, 10);
    std::printf("seed %llu (GT_SEED to repeat)\n", (unsigned long long)seed);
    return seed;
  }());
  return r;
}
inline double uniform(double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng());
}
inline int64_t randint(int64_t lo, int64_t hi) { // [lo, hi]
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng());
}

template <typename T> double toD(T v) {
  if constexpr (std::is_same_v<T, llmk::f16>)
    return __half2float(v);
  else if constexpr (std::is_same_v<T, llmk::bf16>)
    return __bfloat162float(v);
  else
    return static_cast<double>(v);
}
template <typename T> T fromD(double v) {
  if constexpr (std::is_same_v<T, llmk::f16>)
    return __float2half_rn(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, llmk::bf16>)
    return __float2bfloat16_rn(static_cast<float>(v));
  else
    return static_cast<T>(v);
}
template <typename T> double tolFor() {
  if constexpr (std::is_same_v<T, double>)
    return 1e-12;
  else if constexpr (std::is_same_v<T, float>)
    return 1e-5;
  else if constexpr (llmk::is16BitFloat<T>)
    return 1e-2;
  else
    return 0;
}
template <typename T> const char *typeName() {
  if constexpr (std::is_same_v<T, float>) return "f32";
  else if constexpr (std::is_same_v<T, double>) return "f64";
  else if constexpr (std::is_same_v<T, llmk::f16>) return "f16";
  else if constexpr (std::is_same_v<T, llmk::bf16>) return "bf16";
  else if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_same_v<T, int8_t>) return "i8";
  else if constexpr (std::is_same_v<T, uint8_t>) return "u8";
  else if constexpr (std::is_same_v<T, int32_t>) return "i32";
  else if constexpr (std::is_same_v<T, int64_t>) return "i64";
  else return "?";
}

/// Random values in [lo, hi], rounded to T (integers: uniform integers).
template <typename T> std::vector<T> randVec(size_t n, double lo = -2, double hi = 2) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_integral_v<T>)
      v[i] = static_cast<T>(randint(static_cast<int64_t>(lo), static_cast<int64_t>(hi)));
    else
      v[i] = fromD<T>(uniform(lo, hi));
  }
  return v;
}
template <typename T> std::vector<double> toDVec(const std::vector<T> &v) {
  std::vector<double> d(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    d[i] = toD(v[i]);
  return d;
}

/// A device buffer; freed at exit of the test (never reused, so poison holds).
template <typename T> struct Dev {
  T *p = nullptr;
  size_t n = 0;
  explicit Dev(size_t count, size_t extraFront = 0) : n(count) {
    void *raw = nullptr;
    GT_CHECK(cudaMalloc(&raw, (count + extraFront + 1) * sizeof(T) + 16));
    p = static_cast<T *>(raw) + extraFront;
    base = raw;
    poison();
  }
  Dev(const std::vector<T> &host, size_t extraFront = 0) : Dev(host.size(), extraFront) {
    if constexpr (std::is_same_v<T, bool>) { // std::vector<bool> has no data()
      std::vector<uint8_t> bytes(host.begin(), host.end());
      if (!bytes.empty())
        GT_CHECK(cudaMemcpy(p, bytes.data(), bytes.size(), cudaMemcpyHostToDevice));
    } else if (!host.empty()) {
      GT_CHECK(cudaMemcpy(p, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    }
    GT_CHECK(cudaDeviceSynchronize()); // the kernels run on another (non-blocking) stream
  }
  Dev(const Dev &) = delete;
  ~Dev() { cudaFree(base); }
  /// All bits set: NaN for every float type, -1 for integers.
  void poison() {
    GT_CHECK(cudaMemset(p, 0xFF, n * sizeof(T)));
    GT_CHECK(cudaDeviceSynchronize());
  }
  std::vector<T> get() const {
    GT_CHECK(cudaDeviceSynchronize());
    if constexpr (std::is_same_v<T, bool>) {
      std::vector<uint8_t> bytes(n);
      if (n)
        GT_CHECK(cudaMemcpy(bytes.data(), p, n, cudaMemcpyDeviceToHost));
      return std::vector<bool>(bytes.begin(), bytes.end()); // poison (0xFF) reads as true
    } else {
      std::vector<T> h(n);
      if (n)
        GT_CHECK(cudaMemcpy(h.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost));
      return h;
    }
  }
  std::vector<double> getD() const {
    if constexpr (std::is_same_v<T, bool>) { // a byte other than 0 or 1 (poison) is NaN
      GT_CHECK(cudaDeviceSynchronize());
      std::vector<uint8_t> bytes(n);
      if (n)
        GT_CHECK(cudaMemcpy(bytes.data(), p, n, cudaMemcpyDeviceToHost));
      std::vector<double> d(n);
      for (size_t i = 0; i < n; ++i)
        d[i] = bytes[i] > 1 ? NAN : bytes[i];
      return d;
    } else {
      return toDVec(get());
    }
  }

private:
  void *base = nullptr;
};

/// Compares with |got - ref| <= tol * max(1, |ref|); NaN and infinities must
/// match exactly. Prints one line.
inline bool check(const std::string &name, const std::vector<double> &got,
                  const std::vector<double> &ref, double tol) {
  bool ok = got.size() == ref.size();
  size_t bad = 0, badIdx = 0;
  double worst = 0;
  for (size_t i = 0; ok && i < got.size(); ++i) {
    const double g = got[i], r = ref[i];
    bool good;
    if (std::isnan(r) || std::isnan(g))
      good = std::isnan(r) && std::isnan(g);
    else if (std::isinf(r) || std::isinf(g))
      good = g == r;
    else {
      const double err = std::fabs(g - r) / std::max(1.0, std::fabs(r));
      good = err <= tol;
      worst = std::max(worst, err);
    }
    if (!good) {
      if (!bad)
        badIdx = i;
      ++bad;
    }
  }
  if (got.size() != ref.size()) {
    std::printf("FAIL %s: %zu values, expected %zu\n", name.c_str(), got.size(), ref.size());
    ++failures();
    return false;
  }
  if (bad) {
    std::printf("FAIL %s: %zu/%zu wrong, first at %zu: got %.9g expected %.9g\n", name.c_str(), bad,
                got.size(), badIdx, got[badIdx], ref[badIdx]);
    ++failures();
    return false;
  }
  std::printf("PASS %s (%zu values, max err %.2g)\n", name.c_str(), got.size(), worst);
  ++passes();
  return true;
}
inline bool checkTrue(const std::string &name, bool ok, const std::string &detail = "") {
  std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name.c_str(), detail.empty() ? "" : ": ",
              detail.c_str());
  ++(ok ? passes() : failures());
  return ok;
}

/// A run context for llmk::begin: a stream and an error flag.
struct RunContext {
  LLMCudaContext ctx{};
  LLMRunArgs args{};
  cudaStream_t stream = nullptr;
  int32_t *flag = nullptr;
  RunContext() {
    GT_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    GT_CHECK(cudaMalloc(&flag, sizeof(int32_t)));
    GT_CHECK(cudaMemset(flag, 0, sizeof(int32_t)));
    ctx.stream = stream;
    ctx.error_flag = flag;
    args.device_context = &ctx;
    char err[256] = {};
    if (llmk::begin(&args, err, sizeof err) != 0) {
      std::fprintf(stderr, "llmk::begin failed: %s\n", err);
      std::exit(2);
    }
  }
  int32_t readFlag() {
    GT_CHECK(cudaStreamSynchronize(stream));
    int32_t v = 0;
    GT_CHECK(cudaMemcpy(&v, flag, sizeof v, cudaMemcpyDeviceToHost));
    return v;
  }
  void clearFlag() { GT_CHECK(cudaMemset(flag, 0, sizeof(int32_t))); }
};

inline llmk::Shape shapeOf(std::initializer_list<int64_t> d) {
  llmk::Shape s;
  for (int64_t x : d)
    s.d[s.rank++] = x;
  return s;
}
inline std::vector<int64_t> stridesOf(const llmk::Shape &s) {
  std::vector<int64_t> st(s.rank);
  int64_t k = 1;
  for (int i = s.rank - 1; i >= 0; --i) {
    st[i] = k;
    k *= s.d[i];
  }
  return st;
}
/// Coordinates of flat index e in s.
inline std::vector<int64_t> unravel(int64_t e, const llmk::Shape &s) {
  std::vector<int64_t> c(s.rank);
  for (int i = s.rank - 1; i >= 0; --i) {
    c[i] = e % s.d[i];
    e /= s.d[i];
  }
  return c;
}
inline std::string shapeStr(const llmk::Shape &s) {
  std::string r = "[";
  for (int i = 0; i < s.rank; ++i)
    r += (i ? "," : "") + std::to_string(s.d[i]);
  return r + "]";
}

inline int finish() {
  std::printf("\n%d passed, %d failed\n", passes(), failures());
  std::printf(failures() ? "FAILED\n" : "ALL PASSED\n");
  return failures() ? 1 : 0;
}

} // namespace gt

#endif // LLM_TEST_GPU_GPUTESTUTIL_H
