//===- Movement.h - data movement: transpose, concat, slice, gather... ----===//
//
// Kernels that can meet an out-of-range index return false; the generated
// code turns that into an error naming the op.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_MOVEMENT_H
#define LLMK_MOVEMENT_H

#include "llmk/Elementwise.h"

#include <numeric>
#include <vector>

namespace llmk {

/// Copies `x` permuted: out dim i is input dim perm[i].
template <typename T> void transpose(const In<T> &x, T *out, const int64_t *perm) {
  const Shape &s = x.s;
  int64_t inStrides[kMaxRank];
  int64_t stride = 1;
  for (int i = s.rank - 1; i >= 0; --i) {
    inStrides[i] = stride;
    stride *= s.d[i];
  }
  Shape o;
  o.rank = s.rank;
  int64_t st[kMaxRank];
  for (int i = 0; i < s.rank; ++i) {
    o.d[i] = s.d[perm[i]];
    st[i] = inStrides[perm[i]];
  }
  const int64_t n = o.numel();
  if (n == 0)
    return;
  // Rows of the output's last dim; when the permutation keeps the last dim,
  // each row is one contiguous copy.
  const int64_t inner = o.rank ? o.d[o.rank - 1] : 1;
  const int64_t innerStride = o.rank ? st[o.rank - 1] : 1;
  const int64_t rows = n / std::max<int64_t>(inner, 1);
#pragma omp parallel for schedule(static) if (worthThreads(n) && rows > 1)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t off = 0, rem = r;
    for (int i = o.rank - 2; i >= 0; --i) {
      off += (rem % o.d[i]) * st[i];
      rem /= o.d[i];
    }
    T *dst = out + r * inner;
    if (innerStride == 1)
      std::memcpy(dst, x.p + off, inner * sizeof(T));
    else
      for (int64_t j = 0; j < inner; ++j)
        dst[j] = x.p[off + j * innerStride];
  }
}

/// Copies `x` into `out` at `outOffset` along the axis splitting both into
/// [outer, len, inner]: one piece of a concat.
template <typename T>
void concatPiece(const T *x, int64_t outer, int64_t len, int64_t inner, T *out, int64_t outLen,
                 int64_t offset) {
  const int64_t chunk = len * inner;
  if (chunk == 0)
    return;
#pragma omp parallel for schedule(static) if (worthThreads(outer * chunk) && outer > 1)
  for (int64_t o = 0; o < outer; ++o)
    std::memcpy(out + (o * outLen + offset) * inner, x + o * chunk, chunk * sizeof(T));
}

/// out[i...] = x[start + i * step ...] per dim (every dim given).
template <typename T>
void slice(const In<T> &x, const Shape &out, T *o, const int64_t *starts, const int64_t *steps) {
  const int64_t n = out.numel();
  if (n == 0)
    return;
  int64_t strides[kMaxRank], stride = 1;
  for (int i = x.s.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= x.s.d[i];
  }
  int64_t base = 0;
  for (int i = 0; i < x.s.rank; ++i)
    base += starts[i] * strides[i];
  const int r = out.rank;
  const int64_t inner = r ? out.d[r - 1] : 1;
  const int64_t innerStep = r ? steps[r - 1] * strides[r - 1] : 1;
  const int64_t rows = n / inner;
#pragma omp parallel for schedule(static) if (worthThreads(n) && rows > 1)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t off = base, rem = row;
    for (int i = r - 2; i >= 0; --i) {
      off += (rem % out.d[i]) * steps[i] * strides[i];
      rem /= out.d[i];
    }
    T *dst = o + row * inner;
    if (innerStep == 1)
      std::memcpy(dst, x.p + off, inner * sizeof(T));
    else
      for (int64_t j = 0; j < inner; ++j)
        dst[j] = x.p[off + j * innerStep];
  }
}

/// ONNX Gather: out[o, i, n] = data[o, idx[i], n] over [outer, len, inner].
template <typename T, typename I>
bool gather(const T *data, int64_t outer, int64_t len, int64_t inner, const I *idx, int64_t count,
            T *out) {
  bool ok = true;
#pragma omp parallel for schedule(static) if (worthThreads(outer * count * inner)) reduction(&& : ok)
  for (int64_t r = 0; r < outer * count; ++r) {
    const int64_t o = r / count, i = r % count;
    int64_t j = static_cast<int64_t>(idx[i]);
    if (j < 0)
      j += len;
    if (j < 0 || j >= len) {
      ok = false;
      continue;
    }
    std::memcpy(out + r * inner, data + (o * len + j) * inner, inner * sizeof(T));
  }
  return ok;
}

/// ONNX GatherElements along `axis`; `idx` has the output's shape.
template <typename T, typename I>
bool gatherElements(const In<T> &x, const In<I> &idx, T *out, int axis) {
  const int64_t n = idx.s.numel();
  int64_t xStrides[kMaxRank], stride = 1;
  for (int i = x.s.rank - 1; i >= 0; --i) {
    xStrides[i] = stride;
    stride *= x.s.d[i];
  }
  for (int64_t e = 0; e < n; ++e) {
    int64_t rem = e, off = 0;
    for (int i = idx.s.rank - 1; i >= 0; --i) {
      int64_t c = rem % idx.s.d[i];
      rem /= idx.s.d[i];
      if (i == axis) {
        c = static_cast<int64_t>(idx.p[e]);
        if (c < 0)
          c += x.s.d[axis];
        if (c < 0 || c >= x.s.d[axis])
          return false;
      }
      off += c * xStrides[i];
    }
    out[e] = x.p[off];
  }
  return true;
}

/// ONNX GatherND with batch_dims.
template <typename T, typename I>
bool gatherNd(const In<T> &x, const In<I> &idx, T *out, int batchDims) {
  const int64_t q = idx.s.d[idx.s.rank - 1];
  const int64_t batch = x.s.span(0, batchDims);
  const int64_t perBatch = idx.s.span(batchDims, idx.s.rank - 1);
  const int64_t slice = x.s.span(batchDims + q, x.s.rank);
  const int64_t xBatch = x.s.span(batchDims, x.s.rank);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < perBatch; ++t) {
      const I *tuple = idx.p + (b * perBatch + t) * q;
      int64_t off = 0;
      for (int64_t k = 0; k < q; ++k) {
        const int64_t dim = x.s.d[batchDims + k];
        int64_t c = static_cast<int64_t>(tuple[k]);
        if (c < 0)
          c += dim;
        if (c < 0 || c >= dim)
          return false;
        off = off * dim + c;
      }
      std::memcpy(out + (b * perBatch + t) * slice, x.p + b * xBatch + off * slice,
                  slice * sizeof(T));
    }
  return true;
}

enum class ScatterReduction { None, Add, Mul, Max, Min };

/// ONNX ScatterND: `out` starts as a copy of data; updates go to the index
/// tuples (later updates win for duplicates).
template <typename T, typename I>
bool scatterNd(const In<T> &x, const In<I> &idx, const T *updates, T *out,
               ScatterReduction reduction) {
  std::memcpy(out, x.p, x.s.numel() * sizeof(T));
  const int64_t q = idx.s.d[idx.s.rank - 1];
  const int64_t tuples = idx.s.span(0, idx.s.rank - 1);
  const int64_t slice = x.s.span(static_cast<int>(q), x.s.rank);
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t off = 0;
    for (int64_t k = 0; k < q; ++k) {
      int64_t c = static_cast<int64_t>(idx.p[t * q + k]);
      if (c < 0)
        c += x.s.d[k];
      if (c < 0 || c >= x.s.d[k])
        return false;
      off = off * x.s.d[k] + c;
    }
    T *dst = out + off * slice;
    const T *src = updates + t * slice;
    for (int64_t e = 0; e < slice; ++e) {
      auto a = load(dst[e]), b = load(src[e]);
      switch (reduction) {
      case ScatterReduction::None: dst[e] = src[e]; break;
      case ScatterReduction::Add: dst[e] = convert<T>(a + b); break;
      case ScatterReduction::Mul: dst[e] = convert<T>(a * b); break;
      case ScatterReduction::Max: dst[e] = convert<T>(a > b ? a : b); break;
      case ScatterReduction::Min: dst[e] = convert<T>(a < b ? a : b); break;
      }
    }
  }
  return true;
}

/// ONNX Tile: out[i] = x[i mod dim] per dim.
template <typename T> void tile(const In<T> &x, const Shape &out, T *o) {
  const int64_t n = out.numel();
  int64_t strides[kMaxRank], stride = 1;
  for (int i = x.s.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= x.s.d[i];
  }
#pragma omp parallel for schedule(static) if (worthThreads(n))
  for (int64_t e = 0; e < n; ++e) {
    int64_t rem = e, off = 0;
    for (int i = out.rank - 1; i >= 0; --i) {
      off += ((rem % out.d[i]) % x.s.d[i]) * strides[i];
      rem /= out.d[i];
    }
    o[e] = x.p[off];
  }
}

/// Keeps the upper (j - i >= k) or lower (j - i <= k) triangle of the last
/// two dims, zeroing the rest.
template <typename T> void trilu(const In<T> &x, T *out, bool upper, int64_t k) {
  const int64_t R = x.s.d[x.s.rank - 2], C = x.s.d[x.s.rank - 1];
  const int64_t mats = x.s.span(0, x.s.rank - 2);
  for (int64_t m = 0; m < mats; ++m)
    for (int64_t i = 0; i < R; ++i)
      for (int64_t j = 0; j < C; ++j) {
        const int64_t e = (m * R + i) * C + j;
        const bool keep = upper ? (j - i >= k) : (j - i <= k);
        out[e] = keep ? x.p[e] : convert<T>(0);
      }
}

/// The k largest (or smallest) along the axis splitting x into
/// [outer, len, inner]; ties keep the lower index first, as ONNX asks.
template <typename T>
void topk(const T *x, int64_t outer, int64_t len, int64_t inner, int64_t k, bool largest, T *values,
          int64_t *indices) {
  std::vector<int64_t> order(len);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      std::iota(order.begin(), order.end(), 0);
      auto at = [&](int64_t j) { return load(x[(o * len + j) * inner + i]); };
      // NaN orders above every number (numpy's sort order, and a strict
      // weak order where raw comparisons with NaN are not).
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        auto va = at(a), vb = at(b);
        const bool na = va != va, nb = vb != vb;
        if (na || nb)
          return largest ? na && !nb : nb && !na;
        return largest ? va > vb : va < vb;
      });
      for (int64_t j = 0; j < k; ++j) {
        values[(o * k + j) * inner + i] = x[(o * len + order[j]) * inner + i];
        indices[(o * k + j) * inner + i] = order[j];
      }
    }
}

} // namespace llmk

#endif // LLMK_MOVEMENT_H
