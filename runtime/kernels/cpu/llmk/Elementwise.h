//===- Elementwise.h - n-ary elementwise loops with broadcasting ----------===//

#ifndef LLMK_ELEMENTWISE_H
#define LLMK_ELEMENTWISE_H

#include "llmk/Base.h"
#include "llmk/Math.h"

#include <tuple>
#include <utility>

namespace llmk {

/// A read-only operand: data and its shape.
template <typename T> struct In {
  const T *p;
  Shape s;
};
template <typename T> In<T> in(const T *p, const Shape &s) { return {p, s}; }

/// Element strides of `in` read as if broadcast to `out` (0 on broadcast dims).
inline void broadcastStrides(const Shape &in, const Shape &out, int64_t *strides) {
  int offset = out.rank - in.rank;
  int64_t stride = 1;
  for (int i = out.rank - 1; i >= 0; --i) {
    int j = i - offset;
    strides[i] = (j < 0 || in.d[j] == 1) ? 0 : stride;
    if (j >= 0)
      stride *= in.d[j];
  }
}

/// Numpy broadcasting of two dims; -1 when they are incompatible.
inline int64_t broadcastDim(int64_t a, int64_t b) {
  if (a == b || b == 1)
    return a;
  if (a == 1)
    return b;
  return -1;
}

namespace detail {

/// The loop nest of an elementwise op after merging dims that every operand
/// walks contiguously (or broadcasts together): same-shape operands become
/// one flat loop.
template <int N> struct LoopNest {
  int rank = 0;
  int64_t dims[kMaxRank];
  int64_t strides[N > 0 ? N : 1][kMaxRank];

  LoopNest(const Shape &out, const Shape *const *shapes) {
    int64_t full[N > 0 ? N : 1][kMaxRank];
    for (int k = 0; k < N; ++k)
      broadcastStrides(*shapes[k], out, full[k]);
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
  LoopNest<N> nest(out, shapes);
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

//===----------------------------------------------------------------------===//
// Scalar bodies shared by several ops.
//===----------------------------------------------------------------------===//

template <typename T> inline T floorMod(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(a, b);
  } else {
    if (b == 0)
      return 0;
    if constexpr (std::is_signed_v<T>)
      if (b == -1) // a % -1 traps for the most negative a
        return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
      r += b;
    return r;
  }
}

/// A cast to an integer of Bits < 8 bits (int4, uint4, stored one per byte):
/// the value wrapped to its low Bits bits, sign-extended when Signed.
template <int Bits, bool Signed, typename T> inline int64_t wrapInt(T a) {
  const uint64_t bits = static_cast<uint64_t>(convert<int64_t>(a)) & ((uint64_t(1) << Bits) - 1);
  if (Signed && bits >= (uint64_t(1) << (Bits - 1)))
    return static_cast<int64_t>(bits) - (int64_t(1) << Bits);
  return static_cast<int64_t>(bits);
}

template <typename T> inline T safeDiv(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0)
      return 0; // integer division by zero is undefined in ONNX; never trap
    if constexpr (std::is_signed_v<T>)
      if (b == -1) // -a, wrapping for the most negative value instead of UB
        return static_cast<T>(std::make_unsigned_t<T>(0) - static_cast<std::make_unsigned_t<T>>(a));
  }
  return a / b;
}

template <typename T> inline T power(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b < 0) // 1 / a^|b| truncated: 0 unless |a| is 1
      return a == 1 ? 1 : (a == T(-1) ? (b % 2 != 0 ? T(-1) : T(1)) : 0);
    // Squaring, wrapping on overflow as the products of the type do.
    using U = std::make_unsigned_t<T>;
    U r = 1, base = static_cast<U>(a);
    for (U e = static_cast<U>(b); e; e >>= 1) {
      if (e & 1)
        r = static_cast<U>(r * base);
      base = static_cast<U>(base * base);
    }
    return static_cast<T>(r);
  } else {
    return std::pow(a, b);
  }
}

template <typename T> inline T gelu(T x) {
  return static_cast<T>(0.5) * x * (static_cast<T>(1) + verf(x * static_cast<T>(M_SQRT1_2)));
}
template <typename T> inline T geluTanh(T x) {
  const T k = static_cast<T>(0.7978845608028654); // sqrt(2/pi)
  return static_cast<T>(0.5) * x *
         (static_cast<T>(1) + vtanh(k * (x + static_cast<T>(0.044715) * x * x * x)));
}
template <typename T> inline T sigmoid(T x) { return static_cast<T>(1) / (static_cast<T>(1) + vexp(-x)); }

} // namespace llmk

#endif // LLMK_ELEMENTWISE_H
