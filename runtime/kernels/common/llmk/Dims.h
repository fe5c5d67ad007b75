//===- Dims.h - shapes and dims arithmetic shared by both kernel libraries ===//
//
// The generated program computes every dim on the host with these functions,
// whatever the target, so the CPU library (runtime/kernels/cpu/llmk) and the
// CUDA library (runtime/kernels/cuda/llmk) include this one copy: a dim can
// never be computed one way for the CPU and another for the GPU. Under nvcc
// everything here is __host__ __device__ (kernels index with Shape too).
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_COMMON_DIMS_H
#define LLMK_COMMON_DIMS_H

#include <cmath>
#include <cstdint>

#ifndef LLMK_HD
#ifdef __CUDACC__
#define LLMK_HD __host__ __device__ inline
#else
#define LLMK_HD inline
#endif
#endif

namespace llmk {

constexpr int kMaxRank = 8;

/// A row-major shape. Dims are int64 because ONNX's are. Passed to CUDA
/// kernels by value.
struct Shape {
  int rank = 0;
  int64_t d[kMaxRank] = {};

  LLMK_HD int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i)
      n *= d[i];
    return n;
  }
  /// Elements of the dims [from, to).
  LLMK_HD int64_t span(int from, int to) const {
    int64_t n = 1;
    for (int i = from; i < to; ++i)
      n *= d[i];
    return n;
  }
};

//===----------------------------------------------------------------------===//
// Index arithmetic of the generated dims code (arith dialect semantics, but
// never trapping: a zero divisor gives 0 and the shape checks report it).
//===----------------------------------------------------------------------===//

LLMK_HD int64_t divTrunc(int64_t a, int64_t b) { return b == 0 ? 0 : (b == -1 ? -a : a / b); }
LLMK_HD int64_t remTrunc(int64_t a, int64_t b) { return (b == 0 || b == -1) ? 0 : a % b; }
LLMK_HD int64_t divFloor(int64_t a, int64_t b) {
  if (b == 0)
    return 0;
  int64_t q = divTrunc(a, b);
  return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q;
}
LLMK_HD int64_t divCeil(int64_t a, int64_t b) {
  if (b == 0)
    return 0;
  int64_t q = divTrunc(a, b);
  return (q * b != a && ((a < 0) == (b < 0))) ? q + 1 : q;
}

LLMK_HD int64_t clampI64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/// Elements of ONNX Range(start, limit, delta).
LLMK_HD int64_t rangeLength(double start, double limit, double delta) {
  if (delta == 0)
    return 0;
  int64_t n = static_cast<int64_t>(::ceil((limit - start) / delta));
  return n > 0 ? n : 0;
}

/// ONNX Slice's normalization of one axis: the first index, start clamped as
/// in Python.
LLMK_HD int64_t sliceStart(int64_t dim, int64_t start, int64_t step) {
  if (start < 0)
    start += dim;
  return step > 0 ? clampI64(start, 0, dim) : clampI64(start, -1, dim - 1);
}
/// The element count of one sliced axis; end clamped as in Python.
LLMK_HD int64_t sliceLength(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (step == 0)
    return 0;
  start = sliceStart(dim, start, step);
  if (end < 0)
    end += dim;
  end = step > 0 ? clampI64(end, 0, dim) : clampI64(end, -1, dim - 1);
  int64_t len = step > 0 ? (end - start + step - 1) / step : (start - end + (-step) - 1) / (-step);
  return len > 0 ? len : 0;
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

/// Element strides of `in` read as if broadcast to `out` (0 on broadcast dims).
/// rowStride > 0: `in` is a row-strided view (a slice of the last axis of a
/// wider tensor): its rows are rowStride elements apart, not in.d[last].
LLMK_HD void broadcastStrides(const Shape &in, const Shape &out, int64_t *strides,
                              int64_t rowStride = 0) {
  int offset = out.rank - in.rank;
  int64_t stride = 1;
  for (int i = out.rank - 1; i >= 0; --i) {
    int j = i - offset;
    strides[i] = (j < 0 || in.d[j] == 1) ? 0 : stride;
    if (j >= 0)
      stride *= j == in.rank - 1 && rowStride > 0 ? rowStride : in.d[j];
  }
}

/// How N operands broadcast to `out` are walked row by row along its last
/// axis (fusedLayerNorm's prologue): where each starts a row, and whether it
/// steps along the row (1) or repeats one element (0, a per-row value).
template <int N> struct RowWalk {
  int rank = 0; // the leading dims of `out`, every one but the last
  int64_t dims[kMaxRank] = {};
  int64_t strides[N > 0 ? N : 1][kMaxRank] = {};
  int64_t step[N > 0 ? N : 1] = {};

  LLMK_HD RowWalk(const Shape &out, const Shape *const *shapes, const int64_t *rowStrides) {
    rank = out.rank > 0 ? out.rank - 1 : 0;
    for (int i = 0; i < rank; ++i)
      dims[i] = out.d[i];
    for (int k = 0; k < N; ++k) {
      int64_t full[kMaxRank];
      broadcastStrides(*shapes[k], out, full, rowStrides[k]);
      for (int i = 0; i < rank; ++i)
        strides[k][i] = full[i];
      step[k] = out.rank > 0 ? full[out.rank - 1] : 0;
    }
  }

  /// The offset of each operand's first element of row `row`.
  LLMK_HD void rowOffsets(int64_t row, int64_t *offsets) const {
    for (int k = 0; k < N; ++k)
      offsets[k] = 0;
    for (int i = rank - 1; i >= 0; --i) {
      const int64_t idx = row % dims[i];
      row /= dims[i];
      for (int k = 0; k < N; ++k)
        offsets[k] += idx * strides[k][i];
    }
  }
};

/// Numpy broadcasting of two dims; -1 when they are incompatible.
LLMK_HD int64_t broadcastDim(int64_t a, int64_t b) {
  if (a == b || b == 1)
    return a;
  if (a == 1)
    return b;
  return -1;
}

/// The problem of a numpy matmul of operands shaped `a` and `b`: 1-D operands
/// promoted (the promoted dim dropped from the result), the leading dims of
/// each its batch, broadcast against each other into `batch`.
struct MatmulDims {
  int64_t M = 0, N = 0, K = 0;
  Shape aBatch, bBatch, batch;
};
LLMK_HD MatmulDims matmulDims(const Shape &a, const Shape &b) {
  MatmulDims m;
  const bool aVec = a.rank == 1, bVec = b.rank == 1;
  m.M = aVec ? 1 : a.d[a.rank - 2];
  m.K = a.d[a.rank - 1];
  m.N = bVec ? 1 : b.d[b.rank - 1];
  m.aBatch.rank = aVec ? 0 : a.rank - 2;
  m.bBatch.rank = bVec ? 0 : b.rank - 2;
  for (int i = 0; i < m.aBatch.rank; ++i)
    m.aBatch.d[i] = a.d[i];
  for (int i = 0; i < m.bBatch.rank; ++i)
    m.bBatch.d[i] = b.d[i];
  m.batch.rank = m.aBatch.rank > m.bBatch.rank ? m.aBatch.rank : m.bBatch.rank;
  for (int i = 0; i < m.batch.rank; ++i) {
    int ia = i - (m.batch.rank - m.aBatch.rank), ib = i - (m.batch.rank - m.bBatch.rank);
    m.batch.d[i] = broadcastDim(ia >= 0 ? m.aBatch.d[ia] : 1, ib >= 0 ? m.bBatch.d[ib] : 1);
  }
  return m;
}

} // namespace llmk

#endif // LLMK_COMMON_DIMS_H
