//===- Elementwise.h - n-ary elementwise loops with broadcasting ----------===//

#ifndef LLMK_ELEMENTWISE_H
#define LLMK_ELEMENTWISE_H

#include "llmk/Base.h"
#include "llmk/Math.h"

#include <tuple>
#include <utility>

namespace llmk {

/// A read-only operand: data and its shape; rowStride > 0 makes it a view
/// whose rows are rowStride elements apart, a slice of a wider tensor read
/// in place. A row is the last axis for elementwise and fusedLayerNorm, and
/// one position's heads [H, D] for "bshd" rotaryEmbedding and attention;
/// no other kernel takes views.
template <typename T> struct In {
  const T *p;
  Shape s;
  int64_t rowStride = 0;
};
template <typename T> In<T> in(const T *p, const Shape &s, int64_t rowStride = 0) {
  return {p, s, rowStride};
}

namespace detail {

/// The loop nest of an elementwise op after merging dims that every operand
/// walks contiguously (or broadcasts together): same-shape operands become
/// one flat loop.
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

  /// Offsets of operand k at the start of outer row `row`.
  void rowOffsets(int64_t row, int64_t *offsets) const {
    for (int k = 0; k < N; ++k)
      offsets[k] = 0;
    for (int i = rank - 2; i >= 0; --i) {
      int64_t idx = row % dims[i];
      row /= dims[i];
      for (int k = 0; k < N; ++k)
        offsets[k] += idx * strides[k][i];
    }
  }
};

template <typename TO, typename F, typename Tuple, size_t... I>
void elementwiseImpl(const Shape &out, TO *o, F &f, const Tuple &ins, std::index_sequence<I...>) {
  constexpr int N = sizeof...(I);
  const int64_t n = out.numel();
  if (n == 0)
    return;
  const Shape *shapes[N > 0 ? N : 1] = {&std::get<I>(ins).s...};
  const int64_t rowStrides[N > 0 ? N : 1] = {std::get<I>(ins).rowStride...};
  LoopNest<N> nest(out, shapes, rowStrides);
  const int64_t inner = nest.dims[nest.rank - 1];
  const int64_t rows = n / inner;
  bool contiguous = true;
  for (int k = 0; k < N; ++k)
    contiguous &= nest.strides[k][nest.rank - 1] == 1;
  // Split long rows so that a single flat loop still uses every thread.
  const int64_t chunksPerRow = rows >= 64 ? 1 : std::max<int64_t>(1, inner / 16384);
  const int64_t chunk = (inner + chunksPerRow - 1) / chunksPerRow;
  const int64_t units = rows * chunksPerRow;
#pragma omp parallel for schedule(static) if (worthThreads(n) && units > 1)
  for (int64_t unit = 0; unit < units; ++unit) {
    int64_t row = unit / chunksPerRow;
    int64_t j0 = (unit % chunksPerRow) * chunk, j1 = std::min(inner, j0 + chunk);
    int64_t off[N > 0 ? N : 1];
    nest.rowOffsets(row, off);
    TO *dst = o + row * inner;
    if (contiguous) {
      // Every operand steps by one: a loop the compiler vectorizes.
      std::tuple<decltype(std::get<I>(ins).p)...> base{(std::get<I>(ins).p + off[I])...};
#pragma omp simd
      for (int64_t j = j0; j < j1; ++j)
        dst[j] = convert<TO>(f(load(std::get<I>(base)[j])...));
    } else {
      const int64_t step[N > 0 ? N : 1] = {nest.strides[I][nest.rank - 1]...};
      for (int64_t j = j0; j < j1; ++j)
        dst[j] = convert<TO>(f(load(std::get<I>(ins).p[off[I] + j * step[I]])...));
    }
  }
}

} // namespace detail

/// out[i] = f(ins[i]...) with numpy broadcasting of every operand to `out`.
/// `f` receives each operand in its compute type (float for 16-bit floats).
template <typename TO, typename F, typename... TI>
void elementwise(const Shape &out, TO *o, F f, const In<TI> &...ins) {
  auto tuple = std::make_tuple(ins...);
  detail::elementwiseImpl(out, o, f, tuple, std::index_sequence_for<TI...>{});
}

} // namespace llmk

// Scalar bodies shared by several ops (and by the CUDA library).
#include "../../common/llmk/ScalarOps.h"

#endif // LLMK_ELEMENTWISE_H
