//===- Movement.cuh - data movement: transpose, concat, slice, gather... ---===//
//
// The CUDA counterparts of the CPU library's Movement.h, same signatures.
// Host arrays (perm, starts, steps) are read on the host and passed to the
// kernels by value.
//
// Copies that only move elements (transpose, slice, tile, gather, concat)
// are done on the element's bytes, not its type, and on wider units where
// the layout allows (a contiguous run of 16 bytes moves as one uint4), so
// they compile once per element size.
//
// Gathers cannot fail on the device: an index out of range stores
// LLM_CUDA_ERROR_INDEX_OUT_OF_RANGE in the run's error flag, writes 0 and
// the kernel returns true; the runtime reports the flag after the run.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_MOVEMENT_CUH
#define LLMK_CUDA_MOVEMENT_CUH

#include "llmk/Elementwise.cuh"

namespace llmk {

namespace detail {

template <int Bytes> struct UnitOf;
template <> struct UnitOf<1> { using type = uint8_t; };
template <> struct UnitOf<2> { using type = uint16_t; };
template <> struct UnitOf<4> { using type = uint32_t; };
template <> struct UnitOf<8> { using type = uint64_t; };
template <> struct UnitOf<16> { using type = uint4; };

/// dst[e] = src[base + sum_i idx_i(e) * strides[i]] over `dims` (row-major),
/// all in units.
struct CopyParams {
  int rank;
  int64_t dims[kMaxRank];
  int64_t strides[kMaxRank];
  int64_t base;
};

template <typename U, typename Idx>
__device__ __forceinline__ int64_t copyOffset(const CopyParams &p, int64_t e) {
  int64_t off = p.base;
  Idx rem = static_cast<Idx>(e);
  for (int i = p.rank - 1; i >= 0; --i) {
    const Idx d = static_cast<Idx>(p.dims[i]);
    off += static_cast<int64_t>(rem % d) * p.strides[i];
    rem /= d;
  }
  return off;
}

template <typename U>
__global__ void __launch_bounds__(256) stridedCopyKernel(U *dst, const U *src, int64_t n, CopyParams p) {
  if (n <= 0x7fffffff) {
    LLMK_GRID_STRIDE(e, n) dst[e] = src[copyOffset<U, uint32_t>(p, e)];
  } else {
    LLMK_GRID_STRIDE(e, n) dst[e] = src[copyOffset<U, int64_t>(p, e)];
  }
}

/// Copies from `src` (element strides, element base) to the contiguous `dst`
/// of shape `dims`. Merges dims, drops dims of 1, and widens the unit while
/// the innermost run stays contiguous and aligned.
inline void stridedCopy(void *dst, const void *src, int elemBytes, int rank, const int64_t *dims,
                        const int64_t *strides, int64_t base) {
  CopyParams p{};
  int64_t n = 1;
  for (int i = 0; i < rank; ++i)
    n *= dims[i];
  if (n <= 0)
    return;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] == 1)
      continue;
    if (p.rank > 0 && p.strides[p.rank - 1] == strides[i] * dims[i]) {
      p.dims[p.rank - 1] *= dims[i];
      p.strides[p.rank - 1] = strides[i];
    } else {
      p.dims[p.rank] = dims[i];
      p.strides[p.rank] = strides[i];
      ++p.rank;
    }
  }
  if (p.rank == 0) {
    p.rank = 1;
    p.dims[0] = 1;
    p.strides[0] = 1;
  }
  p.base = base;
  // A single contiguous run: one memcpy.
  if (p.rank == 1 && p.strides[0] == 1) {
    copy(dst, static_cast<const char *>(src) + base * elemBytes, n * elemBytes);
    return;
  }
  int unit = elemBytes;
  const int last = p.rank - 1;
  while (unit < 16 && p.strides[last] == 1) {
    const int64_t f = 2;
    bool ok = p.dims[last] % f == 0 && p.base % f == 0;
    for (int i = 0; i < last && ok; ++i)
      ok = p.strides[i] % f == 0;
    ok = ok && reinterpret_cast<uintptr_t>(dst) % (unit * f) == 0 &&
         reinterpret_cast<uintptr_t>(src) % (unit * f) == 0;
    if (!ok)
      break;
    p.dims[last] /= f;
    for (int i = 0; i < last; ++i)
      p.strides[i] /= f;
    p.base /= f;
    n /= f;
    unit *= static_cast<int>(f);
  }
  const unsigned grid = gridFor(n);
  switch (unit) {
  case 1: stridedCopyKernel<<<grid, kThreads, 0, stream()>>>((uint8_t *)dst, (const uint8_t *)src, n, p); break;
  case 2: stridedCopyKernel<<<grid, kThreads, 0, stream()>>>((uint16_t *)dst, (const uint16_t *)src, n, p); break;
  case 4: stridedCopyKernel<<<grid, kThreads, 0, stream()>>>((uint32_t *)dst, (const uint32_t *)src, n, p); break;
  case 8: stridedCopyKernel<<<grid, kThreads, 0, stream()>>>((uint64_t *)dst, (const uint64_t *)src, n, p); break;
  case 16: stridedCopyKernel<<<grid, kThreads, 0, stream()>>>((uint4 *)dst, (const uint4 *)src, n, p); break;
  default: throw std::runtime_error("llmk: unsupported element size");
  }
}

/// Transposes of the last two dims (with the other dims kept in order) go
/// through shared-memory tiles, so that reads and writes both coalesce.
template <typename U>
__global__ void __launch_bounds__(256) transpose2dKernel(U *dst, const U *src, int64_t batch, int64_t R,
                                                          int64_t C) {
  // src [batch, R, C] -> dst [batch, C, R]
  __shared__ U tile[32][33];
  const int64_t tilesC = (C + 31) / 32, tilesR = (R + 31) / 32;
  const int64_t tiles = batch * tilesR * tilesC;
  for (int64_t t = blockIdx.x; t < tiles; t += gridDim.x) {
    const int64_t b = t / (tilesR * tilesC), rem = t % (tilesR * tilesC);
    const int64_t r0 = (rem / tilesC) * 32, c0 = (rem % tilesC) * 32;
    const U *s = src + b * R * C;
    U *d = dst + b * R * C;
    for (int i = threadIdx.y; i < 32; i += blockDim.y) {
      const int64_t r = r0 + i, c = c0 + threadIdx.x;
      if (r < R && c < C)
        tile[i][threadIdx.x] = s[r * C + c];
    }
    __syncthreads();
    for (int i = threadIdx.y; i < 32; i += blockDim.y) {
      const int64_t c = c0 + i, r = r0 + threadIdx.x;
      if (r < R && c < C)
        d[c * R + r] = tile[threadIdx.x][i];
    }
    __syncthreads();
  }
}

template <typename U>
void transpose2d(void *dst, const void *src, int64_t batch, int64_t R, int64_t C) {
  const int64_t tiles = batch * ((R + 31) / 32) * ((C + 31) / 32);
  const int sms = smCount();
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(tiles, int64_t(sms) * 16));
  transpose2dKernel<U><<<grid, dim3(32, 8), 0, stream()>>>(static_cast<U *>(dst),
                                                            static_cast<const U *>(src), batch, R, C);
}

} // namespace detail

/// Copies `x` permuted: out dim i is input dim perm[i] (perm: host array).
template <typename T> void transpose(const In<T> &x, T *out, const int64_t *perm) {
  const Shape &s = x.s;
  int64_t inStrides[kMaxRank];
  int64_t stride = 1;
  for (int i = s.rank - 1; i >= 0; --i) {
    inStrides[i] = stride;
    stride *= s.d[i];
  }
  int64_t dims[kMaxRank], st[kMaxRank];
  for (int i = 0; i < s.rank; ++i) {
    dims[i] = s.d[perm[i]];
    st[i] = inStrides[perm[i]];
  }
  // Drop dims of 1 and merge, to recognize a batched 2-D transpose.
  int r = 0;
  int64_t md[kMaxRank], ms[kMaxRank];
  int64_t n = 1;
  for (int i = 0; i < s.rank; ++i) {
    n *= dims[i];
    if (dims[i] == 1)
      continue;
    if (r > 0 && ms[r - 1] == st[i] * dims[i]) {
      md[r - 1] *= dims[i];
      ms[r - 1] = st[i];
    } else {
      md[r] = dims[i];
      ms[r] = st[i];
      ++r;
    }
  }
  if (n <= 0)
    return;
  // out [B, C, R] from in [B, R, C]: strides (R*C, 1, C).
  if (r >= 2 && r <= 3 && ms[r - 1] == md[r - 2] && ms[r - 2] == 1 &&
      (r == 2 || ms[0] == md[1] * md[2]) && md[r - 1] >= 8 && md[r - 2] >= 8) {
    const int64_t batch = r == 3 ? md[0] : 1, R = md[r - 1], C = md[r - 2];
    switch (sizeof(T)) {
    case 1: detail::transpose2d<uint8_t>(out, x.p, batch, R, C); return;
    case 2: detail::transpose2d<uint16_t>(out, x.p, batch, R, C); return;
    case 4: detail::transpose2d<uint32_t>(out, x.p, batch, R, C); return;
    case 8: detail::transpose2d<uint64_t>(out, x.p, batch, R, C); return;
    default: break;
    }
  }
  detail::stridedCopy(out, x.p, sizeof(T), s.rank, dims, st, 0);
}

/// Copies `x` into `out` at `outOffset` along the axis splitting both into
/// [outer, len, inner]: one piece of a concat.
template <typename T>
void concatPiece(const T *x, int64_t outer, int64_t len, int64_t inner, T *out, int64_t outLen,
                 int64_t offset) {
  const int64_t chunk = len * inner;
  if (chunk <= 0 || outer <= 0)
    return;
  if (outer == 1) {
    copy(out + offset * inner, x, chunk * sizeof(T));
    return;
  }
  LLMK_CUDA_CHECK(cudaMemcpy2DAsync(out + offset * inner, outLen * inner * sizeof(T), x,
                                    chunk * sizeof(T), chunk * sizeof(T), outer,
                                    cudaMemcpyDeviceToDevice, stream()));
}

/// out[i...] = x[start + i * step ...] per dim (every dim given; host arrays).
template <typename T>
void slice(const In<T> &x, const Shape &out, T *o, const int64_t *starts, const int64_t *steps) {
  if (out.numel() <= 0)
    return;
  int64_t strides[kMaxRank], stride = 1;
  for (int i = x.s.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= x.s.d[i];
  }
  int64_t base = 0, st[kMaxRank];
  for (int i = 0; i < x.s.rank; ++i) {
    base += starts[i] * strides[i];
    st[i] = steps[i] * strides[i];
  }
  detail::stridedCopy(o, x.p, sizeof(T), out.rank, out.d, st, base);
}

namespace detail {

template <typename U, typename I>
__global__ void __launch_bounds__(256) gatherKernel(const U *data, int64_t len, int64_t inner, const I *idx,
                                                     int64_t count, U *out, int64_t n,
                                                     int32_t *flag) {
  LLMK_GRID_STRIDE(e, n) {
    const int64_t r = e / inner, k = e - r * inner;
    const int64_t o = r / count, i = r - o * count;
    int64_t j = static_cast<int64_t>(idx[i]);
    if (j < 0)
      j += len;
    U v{};
    if (j >= 0 && j < len)
      v = data[(o * len + j) * inner + k];
    else
      reportIndexError(flag);
    out[e] = v;
  }
}

template <typename U, typename I>
void gatherUnits(const void *data, int64_t outer, int64_t len, int64_t inner, const I *idx,
                 int64_t count, void *out) {
  const int64_t n = outer * count * inner;
  gatherKernel<U, I><<<gridFor(n), kThreads, 0, stream()>>>(
      static_cast<const U *>(data), len, inner, idx, count, static_cast<U *>(out), n, errorFlag());
}

} // namespace detail

/// ONNX Gather: out[o, i, n] = data[o, idx[i], n] over [outer, len, inner].
/// Always returns true (see the file comment).
template <typename T, typename I>
bool gather(const T *data, int64_t outer, int64_t len, int64_t inner, const I *idx, int64_t count,
            T *out) {
  if (outer * count * inner <= 0)
    return true;
  int64_t bytes = inner * static_cast<int64_t>(sizeof(T));
  auto aligned = [&](int u) {
    return bytes % u == 0 && reinterpret_cast<uintptr_t>(data) % u == 0 &&
           reinterpret_cast<uintptr_t>(out) % u == 0;
  };
  if (aligned(16))
    detail::gatherUnits<uint4>(data, outer, len, bytes / 16, idx, count, out);
  else if (aligned(8))
    detail::gatherUnits<uint64_t>(data, outer, len, bytes / 8, idx, count, out);
  else if (aligned(4))
    detail::gatherUnits<uint32_t>(data, outer, len, bytes / 4, idx, count, out);
  else if (aligned(2))
    detail::gatherUnits<uint16_t>(data, outer, len, bytes / 2, idx, count, out);
  else
    detail::gatherUnits<uint8_t>(data, outer, len, bytes, idx, count, out);
  return true;
}

namespace detail {

template <typename T, typename I>
__global__ void __launch_bounds__(256) gatherElementsKernel(const T *x, Shape xs, const I *idx, Shape is,
                                                             T *out, int axis, int64_t n,
                                                             int32_t *flag) {
  LLMK_GRID_STRIDE(e, n) {
    int64_t rem = e, off = 0, stride = 1;
    bool bad = false;
    for (int i = is.rank - 1; i >= 0; --i) {
      int64_t c = rem % is.d[i];
      rem /= is.d[i];
      if (i == axis) {
        c = static_cast<int64_t>(idx[e]);
        if (c < 0)
          c += xs.d[axis];
        if (c < 0 || c >= xs.d[axis])
          bad = true;
      }
      off += c * stride;
      stride *= xs.d[i];
    }
    if (bad) {
      reportIndexError(flag);
      out[e] = T{};
    } else {
      out[e] = x[off];
    }
  }
}

template <typename T, typename I>
__global__ void __launch_bounds__(256) gatherNdKernel(const T *x, Shape xs, const I *idx, int64_t q,
                                                       int batchDims, int64_t perBatch,
                                                       int64_t slice, int64_t xBatch, T *out,
                                                       int64_t n, int32_t *flag) {
  LLMK_GRID_STRIDE(e, n) {
    const int64_t t = e / slice, s = e - t * slice;
    const int64_t b = t / perBatch;
    const I *tuple = idx + t * q;
    int64_t off = 0;
    bool bad = false;
    for (int64_t k = 0; k < q; ++k) {
      const int64_t dim = xs.d[batchDims + k];
      int64_t c = static_cast<int64_t>(tuple[k]);
      if (c < 0)
        c += dim;
      if (c < 0 || c >= dim) {
        bad = true;
        c = 0;
      }
      off = off * dim + c;
    }
    if (bad) {
      reportIndexError(flag);
      out[e] = T{};
    } else {
      out[e] = x[b * xBatch + off * slice + s];
    }
  }
}

} // namespace detail

/// ONNX GatherElements along `axis`; `idx` has the output's shape.
template <typename T, typename I>
bool gatherElements(const In<T> &x, const In<I> &idx, T *out, int axis) {
  const int64_t n = idx.s.numel();
  if (n <= 0)
    return true;
  detail::gatherElementsKernel<T, I><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(
      x.p, x.s, idx.p, idx.s, out, axis, n, errorFlag());
  return true;
}

/// ONNX GatherND with batch_dims.
template <typename T, typename I>
bool gatherNd(const In<T> &x, const In<I> &idx, T *out, int batchDims) {
  const int64_t q = idx.s.d[idx.s.rank - 1];
  const int64_t batch = x.s.span(0, batchDims);
  const int64_t perBatch = idx.s.span(batchDims, idx.s.rank - 1);
  const int64_t slice = x.s.span(batchDims + static_cast<int>(q), x.s.rank);
  const int64_t xBatch = x.s.span(batchDims, x.s.rank);
  const int64_t n = batch * perBatch * slice;
  if (n <= 0)
    return true;
  detail::gatherNdKernel<T, I><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(
      x.p, x.s, idx.p, q, batchDims, perBatch, slice, xBatch, out, n, errorFlag());
  return true;
}

enum class ScatterReduction { None, Add, Mul, Max, Min };

namespace detail {

template <typename I>
__device__ __forceinline__ int64_t scatterOffset(const I *tuple, int64_t q, const Shape &xs,
                                                 bool &bad) {
  int64_t off = 0;
  for (int64_t k = 0; k < q; ++k) {
    int64_t c = static_cast<int64_t>(tuple[k]);
    if (c < 0)
      c += xs.d[k];
    if (c < 0 || c >= xs.d[k]) {
      bad = true;
      return 0;
    }
    off = off * xs.d[k] + c;
  }
  return off;
}

/// No reduction: every (tuple, element) in parallel. Duplicate tuples are
/// undefined in ONNX; here one of them wins, not necessarily the last.
template <typename T, typename I>
__global__ void __launch_bounds__(256) scatterNdKernel(Shape xs, const I *idx, int64_t q, const T *updates,
                                                        T *out, int64_t slice, int64_t n,
                                                        int32_t *flag) {
  LLMK_GRID_STRIDE(e, n) {
    const int64_t t = e / slice, s = e - t * slice;
    bool bad = false;
    const int64_t off = scatterOffset(idx + t * q, q, xs, bad);
    if (bad)
      reportIndexError(flag);
    else
      out[off * slice + s] = updates[e];
  }
}

/// Reductions: one thread per element of a slice applies the tuples in
/// order (deterministic, and duplicates reduce as on the CPU).
template <typename T, typename I>
__global__ void __launch_bounds__(256) scatterNdReduceKernel(Shape xs, const I *idx, int64_t q,
                                                              const T *updates, T *out,
                                                              int64_t slice, int64_t tuples,
                                                              ScatterReduction reduction,
                                                              int32_t *flag) {
  LLMK_GRID_STRIDE(s, slice) {
    for (int64_t t = 0; t < tuples; ++t) {
      bool bad = false;
      const int64_t off = scatterOffset(idx + t * q, q, xs, bad);
      if (bad) {
        if (s == 0)
          reportIndexError(flag);
        continue;
      }
      T &dst = out[off * slice + s];
      auto a = load(dst), b = load(updates[t * slice + s]);
      switch (reduction) {
      case ScatterReduction::None: dst = updates[t * slice + s]; break;
      case ScatterReduction::Add: dst = convert<T>(a + b); break;
      case ScatterReduction::Mul: dst = convert<T>(a * b); break;
      case ScatterReduction::Max: dst = convert<T>(a > b ? a : b); break;
      case ScatterReduction::Min: dst = convert<T>(a < b ? a : b); break;
      }
    }
  }
}

} // namespace detail

/// ONNX ScatterND: `out` starts as a copy of data; updates go to the index
/// tuples. Always returns true (see the file comment).
template <typename T, typename I>
bool scatterNd(const In<T> &x, const In<I> &idx, const T *updates, T *out,
               ScatterReduction reduction) {
  copy(out, x.p, x.s.numel() * static_cast<int64_t>(sizeof(T)));
  const int64_t q = idx.s.d[idx.s.rank - 1];
  const int64_t tuples = idx.s.span(0, idx.s.rank - 1);
  const int64_t slice = x.s.span(static_cast<int>(q), x.s.rank);
  if (tuples <= 0 || slice <= 0)
    return true;
  if (reduction == ScatterReduction::None) {
    const int64_t n = tuples * slice;
    detail::scatterNdKernel<T, I><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(
        x.s, idx.p, q, updates, out, slice, n, errorFlag());
  } else {
    detail::scatterNdReduceKernel<T, I><<<detail::gridFor(slice), detail::kThreads, 0, stream()>>>(
        x.s, idx.p, q, updates, out, slice, tuples, reduction, errorFlag());
  }
  return true;
}

namespace detail {

template <typename U>
__global__ void __launch_bounds__(256) tileKernel(const U *x, Shape xs, Shape os, U *o, int64_t n) {
  LLMK_GRID_STRIDE(e, n) {
    int64_t rem = e, off = 0, stride = 1;
    for (int i = os.rank - 1; i >= 0; --i) {
      off += ((rem % os.d[i]) % xs.d[i]) * stride;
      rem /= os.d[i];
      stride *= xs.d[i];
    }
    o[e] = x[off];
  }
}

template <typename T>
__global__ void __launch_bounds__(256) triluKernel(const T *x, T *out, int64_t R, int64_t C, bool upper,
                                                    int64_t k, int64_t n) {
  LLMK_GRID_STRIDE(e, n) {
    const int64_t j = e % C, i = (e / C) % R;
    const bool keep = upper ? (j - i >= k) : (j - i <= k);
    out[e] = keep ? x[e] : convert<T>(0);
  }
}

} // namespace detail

/// ONNX Tile: out[i] = x[i mod dim] per dim.
template <typename T> void tile(const In<T> &x, const Shape &out, T *o) {
  const int64_t n = out.numel();
  if (n <= 0)
    return;
  using U = typename detail::UnitOf<sizeof(T)>::type;
  detail::tileKernel<U><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(
      reinterpret_cast<const U *>(x.p), x.s, out, reinterpret_cast<U *>(o), n);
}

/// Keeps the upper (j - i >= k) or lower (j - i <= k) triangle of the last
/// two dims, zeroing the rest.
template <typename T> void trilu(const In<T> &x, T *out, bool upper, int64_t k) {
  const int64_t R = x.s.d[x.s.rank - 2], C = x.s.d[x.s.rank - 1];
  const int64_t n = x.s.numel();
  if (n <= 0)
    return;
  detail::triluKernel<T><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(x.p, out, R, C,
                                                                                upper, k, n);
}

} // namespace llmk

#endif // LLMK_CUDA_MOVEMENT_CUH
