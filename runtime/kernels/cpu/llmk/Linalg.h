//===- Linalg.h - matrix products through BLAS ----------------------------===//
//
// float GEMMs go to oneDNN's sgemm (JIT AVX2/AVX-512 kernels; 2.2x OpenBLAS
// 0.3.21 on the M=128 projections of GPT-2 with their weights streamed from
// memory, docs/benchmarks.md), double GEMMs to OpenBLAS. Both are Debian's
// OpenMP builds, so they share the OpenMP thread pool with the generated
// loops and run single-threaded inside a parallel region. Other element
// types use a plain loop, which only small integer and half-precision graphs
// hit.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_LINALG_H
#define LLMK_LINALG_H

#include "llmk/Elementwise.h"

#include <algorithm>
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

extern "C" void openblas_set_num_threads(int);

namespace llmk {

/// Threads for this call's loops (OpenMP's setting is per calling thread, so
/// sessions on different threads keep their own) and for OpenBLAS (global).
inline void setThreads(int n) {
  n = std::max(n, 1);
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

/// C[M,N] = A[M,K] @ op(B) (+ C when accumulate), row-major with leading
/// dims; op(B) is B[K,N] or, with transB, B[N,K] transposed.
template <typename T>
void gemm(int64_t M, int64_t N, int64_t K, const T *A, int64_t lda, const T *B, int64_t ldb,
          bool transB, T *C, int64_t ldc, bool accumulate) {
  if (M == 0 || N == 0)
    return;
  if (K == 0) {
    // An empty sum: C = 0 (or stays C). dnnl_sgemm leaves C untouched here,
    // which is only right when C already is zero (a fresh arena, not an
    // output buffer the code writes straight into).
    if (!accumulate)
      for (int64_t i = 0; i < M; ++i)
        std::fill(C + i * ldc, C + i * ldc + N, convert<T>(0));
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    // dnnl_sgemm is row-major, like the rest of the library. Small products
    // run on the calling thread: waking the pool costs more than they do.
    const bool small = M * N * K < (int64_t(1) << 22) && !omp_in_parallel();
    const int threads = small ? omp_get_max_threads() : 0;
    if (small)
      omp_set_num_threads(1);
    dnnl_sgemm('N', transB ? 'T' : 'N', M, N, K, 1.0f, A, lda, B, ldb, accumulate ? 1.0f : 0.0f, C,
               ldc);
    if (small)
      omp_set_num_threads(threads);
  } else if constexpr (std::is_same_v<T, double>) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, M, N, K, 1.0, A,
                lda, B, ldb, accumulate ? 1.0 : 0.0, C, ldc);
  } else {
    using Acc = std::conditional_t<std::is_integral_v<compute_t<T>>, int64_t, float>;
#pragma omp parallel for schedule(static) if (worthThreads(M * N * K) && M > 1)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        Acc acc = accumulate ? static_cast<Acc>(load(C[i * ldc + j])) : 0;
        for (int64_t k = 0; k < K; ++k)
          acc += static_cast<Acc>(load(A[i * lda + k])) *
                 static_cast<Acc>(load(transB ? B[j * ldb + k] : B[k * ldb + j]));
        C[i * ldc + j] = convert<T>(acc);
      }
  }
}

/// Numpy matmul: 1-D operands are promoted (and the promoted dim dropped from
/// the result), leading dims broadcast.
template <typename T> void matmul(const In<T> &a, const In<T> &b, T *out) {
  const MatmulDims dims = matmulDims(a.s, b.s);
  const int64_t M = dims.M, N = dims.N, K = dims.K;
  const Shape &aBatch = dims.aBatch, &bBatch = dims.bBatch, &batch = dims.batch;
  const int64_t batches = batch.numel();
  // One weight for every batch: a single GEMM over all rows of `a`.
  if (bBatch.numel() == 1 && aBatch.numel() == batches) {
    gemm(batches * M, N, K, a.p, K, b.p, N, false, out, N, false);
    return;
  }
  int64_t aStrides[kMaxRank], bStrides[kMaxRank];
  broadcastStrides(aBatch, batch, aStrides);
  broadcastStrides(bBatch, batch, bStrides);
  // Many small products (attention heads): one single-threaded GEMM per
  // thread; OpenBLAS runs single-threaded inside a parallel region.
#pragma omp parallel for schedule(static) if (batches > 1 && worthThreads(batches * M * N * K))
  for (int64_t i = 0; i < batches; ++i) {
    int64_t aOff = 0, bOff = 0, rem = i;
    for (int d = batch.rank - 1; d >= 0; --d) {
      int64_t idx = rem % batch.d[d];
      rem /= batch.d[d];
      aOff += idx * aStrides[d];
      bOff += idx * bStrides[d];
    }
    gemm(M, N, K, a.p + aOff * M * K, K, b.p + bOff * K * N, N, false, out + i * M * N, N, false);
  }
}

enum class Activation { None, Gelu, GeluTanh, Silu, Relu };

namespace detail {
/// The epilogue of rows [r0, r1) of y: bias, activation, residual.
template <typename T>
void epilogue(T *y, const T *bias, const T *residual, int64_t r0, int64_t r1, int64_t N,
              Activation act) {
  for (int64_t i = r0; i < r1; ++i) {
    T *row = y + i * N;
    const T *res = residual ? residual + i * N : nullptr;
#pragma omp simd
    for (int64_t j = 0; j < N; ++j) {
      auto v = load(row[j]);
      if (bias)
        v += load(bias[j]);
      switch (act) {
      case Activation::None: break;
      case Activation::Gelu: v = gelu(v); break;
      case Activation::GeluTanh: v = geluTanh(v); break;
      case Activation::Silu: v = v * sigmoid(v); break;
      case Activation::Relu: v = v > 0 ? v : decltype(v)(0); break;
      }
      if (res)
        v += load(res[j]);
      row[j] = convert<T>(v);
    }
  }
}
} // namespace detail

/// y[M,N] = act(x[M,K] @ W + bias[N]) + residual[M,N]; W is [K,N], or [N,K]
/// with transposeWeight. The GEMM threads itself (oneDNN partitions better
/// than splitting rows across threads: 353 vs 313 GFLOP/s on GPT-2's
/// M=128 projections with 2 threads, in a one-off
/// microbenchmark not kept in the repository); the epilogue is one parallel pass.
template <typename T>
void linear(const T *x, const T *w, const T *bias, const T *residual, T *y, int64_t M, int64_t N,
            int64_t K, bool transposeWeight, Activation act) {
  gemm(M, N, K, x, K, w, transposeWeight ? K : N, transposeWeight, y, N, false);
  if (bias || residual || act != Activation::None) {
#pragma omp parallel for schedule(static) if (worthThreads(M * N))
    for (int64_t i = 0; i < M; ++i)
      detail::epilogue(y, bias, residual, i, i + 1, N, act);
  }
}

} // namespace llmk

#endif // LLMK_LINALG_H
