//===- Reduce.cuh - reductions, softmax, normalizations, cumsum, topk ------===//
//
// The CUDA counterparts of the CPU library's Reduce.h (and its topk), same
// signatures; host arrays (`reduced`) are read on the host.
//
//   reduce     inner dims reduced: a block per output; otherwise a thread per
//              output walking the reduced dims (coalesced across outputs).
//              Sums accumulate in double as on the CPU (int64 for integers).
//   argmax     a block per output.
//   softmax    rows (inner == 1): a warp per row up to 1024 elements, a block
//              per row beyond; strided (inner > 1): a thread per column.
//              fp32 (double for double) max, sum and exp, numerically stable.
//   layerNorm  a block per row, fp32 accumulation, two passes (mean, then
//              the variance of x - mean), 16-byte loads when aligned.
//   fusedLayerNorm  layerNorm of a row computed by an elementwise lambda from
//              broadcast operands (a residual add, say): the cached kernel
//              computes its part of the row into registers with 16-byte
//              loads, then normalizes it; long or unaligned rows take an
//              element-wise kernel that recomputes the row in each pass.
//   cumsum     a thread per column (simple).
//   topk       a block per row, k rounds of a block-wide arg-best.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_REDUCE_CUH
#define LLMK_CUDA_REDUCE_CUH

#include "llmk/Elementwise.cuh"

namespace llmk {

enum class ReduceKind { Sum, Mean, Max, Min, Prod };

namespace detail {

template <typename T> __device__ __forceinline__ T warpSum(T v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1)
    v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

/// Block-wide reduction with `op` (every thread gets the result); blockDim.x
/// a multiple of 32, at most 1024. `scratch` holds 32 values.
template <typename T, typename Op>
__device__ __forceinline__ T blockReduce(T v, Op op, T *scratch) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1)
    v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, warps = blockDim.x / 32;
  __syncthreads(); // scratch may still be read by a previous call
  if (lane == 0)
    scratch[warp] = v;
  __syncthreads();
  v = scratch[lane < warps ? lane : 0];
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    T other = __shfl_xor_sync(0xffffffffu, v, o);
    if ((lane ^ o) < warps)
      v = op(v, other);
  }
  return __shfl_sync(0xffffffffu, v, 0); // lanes >= warps hold partial values
}

/// __shfl_up_sync for every arithmetic type (narrow ones through int).
template <typename T> __device__ __forceinline__ T shflUp(T v, int o) {
  if constexpr (std::is_integral_v<T> && sizeof(T) < 4)
    return static_cast<T>(__shfl_up_sync(0xffffffffu, static_cast<int>(v), o));
  else
    return __shfl_up_sync(0xffffffffu, v, o);
}

/// __shfl_xor_sync for every arithmetic type (narrow ones through int).
template <typename T> __device__ __forceinline__ T shflXor(T v, int o) {
  if constexpr (std::is_integral_v<T> && sizeof(T) < 4)
    return static_cast<T>(__shfl_xor_sync(0xffffffffu, static_cast<int>(v), o));
  else
    return __shfl_xor_sync(0xffffffffu, v, o);
}

template <typename Acc> struct ReduceOp {
  ReduceKind kind;
  __device__ __forceinline__ Acc operator()(Acc acc, Acc v) const {
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean: return acc + v;
    case ReduceKind::Prod: return acc * v;
    case ReduceKind::Max: return (v > acc || v != v) ? v : acc;
    case ReduceKind::Min: return (v < acc || v != v) ? v : acc;
    }
    return acc;
  }
};

template <typename Acc> __device__ __forceinline__ Acc reduceInit(ReduceKind kind) {
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Mean: return Acc(0);
  case ReduceKind::Prod: return Acc(1);
  case ReduceKind::Max:
    if constexpr (std::is_floating_point_v<Acc>)
      return -INFINITY;
    else
      return Limits<Acc>::lowest;
  case ReduceKind::Min:
    if constexpr (std::is_floating_point_v<Acc>)
      return INFINITY;
    else
      return Limits<Acc>::max;
  }
  return Acc(0);
}

template <typename Acc>
__device__ __forceinline__ Acc reduceFinish(Acc acc, ReduceKind kind, int64_t redN) {
  if (kind == ReduceKind::Mean) {
    if constexpr (std::is_floating_point_v<Acc>)
      return acc / static_cast<Acc>(redN);
    else
      return redN ? acc / static_cast<Acc>(redN) : acc;
  }
  return acc;
}

struct ReduceParams {
  int keptRank, redRank;
  int64_t keptDims[kMaxRank], keptStrides[kMaxRank], redDims[kMaxRank], redStrides[kMaxRank];
  int64_t outN, redN;
};

__device__ __forceinline__ int64_t decompose(int64_t idx, int rank, const int64_t *dims,
                                             const int64_t *strides) {
  if (rank == 1) // idx < dims[0]
    return idx * strides[0];
  int64_t off = 0;
  for (int i = rank - 1; i >= 0; --i) {
    off += (idx % dims[i]) * strides[i];
    idx /= dims[i];
  }
  return off;
}

/// The reduced dims include the innermost one: a block per output; the
/// block strides over the innermost reduced dim (contiguous).
template <typename T, typename Acc>
__global__ void __launch_bounds__(256) reduceRowsKernel(const T *x, T *out, ReduceParams p, ReduceKind kind) {
  __shared__ Acc scratch[32];
  const ReduceOp<Acc> op{kind};
  const int64_t inner = p.redDims[p.redRank - 1];
  const int64_t outerR = p.redN / inner;
  for (int64_t o = blockIdx.x; o < p.outN; o += gridDim.x) {
    const int64_t base = decompose(o, p.keptRank, p.keptDims, p.keptStrides);
    Acc acc = reduceInit<Acc>(kind);
    if (inner >= 64 || outerR == 1) {
      for (int64_t r = 0; r < outerR; ++r) {
        const T *q = x + base + decompose(r, p.redRank - 1, p.redDims, p.redStrides);
        for (int64_t j = threadIdx.x; j < inner; j += blockDim.x)
          acc = op(acc, static_cast<Acc>(load(q[j])));
      }
    } else {
      for (int64_t r = threadIdx.x; r < p.redN; r += blockDim.x)
        acc = op(acc, static_cast<Acc>(load(x[base + decompose(r, p.redRank, p.redDims, p.redStrides)])));
    }
    acc = blockReduce(acc, op, scratch);
    if (threadIdx.x == 0)
      out[o] = convert<T>(reduceFinish(acc, kind, p.redN));
  }
}

/// The innermost dim is kept: blocks of 32 x 8 threads, 32 adjacent outputs
/// (coalesced) per block, the 8 rows of threads splitting the reduced
/// elements, then combined through shared memory.
template <typename T, typename Acc>
__global__ void __launch_bounds__(1024) reduceColumnsKernel(const T *x, T *out, ReduceParams p, ReduceKind kind) {
  __shared__ Acc part[32][33];
  const ReduceOp<Acc> op{kind};
  const int64_t groups = (p.outN + 31) / 32;
  for (int64_t g = blockIdx.x; g < groups; g += gridDim.x) {
    const int64_t o = g * 32 + threadIdx.x;
    Acc acc = reduceInit<Acc>(kind);
    if (o < p.outN) {
      const int64_t base = decompose(o, p.keptRank, p.keptDims, p.keptStrides);
      for (int64_t r = threadIdx.y; r < p.redN; r += blockDim.y)
        acc = op(acc, static_cast<Acc>(load(x[base + decompose(r, p.redRank, p.redDims, p.redStrides)])));
    }
    part[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && o < p.outN) {
      for (int y = 1; y < blockDim.y; ++y)
        acc = op(acc, part[y][threadIdx.x]);
      out[o] = convert<T>(reduceFinish(acc, kind, p.redN));
    }
    __syncthreads();
  }
}

inline dim3 launchReduceColumns(unsigned &grid, int64_t outN, int64_t redN) {
  const int sms = smCount();
  grid = static_cast<unsigned>(std::min<int64_t>((outN + 31) / 32, int64_t(sms) * 8));
  // Few outputs and many reduced elements: more rows of threads per block.
  return dim3(32, redN >= 1024 && outN < int64_t(sms) * 32 * 16 ? 32 : 8);
}

} // namespace detail

/// Reduces the dims marked in `reduced` (one host flag per input dim). The
/// output holds the kept dims in order.
template <typename T>
void reduce(const In<T> &x, T *out, const bool *reduced, ReduceKind kind) {
  using Acc = std::conditional_t<std::is_floating_point_v<compute_t<T>>, double, int64_t>;
  detail::ReduceParams p{};
  int64_t strides[kMaxRank], stride = 1;
  for (int i = x.s.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= x.s.d[i];
  }
  p.outN = 1;
  p.redN = 1;
  // Dims of 1 are dropped; adjacent reduced (or kept) dims are merged.
  bool lastReduced = false;
  int lastKind = -1; // 0 kept, 1 reduced
  for (int i = 0; i < x.s.rank; ++i) {
    if (x.s.d[i] == 1)
      continue;
    const bool r = reduced[i];
    int64_t *dims = r ? p.redDims : p.keptDims, *st = r ? p.redStrides : p.keptStrides;
    int &rank = r ? p.redRank : p.keptRank;
    if (lastKind == (r ? 1 : 0)) {
      dims[rank - 1] *= x.s.d[i];
      st[rank - 1] = strides[i];
    } else {
      dims[rank] = x.s.d[i];
      st[rank] = strides[i];
      ++rank;
    }
    lastKind = r ? 1 : 0;
    lastReduced = r;
    (r ? p.redN : p.outN) *= x.s.d[i];
  }
  if (x.s.numel() == 0) {
    // Reduced dims of 0: every output is the empty reduction.
    p.redN = 1;
    p.outN = 1;
    for (int i = 0; i < x.s.rank; ++i)
      (reduced[i] ? p.redN : p.outN) *= x.s.d[i];
    if (p.outN == 0)
      return;
    p.keptRank = 0;
    p.redRank = 0;
    unsigned grid;
    const dim3 block = detail::launchReduceColumns(grid, p.outN, p.redN);
    detail::reduceColumnsKernel<T, Acc><<<grid, block, 0, stream()>>>(x.p, out, p, kind);
    return;
  }
  if (lastReduced) {
    const int sms = smCount();
    const unsigned grid = static_cast<unsigned>(std::min<int64_t>(p.outN, int64_t(sms) * 16));
    detail::reduceRowsKernel<T, Acc><<<grid, detail::kThreads, 0, stream()>>>(x.p, out, p, kind);
  } else {
    unsigned grid;
    const dim3 block = detail::launchReduceColumns(grid, p.outN, p.redN);
    detail::reduceColumnsKernel<T, Acc><<<grid, block, 0, stream()>>>(x.p, out, p, kind);
  }
}

namespace detail {

/// argmax's order: NaN above every number; ties to the first (or last).
template <typename C>
__device__ __forceinline__ bool argBetter(C a, int64_t ia, C b, int64_t ib, bool selectLast) {
  const bool na = a != a, nb = b != b;
  if (na || nb) {
    if (na && nb)
      return selectLast ? ia > ib : ia < ib;
    return na;
  }
  if (a != b)
    return a > b;
  return selectLast ? ia > ib : ia < ib;
}

template <typename T>
__global__ void __launch_bounds__(256) argmaxKernel(const T *x, int64_t *out, int64_t outer, int64_t len,
                                                     int64_t inner, bool selectLast) {
  using C = compute_t<T>;
  __shared__ C sv[32];
  __shared__ int64_t si[32];
  for (int64_t r = blockIdx.x; r < outer * inner; r += gridDim.x) {
    const int64_t o = r / inner, i = r % inner;
    const T *p = x + o * len * inner + i;
    C best = load(p[0]);
    int64_t bestI = -1;
    for (int64_t j = threadIdx.x; j < len; j += blockDim.x) {
      C v = load(p[j * inner]);
      if (bestI < 0 || argBetter(v, j, best, bestI, selectLast)) {
        best = v;
        bestI = j;
      }
    }
    // Warp then block arg-best; threads with no element carry index -1.
    for (int s = 16; s > 0; s >>= 1) {
      C ov = shflXor(best, s);
      int64_t oi = shflXor(bestI, s);
      if (oi >= 0 && (bestI < 0 || argBetter(ov, oi, best, bestI, selectLast))) {
        best = ov;
        bestI = oi;
      }
    }
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, warps = blockDim.x / 32;
    __syncthreads();
    if (lane == 0) {
      sv[warp] = best;
      si[warp] = bestI;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      for (int w = 1; w < warps; ++w)
        if (si[w] >= 0 && (bestI < 0 || argBetter(sv[w], si[w], best, bestI, selectLast))) {
          best = sv[w];
          bestI = si[w];
        }
      out[r] = bestI;
    }
  }
}

} // namespace detail

/// Index of the largest element along `axis` (first or last on ties). NaN
/// is larger than any number, as in numpy.argmax.
template <typename T>
void argmax(const In<T> &x, int64_t *out, int axis, bool selectLast) {
  const int64_t outer = x.s.span(0, axis), len = x.s.d[axis], inner = x.s.span(axis + 1, x.s.rank);
  if (len == 0 || outer * inner == 0)
    return;
  const int sms = smCount();
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(outer * inner, int64_t(sms) * 16));
  const int threads = len >= 256 ? 256 : (len >= 128 ? 128 : (len > 32 ? 64 : 32));
  detail::argmaxKernel<T><<<grid, threads, 0, stream()>>>(x.p, out, outer, len, inner, selectLast);
}

namespace detail {

template <typename C> __device__ __forceinline__ C expC(C v) {
  if constexpr (std::is_same_v<C, double>)
    return ::exp(v);
  else
    return ::expf(v);
}
template <typename C> __device__ __forceinline__ C logC(C v) {
  if constexpr (std::is_same_v<C, double>)
    return ::log(v);
  else
    return ::logf(v);
}
template <typename C> __device__ __forceinline__ C maxC(C a, C b) {
  return a < b ? b : a; // as std::max(maxV, v) on the CPU: a NaN v is skipped
}

/// Softmax of contiguous rows. Group = 32 (a warp per row, blockDim 256
/// holding 8 rows) or the whole block (a block per row).
template <typename T, bool WarpPerRow>
__global__ void __launch_bounds__(1024) softmaxRowsKernel(const T *x, T *out, int64_t rows, int64_t len,
                                                          bool logSoftmax) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  __shared__ C scratch[32];
  const int groupSize = WarpPerRow ? 32 : blockDim.x;
  const int tid = WarpPerRow ? threadIdx.x % 32 : threadIdx.x;
  const int64_t groupsPerGrid = WarpPerRow ? int64_t(gridDim.x) * (blockDim.x / 32) : gridDim.x;
  const int64_t first = WarpPerRow ? int64_t(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32
                                   : int64_t(blockIdx.x);
  auto mx = [](C a, C b) { return a < b ? b : a; };
  auto add = [](C a, C b) { return a + b; };
  // Every thread of a block runs the same number of iterations (block-wide
  // barriers in the block variant).
  for (int64_t row = first; row < rows; row += groupsPerGrid) {
    const T *p = x + row * len;
    T *q = out + row * len;
    C m = -INFINITY;
    for (int64_t j = tid; j < len; j += groupSize)
      m = maxC(m, static_cast<C>(load(p[j])));
    if (WarpPerRow) {
#pragma unroll
      for (int o = 16; o > 0; o >>= 1)
        m = mx(m, __shfl_xor_sync(0xffffffffu, m, o));
    } else {
      m = blockReduce(m, mx, scratch);
    }
    if (m == -INFINITY) { // every score is -inf: NaN as numpy
      for (int64_t j = tid; j < len; j += groupSize)
        q[j] = convert<T>(NAN);
      continue;
    }
    C sum = 0;
    for (int64_t j = tid; j < len; j += groupSize)
      sum += expC(static_cast<C>(load(p[j])) - m);
    if (WarpPerRow)
      sum = warpSum(sum);
    else
      sum = blockReduce(sum, add, scratch);
    if (logSoftmax) {
      const C logSum = logC(sum);
      for (int64_t j = tid; j < len; j += groupSize)
        q[j] = convert<T>(static_cast<C>(load(p[j])) - m - logSum);
    } else {
      const C inv = C(1) / sum;
      for (int64_t j = tid; j < len; j += groupSize)
        q[j] = convert<T>(expC(static_cast<C>(load(p[j])) - m) * inv);
    }
  }
}

/// Contiguous rows of at most group * MAXV * V elements (V dividing the row,
/// 16-byte aligned), the group a warp (several rows per block) or the whole
/// block (a row per block): the row stays in registers, so x is read once.
template <typename T, int V, int MAXV, bool Block>
__global__ void __launch_bounds__(512) softmaxCachedKernel(const T *x, T *out, int64_t rows,
                                                            int64_t len, bool logSoftmax) {
  __shared__ float scratch[32];
  const int group = Block ? blockDim.x : 32;
  const int tid = Block ? threadIdx.x : threadIdx.x % 32;
  const int64_t groups = Block ? int64_t(gridDim.x) : int64_t(gridDim.x) * (blockDim.x / 32);
  const int64_t first = Block ? int64_t(blockIdx.x) : int64_t(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int nvec = static_cast<int>(len / V);
  auto mx = [](float a, float b) { return maxC(a, b); };
  auto add = [](float a, float b) { return a + b; };
  for (int64_t row = first; row < rows; row += groups) {
    const Vec<T, V> *p = reinterpret_cast<const Vec<T, V> *>(x + row * len);
    Vec<T, V> *q = reinterpret_cast<Vec<T, V> *>(out + row * len);
    float vals[MAXV][V];
    float m = -INFINITY;
#pragma unroll
    for (int k = 0; k < MAXV; ++k) {
      const int vi = tid + k * group;
      if (vi < nvec) {
        const Vec<T, V> in = p[vi];
#pragma unroll
        for (int j = 0; j < V; ++j) {
          vals[k][j] = static_cast<float>(load(in.v[j]));
          m = maxC(m, vals[k][j]);
        }
      }
    }
    if (Block) {
      m = blockReduce(m, mx, scratch);
    } else {
#pragma unroll
      for (int o = 16; o > 0; o >>= 1)
        m = mx(m, __shfl_xor_sync(0xffffffffu, m, o));
    }
    if (m == -INFINITY) { // every score is -inf: NaN as numpy
      Vec<T, V> nan;
#pragma unroll
      for (int j = 0; j < V; ++j)
        nan.v[j] = convert<T>(NAN);
#pragma unroll
      for (int k = 0; k < MAXV; ++k)
        if (tid + k * group < nvec)
          q[tid + k * group] = nan;
      continue;
    }
    float sum = 0;
#pragma unroll
    for (int k = 0; k < MAXV; ++k)
      if (tid + k * group < nvec) {
#pragma unroll
        for (int j = 0; j < V; ++j) {
          const float e = ::expf(vals[k][j] - m);
          sum += e;
          if (!logSoftmax)
            vals[k][j] = e;
        }
      }
    sum = Block ? blockReduce(sum, add, scratch) : warpSum(sum);
    const float logSum = ::logf(sum), inv = 1.0f / sum;
#pragma unroll
    for (int k = 0; k < MAXV; ++k)
      if (tid + k * group < nvec) {
        Vec<T, V> o;
#pragma unroll
        for (int j = 0; j < V; ++j)
          o.v[j] = convert<T>(logSoftmax ? vals[k][j] - m - logSum : vals[k][j] * inv);
        q[tid + k * group] = o;
      }
  }
}

/// Softmax along a strided axis: a thread per (outer, inner) column.
template <typename T>
__global__ void __launch_bounds__(256) softmaxColumnsKernel(const T *x, T *out, int64_t outer, int64_t len,
                                                             int64_t inner, bool logSoftmax) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  LLMK_GRID_STRIDE(col, outer * inner) {
    const int64_t o = col / inner, i = col % inner;
    const T *p = x + o * len * inner + i;
    T *q = out + o * len * inner + i;
    C m = -INFINITY;
    for (int64_t j = 0; j < len; ++j)
      m = maxC(m, static_cast<C>(load(p[j * inner])));
    if (m == -INFINITY) {
      for (int64_t j = 0; j < len; ++j)
        q[j * inner] = convert<T>(NAN);
      continue;
    }
    C sum = 0;
    for (int64_t j = 0; j < len; ++j)
      sum += expC(static_cast<C>(load(p[j * inner])) - m);
    const C logSum = logC(sum), inv = C(1) / sum;
    for (int64_t j = 0; j < len; ++j) {
      const C v = static_cast<C>(load(p[j * inner])) - m;
      q[j * inner] = convert<T>(logSoftmax ? v - logSum : expC(v) * inv);
    }
  }
}

} // namespace detail

/// Softmax (or log-softmax) along the axis that splits the tensor into
/// [outer, len, inner].
template <typename T>
void softmax(const T *x, T *out, int64_t outer, int64_t len, int64_t inner, bool logSoftmax) {
  if (outer * len * inner <= 0)
    return;
  const int sms = smCount();
  if (inner == 1) {
    const int64_t rows = outer;
    if constexpr (std::is_same_v<T, float> || is16BitFloat<T>) {
      // 32 floats of the row per thread.
      constexpr int V = 16 / sizeof(T), MAXV = 32 / V;
      const int64_t nvec = len / V;
      if (len % V == 0 && reinterpret_cast<uintptr_t>(x) % 16 == 0 &&
          reinterpret_cast<uintptr_t>(out) % 16 == 0) {
        if (nvec <= 32 * MAXV) {
          const int64_t blocks = std::min<int64_t>((rows + 7) / 8, int64_t(sms) * 16);
          detail::softmaxCachedKernel<T, V, MAXV, false><<<static_cast<unsigned>(blocks), 256, 0, stream()>>>(
              x, out, rows, len, logSoftmax);
          return;
        }
        if (nvec <= 512 * MAXV) {
          const int threads = static_cast<int>(std::min<int64_t>(512, ((nvec + MAXV - 1) / MAXV + 31) / 32 * 32));
          const int64_t blocks = std::min<int64_t>(rows, int64_t(sms) * 32);
          detail::softmaxCachedKernel<T, V, MAXV, true><<<static_cast<unsigned>(blocks), threads, 0, stream()>>>(
              x, out, rows, len, logSoftmax);
          return;
        }
      }
    }
    if (len <= 1024) {
      const int64_t blocks = std::min<int64_t>((rows + 7) / 8, int64_t(sms) * 16);
      detail::softmaxRowsKernel<T, true><<<static_cast<unsigned>(blocks), 256, 0, stream()>>>(
          x, out, rows, len, logSoftmax);
    } else {
      const int64_t blocks = std::min<int64_t>(rows, int64_t(sms) * 16);
      const int threads = len >= 16384 ? 1024 : 256;
      detail::softmaxRowsKernel<T, false><<<static_cast<unsigned>(blocks), threads, 0, stream()>>>(
          x, out, rows, len, logSoftmax);
    }
    return;
  }
  detail::softmaxColumnsKernel<T><<<detail::gridFor(outer * inner), detail::kThreads, 0, stream()>>>(
      x, out, outer, len, inner, logSoftmax);
}

namespace detail {

template <typename T, int V>
__global__ void __launch_bounds__(256) layerNormKernel(const T *x, const T *scale, int64_t scaleN, const T *bias,
                                                        int64_t biasN, T *out, int64_t rows,
                                                        int64_t cols, float epsilon,
                                                        bool subtractMean) {
  __shared__ float scratch[32];
  auto add = [](float a, float b) { return a + b; };
  const int64_t vecs = cols / V; // V divides cols when V > 1
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *p = x + r * cols;
    T *q = out + r * cols;
    float mean = 0;
    if (subtractMean) {
      float s = 0;
      for (int64_t v = threadIdx.x; v < vecs; v += blockDim.x) {
        const Vec<T, V> in = *reinterpret_cast<const Vec<T, V> *>(p + v * V);
#pragma unroll
        for (int j = 0; j < V; ++j)
          s += static_cast<float>(load(in.v[j]));
      }
      mean = blockReduce(s, add, scratch) / static_cast<float>(cols);
    }
    float ss = 0;
    for (int64_t v = threadIdx.x; v < vecs; v += blockDim.x) {
      const Vec<T, V> in = *reinterpret_cast<const Vec<T, V> *>(p + v * V);
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const float c = static_cast<float>(load(in.v[j])) - mean;
        ss += c * c;
      }
    }
    const float var = blockReduce(ss, add, scratch) / static_cast<float>(cols);
    const float inv = rsqrtf(var + epsilon);
    for (int64_t v = threadIdx.x; v < vecs; v += blockDim.x) {
      const Vec<T, V> in = *reinterpret_cast<const Vec<T, V> *>(p + v * V);
      Vec<T, V> o;
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const int64_t c = v * V + j;
        float y = (static_cast<float>(load(in.v[j])) - mean) * inv;
        if (scale)
          y *= static_cast<float>(load(scale[scaleN == 1 ? 0 : c]));
        if (bias)
          y += static_cast<float>(load(bias[biasN == 1 ? 0 : c]));
        o.v[j] = convert<T>(y);
      }
      *reinterpret_cast<Vec<T, V> *>(q + v * V) = o;
    }
  }
}

/// The second half of the register-cached norm kernels: `vals` holds this
/// thread's part of a row (columns threadIdx.x + k * blockDim.x, V at a
/// time) and `s` its sum. Subtracts the mean (layer norm), scales by the
/// inverse RMS, applies scale and bias, and stores the row to q.
template <typename T, int V, int MAXV>
__device__ __forceinline__ void normalizeCachedRow(float (&vals)[MAXV][V], float s, int nvec,
                                                   int64_t cols, float epsilon, bool subtractMean,
                                                   const T *scale, int64_t scaleN, const T *bias,
                                                   int64_t biasN, Vec<T, V> *q, float *scratch) {
  auto add = [](float a, float b) { return a + b; };
  const int group = blockDim.x;
  const float mean = subtractMean ? blockReduce(s, add, scratch) / static_cast<float>(cols) : 0.f;
  float ss = 0;
#pragma unroll
  for (int k = 0; k < MAXV; ++k)
    if (threadIdx.x + k * group < nvec) {
#pragma unroll
      for (int j = 0; j < V; ++j) {
        vals[k][j] -= mean;
        ss += vals[k][j] * vals[k][j];
      }
    }
  const float inv = rsqrtf(blockReduce(ss, add, scratch) / static_cast<float>(cols) + epsilon);
  const float s0 = scale && scaleN == 1 ? static_cast<float>(load(scale[0])) : 1.f;
  const float b0 = bias && biasN == 1 ? static_cast<float>(load(bias[0])) : 0.f;
#pragma unroll
  for (int k = 0; k < MAXV; ++k) {
    const int vi = threadIdx.x + k * group;
    if (vi < nvec) {
      Vec<T, V> sv, bv, o;
      if (scale && scaleN != 1)
        sv = reinterpret_cast<const Vec<T, V> *>(scale)[vi];
      if (bias && biasN != 1)
        bv = reinterpret_cast<const Vec<T, V> *>(bias)[vi];
#pragma unroll
      for (int j = 0; j < V; ++j) {
        float y = vals[k][j] * inv;
        y *= (scale && scaleN != 1) ? static_cast<float>(load(sv.v[j])) : s0;
        y += (bias && biasN != 1) ? static_cast<float>(load(bv.v[j])) : b0;
        o.v[j] = convert<T>(y);
      }
      q[vi] = o;
    }
  }
}

/// Rows of at most blockDim * MAXV * V elements (V dividing cols, 16-byte
/// aligned operands): each thread keeps its part of the row in registers, so
/// x is read once.
template <typename T, int V, int MAXV>
__global__ void __launch_bounds__(512) layerNormCachedKernel(const T *x, const T *scale, int64_t scaleN,
                                                              const T *bias, int64_t biasN, T *out,
                                                              int64_t rows, int64_t cols,
                                                              float epsilon, bool subtractMean) {
  __shared__ float scratch[32];
  const int nvec = static_cast<int>(cols / V);
  const int group = blockDim.x;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const Vec<T, V> *p = reinterpret_cast<const Vec<T, V> *>(x + r * cols);
    Vec<T, V> *q = reinterpret_cast<Vec<T, V> *>(out + r * cols);
    float vals[MAXV][V];
    float s = 0;
#pragma unroll
    for (int k = 0; k < MAXV; ++k) {
      const int vi = threadIdx.x + k * group;
      if (vi < nvec) {
        const Vec<T, V> in = p[vi];
#pragma unroll
        for (int j = 0; j < V; ++j) {
          vals[k][j] = static_cast<float>(load(in.v[j]));
          s += vals[k][j];
        }
      }
    }
    normalizeCachedRow<T, V, MAXV>(vals, s, nvec, cols, epsilon, subtractMean, scale, scaleN, bias,
                                   biasN, q, scratch);
  }
}

} // namespace detail

/// Layer normalization (RMS normalization without subtractMean) of `rows`
/// rows of `cols` elements; `scale` and `bias` have `cols` elements (or 1,
/// broadcast) or are null.
template <typename T>
void layerNorm(const T *x, const T *scale, int64_t scaleN, const T *bias, int64_t biasN, T *out,
               int64_t rows, int64_t cols, float epsilon, bool subtractMean) {
  if (rows <= 0 || cols <= 0)
    return;
  constexpr int V = sizeof(T) >= 16 ? 1 : static_cast<int>(16 / sizeof(T));
  const int sms = smCount();
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(rows, int64_t(sms) * 32));
  const int64_t work = cols / V;
  const int threads = work >= 1024 ? 256 : (work >= 256 ? 128 : (work >= 64 ? 64 : 32));
  auto aligned = [&](const void *p) { return reinterpret_cast<uintptr_t>(p) % (sizeof(T) * V) == 0; };
  const bool vectorOk = V > 1 && cols % V == 0 && aligned(x) && aligned(out) &&
                        (!scale || scaleN == 1 || aligned(scale)) && (!bias || biasN == 1 || aligned(bias));
  if constexpr (std::is_same_v<T, float> || is16BitFloat<T>) {
    // 32 floats of the row per thread, at most 512 threads.
    constexpr int MAXV = 32 / V;
    const int64_t nvec = cols / V;
    if (vectorOk && nvec <= 512 * MAXV) {
      const int t = static_cast<int>(std::max<int64_t>(64, ((nvec + MAXV - 1) / MAXV + 31) / 32 * 32));
      const unsigned g = static_cast<unsigned>(std::min<int64_t>(rows, int64_t(sms) * 64));
      detail::layerNormCachedKernel<T, V, MAXV><<<g, t, 0, stream()>>>(x, scale, scaleN, bias, biasN, out,
                                                                       rows, cols, epsilon, subtractMean);
      return;
    }
  }
  if (vectorOk) {
    detail::layerNormKernel<T, V><<<grid, threads, 0, stream()>>>(x, scale, scaleN, bias, biasN, out,
                                                                  rows, cols, epsilon, subtractMean);
  } else {
    const int t1 = cols >= 1024 ? 256 : (cols >= 256 ? 128 : (cols >= 64 ? 64 : 32));
    detail::layerNormKernel<T, 1><<<grid, t1, 0, stream()>>>(x, scale, scaleN, bias, biasN, out, rows,
                                                             cols, epsilon, subtractMean);
  }
}

namespace detail {

/// fusedLayerNorm, rows of at most blockDim * MAXV * V elements (V dividing
/// cols, every operand that steps along the row and every output aligned to
/// V elements): layerNormCachedKernel whose row is computed by `f` from the
/// operands, V columns per 16-byte access, instead of read from memory.
template <typename T, int V, int MAXV, typename F, typename Types, size_t... I>
__global__ void __launch_bounds__(512)
    fusedLayerNormCachedKernel(T *out, T *prologueOut, F f, Ptrs<sizeof...(I)> ptrs,
                               RowWalk<sizeof...(I)> walk, const T *scale, int64_t scaleN,
                               const T *bias, int64_t biasN, int64_t rows, int64_t cols,
                               float epsilon, bool subtractMean, std::index_sequence<I...>) {
  constexpr int N = sizeof...(I);
  __shared__ float scratch[32];
  const int nvec = static_cast<int>(cols / V);
  const int group = blockDim.x;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    int64_t off[N > 0 ? N : 1];
    walk.rowOffsets(r, off);
    float vals[MAXV][V];
    float s = 0;
#pragma unroll
    for (int k = 0; k < MAXV; ++k) {
      const int vi = threadIdx.x + k * group;
      if (vi < nvec) {
        VecTuple<V, TypeAt<Types, I>...> ins;
        (loadVec<V>(getVec<I>(ins),
                    static_cast<const TypeAt<Types, I> *>(ptrs.p[I]) + off[I] +
                        walk.step[I] * static_cast<int64_t>(vi) * V,
                    walk.step[I] == 0),
         ...);
        Vec<T, V> h;
#pragma unroll
        for (int j = 0; j < V; ++j) {
          // Rounded to T, as the unfused program stores the row.
          h.v[j] = convert<T>(f(load(getVec<I>(ins).v[j])...));
          vals[k][j] = static_cast<float>(load(h.v[j]));
          s += vals[k][j];
        }
        if (prologueOut)
          reinterpret_cast<Vec<T, V> *>(prologueOut + r * cols)[vi] = h;
      }
    }
    normalizeCachedRow<T, V, MAXV>(vals, s, nvec, cols, epsilon, subtractMean, scale, scaleN, bias,
                                   biasN, reinterpret_cast<Vec<T, V> *>(out + r * cols), scratch);
  }
}

/// fusedLayerNorm of any row: element by element, `f` evaluated again in
/// each of the three passes (sum, variance, normalization) rather than the
/// row kept anywhere; the first pass writes the prologue's value.
template <typename T, typename F, typename Types, size_t... I>
__global__ void __launch_bounds__(256)
    fusedLayerNormKernel(T *out, T *prologueOut, F f, Ptrs<sizeof...(I)> ptrs,
                         RowWalk<sizeof...(I)> walk, const T *scale, int64_t scaleN,
                         const T *bias, int64_t biasN, int64_t rows, int64_t cols, float epsilon,
                         bool subtractMean, std::index_sequence<I...>) {
  constexpr int N = sizeof...(I);
  __shared__ float scratch[32];
  auto add = [](float a, float b) { return a + b; };
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    int64_t off[N > 0 ? N : 1];
    walk.rowOffsets(r, off);
    auto at = [&](int64_t c) {
      return convert<T>(
          f(load(static_cast<const TypeAt<Types, I> *>(ptrs.p[I])[off[I] + c * walk.step[I]])...));
    };
    float s = 0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const T h = at(c);
      if (prologueOut)
        prologueOut[r * cols + c] = h;
      s += static_cast<float>(load(h));
    }
    const float mean = subtractMean ? blockReduce(s, add, scratch) / static_cast<float>(cols) : 0.f;
    float ss = 0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const float d = static_cast<float>(load(at(c))) - mean;
      ss += d * d;
    }
    const float inv = rsqrtf(blockReduce(ss, add, scratch) / static_cast<float>(cols) + epsilon);
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      float y = (static_cast<float>(load(at(c))) - mean) * inv;
      if (scale)
        y *= static_cast<float>(load(scale[scaleN == 1 ? 0 : c]));
      if (bias)
        y += static_cast<float>(load(bias[biasN == 1 ? 0 : c]));
      out[r * cols + c] = convert<T>(y);
    }
  }
}

} // namespace detail

/// layerNorm (RMS normalization without subtractMean) over the last axis of
/// `shape`, of a row computed on the fly as on the CPU: element j of a row
/// is f(ins[j]...) (an LLMK_FN lambda), each operand broadcast to `shape`,
/// rounded to T; `prologueOut`, when given, receives the row before
/// normalization. One kernel: the operands are read once per row.
template <typename T, typename F, typename... TI>
void fusedLayerNorm(const Shape &shape, T *out, T *prologueOut, F f, const T *scale,
                    int64_t scaleN, const T *bias, int64_t biasN, float epsilon,
                    bool subtractMean, const In<TI> &...ins) {
  constexpr int N = sizeof...(TI);
  using Types = std::tuple<TI...>;
  const int64_t n = shape.numel();
  if (n <= 0)
    return;
  const int64_t cols = shape.d[shape.rank - 1], rows = n / cols;
  const Shape *shapes[N > 0 ? N : 1] = {&ins.s...};
  const int64_t rowStrides[N > 0 ? N : 1] = {ins.rowStride...};
  const RowWalk<N> walk(shape, shapes, rowStrides);
  const detail::Ptrs<N> ptrs{{static_cast<const void *>(ins.p)...}};
  const auto seq = std::index_sequence_for<TI...>{};
  const int sms = smCount();
  constexpr size_t maxSize = std::max({sizeof(T), sizeof(TI)...});
  constexpr int V = maxSize >= 16 ? 1 : static_cast<int>(16 / maxSize);
  auto aligned = [](const void *p, size_t size) {
    return reinterpret_cast<uintptr_t>(p) % (size * V) == 0;
  };
  bool vectorOk = V > 1 && cols % V == 0 && aligned(out, sizeof(T)) &&
                  (!prologueOut || aligned(prologueOut, sizeof(T))) &&
                  (!scale || scaleN == 1 || aligned(scale, sizeof(T))) &&
                  (!bias || biasN == 1 || aligned(bias, sizeof(T)));
  const size_t sizes[N > 0 ? N : 1] = {sizeof(TI)...};
  for (int k = 0; k < N; ++k) {
    vectorOk = vectorOk && (walk.step[k] == 0 || aligned(ptrs.p[k], sizes[k]));
    // Every row must start on a vector too (a row-strided view's pitch).
    for (int i = 0; i < walk.rank && vectorOk && walk.step[k] != 0; ++i)
      vectorOk = walk.strides[k][i] % V == 0;
  }
  if constexpr (V > 1 && (std::is_same_v<T, float> || is16BitFloat<T>)) {
    // 32 floats of the row per thread, at most 512 threads.
    constexpr int MAXV = 32 / V > 0 ? 32 / V : 1;
    const int64_t nvec = cols / V;
    if (vectorOk && nvec <= 512 * MAXV) {
      const int t = static_cast<int>(std::max<int64_t>(64, ((nvec + MAXV - 1) / MAXV + 31) / 32 * 32));
      const unsigned g = static_cast<unsigned>(std::min<int64_t>(rows, int64_t(sms) * 64));
      detail::fusedLayerNormCachedKernel<T, V, MAXV, F, Types><<<g, t, 0, stream()>>>(
          out, prologueOut, f, ptrs, walk, scale, scaleN, bias, biasN, rows, cols, epsilon,
          subtractMean, seq);
      return;
    }
  }
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(rows, int64_t(sms) * 32));
  const int threads = cols >= 1024 ? 256 : (cols >= 256 ? 128 : (cols >= 64 ? 64 : 32));
  detail::fusedLayerNormKernel<T, F, Types><<<grid, threads, 0, stream()>>>(
      out, prologueOut, f, ptrs, walk, scale, scaleN, bias, biasN, rows, cols, epsilon,
      subtractMean, seq);
}

namespace detail {

template <typename T>
__global__ void __launch_bounds__(256) cumsumKernel(const T *x, T *out, int64_t outer, int64_t len, int64_t inner,
                                                     bool exclusive, bool reverse) {
  LLMK_GRID_STRIDE(col, outer * inner) {
    const int64_t o = col / inner, i = col % inner;
    compute_t<T> acc = 0;
    for (int64_t jj = 0; jj < len; ++jj) {
      const int64_t j = reverse ? len - 1 - jj : jj;
      const int64_t at = (o * len + j) * inner + i;
      const compute_t<T> v = load(x[at]);
      if (exclusive) {
        out[at] = convert<T>(acc);
        acc += v;
      } else {
        acc += v;
        out[at] = convert<T>(acc);
      }
    }
  }
}

/// inner == 1: a block per row; each thread scans a contiguous chunk, after
/// an exclusive scan of the chunks' sums across the block.
template <typename T>
__global__ void __launch_bounds__(256) cumsumRowsKernel(const T *x, T *out, int64_t rows, int64_t len,
                                                         bool exclusive, bool reverse) {
  using C = compute_t<T>;
  __shared__ C warpSums[32];
  const int64_t chunk = (len + blockDim.x - 1) / blockDim.x;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *p = x + r * len;
    T *q = out + r * len;
    const int64_t j0 = threadIdx.x * chunk, j1 = j0 + chunk < len ? j0 + chunk : len;
    C local = 0;
    for (int64_t jj = j0; jj < j1; ++jj)
      local += load(p[reverse ? len - 1 - jj : jj]);
    // Exclusive scan of `local` over the block: warps, then warp totals.
    C incl = local;
    for (int o = 1; o < 32; o <<= 1) {
      C v = shflUp(incl, o);
      if (lane >= o)
        incl += v;
    }
    __syncthreads();
    if (lane == 31)
      warpSums[warp] = incl;
    __syncthreads();
    C before = 0;
    for (int w = 0; w < warp; ++w)
      before += warpSums[w];
    C acc = before + incl - local;
    (void)warps;
    for (int64_t jj = j0; jj < j1; ++jj) {
      const int64_t j = reverse ? len - 1 - jj : jj;
      const C v = load(p[j]);
      if (exclusive) {
        q[j] = convert<T>(acc);
        acc += v;
      } else {
        acc += v;
        q[j] = convert<T>(acc);
      }
    }
  }
}

} // namespace detail

/// Cumulative sum along the axis splitting the tensor into [outer, len, inner].
template <typename T>
void cumsum(const T *x, T *out, int64_t outer, int64_t len, int64_t inner, bool exclusive,
            bool reverse) {
  if (outer * len * inner <= 0)
    return;
  if (inner == 1 && len >= 512) {
    const int sms = smCount();
    const unsigned grid = static_cast<unsigned>(std::min<int64_t>(outer, int64_t(sms) * 8));
    detail::cumsumRowsKernel<T><<<grid, 256, 0, stream()>>>(x, out, outer, len, exclusive, reverse);
    return;
  }
  detail::cumsumKernel<T><<<detail::gridFor(outer * inner, 64), 64, 0, stream()>>>(
      x, out, outer, len, inner, exclusive, reverse);
}

namespace detail {

/// topk's order: NaN above every number when largest (below when not);
/// ties keep the lower index first.
template <typename C>
__device__ __forceinline__ bool topBetter(C a, int64_t ia, C b, int64_t ib, bool largest) {
  const bool na = a != a, nb = b != b;
  if (na || nb) {
    if (na && nb)
      return ia < ib;
    return largest ? na : nb;
  }
  if (a != b)
    return largest ? a > b : a < b;
  return ia < ib;
}

template <typename T>
__global__ void __launch_bounds__(256) topkKernel(const T *x, int64_t outer, int64_t len, int64_t inner,
                                                   int64_t k, bool largest, T *values,
                                                   int64_t *indices) {
  using C = compute_t<T>;
  __shared__ C sv[32];
  __shared__ int64_t si[32];
  __shared__ C prevV;
  __shared__ int64_t prevI;
  for (int64_t r = blockIdx.x; r < outer * inner; r += gridDim.x) {
    const int64_t o = r / inner, i = r % inner;
    const T *p = x + o * len * inner + i;
    for (int64_t round = 0; round < k; ++round) {
      // The best element strictly after the previous round's in the order.
      C best = C(0);
      int64_t bestI = -1;
      const bool hasPrev = round > 0;
      const C pv = hasPrev ? prevV : C(0);
      const int64_t pi = hasPrev ? prevI : -1;
      for (int64_t j = threadIdx.x; j < len; j += blockDim.x) {
        const C v = load(p[j * inner]);
        if (hasPrev && !topBetter(pv, pi, v, j, largest))
          continue;
        if (bestI < 0 || topBetter(v, j, best, bestI, largest)) {
          best = v;
          bestI = j;
        }
      }
      for (int s = 16; s > 0; s >>= 1) {
        C ov = shflXor(best, s);
        int64_t oi = shflXor(bestI, s);
        if (oi >= 0 && (bestI < 0 || topBetter(ov, oi, best, bestI, largest))) {
          best = ov;
          bestI = oi;
        }
      }
      const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, warps = blockDim.x / 32;
      if (lane == 0) {
        sv[warp] = best;
        si[warp] = bestI;
      }
      __syncthreads();
      if (threadIdx.x == 0) {
        for (int w = 1; w < warps; ++w)
          if (si[w] >= 0 && (bestI < 0 || topBetter(sv[w], si[w], best, bestI, largest))) {
            best = sv[w];
            bestI = si[w];
          }
        const int64_t at = (o * k + round) * inner + i;
        if (bestI >= 0) {
          values[at] = p[bestI * inner];
          indices[at] = bestI;
        }
        prevV = best;
        prevI = bestI;
      }
      __syncthreads();
    }
  }
}

} // namespace detail

/// The k largest (or smallest) along the axis splitting x into
/// [outer, len, inner]; ties keep the lower index first, as ONNX asks.
template <typename T>
void topk(const T *x, int64_t outer, int64_t len, int64_t inner, int64_t k, bool largest, T *values,
          int64_t *indices) {
  if (outer * inner <= 0 || k <= 0 || len <= 0)
    return;
  const int sms = smCount();
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(outer * inner, int64_t(sms) * 16));
  const int threads = len >= 256 ? 256 : (len >= 128 ? 128 : (len > 32 ? 64 : 32));
  detail::topkKernel<T><<<grid, threads, 0, stream()>>>(x, outer, len, inner, k, largest, values,
                                                         indices);
}

} // namespace llmk

#endif // LLMK_CUDA_REDUCE_CUH
