//===- LinalgAttentionTest.cu - llmk CUDA linear/matmul/attention/rotary --===//
//
// Standalone: every case runs a kernel of runtime/kernels/cuda/llmk on fresh
// random data (outputs poisoned with NaN first) and compares it with a float64
// host reference. Prints PASS/FAIL per case and exits non-zero on a failure;
// then times attention and linear (TFLOP/s, median of 20 after warm-up).
//
// nvcc -std=c++17 --extended-lambda -O2 -gencode=arch=compute_90a,code=sm_90a
//   -I runtime/kernels/cuda -I runtime/include test/gpu/kernels/LinalgAttentionTest.cu
//   -o LinalgAttentionTest -lcublasLt -lcublas
// Options: --no-bench, --bench-only.
//
//===----------------------------------------------------------------------===//

#define LLMK_ATTENTION_CONFIGS 1 // every tensor-core configuration, for the tests and timings
#include "llmk/Attention.cuh"
#include "llmk/Linalg.cuh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace llmk;

#define CK(x)                                                                                      \
  do {                                                                                             \
    cudaError_t e_ = (x);                                                                          \
    if (e_ != cudaSuccess) {                                                                       \
      std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(e_));            \
      std::exit(2);                                                                                \
    }                                                                                              \
  } while (0)

static std::mt19937_64 rng(12345);
static int failures = 0, passes = 0;

// Host <-> device copies and fills go through the kernels' stream and wait
// for it. cudaMemcpy/cudaMemset run on the legacy default stream, which does
// not order against the kernels' non-blocking stream, and a pageable
// cudaMemcpy may return before its data has landed: kernels then read stale
// tails of their inputs (seen as rare f32 attention failures, 2026-12-04).
static void toDevice(void *dst, const void *src, size_t bytes) {
  CK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, llmk::stream()));
  CK(cudaStreamSynchronize(llmk::stream()));
}
static void toHost(void *dst, const void *src, size_t bytes) {
  CK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, llmk::stream()));
  CK(cudaStreamSynchronize(llmk::stream()));
}
static void fillDevice(void *dst, int byte, size_t bytes) {
  CK(cudaMemsetAsync(dst, byte, bytes, llmk::stream()));
  CK(cudaStreamSynchronize(llmk::stream()));
}

template <typename T> const char *tname() {
  if constexpr (std::is_same_v<T, float>)
    return "f32";
  else if constexpr (std::is_same_v<T, __half>)
    return "f16";
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return "bf16";
  else if constexpr (std::is_same_v<T, double>)
    return "f64";
  else
    return "i32";
}
template <typename T> T fromD(double v) {
  if constexpr (std::is_same_v<T, __half>)
    return __float2half_rn(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __float2bfloat16_rn(static_cast<float>(v));
  else
    return static_cast<T>(v);
}
template <typename T> double toD(T v) {
  if constexpr (std::is_same_v<T, __half>)
    return __half2float(v);
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __bfloat162float(v);
  else
    return static_cast<double>(v);
}

/// A device tensor with the (element-type rounded) host values as doubles.
template <typename T> struct Tensor {
  std::vector<double> h;
  T *d = nullptr;
  size_t n = 0;
  explicit Tensor(size_t n_) : h(n_), n(n_) { CK(cudaMalloc(&d, std::max<size_t>(n, 1) * sizeof(T))); }
  ~Tensor() { cudaFree(d); }
  Tensor(const Tensor &) = delete;
  void random(double lo = -1, double hi = 1) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<T> tmp(n);
    for (size_t i = 0; i < n; ++i) {
      if constexpr (std::is_integral_v<T>)
        tmp[i] = static_cast<T>(std::floor(u(rng) * 4));
      else
        tmp[i] = fromD<T>(u(rng));
      h[i] = toD(tmp[i]);
    }
    toDevice(d, tmp.data(), n * sizeof(T));
  }
  void upload() {
    std::vector<T> tmp(n);
    for (size_t i = 0; i < n; ++i) {
      tmp[i] = fromD<T>(h[i]);
      h[i] = toD(tmp[i]);
    }
    toDevice(d, tmp.data(), n * sizeof(T));
  }
  void poison() { fillDevice(d, 0xff, n * sizeof(T)); }
  std::vector<double> download() {
    std::vector<T> tmp(n);
    toHost(tmp.data(), d, n * sizeof(T));
    std::vector<double> r(n);
    for (size_t i = 0; i < n; ++i)
      r[i] = toD(tmp[i]);
    return r;
  }
};

static Shape shp(std::initializer_list<int64_t> dims) {
  Shape s;
  for (int64_t x : dims)
    s.d[s.rank++] = x;
  return s;
}

/// f32/f64/int: per element |got - ref| <= tol * (|ref| + rms(ref)) (ints exact);
/// f16/bf16: ||got - ref|| / ||ref|| < 1e-2.
template <typename T>
void check(const std::string &name, const std::vector<double> &got, const std::vector<double> &ref,
           double tol32 = 1e-4) {
  bool ok = got.size() == ref.size();
  double worst = 0, num = 0, den = 0, rms = 0;
  for (double r : ref)
    rms += r * r;
  rms = std::sqrt(rms / std::max<size_t>(ref.size(), 1)) + 1e-30;
  for (size_t i = 0; ok && i < ref.size(); ++i) {
    if (std::isnan(got[i]) || std::isinf(got[i])) {
      ok = false;
      worst = INFINITY;
      break;
    }
    const double e = std::fabs(got[i] - ref[i]);
    num += e * e, den += ref[i] * ref[i];
    if constexpr (std::is_integral_v<T>)
      worst = std::max(worst, e);
    else
      worst = std::max(worst, e / (std::fabs(ref[i]) + rms));
  }
  double metric;
  if constexpr (std::is_integral_v<T>)
    metric = worst, ok = ok && worst == 0;
  else if constexpr (std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>)
    metric = std::sqrt(num / std::max(den, 1e-300)), ok = ok && metric < 1e-2;
  else
    metric = worst, ok = ok && worst <= tol32;
  std::printf("%s %-70s err %.3g\n", ok ? "PASS" : "FAIL", name.c_str(), metric);
  (ok ? passes : failures)++;
}

//===----------------------------------------------------------------------===//
// linear
//===----------------------------------------------------------------------===//

static double actRef(double v, Activation a) {
  switch (a) {
  case Activation::None: return v;
  case Activation::Gelu: return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
  case Activation::GeluTanh:
    return 0.5 * v * (1 + std::tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
  case Activation::Silu: return v / (1 + std::exp(-v));
  case Activation::Relu: return v > 0 ? v : 0;
  }
  return v;
}
static const char *actName(Activation a) {
  const char *n[] = {"none", "gelu", "gelu_tanh", "silu", "relu"};
  return n[static_cast<int>(a)];
}

template <typename T>
void testLinear(int64_t M, int64_t N, int64_t K, bool trans, bool hasBias, bool hasRes, Activation act) {
  Tensor<T> x(M * K), w(K * N), b(N), r(M * N), y(M * N);
  x.random(), w.random(), b.random(), r.random();
  y.poison();
  linear<T>(x.d, w.d, hasBias ? b.d : nullptr, hasRes ? r.d : nullptr, y.d, M, N, K, trans, act);
  CK(cudaStreamSynchronize(stream()));
  CK(cudaGetLastError());
  std::vector<double> ref(M * N);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += x.h[i * K + k] * (trans ? w.h[j * K + k] : w.h[k * N + j]);
      if (hasBias)
        acc += b.h[j];
      acc = actRef(acc, act);
      if (hasRes)
        acc += r.h[i * N + j];
      ref[i * N + j] = acc;
    }
  char name[200];
  std::snprintf(name, sizeof name, "linear %s M=%ld N=%ld K=%ld%s%s%s act=%s", tname<T>(), (long)M,
                (long)N, (long)K, trans ? " transW" : "", hasBias ? " bias" : "",
                hasRes ? " residual" : "", actName(act));
  check<T>(name, y.download(), ref);
}

template <typename T> void linearSuite() {
  const Activation acts[] = {Activation::None, Activation::Gelu, Activation::GeluTanh,
                             Activation::Silu, Activation::Relu};
  for (int trans = 0; trans < 2; ++trans)
    for (int bias = 0; bias < 2; ++bias)
      for (int res = 0; res < 2; ++res)
        for (Activation a : acts)
          testLinear<T>(37, 72, 64, trans, bias, res, a);
  testLinear<T>(1, 96, 80, true, true, false, Activation::GeluTanh);   // decode
  testLinear<T>(33, 50, 33, false, true, true, Activation::Silu);      // odd dims
  // Unaligned rows of W (N % 8 != 0): the zero-padded path, every epilogue.
  testLinear<T>(45, 1001, 64, false, true, false, Activation::GeluTanh);
  testLinear<T>(130, 257, 96, false, false, false, Activation::None);
  testLinear<T>(7, 83, 40, false, true, false, Activation::Gelu);
  testLinear<T>(16, 1003, 72, false, true, false, Activation::None);
  testLinear<T>(129, 200, 136, true, true, true, Activation::None);
  testLinear<T>(64, 130, 0, false, true, false, Activation::Relu);     // K = 0
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

template <typename T> void testMatmul(Shape as, Shape bs) {
  const bool aVec = as.rank == 1, bVec = bs.rank == 1;
  const int64_t M = aVec ? 1 : as.d[as.rank - 2], K = as.d[as.rank - 1];
  const int64_t N = bVec ? 1 : bs.d[bs.rank - 1];
  Shape ab, bb, batch;
  ab.rank = aVec ? 0 : as.rank - 2, bb.rank = bVec ? 0 : bs.rank - 2;
  for (int i = 0; i < ab.rank; ++i)
    ab.d[i] = as.d[i];
  for (int i = 0; i < bb.rank; ++i)
    bb.d[i] = bs.d[i];
  batch.rank = std::max(ab.rank, bb.rank);
  for (int i = 0; i < batch.rank; ++i) {
    int ia = i - (batch.rank - ab.rank), ib = i - (batch.rank - bb.rank);
    batch.d[i] = broadcastDim(ia >= 0 ? ab.d[ia] : 1, ib >= 0 ? bb.d[ib] : 1);
  }
  const int64_t batches = batch.numel();
  Tensor<T> a(as.numel()), b(bs.numel()), y(batches * M * N);
  a.random(), b.random();
  y.poison();
  matmul<T>(in(a.d, as), in(b.d, bs), y.d);
  CK(cudaStreamSynchronize(stream()));
  CK(cudaGetLastError());
  int64_t sa[kMaxRank], sb[kMaxRank];
  broadcastStrides(ab, batch, sa);
  broadcastStrides(bb, batch, sb);
  std::vector<double> ref(batches * M * N);
  for (int64_t z = 0; z < batches; ++z) {
    int64_t ao = 0, bo = 0, rem = z;
    for (int d = batch.rank - 1; d >= 0; --d) {
      int64_t idx = rem % batch.d[d];
      rem /= batch.d[d];
      ao += idx * sa[d], bo += idx * sb[d];
    }
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += a.h[ao * M * K + i * K + k] * b.h[bo * K * N + k * N + j];
        ref[z * M * N + i * N + j] = acc;
      }
  }
  auto str = [](Shape s) {
    std::string r = "[";
    for (int i = 0; i < s.rank; ++i)
      r += std::to_string(s.d[i]) + (i + 1 < s.rank ? "," : "");
    return r + "]";
  };
  check<T>(std::string("matmul ") + tname<T>() + " " + str(as) + " @ " + str(bs), y.download(), ref);
}

template <typename T> void matmulSuite() {
  testMatmul<T>(shp({2, 3, 5, 7}), shp({7, 4}));
  testMatmul<T>(shp({2, 3, 5, 7}), shp({2, 3, 7, 4}));
  testMatmul<T>(shp({2, 1, 5, 7}), shp({3, 7, 4}));
  testMatmul<T>(shp({5, 7}), shp({3, 7, 4}));
  testMatmul<T>(shp({4, 1, 3, 9, 16}), shp({2, 1, 16, 8}));
  testMatmul<T>(shp({7}), shp({2, 7, 4}));
  testMatmul<T>(shp({3, 5, 7}), shp({7}));
  testMatmul<T>(shp({7}), shp({7}));
  testMatmul<T>(shp({12, 64, 64}), shp({12, 64, 96}));
}

//===----------------------------------------------------------------------===//
// attention
//===----------------------------------------------------------------------===//

struct AttnCase {
  int64_t B, Hq, Hk, Sq, Sk, D, Dv;
  Causal causal;
  MaskKind mask; // Bool: [B,1,Sq,Sk] with a fully masked row; Additive: [Sq,Sk]
  float softcap;
  // The mask is [B,1,1,Sk] instead (a padding mask: the kernel's per-key
  // path); Bool then masks batch 0's keys past its first third, batch 1's
  // first quarter and all of batch 2's.
  bool keyMask = false;
  // q, k, v and the output are stored [B, S, H, D] (HeadLayout::BSHD).
  bool bshd = false;
  // ... and q, k, v are the heads of one [B, S, Hq + 2 Hk, D] tensor
  // (PackedHeads; Sq == Sk, D == Dv).
  bool packed = false;
  // ... the same tensor, read as three row-strided views (In::rowStride:
  // codegen's q/k/v split pieces) instead of with PackedHeads.
  bool views = false;
};

/// x ([B, H, S, D] order) stored as [B, S, H, D], or back with `back`.
std::vector<double> swapHeadsSeq(const std::vector<double> &x, int64_t B, int64_t H, int64_t S,
                                 int64_t D, bool back = false) {
  std::vector<double> y(x.size());
  const HeadRows bhsd = headRows(B, H, S, D, HeadLayout::BHSD),
                 bshd = headRows(B, H, S, D, HeadLayout::BSHD);
  copyHeadRows(x.data(), back ? bshd : bhsd, y.data(), back ? bhsd : bshd);
  return y;
}

template <typename T> void testAttention(const AttnCase &c) {
  const int64_t B = c.B, Hq = c.Hq, Hk = c.Hk, Sq = c.Sq, Sk = c.Sk, D = c.D, Dv = c.Dv;
  Tensor<T> q(B * Hq * Sq * D), k(B * Hk * Sk * D), v(B * Hk * Sk * Dv), o(B * Hq * Sq * Dv);
  q.random(-2, 2), k.random(), v.random();
  o.poison();
  Shape ms;
  std::vector<double> maskH;
  // Element (b, i, j) of the mask, whichever its shape.
  auto maskAt = [&](int64_t b, int64_t i, int64_t j) {
    return c.keyMask ? b * Sk + j : c.mask == MaskKind::Bool ? (b * Sq + i) * Sk + j : i * Sk + j;
  };
  Tensor<T> addMask(c.mask == MaskKind::Additive ? (c.keyMask ? B * Sk : Sq * Sk) : 0);
  bool *boolMask = nullptr;
  std::uniform_real_distribution<double> u(0, 1);
  if (c.mask == MaskKind::Bool) {
    ms = c.keyMask ? shp({B, 1, 1, Sk}) : shp({B, 1, Sq, Sk});
    maskH.resize(c.keyMask ? B * Sk : B * Sq * Sk);
    std::vector<char> tmp(maskH.size());
    for (size_t i = 0; i < maskH.size(); ++i)
      tmp[i] = maskH[i] = u(rng) < 0.7;
    if (c.keyMask) {
      for (int64_t j = Sk / 3; j < Sk; ++j) // batch 0: right padding
        tmp[j] = maskH[j] = 0;
      for (int64_t j = 0; B > 1 && j < Sk / 4; ++j) // batch 1: left padding (causal: rows see nothing)
        tmp[Sk + j] = maskH[Sk + j] = 0;
      for (int64_t j = 0; B > 2 && j < Sk; ++j) // batch 2: no key at all
        tmp[2 * Sk + j] = maskH[2 * Sk + j] = 0;
    } else {
      for (int64_t j = 0; j < Sk; ++j) // row 1 of batch 0: fully masked
        tmp[1 * Sk + j] = maskH[1 * Sk + j] = 0;
    }
    CK(cudaMalloc(&boolMask, tmp.size()));
    toDevice(boolMask, tmp.data(), tmp.size());
  } else if (c.mask == MaskKind::Additive) {
    ms = c.keyMask ? shp({B, 1, 1, Sk}) : shp({Sq, Sk});
    for (auto &x : addMask.h)
      x = u(rng) < 0.2 ? -INFINITY : -3 * u(rng);
    addMask.upload();
    maskH = addMask.h;
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const void *maskPtr = c.mask == MaskKind::Bool       ? static_cast<const void *>(boolMask)
                        : c.mask == MaskKind::Additive ? static_cast<const void *>(addMask.d)
                                                       : nullptr;
  // BSHD: the same tensors in the other layout, the output read back.
  const HeadLayout layout = c.bshd ? HeadLayout::BSHD : HeadLayout::BHSD;
  Tensor<T> qT(c.bshd ? q.n : 0), kT(c.bshd ? k.n : 0), vT(c.bshd ? v.n : 0);
  if (c.bshd) {
    qT.h = swapHeadsSeq(q.h, B, Hq, Sq, D), kT.h = swapHeadsSeq(k.h, B, Hk, Sk, D);
    vT.h = swapHeadsSeq(v.h, B, Hk, Sk, Dv);
    qT.upload(), kT.upload(), vT.upload();
  }
  In<T> qIn = c.bshd ? in(qT.d, shp({B, Sq, Hq, D})) : in(q.d, shp({B, Hq, Sq, D}));
  In<T> kIn = c.bshd ? in(kT.d, shp({B, Sk, Hk, D})) : in(k.d, shp({B, Hk, Sk, D}));
  In<T> vIn = c.bshd ? in(vT.d, shp({B, Sk, Hk, Dv})) : in(v.d, shp({B, Hk, Sk, Dv}));
  // Packed: the heads side by side in one tensor, index by index (not
  // through HeadRows, which the kernel uses).
  const int64_t Ht = Hq + 2 * Hk;
  Tensor<T> all(c.packed || c.views ? B * Sq * Ht * D : 0);
  PackedHeads packed;
  if (c.packed || c.views) {
    auto put = [&](const std::vector<double> &x, int64_t H, int64_t first) {
      for (int64_t b = 0; b < B; ++b)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t i = 0; i < Sq; ++i)
            for (int64_t d = 0; d < D; ++d)
              all.h[((b * Sq + i) * Ht + first + h) * D + d] = x[((b * H + h) * Sq + i) * D + d];
    };
    put(q.h, Hq, 0), put(k.h, Hk, Hq), put(v.h, Hk, Hq + Hk);
    all.upload();
    if (c.views) {
      qIn = in(all.d, shp({B, Sq, Hq, D}), Ht * D);
      kIn = in(all.d + Hq * D, shp({B, Sq, Hk, D}), Ht * D);
      vIn = in(all.d + (Hq + Hk) * D, shp({B, Sq, Hk, D}), Ht * D);
    } else {
      qIn = kIn = vIn = in(all.d, shp({B, Sq, Ht, D}));
      packed = PackedHeads{Hq, Hk, Hk};
    }
  }
  auto result = [&] {
    return c.bshd ? swapHeadsSeq(o.download(), B, Hq, Sq, Dv, /*back=*/true) : o.download();
  };
  attention<T>(qIn, kIn, vIn, maskPtr, ms, c.mask, o.d, scale, c.causal, c.softcap, layout,
               packed);
  CK(cudaStreamSynchronize(stream()));
  CK(cudaGetLastError());
  std::vector<double> ref(o.n), s(Sk), uniform(o.n);
  const int64_t shift = c.causal == Causal::LowerRight ? Sk - Sq : 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h)
      for (int64_t i = 0; i < Sq; ++i) {
        const int64_t hk = h / (Hq / Hk);
        double mx = -INFINITY;
        for (int64_t j = 0; j < Sk; ++j) {
          double x = 0;
          for (int64_t d = 0; d < D; ++d)
            x += q.h[((b * Hq + h) * Sq + i) * D + d] * k.h[((b * Hk + hk) * Sk + j) * D + d];
          x *= static_cast<double>(scale);
          if (c.softcap > 0)
            x = c.softcap * std::tanh(x / c.softcap);
          if (c.causal != Causal::None && j > i + shift)
            x = -INFINITY;
          if (c.mask == MaskKind::Bool && !maskH[maskAt(b, i, j)])
            x = -INFINITY;
          if (c.mask == MaskKind::Additive)
            x += maskH[maskAt(b, i, j)];
          s[j] = x;
          mx = std::max(mx, x);
        }
        double sum = 0;
        for (int64_t j = 0; j < Sk; ++j)
          sum += s[j] = mx == -INFINITY ? 0 : std::exp(s[j] - mx);
        for (int64_t d = 0; d < Dv; ++d) {
          double acc = 0;
          for (int64_t j = 0; j < Sk; ++j)
            acc += s[j] * v.h[((b * Hk + hk) * Sk + j) * Dv + d];
          ref[((b * Hq + h) * Sq + i) * Dv + d] = sum > 0 ? acc / sum : 0;
          // masked_rows = "uniform": a row with no visible key averages v.
          double mean = 0;
          for (int64_t j = 0; j < Sk; ++j)
            mean += v.h[((b * Hk + hk) * Sk + j) * Dv + d];
          uniform[((b * Hq + h) * Sq + i) * Dv + d] = sum > 0 ? acc / sum : mean / Sk;
        }
      }
  const char *cn[] = {"none", "upper_left", "lower_right"}, *mn[] = {"", " bool-mask", " add-mask"};
  char name[200];
  std::snprintf(name, sizeof name, "attention %s B=%ld Hq=%ld Hk=%ld Sq=%ld Sk=%ld D=%ld Dv=%ld %s%s%s",
                tname<T>(), (long)B, (long)Hq, (long)Hk, (long)Sq, (long)Sk, (long)D, (long)Dv,
                cn[static_cast<int>(c.causal)], mn[static_cast<int>(c.mask)],
                c.softcap > 0 ? " softcap" : "");
  if (c.keyMask)
    std::strncat(name, " key-mask", sizeof name - std::strlen(name) - 1);
  if (c.bshd)
    std::strncat(name, c.packed ? " packed" : c.views ? " views" : " bshd",
                 sizeof name - std::strlen(name) - 1);
  check<T>(name, result(), ref, 2e-5);
  if (boolMask) {
    attentionUniformMaskedRows<T>(qIn, vIn, boolMask, ms, o.d, c.causal, layout, packed);
    CK(cudaStreamSynchronize(stream()));
    CK(cudaGetLastError());
    std::strncat(name, " uniform-rows", sizeof name - std::strlen(name) - 1);
    check<T>(name, result(), uniform, 2e-5);
    cudaFree(boolMask);
  }
}

template <typename T> void attentionSuite() {
  const AttnCase cases[] = {
      {2, 4, 2, 77, 77, 64, 64, Causal::None, MaskKind::None, 0},
      {1, 3, 3, 100, 130, 128, 128, Causal::UpperLeft, MaskKind::None, 0},
      {2, 2, 1, 100, 130, 64, 64, Causal::LowerRight, MaskKind::None, 0},
      {1, 2, 2, 70, 50, 64, 64, Causal::LowerRight, MaskKind::None, 0}, // leading rows see nothing
      {2, 8, 2, 1, 200, 128, 128, Causal::LowerRight, MaskKind::None, 0},  // decode
      {2, 4, 4, 65, 129, 64, 64, Causal::None, MaskKind::Bool, 0},
      {1, 4, 2, 90, 90, 128, 128, Causal::UpperLeft, MaskKind::Additive, 0},
      {1, 2, 1, 33, 150, 64, 64, Causal::None, MaskKind::None, 2.0f},
      {1, 2, 2, 300, 300, 128, 128, Causal::UpperLeft, MaskKind::None, 0},
      {1, 2, 2, 200, 200, 64, 64, Causal::None, MaskKind::None, 0},
      {2, 3, 1, 45, 60, 40, 40, Causal::UpperLeft, MaskKind::None, 0},  // SIMT path
      {1, 2, 2, 37, 70, 72, 48, Causal::None, MaskKind::Bool, 0},       // SIMT, Dv != D
      // Decoding: packed GQA groups, keys split across CTAs.
      {2, 8, 2, 1, 1000, 128, 128, Causal::LowerRight, MaskKind::None, 0},
      {1, 8, 2, 3, 700, 64, 64, Causal::LowerRight, MaskKind::Bool, 0},
      {3, 4, 4, 1, 333, 64, 64, Causal::None, MaskKind::Additive, 0},
      {1, 4, 1, 5, 64, 128, 128, Causal::UpperLeft, MaskKind::None, 0},
      {2, 6, 2, 20, 2000, 64, 64, Causal::None, MaskKind::None, 3.0f},
      {1, 4, 2, 2, 513, 128, 128, Causal::UpperLeft, MaskKind::None, 0},
      // Padding masks [B,1,1,Sk] (BERT's, a decoder's): per-key path.
      {2, 4, 4, 130, 130, 64, 64, Causal::None, MaskKind::Bool, 0, true},
      {2, 8, 2, 150, 150, 64, 64, Causal::UpperLeft, MaskKind::Bool, 0, true},
      {2, 4, 2, 70, 190, 128, 128, Causal::LowerRight, MaskKind::Additive, 0, true},
      {3, 2, 2, 97, 97, 64, 64, Causal::None, MaskKind::Additive, 0, true},
      {1, 2, 2, 40, 90, 64, 64, Causal::None, MaskKind::Bool, 2.0f, true}, // softcap: general path
      // ... many key tiles (the next tile's terms are fetched during this one),
      // and packed GQA decoding with split keys.
      {1, 2, 2, 600, 600, 128, 128, Causal::UpperLeft, MaskKind::Bool, 0, true},
      {2, 3, 3, 333, 700, 64, 64, Causal::LowerRight, MaskKind::Additive, 0, true},
      {2, 8, 2, 3, 900, 64, 64, Causal::LowerRight, MaskKind::Bool, 0, true},
      {3, 4, 2, 100, 140, 64, 64, Causal::LowerRight, MaskKind::Bool, 0, true},
      {3, 2, 2, 70, 70, 128, 128, Causal::None, MaskKind::Bool, 0, true},
      // [B, S, H, D] tensors (layout = "bshd"): tensor-core, split-key
      // decoding (not packed) and SIMT paths, masks and uniform rows.
      {2, 4, 2, 100, 130, 64, 64, Causal::UpperLeft, MaskKind::None, 0, false, true},
      {3, 4, 4, 90, 90, 128, 128, Causal::None, MaskKind::Bool, 0, true, true},
      {2, 8, 2, 3, 700, 64, 64, Causal::LowerRight, MaskKind::Additive, 0, false, true},
      {2, 4, 2, 1, 300, 128, 128, Causal::LowerRight, MaskKind::Bool, 0, true, true},
      {2, 3, 1, 45, 60, 40, 40, Causal::UpperLeft, MaskKind::Bool, 0, false, true},
      {1, 2, 2, 37, 70, 72, 48, Causal::None, MaskKind::None, 0, false, true},
      {2, 8, 2, 1, 500, 128, 128, Causal::LowerRight, MaskKind::Additive, 0, true},
      // q, k, v packed in one [B, S, Hq + 2 Hk, D] tensor (packed_heads):
      // tensor-core (wgmma and mma.sync), split-key decoding and SIMT.
      {2, 4, 2, 150, 150, 64, 64, Causal::UpperLeft, MaskKind::Bool, 0, true, true, true},
      {3, 4, 4, 97, 97, 64, 64, Causal::None, MaskKind::Additive, 0, true, true, true},
      {1, 4, 4, 130, 130, 128, 128, Causal::UpperLeft, MaskKind::None, 0, false, true, true},
      {2, 8, 2, 3, 3, 64, 64, Causal::UpperLeft, MaskKind::None, 0, false, true, true},
      {2, 3, 1, 45, 45, 40, 40, Causal::UpperLeft, MaskKind::Bool, 0, false, true, true},
      // ... and as three row-strided views of it (Llama's q/k/v pieces):
      // tensor-core, short-query and SIMT paths, padding masks and uniform rows.
      {2, 8, 2, 150, 150, 64, 64, Causal::UpperLeft, MaskKind::Bool, 0, true, true, false, true},
      {1, 4, 4, 130, 130, 128, 128, Causal::UpperLeft, MaskKind::None, 0, false, true, false, true},
      {3, 4, 2, 97, 97, 64, 64, Causal::None, MaskKind::Additive, 0, true, true, false, true},
      {2, 8, 2, 5, 5, 64, 64, Causal::UpperLeft, MaskKind::None, 0, false, true, false, true},
      {2, 3, 1, 45, 45, 40, 40, Causal::UpperLeft, MaskKind::Bool, 0, false, true, false, true},
  };
  for (const AttnCase &c : cases)
    testAttention<T>(c);
}

//===----------------------------------------------------------------------===//
// rotary
//===----------------------------------------------------------------------===//

/// pad > 0 (bshd only): x is a row-strided view, heads [1, H + 1) of
/// positions H + pad heads wide (codegen's q/k split pieces).
template <typename T>
void testRotary(int64_t rot, bool interleaved, bool perBatch, bool bshd = false, int64_t D = 16,
                int64_t pad = 0) {
  const int64_t B = 2, H = 3, S = 9, half = rot / 2;
  Shape ts = perBatch ? shp({B, 1, S, half}) : shp({S, half});
  Tensor<T> x(B * H * S * D), cs(ts.numel()), sn(ts.numel()), y(B * H * S * D);
  x.random();
  std::uniform_real_distribution<double> u(0, 6.28);
  for (size_t i = 0; i < cs.n; ++i) {
    double a = u(rng);
    cs.h[i] = std::cos(a), sn.h[i] = std::sin(a);
  }
  cs.upload(), sn.upload();
  y.poison();
  // bshd: x stored [B, S, H, D], the result read back.
  const int64_t row = (H + pad) * D;
  Tensor<T> xs(bshd ? B * S * row : 0);
  if (bshd) {
    const std::vector<double> dense = swapHeadsSeq(x.h, B, H, S, D);
    for (int64_t r = 0; r < B * S; ++r)
      for (int64_t e = 0; e < row; ++e)
        xs.h[r * row + e] = pad == 0 ? dense[r * row + e]
                            : e >= D && e < (H + 1) * D ? dense[r * H * D + e - D]
                                                        : 1e4; // never read
    xs.upload();
  }
  rotaryEmbedding<T>(bshd ? in(xs.d + (pad ? D : 0), shp({B, S, H, D}), pad ? row : 0)
                          : in(x.d, shp({B, H, S, D})),
                     in(cs.d, ts), in(sn.d, ts), y.d, rot, interleaved,
                     bshd ? HeadLayout::BSHD : HeadLayout::BHSD);
  CK(cudaStreamSynchronize(stream()));
  CK(cudaGetLastError());
  std::vector<double> ref(x.n);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t s = 0; s < S; ++s) {
        const double *p = &x.h[((b * H + h) * S + s) * D];
        double *r = &ref[((b * H + h) * S + s) * D];
        for (int64_t i = 0; i < D; ++i)
          r[i] = p[i];
        for (int64_t i = 0; i < half; ++i) {
          const int64_t t = perBatch ? (b * S + s) * half + i : s * half + i;
          const int64_t i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
          r[i1] = p[i1] * cs.h[t] - p[i2] * sn.h[t];
          r[i2] = p[i2] * cs.h[t] + p[i1] * sn.h[t];
        }
      }
  char name[160];
  std::snprintf(name, sizeof name, "rotary %s rot=%ld/%ld %s%s%s", tname<T>(), (long)rot,
                (long)D, interleaved ? "interleaved" : "rotate-half",
                perBatch ? " table[B,1,S,r/2]" : "", pad ? " bshd view" : bshd ? " bshd" : "");
  check<T>(name, bshd ? swapHeadsSeq(y.download(), B, H, S, D, /*back=*/true) : y.download(), ref,
           1e-5);
}

template <typename T> void rotarySuite() {
  for (int il = 0; il < 2; ++il) {
    testRotary<T>(16, il, false);
    testRotary<T>(10, il, true);
    testRotary<T>(16, il, false, /*bshd=*/true); // llm-fold-head-transposes' rotary
    testRotary<T>(10, il, true, /*bshd=*/true);
    // Llama's head dim, and a partial rotation with a copied tail: 16-byte
    // vectors for rotate-half in every element type.
    testRotary<T>(64, il, false, /*bshd=*/true, /*D=*/64);
    testRotary<T>(16, il, true, /*bshd=*/false, /*D=*/40);
    // Row-strided views of a merged projection: vector (D=64, stride 5
    // heads) and element paths (D=10, stride 4 heads: not 16-byte rows).
    testRotary<T>(64, il, false, /*bshd=*/true, /*D=*/64, /*pad=*/2);
    testRotary<T>(10, il, true, /*bshd=*/true, /*D=*/10, /*pad=*/1);
  }
}

//===----------------------------------------------------------------------===//
// timing
//===----------------------------------------------------------------------===//

template <typename F> double medianMs(F &&f) {
  for (int i = 0; i < 5; ++i)
    f();
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  std::vector<float> t;
  for (int i = 0; i < 20; ++i) {
    CK(cudaEventRecord(e0, stream()));
    f();
    CK(cudaEventRecord(e1, stream()));
    CK(cudaEventSynchronize(e1));
    float ms;
    CK(cudaEventElapsedTime(&ms, e0, e1));
    t.push_back(ms);
  }
  CK(cudaGetLastError());
  cudaEventDestroy(e0), cudaEventDestroy(e1);
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

/// A device buffer of n halves uniform in [-1, 1) (benchmark inputs; the
/// caller frees it).
__half *randomHalves(size_t n) {
  __half *d;
  CK(cudaMalloc(&d, std::max<size_t>(n, 1) * 2));
  std::vector<__half> h(n);
  std::uniform_real_distribution<float> u(-1, 1);
  for (auto &x : h)
    x = __float2half(u(rng));
  toDevice(d, h.data(), n * 2);
  return d;
}

/// The tensor-core configurations attention() has for head dim D (see
/// la::attentionConfig): 4 and 5 exist for D = 128 only, 6 and 8 (the wgmma
/// defaults: one warpgroup a CTA, two for long causal prefill) and 7 (wgmma,
/// 128-key tiles) for D = 64 only.
std::vector<int> attentionConfigs(int64_t D) {
  return D == 128 ? std::vector<int>{1, 2, 3, 4, 5} : std::vector<int>{1, 2, 3, 6, 7, 8};
}

void benchAttention(int64_t B, int64_t H, int64_t S, int64_t D, Causal causal) {
  const size_t n = B * H * S * D;
  __half *q = randomHalves(n), *k = randomHalves(n), *v = randomHalves(n), *o;
  CK(cudaMalloc(&o, n * 2));
  const Shape s = shp({B, H, S, D});
  double flops = 4.0 * B * H * S * S * D * (causal != Causal::None ? 0.5 : 1.0);
  for (int cfg : attentionConfigs(D)) {
    la::attentionConfig = cfg;
    double ms = medianMs([&] {
      attention<__half>(in<__half>(q, s), in<__half>(k, s), in<__half>(v, s), nullptr, Shape{},
                        MaskKind::None, o, 0.125f, causal, 0.f);
    });
    std::printf("BENCH attention f16 B=%ld H=%ld S=%ld D=%ld %s config=%d: %.3f ms, %.1f TFLOP/s\n",
                (long)B, (long)H, (long)S, (long)D, causal != Causal::None ? "causal" : "full", cfg,
                ms, flops / ms * 1e-9);
  }
  la::attentionConfig = 0;
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o);
}

/// Prefill as the models run it: grouped heads and a padding mask [B,1,1,S]
/// (nothing masked), default configuration.
void benchAttentionPadded(int64_t B, int64_t Hq, int64_t Hk, int64_t S, int64_t D, Causal causal,
                          MaskKind kind) {
  const size_t nq = B * Hq * S * D, nkv = B * Hk * S * D;
  __half *q = randomHalves(nq), *k = randomHalves(nkv), *v = randomHalves(nkv), *o, *add;
  bool *keep;
  CK(cudaMalloc(&o, nq * 2));
  CK(cudaMalloc(&add, B * S * 2));
  CK(cudaMalloc(&keep, B * S));
  fillDevice(add, 0, B * S * 2);
  fillDevice(keep, 1, B * S);
  const void *mask = kind == MaskKind::Bool ? static_cast<const void *>(keep) : add;
  const double flops = 4.0 * B * Hq * S * S * D * (causal != Causal::None ? 0.5 : 1.0);
  for (int cfg : attentionConfigs(D)) {
    la::attentionConfig = cfg;
    double ms = medianMs([&] {
      attention<__half>(in<__half>(q, shp({B, Hq, S, D})), in<__half>(k, shp({B, Hk, S, D})),
                        in<__half>(v, shp({B, Hk, S, D})), mask, shp({B, 1, 1, S}), kind, o,
                        0.125f, causal, 0.f);
    });
    std::printf("BENCH attention f16 B=%ld Hq=%ld Hk=%ld S=%ld D=%ld %s %s padding mask "
                "config=%d: %.3f ms, %.1f TFLOP/s\n",
                (long)B, (long)Hq, (long)Hk, (long)S, (long)D,
                causal != Causal::None ? "causal" : "full",
                kind == MaskKind::Bool ? "bool" : "additive", cfg, ms, flops / ms * 1e-9);
  }
  la::attentionConfig = 0;
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o), cudaFree(add), cudaFree(keep);
}

/// The fp32 (SIMT) kernel.
void benchAttentionF32(int64_t B, int64_t H, int64_t S, int64_t D, Causal causal) {
  const size_t n = B * H * S * D;
  float *q, *k, *v, *o;
  CK(cudaMalloc(&q, n * 4));
  CK(cudaMalloc(&k, n * 4));
  CK(cudaMalloc(&v, n * 4));
  CK(cudaMalloc(&o, n * 4));
  std::vector<float> h(n);
  std::uniform_real_distribution<float> u(-1, 1);
  for (auto &x : h)
    x = u(rng);
  toDevice(q, h.data(), n * 4);
  toDevice(k, h.data(), n * 4);
  toDevice(v, h.data(), n * 4);
  const Shape s = shp({B, H, S, D});
  const double flops = 4.0 * B * H * S * S * D * (causal != Causal::None ? 0.5 : 1.0);
  double ms = medianMs([&] {
    attention<float>(in<float>(q, s), in<float>(k, s), in<float>(v, s), nullptr, Shape{},
                     MaskKind::None, o, 0.125f, causal, 0.f);
  });
  std::printf("BENCH attention f32 (SIMT) B=%ld H=%ld S=%ld D=%ld %s: %.3f ms, %.1f TFLOP/s\n",
              (long)B, (long)H, (long)S, (long)D, causal != Causal::None ? "causal" : "full", ms,
              flops / ms * 1e-9);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o);
}

/// Llama's rotary embedding of q: [1, S, 32, 64] stored [B, S, H, D], the
/// [S, 32] cos/sin tables; memory-bound (x read once, written once).
void benchRotary(int64_t S, int64_t H, int64_t D) {
  const size_t n = S * H * D, nt = S * D / 2;
  __half *x = randomHalves(n), *c = randomHalves(nt), *sn = randomHalves(nt), *y;
  CK(cudaMalloc(&y, n * 2));
  const double ms = medianMs([&] {
    rotaryEmbedding<__half>(in<__half>(x, shp({1, S, H, D})), in<__half>(c, shp({S, D / 2})),
                            in<__half>(sn, shp({S, D / 2})), y, D, false, HeadLayout::BSHD);
  });
  std::printf("BENCH rotary f16 [1,%ld,%ld,%ld] bshd: %.4f ms, %.0f GB/s\n", (long)S, (long)H,
              (long)D, ms, 2.0 * n * 2 / ms * 1e-6);
  cudaFree(x), cudaFree(c), cudaFree(sn), cudaFree(y);
}

/// Decoding step: one query row per head against a KV cache; memory-bound.
void benchDecode(int64_t B, int64_t Hq, int64_t Hk, int64_t Sk, int64_t D) {
  const size_t nq = B * Hq * D, nkv = B * Hk * Sk * D;
  __half *q, *k, *v, *o;
  CK(cudaMalloc(&q, nq * 2));
  CK(cudaMalloc(&k, nkv * 2));
  CK(cudaMalloc(&v, nkv * 2));
  CK(cudaMalloc(&o, nq * 2));
  fillDevice(q, 0x3c, nq * 2);
  fillDevice(k, 0x3c, nkv * 2);
  fillDevice(v, 0x3c, nkv * 2);
  double ms = medianMs([&] {
    attention<__half>(in<__half>(q, shp({B, Hq, 1, D})), in<__half>(k, shp({B, Hk, Sk, D})),
                      in<__half>(v, shp({B, Hk, Sk, D})), nullptr, Shape{}, MaskKind::None, o,
                      0.088f, Causal::LowerRight, 0.f);
  });
  std::printf("BENCH decode f16 B=%ld Hq=%ld Hk=%ld Sk=%ld D=%ld: %.4f ms, %.0f GB/s of K/V\n",
              (long)B, (long)Hq, (long)Hk, (long)Sk, (long)D, ms, 2.0 * nkv * 2 / ms * 1e-6);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o);
}

void benchLinear(int64_t M, int64_t N, int64_t K, bool bias, Activation act, bool trans) {
  __half *x = randomHalves(M * K), *w = randomHalves(K * N), *b = randomHalves(N), *y;
  CK(cudaMalloc(&y, M * N * 2));
  double ms = medianMs([&] { linear<__half>(x, w, bias ? b : nullptr, nullptr, y, M, N, K, trans, act); });
  std::printf("BENCH linear f16 M=%ld N=%ld K=%ld%s%s act=%s: %.4f ms, %.1f TFLOP/s\n", (long)M,
              (long)N, (long)K, trans ? " transW" : "", bias ? " bias" : "", actName(act), ms,
              2.0 * M * N * K / ms * 1e-9);
  cudaFree(x), cudaFree(w), cudaFree(b), cudaFree(y);
}

/// GPT-2's LM head: N = 50257 is not a multiple of 8. W as [K, N] (rows not
/// 16-byte aligned: linear() multiplies zero-padded copies), W as [N, K]
/// (transposeWeight: operands aligned, only the output's rows are not), and
/// the aligned GEMM into [M, Np] as the reference rate.
void benchLmHead(int64_t M, int64_t N, int64_t K) {
  const int64_t Np = (N + 7) / 8 * 8;
  __half *x = randomHalves(M * K), *w = randomHalves(K * Np), *y;
  CK(cudaMalloc(&y, M * Np * 2));
  const double flops = 2.0 * M * N * K;
  auto report = [&](const char *what, double ms) {
    std::printf("BENCH lm-head f16 M=%ld N=%ld K=%ld %s: %.4f ms, %.1f TFLOP/s\n", (long)M, (long)N,
                (long)K, what, ms, flops / ms * 1e-9);
  };
  report("W [K,N] (padded copies)",
         medianMs([&] { linear<__half>(x, w, nullptr, nullptr, y, M, N, K, false, Activation::None); }));
  report("W [N,K] transposed",
         medianMs([&] { linear<__half>(x, w, nullptr, nullptr, y, M, N, K, true, Activation::None); }));
  report("aligned [M,Np], W [Np,K]",
         medianMs([&] { linear<__half>(x, w, nullptr, nullptr, y, M, Np, K, true, Activation::None); }));
  report("aligned [M,Np], W [K,Np] (the padded path's GEMM)",
         medianMs([&] { linear<__half>(x, w, nullptr, nullptr, y, M, Np, K, false, Activation::None); }));
  cudaFree(x), cudaFree(w), cudaFree(y);
}

int main(int argc, char **argv) {
  bool bench = true, tests = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-bench"))
      bench = false;
    if (!std::strcmp(argv[i], "--bench-only"))
      tests = false;
  }
  // The execution context a runtime session would create.
  LLMCudaContext ctx{};
  cudaStream_t st;
  CK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
  cublasLtHandle_t lt;
  cublasHandle_t blas;
  if (cublasLtCreate(&lt) != CUBLAS_STATUS_SUCCESS || cublasCreate(&blas) != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "cuBLAS init failed\n");
    return 2;
  }
  cublasSetStream(blas, st);
  ctx.stream = st, ctx.cublaslt = lt, ctx.cublas = blas;
  ctx.workspace_bytes = 32 << 20;
  CK(cudaMalloc(&ctx.workspace, ctx.workspace_bytes));
  CK(cudaMalloc(&ctx.error_flag, 4));
  LLMRunArgs args{};
  args.device_context = &ctx;
  char err[256];
  if (llmk::begin(&args, err, sizeof err)) {
    std::fprintf(stderr, "%s\n", err);
    return 2;
  }
  try {
    if (tests) {
      linearSuite<float>();
      linearSuite<__half>();
      linearSuite<__nv_bfloat16>();
      testLinear<double>(19, 24, 40, true, true, true, Activation::Gelu);
      testLinear<int32_t>(19, 24, 40, false, true, true, Activation::Relu);
      matmulSuite<float>();
      matmulSuite<__half>();
      matmulSuite<__nv_bfloat16>();
      matmulSuite<int32_t>();
      attentionSuite<float>();
      for (int cfg : {1, 2, 3, 4, 5, 6, 7, 8}) { // every tensor-core configuration
        la::attentionConfig = cfg;
        std::printf("(attention config %d)\n", cfg);
        attentionSuite<__half>();
        attentionSuite<__nv_bfloat16>();
      }
      la::attentionConfig = 0;
      testAttention<double>({1, 2, 1, 20, 33, 64, 64, Causal::UpperLeft, MaskKind::Additive, 0});
      rotarySuite<double>();
      rotarySuite<float>();
      rotarySuite<__half>();
      rotarySuite<__nv_bfloat16>();
      std::printf("SUMMARY %d passed, %d failed\n", passes, failures);
    }
    if (bench) {
      benchAttention(1, 12, 2048, 64, Causal::UpperLeft);
      benchAttention(32, 12, 512, 64, Causal::UpperLeft);
      benchAttentionPadded(32, 12, 12, 512, 64, Causal::None, MaskKind::Additive); // BERT-base
      benchAttentionPadded(1, 32, 4, 2048, 64, Causal::UpperLeft, MaskKind::Bool); // TinyLlama
      benchAttentionPadded(32, 12, 12, 512, 64, Causal::UpperLeft, MaskKind::Bool); // GPT-2
      benchRotary(2048, 32, 64);                                                    // TinyLlama q
      benchLmHead(16384, 50257, 768); // GPT-2-small at 32x512
      benchLmHead(128, 50257, 768);   // and at 1x128
      benchAttention(1, 12, 2048, 64, Causal::None);
      benchAttention(4, 16, 2048, 128, Causal::UpperLeft);
      benchAttention(1, 32, 4096, 128, Causal::None);
      benchAttentionF32(1, 12, 2048, 64, Causal::UpperLeft);
      benchDecode(1, 32, 8, 4096, 128);
      benchDecode(16, 32, 8, 2048, 128);
      benchDecode(8, 12, 12, 1024, 64);
      benchLinear(4096, 3072, 768, false, Activation::None, false);
      benchLinear(4096, 3072, 768, true, Activation::GeluTanh, false);
      benchLinear(4096, 3072, 768, true, Activation::Gelu, false);
      benchLinear(4096, 3072, 768, true, Activation::None, true);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "exception: %s\n", e.what());
    return 2;
  }
  return failures ? 1 : 0;
}
