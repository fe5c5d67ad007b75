//===- Linalg.cuh - matrix products on the GPU ----------------------------===//
//
// The CUDA counterpart of runtime/kernels/cpu/llmk/Linalg.h, same functions
// and signatures, with device pointers; everything is launched on
// llmk::stream() and nothing synchronizes.
//
// - linear(): one cublasLtMatmul. Row-major is handled by computing
//   out^T = W^T x^T in cuBLASLt's column-major terms (no copies). The bias, a
//   ReLU and the tanh GELU (cuBLASLt's GELU is the tanh approximation) are
//   fused epilogues; the residual is C with beta = 1 when no activation comes
//   after it. What cuBLASLt cannot fuse (erf GELU, SiLU, an activation
//   followed by a residual) is one elementwise pass after the GEMM. Plans
//   (descriptors, layouts and the heuristic's algorithm) are cached per shape,
//   element type, epilogue and pointer alignment, per host thread.
//   fp32 computes in full fp32 (CUBLAS_COMPUTE_32F, never TF32); f16/bf16
//   accumulate in fp32.
// - matmul(): numpy matmul. One GEMM over all rows when the weight is shared,
//   else cublasGemmStridedBatchedEx over the longest run of batch dims with a
//   constant stride, looped over the rest.
// - Other element types (integers) use a plain SIMT kernel.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_LINALG_CUH
#define LLMK_CUDA_LINALG_CUH

#include "llmk/Base.cuh"

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <type_traits>

namespace llmk {

enum class Activation { None, Gelu, GeluTanh, Silu, Relu };

/// Internals of Linalg.cuh and Attention.cuh (a namespace of their own so
/// that nothing collides with the other CUDA headers).
namespace la {

//--- The session's handles (LLMCudaContext through Base.cuh). ------------//

inline cublasLtHandle_t ltHandle() { return static_cast<cublasLtHandle_t>(llmk::cudaContext().cublaslt); }
inline cublasHandle_t blasHandle() { return static_cast<cublasHandle_t>(llmk::cudaContext().cublas); }
inline void *ltWorkspace() { return llmk::cudaContext().workspace; }
inline size_t ltWorkspaceBytes() { return llmk::cudaContext().workspace_bytes; }

//--- Element types. ------------------------------------------------------//

template <typename T> constexpr bool isHalf() {
  return std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;
}
/// What a kernel accumulates in: float for the floats, double for double,
/// int64 for integers.
template <typename T> struct AccOf {
  using type = std::conditional_t<std::is_integral_v<T>, int64_t, float>;
};
template <> struct AccOf<double> { using type = double; };
template <typename T> using acc_t = typename AccOf<T>::type;

template <typename T> __device__ __forceinline__ acc_t<T> ld(T v) {
  if constexpr (std::is_same_v<T, __half>)
    return __half2float(v);
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __bfloat162float(v);
  else
    return static_cast<acc_t<T>>(v);
}
template <typename T, typename A> __device__ __forceinline__ T st(A v) {
  if constexpr (std::is_same_v<T, __half>)
    return __float2half_rn(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __float2bfloat16_rn(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, bool>)
    return v != A(0);
  else
    return static_cast<T>(v);
}

template <typename T> constexpr bool blasType() {
  return std::is_same_v<T, float> || std::is_same_v<T, double> || isHalf<T>();
}
template <typename T> constexpr cudaDataType_t cudaType() {
  if constexpr (std::is_same_v<T, float>)
    return CUDA_R_32F;
  else if constexpr (std::is_same_v<T, double>)
    return CUDA_R_64F;
  else if constexpr (std::is_same_v<T, __half>)
    return CUDA_R_16F;
  else
    return CUDA_R_16BF;
}

/// Largest power of two (<= 256) dividing the address.
inline int alignmentOf(const void *p) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  int al = 256;
  while (al > 1 && (a % al))
    al >>= 1;
  return al;
}


//--- Elementwise epilogue (what cuBLASLt does not fuse). -----------------//

template <typename A> __device__ __forceinline__ A activate(A v, Activation act) {
  switch (act) {
  case Activation::None: return v;
  case Activation::Gelu: return A(0.5) * v * (A(1) + erf(v * A(0.70710678118654752440)));
  case Activation::GeluTanh: {
    const A k = A(0.7978845608028654);
    return A(0.5) * v * (A(1) + tanh(k * (v + A(0.044715) * v * v * v)));
  }
  case Activation::Silu: return v / (A(1) + exp(-v));
  case Activation::Relu: return v > A(0) ? v : A(0);
  }
  return v;
}
template <> __device__ __forceinline__ float activate<float>(float v, Activation act) {
  switch (act) {
  case Activation::None: return v;
  case Activation::Gelu: return 0.5f * v * (1.f + erff(v * 0.70710678118654752440f));
  case Activation::GeluTanh:
    return 0.5f * v * (1.f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
  case Activation::Silu: return v / (1.f + expf(-v));
  case Activation::Relu: return v > 0.f ? v : 0.f;
  }
  return v;
}

/// y = act(y + bias) + residual, in place, [M, N] row-major.
template <typename T>
__global__ void epilogueKernel(T *y, const T *bias, const T *residual, int64_t total, int64_t N,
                               Activation act) {
  using A = acc_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(gridDim.x) * blockDim.x) {
    A v = ld(y[i]);
    if (bias)
      v += ld(bias[i % N]);
    if constexpr (!std::is_integral_v<A>)
      v = activate(v, act);
    else if (act == Activation::Relu)
      v = v > 0 ? v : 0;
    if (residual)
      v += ld(residual[i]);
    y[i] = st<T>(v);
  }
}
/// The same, 16 bytes per access (N a multiple of the vector, pointers aligned).
template <typename T, int V>
__global__ void epilogueKernelVec(T *y, const T *bias, const T *residual, int64_t vectors, int64_t N,
                                  Activation act) {
  using A = acc_t<T>;
  struct alignas(16) Vec { T v[V]; };
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < vectors;
       i += int64_t(gridDim.x) * blockDim.x) {
    Vec yv = reinterpret_cast<const Vec *>(y)[i], bv, rv;
    if (bias)
      bv = reinterpret_cast<const Vec *>(bias)[(i * V % N) / V];
    if (residual)
      rv = reinterpret_cast<const Vec *>(residual)[i];
#pragma unroll
    for (int e = 0; e < V; ++e) {
      A v = ld(yv.v[e]);
      if (bias)
        v += ld(bv.v[e]);
      v = activate(v, act);
      if (residual)
        v += ld(rv.v[e]);
      yv.v[e] = st<T>(v);
    }
    reinterpret_cast<Vec *>(y)[i] = yv;
  }
}
inline int gridFor(int64_t n, int threads) {
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>((n + threads - 1) / threads, 132 * 16)));
}
template <typename T>
void epilogue(T *y, const T *bias, const T *residual, int64_t M, int64_t N, Activation act) {
  if (!bias && !residual && act == Activation::None)
    return;
  const int64_t total = M * N;
  constexpr int V = 16 / sizeof(T);
  if constexpr (!std::is_integral_v<T> && 16 % sizeof(T) == 0) {
    const uintptr_t addr = reinterpret_cast<uintptr_t>(y) | reinterpret_cast<uintptr_t>(bias) |
                           reinterpret_cast<uintptr_t>(residual);
    if (N % V == 0 && addr % 16 == 0) {
      epilogueKernelVec<T, V><<<gridFor(total / V, 256), 256, 0, llmk::stream()>>>(
          y, bias, residual, total / V, N, act);
      return;
    }
  }
  epilogueKernel<T><<<gridFor(total, 256), 256, 0, llmk::stream()>>>(y, bias, residual, total, N, act);
}

//--- Plain SIMT GEMM (integer types, and the fallback). -------------------//

struct Batch {
  int rank = 0;
  int64_t d[kMaxRank] = {}, as[kMaxRank] = {}, bs[kMaxRank] = {}; // strides in matrices
};

/// C[z][M,N] = A[z][M,K] @ op(B[z]), row-major, 16x16 tiles in shared memory.
template <typename T>
__global__ void naiveGemm(const T *A, const T *B, T *C, int64_t M, int64_t N, int64_t K,
                          bool transB, Batch batch, int64_t batches) {
  using Acc = acc_t<T>;
  __shared__ Acc sa[16][17], sb[16][17];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int64_t row = blockIdx.y * 16 + ty, col = blockIdx.x * 16 + tx;
  for (int64_t z = blockIdx.z; z < batches; z += gridDim.z) {
    int64_t aOff = 0, bOff = 0, rem = z;
    for (int d = batch.rank - 1; d >= 0; --d) {
      const int64_t idx = rem % batch.d[d];
      rem /= batch.d[d];
      aOff += idx * batch.as[d];
      bOff += idx * batch.bs[d];
    }
    const T *a = A + aOff * M * K, *b = B + bOff * K * N;
    Acc acc = 0;
    for (int64_t k0 = 0; k0 < K; k0 += 16) {
      sa[ty][tx] = (row < M && k0 + tx < K) ? ld(a[row * K + k0 + tx]) : Acc(0);
      const int64_t bk = k0 + ty;
      sb[ty][tx] = (bk < K && col < N) ? ld(transB ? b[col * K + bk] : b[bk * N + col]) : Acc(0);
      __syncthreads();
#pragma unroll
      for (int k = 0; k < 16; ++k)
        acc += sa[ty][k] * sb[k][tx];
      __syncthreads();
    }
    if (row < M && col < N)
      C[z * M * N + row * N + col] = st<T>(acc);
  }
}
template <typename T>
void naiveGemmLaunch(const T *A, const T *B, T *C, int64_t M, int64_t N, int64_t K, bool transB,
                     const Batch &batch, int64_t batches) {
  dim3 block(16, 16);
  dim3 grid(static_cast<unsigned>((N + 15) / 16), static_cast<unsigned>((M + 15) / 16),
            static_cast<unsigned>(std::min<int64_t>(batches, 65535)));
  naiveGemm<T><<<grid, block, 0, llmk::stream()>>>(A, B, C, M, N, K, transB, batch, batches);
}

//--- cuBLASLt plans. -------------------------------------------------------//

struct LtPlan {
  bool ok = false;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulAlgo_t algo{};
  size_t workspace = 0;
};
using LtKey = std::tuple<void *, int, int64_t, int64_t, int64_t, bool, int, bool, int, int, int, int,
                         size_t>;

/// D[M,N] (row-major) = epi(x[M,K] @ op(W) + beta * C); false when cuBLASLt
/// has no algorithm for it (the caller falls back).
template <typename T>
bool ltMatmul(const T *x, const T *w, const T *bias, const T *c, T *out, int64_t M, int64_t N,
              int64_t K, bool transW, cublasLtEpilogue_t epi) {
  static thread_local std::map<LtKey, LtPlan> cache;
  cublasLtHandle_t handle = ltHandle();
  const size_t wsBytes = ltWorkspaceBytes();
  const int alA = alignmentOf(w), alB = alignmentOf(x), alC = alignmentOf(c ? c : out),
            alD = alignmentOf(out);
  LtKey key{handle, static_cast<int>(cudaType<T>()), M, N, K, transW, static_cast<int>(epi),
            c != nullptr, alA, alB, alC, alD, wsBytes};
  auto it = cache.find(key);
  if (it == cache.end()) {
    LtPlan plan;
    const cudaDataType_t dt = cudaType<T>();
    const bool dbl = std::is_same_v<T, double>;
    const cublasComputeType_t compute = dbl ? CUBLAS_COMPUTE_64F : CUBLAS_COMPUTE_32F;
    const cudaDataType_t scale = dbl ? CUDA_R_64F : CUDA_R_32F;
    bool good = cublasLtMatmulDescCreate(&plan.desc, compute, scale) == CUBLAS_STATUS_SUCCESS;
    cublasOperation_t ta = transW ? CUBLAS_OP_T : CUBLAS_OP_N, tb = CUBLAS_OP_N;
    good = good && cublasLtMatmulDescSetAttribute(plan.desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta,
                                                  sizeof(ta)) == CUBLAS_STATUS_SUCCESS;
    good = good && cublasLtMatmulDescSetAttribute(plan.desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb,
                                                  sizeof(tb)) == CUBLAS_STATUS_SUCCESS;
    good = good && cublasLtMatmulDescSetAttribute(plan.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi,
                                                  sizeof(epi)) == CUBLAS_STATUS_SUCCESS;
    if (good && bias) {
      good = cublasLtMatmulDescSetAttribute(plan.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias,
                                            sizeof(bias)) == CUBLAS_STATUS_SUCCESS;
    }
    // Column-major view: A = W as [N,K] (or [K,N] transposed), B = x as
    // [K,M], C = D = out as [N,M].
    good = good && cublasLtMatrixLayoutCreate(&plan.a, dt, transW ? K : N, transW ? N : K,
                                              transW ? K : N) == CUBLAS_STATUS_SUCCESS;
    good = good && cublasLtMatrixLayoutCreate(&plan.b, dt, K, M, K) == CUBLAS_STATUS_SUCCESS;
    good = good && cublasLtMatrixLayoutCreate(&plan.c, dt, N, M, N) == CUBLAS_STATUS_SUCCESS;
    if (good) {
      cublasLtMatmulPreference_t pref;
      cublasLtMatmulPreferenceCreate(&pref);
      uint64_t ws = wsBytes;
      uint32_t a32 = alA, b32 = alB, c32 = alC, d32 = alD;
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws,
                                           sizeof(ws));
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &a32,
                                           sizeof(a32));
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &b32,
                                           sizeof(b32));
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &c32,
                                           sizeof(c32));
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &d32,
                                           sizeof(d32));
      cublasLtMatmulHeuristicResult_t result{};
      int count = 0;
      if (cublasLtMatmulAlgoGetHeuristic(handle, plan.desc, plan.a, plan.b, plan.c, plan.c, pref, 1,
                                         &result, &count) == CUBLAS_STATUS_SUCCESS &&
          count > 0 && result.state == CUBLAS_STATUS_SUCCESS) {
        plan.algo = result.algo;
        plan.workspace = result.workspaceSize;
        plan.ok = true;
      }
      cublasLtMatmulPreferenceDestroy(pref);
    }
    it = cache.emplace(key, plan).first;
  }
  LtPlan &plan = it->second;
  if (!plan.ok)
    return false;
  if (bias)
    cublasLtMatmulDescSetAttribute(plan.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias));
  using S = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const S alpha = 1, beta = c ? 1 : 0;
  return cublasLtMatmul(handle, plan.desc, &alpha, w, plan.a, x, plan.b, &beta, c ? c : out, plan.c,
                        out, plan.c, &plan.algo, ltWorkspace(), wsBytes,
                        llmk::stream()) == CUBLAS_STATUS_SUCCESS;
}

/// out[M,N] = x[M,K] @ op(W), no epilogue: cuBLASLt, else the SIMT kernel.
template <typename T>
void gemm(const T *x, const T *w, T *out, int64_t M, int64_t N, int64_t K, bool transW) {
  if constexpr (blasType<T>()) {
    if (ltMatmul<T>(x, w, nullptr, nullptr, out, M, N, K, transW, CUBLASLT_EPILOGUE_DEFAULT))
      return;
  }
  naiveGemmLaunch<T>(x, w, out, M, N, K, transW, Batch{}, 1);
}

/// cuBLASLt's epilogue for `act` after the GEMM (with the bias when there is
/// one), where cuBLASLt has it: none, tanh GELU, ReLU. Its GELU is an
/// approximation good to half precision only: in fp32 it put GPT-2's logits
/// 4e-5 (1e-3 of their scale) from ONNX Runtime, so fp32 gets none and takes
/// our own tanh GELU after the GEMM.
template <typename T>
std::optional<cublasLtEpilogue_t> ltEpilogueFor(Activation act, bool bias) {
  switch (act) {
  case Activation::None: return bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
  case Activation::GeluTanh:
    if (std::is_same_v<T, float>)
      return std::nullopt;
    return bias ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_GELU;
  case Activation::Relu: return bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
  default: return std::nullopt;
  }
}

/// dst[r, c] = c < cols ? src[r, c] : 0 for c < dstCols: rows between
/// buffers of different pitches (in elements), zero-padding on the right,
/// for pitches that need not be multiples of 16 bytes (GPT-2's 50257-wide
/// logits). A row per blockIdx.y, element-wise coalesced accesses, and each
/// thread's kPerThread loads issued before its stores: with one load in
/// flight a thread it moved about 1.9 TB/s on an H200 (too few bytes in
/// flight to cover the memory latency), with eight about 3.5.
template <typename T, int kPerThread>
__global__ void copyRowsKernel(const T *src, int64_t srcPitch, int64_t cols, T *dst,
                               int64_t dstPitch, int64_t dstCols, int64_t rows) {
  const int64_t c0 = blockIdx.x * int64_t(blockDim.x) * kPerThread + threadIdx.x;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const T *s = src + r * srcPitch;
    T *d = dst + r * dstPitch;
    T v[kPerThread];
#pragma unroll
    for (int k = 0; k < kPerThread; ++k) {
      const int64_t c = c0 + int64_t(k) * blockDim.x;
      v[k] = c < cols ? s[c] : T(0);
    }
#pragma unroll
    for (int k = 0; k < kPerThread; ++k) {
      const int64_t c = c0 + int64_t(k) * blockDim.x;
      if (c < dstCols)
        d[c] = v[k];
    }
  }
}
template <typename T>
void copyRows(const T *src, int64_t srcPitch, int64_t cols, T *dst, int64_t dstPitch,
              int64_t dstCols, int64_t rows) {
  constexpr int kThreads = 256, kPerThread = 8;
  const dim3 grid(static_cast<unsigned>((dstCols + kThreads * kPerThread - 1) / (kThreads * kPerThread)),
                  static_cast<unsigned>(std::min<int64_t>(rows, 65535)));
  copyRowsKernel<T, kPerThread><<<grid, kThreads, 0, llmk::stream()>>>(src, srcPitch, cols, dst, dstPitch,
                                                          dstCols, rows);
}

/// Stream-ordered scratch for one call. Outside graph capture it comes from
/// a pool of ours that keeps what is freed: the device's default pool hands
/// its memory back at every synchronization, and mapping the padded LM
/// head's 1.7 GB (GPT-2 at 32x512) again on every call made that linear 5.8
/// ms on an H200; from this pool it took 3.9 (its GEMM alone: 2.1). During
/// capture, cudaMallocAsync: the graph records an allocation node, whose
/// memory the graph keeps between launches.
inline cudaError_t scratchAlloc(void **p, size_t bytes, cudaStream_t s) {
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  if (cudaError_t e = cudaStreamIsCapturing(s, &capture); e != cudaSuccess)
    return e;
  if (capture != cudaStreamCaptureStatusNone)
    return cudaMallocAsync(p, bytes, s);
  static std::mutex mutex;
  static cudaMemPool_t pools[64] = {};
  const int dev = llmk::context().device;
  cudaMemPool_t pool;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!pools[dev & 63]) {
      cudaMemPoolProps props{};
      props.allocType = cudaMemAllocationTypePinned;
      props.location.type = cudaMemLocationTypeDevice;
      props.location.id = dev;
      if (cudaError_t e = cudaMemPoolCreate(&pools[dev & 63], &props); e != cudaSuccess)
        return e;
      uint64_t keep = UINT64_MAX;
      cudaMemPoolSetAttribute(pools[dev & 63], cudaMemPoolAttrReleaseThreshold, &keep);
    }
    pool = pools[dev & 63];
  }
  return cudaMallocFromPoolAsync(p, bytes, pool, s);
}

/// y = act(x @ W + bias) for a [K, N] half-precision W whose rows are not
/// 16-byte aligned (N % 8 != 0: GPT-2's 50257-word LM head). cuBLAS(Lt)
/// only has slow unaligned kernels for it (PyTorch eager lands in an sm75
/// CUTLASS kernel taking 10 ms for GPT-2-small at 32x512): copy W and the
/// bias into zero-padded [K, Np] / [Np] buffers, multiply into [M, Np], and
/// copy the N columns out. The buffers are stream-ordered allocations,
/// which CUDA-graph capture records. False when any step is unavailable.
template <typename T>
bool paddedLinear(const T *x, const T *w, const T *bias, T *y, int64_t M, int64_t N, int64_t K,
                  Activation act) {
  const int64_t Np = (N + 7) / 8 * 8;
  auto round = [](size_t b) { return (b + 255) / 256 * 256; };
  const size_t wBytes = round(sizeof(T) * K * Np), bBytes = bias ? round(sizeof(T) * Np) : 0;
  const size_t yBytes = round(sizeof(T) * M * Np);
  cudaStream_t s = llmk::stream();
  void *buffer = nullptr;
  if (scratchAlloc(&buffer, wBytes + bBytes + yBytes, s) != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  T *wp = static_cast<T *>(buffer);
  T *bp = bias ? reinterpret_cast<T *>(static_cast<char *>(buffer) + wBytes) : nullptr;
  T *yp = reinterpret_cast<T *>(static_cast<char *>(buffer) + wBytes + bBytes);
  copyRows<T>(w, N, N, wp, Np, Np, K);
  if (bias)
    copyRows<T>(bias, N, N, bp, Np, Np, 1);
  const std::optional<cublasLtEpilogue_t> epi = ltEpilogueFor<T>(act, bias != nullptr);
  const bool fused = epi.has_value();
  const bool ok = ltMatmul<T>(x, wp, bp, nullptr, yp, M, Np, K, false,
                              fused ? *epi : bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT);
  if (ok)
    copyRows<T>(yp, Np, N, y, N, N, M);
  LLMK_CUDA_CHECK(cudaFreeAsync(buffer, s));
  if (ok && !fused)
    epilogue<T>(y, nullptr, nullptr, M, N, act);
  return ok;
}

} // namespace la

/// y[M,N] = act(x[M,K] @ W + bias[N]) + residual[M,N]; W is [K,N], or [N,K]
/// with transposeWeight.
template <typename T>
void linear(const T *x, const T *w, const T *bias, const T *residual, T *y, int64_t M, int64_t N,
            int64_t K, bool transposeWeight, Activation act) {
  if (M <= 0 || N <= 0)
    return;
  if (K <= 0) {
    LLMK_CUDA_CHECK(cudaMemsetAsync(y, 0, sizeof(T) * M * N, llmk::stream()));
    la::epilogue(y, bias, residual, M, N, act);
    return;
  }
  if constexpr (la::blasType<T>()) {
    if constexpr (la::isHalf<T>()) {
      if (!transposeWeight && !residual && N % 8 != 0 &&
          la::paddedLinear<T>(x, w, bias, y, M, N, K, act))
        return;
    }
    // The fused form: everything in cuBLASLt's epilogue.
    if constexpr (!std::is_same_v<T, double>) {
      // The residual rides as C (beta = 1), which cuBLASLt adds before its
      // epilogue's activation: only the plain (bias) epilogue takes it.
      const std::optional<cublasLtEpilogue_t> epi = la::ltEpilogueFor<T>(act, bias != nullptr);
      if (epi && (act == Activation::None || !residual) &&
          la::ltMatmul<T>(x, w, bias, residual, y, M, N, K, transposeWeight, *epi))
        return;
      // The bias in cuBLASLt, the activation and residual after it.
      if (bias && la::ltMatmul<T>(x, w, bias, nullptr, y, M, N, K, transposeWeight,
                                  CUBLASLT_EPILOGUE_BIAS)) {
        la::epilogue<T>(y, nullptr, residual, M, N, act);
        return;
      }
    }
    if (la::ltMatmul<T>(x, w, nullptr, nullptr, y, M, N, K, transposeWeight,
                        CUBLASLT_EPILOGUE_DEFAULT)) {
      la::epilogue<T>(y, bias, residual, M, N, act);
      return;
    }
  }
  la::naiveGemmLaunch<T>(x, w, y, M, N, K, transposeWeight, la::Batch{}, 1);
  la::epilogue<T>(y, bias, residual, M, N, act);
}

/// Numpy matmul: 1-D operands are promoted (and the promoted dim dropped from
/// the result), leading dims broadcast.
template <typename T> void matmul(const In<T> &a, const In<T> &b, T *out) {
  const MatmulDims dims = matmulDims(a.s, b.s);
  const int64_t M = dims.M, N = dims.N, K = dims.K;
  const Shape &aBatch = dims.aBatch, &bBatch = dims.bBatch, &batch = dims.batch;
  const int64_t batches = batch.numel();
  if (M <= 0 || N <= 0 || batches <= 0)
    return;
  if (K <= 0) {
    LLMK_CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(T) * batches * M * N, llmk::stream()));
    return;
  }
  // One weight for every batch: a single GEMM over all rows of `a`.
  if (bBatch.numel() == 1 && aBatch.numel() == batches) {
    la::gemm<T>(a.p, b.p, out, batches * M, N, K, false);
    return;
  }
  la::Batch bt;
  bt.rank = batch.rank;
  for (int i = 0; i < batch.rank; ++i)
    bt.d[i] = batch.d[i];
  broadcastStrides(aBatch, batch, bt.as);
  broadcastStrides(bBatch, batch, bt.bs);
  if constexpr (la::blasType<T>()) {
    // The innermost batch dims that one stride walks (size-1 dims never
    // matter), as one strided-batched GEMM; the outer dims loop on the host.
    int first = batch.rank;
    int64_t inner = 1, sa = 0, sb = 0;
    bool haveStride = false;
    while (first > 0) {
      const int d = first - 1;
      if (batch.d[d] != 1) {
        if (!haveStride) {
          sa = bt.as[d], sb = bt.bs[d], haveStride = true;
        } else if (bt.as[d] != sa * inner || bt.bs[d] != sb * inner) {
          break;
        }
        inner *= batch.d[d];
      }
      --first;
    }
    cublasHandle_t h = la::blasHandle();
    cublasSetStream(h, llmk::stream());
    const bool dbl = std::is_same_v<T, double>;
    using S = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const S alpha = 1, beta = 0;
    const cudaDataType_t dt = la::cudaType<T>();
    const int64_t outer = batches / inner;
    bool ok = true;
    for (int64_t o = 0; o < outer && ok; ++o) {
      int64_t aOff = 0, bOff = 0, rem = o;
      for (int d = first - 1; d >= 0; --d) {
        const int64_t idx = rem % batch.d[d];
        rem /= batch.d[d];
        aOff += idx * bt.as[d];
        bOff += idx * bt.bs[d];
      }
      // Column-major: out^T[N,M] = b^T[N,K] a^T[K,M].
      ok = cublasGemmStridedBatchedEx(h, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(N),
                                      static_cast<int>(M), static_cast<int>(K), &alpha,
                                      b.p + bOff * K * N, dt, static_cast<int>(N), sb * K * N,
                                      a.p + aOff * M * K, dt, static_cast<int>(K), sa * M * K, &beta,
                                      out + o * inner * M * N, dt, static_cast<int>(N), M * N,
                                      static_cast<int>(inner),
                                      dbl ? CUBLAS_COMPUTE_64F : CUBLAS_COMPUTE_32F,
                                      CUBLAS_GEMM_DEFAULT) == CUBLAS_STATUS_SUCCESS;
    }
    if (ok)
      return;
  }
  la::naiveGemmLaunch<T>(a.p, b.p, out, M, N, K, false, bt, batches);
}

} // namespace llmk

#endif // LLMK_CUDA_LINALG_CUH
