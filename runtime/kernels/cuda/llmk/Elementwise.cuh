//===- Elementwise.cuh - n-ary elementwise kernels with broadcasting -------===//
//
// llmk::elementwise(out, o, f, in(...)...) as on the CPU: `f` is a generic
// __device__ lambda applied to every operand in its compute type (float for
// the 16-bit floats), numpy broadcasting every operand to `out`.
//
// The dims are merged as in the CPU library's LoopNest (dims every operand
// walks contiguously, or broadcasts together, become one). Then:
//  - flat: every operand either has the output's layout or is a single
//    element (the common case in fused regions): a grid-stride kernel of
//    16-byte vectorized loads and stores, with the tail done element by
//    element; pointers that are not aligned take the strided kernel;
//  - strided: index math per element over the merged dims (32-bit division
//    when the output has fewer than 2^31 elements).
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_ELEMENTWISE_CUH
#define LLMK_CUDA_ELEMENTWISE_CUH

#include "llmk/Base.cuh"
#include "llmk/Math.cuh"

#include <tuple>
#include <utility>

namespace llmk {

namespace detail {

/// The merged loop nest of an elementwise op (the CPU library's LoopNest).
template <int N> struct LoopNest {
  int rank = 0;
  int64_t dims[kMaxRank];
  int64_t strides[N > 0 ? N : 1][kMaxRank];

  LoopNest(const Shape &out, const Shape *const *shapes, const int64_t *rowStrides) {
    int64_t full[N > 0 ? N : 1][kMaxRank];
    for (int k = 0; k < N; ++k)
      broadcastStrides(*shapes[k], out, full[k], rowStrides[k]);
    for (int i = 0; i < out.rank; ++i) {
      if (out.d[i] == 1)
        continue;
      bool merge = rank > 0;
      for (int k = 0; k < N && merge; ++k)
        merge = strides[k][rank - 1] == full[k][i] * out.d[i];
      if (merge) {
        dims[rank - 1] *= out.d[i];
        for (int k = 0; k < N; ++k)
          strides[k][rank - 1] = full[k][i];
      } else {
        dims[rank] = out.d[i];
        for (int k = 0; k < N; ++k)
          strides[k][rank] = full[k][i];
        ++rank;
      }
    }
    if (rank == 0) {
      rank = 1;
      dims[0] = 1;
      for (int k = 0; k < N; ++k)
        strides[k][0] = 0;
    }
  }
};

/// Operand pointers, typed again in the kernels from the type list.
template <int N> struct Ptrs {
  const void *p[N > 0 ? N : 1];
};

template <typename T, int V> struct alignas(sizeof(T) * V) Vec {
  T v[V];
};

/// One Vec per operand (a tuple that needs no std::tuple in device code).
template <int V, typename... T> struct VecTuple {};
template <int V, typename T, typename... R> struct VecTuple<V, T, R...> {
  Vec<T, V> head;
  VecTuple<V, R...> tail;
};
template <size_t K, int V, typename T, typename... R>
__device__ __forceinline__ auto &getVec(VecTuple<V, T, R...> &t) {
  if constexpr (K == 0)
    return t.head;
  else
    return getVec<K - 1>(t.tail);
}

template <typename Types, size_t K> using TypeAt = std::tuple_element_t<K, Types>;

template <int N> struct StridedParams {
  int rank;
  int64_t dims[kMaxRank];
  int64_t strides[N > 0 ? N : 1][kMaxRank];
};

template <typename Idx, int N>
__device__ __forceinline__ void stridedOffsets(const StridedParams<N> &p, int64_t e, int64_t *off) {
#pragma unroll
  for (int k = 0; k < N; ++k)
    off[k] = 0;
  Idx rem = static_cast<Idx>(e);
  for (int i = p.rank - 1; i >= 0; --i) {
    const Idx d = static_cast<Idx>(p.dims[i]);
    const Idx idx = rem % d;
    rem /= d;
#pragma unroll
    for (int k = 0; k < N; ++k)
      off[k] += static_cast<int64_t>(idx) * p.strides[k][i];
  }
}

template <int V, typename T>
__device__ __forceinline__ void loadVec(Vec<T, V> &dst, const T *p, bool broadcast) {
  if (broadcast) {
    const T v = p[0];
#pragma unroll
    for (int j = 0; j < V; ++j)
      dst.v[j] = v;
  } else {
    dst = *reinterpret_cast<const Vec<T, V> *>(p);
  }
}

/// Vector kernel: V consecutive output elements per step, from one offset
/// computation. Along the innermost merged dim every operand either steps by
/// one (a 16-byte load; V divides that dim unless it is the only one, and
/// pointers are aligned) or stays (bit k of `bcastMask`: one element,
/// broadcast). The tail (fewer than V elements, single-dim nests only) goes
/// element by element.
template <int V, typename TO, typename F, typename Types, size_t... I>
__global__ void __launch_bounds__(256)
    elementwiseVecKernel(int64_t n, TO *o, F f, Ptrs<sizeof...(I)> ptrs,
                         StridedParams<sizeof...(I)> params, unsigned bcastMask,
                         std::index_sequence<I...>) {
  constexpr int N = sizeof...(I);
  int64_t off[N > 0 ? N : 1];
  const int64_t nv = n / V;
  const bool small = n <= 0x7fffffff;
  LLMK_GRID_STRIDE(v, nv) {
    if (small)
      stridedOffsets<uint32_t>(params, v * V, off);
    else
      stridedOffsets<int64_t>(params, v * V, off);
    VecTuple<V, TypeAt<Types, I>...> ins;
    (loadVec<V>(getVec<I>(ins), static_cast<const TypeAt<Types, I> *>(ptrs.p[I]) + off[I],
                (bcastMask >> I) & 1u),
     ...);
    Vec<TO, V> out;
#pragma unroll
    for (int j = 0; j < V; ++j)
      out.v[j] = convert<TO>(f(load(getVec<I>(ins).v[j])...));
    *reinterpret_cast<Vec<TO, V> *>(o + v * V) = out;
  }
  const int64_t tail = n - nv * V;
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t < tail) {
    const int64_t e = nv * V + t;
    stridedOffsets<int64_t>(params, e, off);
    o[e] = convert<TO>(f(load(static_cast<const TypeAt<Types, I> *>(ptrs.p[I])[off[I]])...));
  }
}

template <typename TO, typename F, typename Types, size_t... I>
__global__ void __launch_bounds__(256)
    elementwiseStridedKernel(int64_t n, TO *o, F f, Ptrs<sizeof...(I)> ptrs,
                             StridedParams<sizeof...(I)> params, std::index_sequence<I...>) {
  constexpr int N = sizeof...(I);
  int64_t off[N > 0 ? N : 1];
  if (n <= 0x7fffffff) {
    LLMK_GRID_STRIDE(e, n) {
      stridedOffsets<uint32_t>(params, e, off);
      o[e] = convert<TO>(f(load(static_cast<const TypeAt<Types, I> *>(ptrs.p[I])[off[I]])...));
    }
  } else {
    LLMK_GRID_STRIDE(e, n) {
      stridedOffsets<int64_t>(params, e, off);
      o[e] = convert<TO>(f(load(static_cast<const TypeAt<Types, I> *>(ptrs.p[I])[off[I]])...));
    }
  }
}

template <typename TO, typename F, typename... TI, size_t... I>
void elementwiseImpl(const Shape &out, TO *o, F &f, std::index_sequence<I...> seq,
                     const In<TI> &...ins) {
  constexpr int N = sizeof...(TI);
  using Types = std::tuple<TI...>;
  const int64_t n = out.numel();
  if (n <= 0)
    return;
  const Shape *shapes[N > 0 ? N : 1] = {&ins.s...};
  const int64_t rowStrides[N > 0 ? N : 1] = {ins.rowStride...};
  LoopNest<N> nest(out, shapes, rowStrides);
  Ptrs<N> ptrs{{static_cast<const void *>(ins.p)...}};
  StridedParams<N> params;
  params.rank = nest.rank;
  for (int i = 0; i < nest.rank; ++i) {
    params.dims[i] = nest.dims[i];
    for (int k = 0; k < N; ++k)
      params.strides[k][i] = nest.strides[k][i];
  }
  // The vector case: along the innermost merged dim every operand steps by
  // one or stays (same shapes, scalars, bias rows, per-row scales).
  constexpr size_t maxSize = std::max({sizeof(TO), sizeof(TI)...});
  constexpr int V = maxSize >= 16 ? 1 : static_cast<int>(16 / maxSize);
  const int last = nest.rank - 1;
  bool vec = nest.rank == 1 || nest.dims[last] % V == 0;
  vec = vec && reinterpret_cast<uintptr_t>(o) % (sizeof(TO) * V) == 0;
  unsigned bcastMask = 0;
  {
    const size_t sizes[N > 0 ? N : 1] = {sizeof(TI)...};
    for (int k = 0; k < N && vec; ++k) {
      const int64_t st = nest.strides[k][last];
      if (st == 0)
        bcastMask |= 1u << k;
      else
        vec = st == 1 && reinterpret_cast<uintptr_t>(ptrs.p[k]) % (sizes[k] * V) == 0;
      // Each vector's offset must stay aligned: the outer strides of a
      // row-strided view are its pitch, not multiples of the inner dim.
      for (int i = 0; i < last && vec; ++i)
        vec = nest.strides[k][i] % V == 0;
    }
  }
  if (vec && V > 1) {
    const int64_t units = n / V > 0 ? n / V : 1;
    elementwiseVecKernel<V, TO, F, Types>
        <<<gridFor(units), kThreads, 0, stream()>>>(n, o, f, ptrs, params, bcastMask, seq);
    return;
  }
  elementwiseStridedKernel<TO, F, Types>
      <<<gridFor(n), kThreads, 0, stream()>>>(n, o, f, ptrs, params, seq);
}

} // namespace detail

/// out[i] = f(ins[i]...) with numpy broadcasting of every operand to `out`.
/// `f` receives each operand in its compute type (float for 16-bit floats)
/// and must be callable on the device (an LLMK_FN lambda).
template <typename TO, typename F, typename... TI>
void elementwise(const Shape &out, TO *o, F f, const In<TI> &...ins) {
  detail::elementwiseImpl(out, o, f, std::index_sequence_for<TI...>{}, ins...);
}

} // namespace llmk

#endif // LLMK_CUDA_ELEMENTWISE_CUH
