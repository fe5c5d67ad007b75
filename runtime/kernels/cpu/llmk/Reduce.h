//===- Reduce.h - reductions, softmax and normalizations ------------------===//

#ifndef LLMK_REDUCE_H
#define LLMK_REDUCE_H

#include "llmk/Elementwise.h"

#include <vector>

namespace llmk {

enum class ReduceKind { Sum, Mean, Max, Min, Prod };

/// Reduces the dims marked in `reduced` (one flag per input dim). The output
/// holds the kept dims in order (keepdims only changes the output's shape,
/// not its layout). Sums accumulate in double.
template <typename T>
void reduce(const In<T> &x, T *out, const bool *reduced, ReduceKind kind) {
  using Acc = std::conditional_t<std::is_floating_point_v<compute_t<T>>, double, int64_t>;
  int keptRank = 0, redRank = 0;
  int64_t keptDims[kMaxRank], keptStrides[kMaxRank], redDims[kMaxRank], redStrides[kMaxRank];
  int64_t stride = 1;
  int64_t strides[kMaxRank];
  for (int i = x.s.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= x.s.d[i];
  }
  int64_t outN = 1, redN = 1;
  for (int i = 0; i < x.s.rank; ++i) {
    if (reduced[i]) {
      redDims[redRank] = x.s.d[i];
      redStrides[redRank++] = strides[i];
      redN *= x.s.d[i];
    } else {
      keptDims[keptRank] = x.s.d[i];
      keptStrides[keptRank++] = strides[i];
      outN *= x.s.d[i];
    }
  }
  const bool innerContiguous = redRank > 0 && redStrides[redRank - 1] == 1;
#pragma omp parallel for schedule(static) if (worthThreads(outN * redN) && outN > 1)
  for (int64_t o = 0; o < outN; ++o) {
    int64_t base = 0, rem = o;
    for (int i = keptRank - 1; i >= 0; --i) {
      base += (rem % keptDims[i]) * keptStrides[i];
      rem /= keptDims[i];
    }
    Acc acc;
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean: acc = 0; break;
    case ReduceKind::Prod: acc = 1; break;
    case ReduceKind::Max: acc = std::numeric_limits<Acc>::lowest(); break;
    case ReduceKind::Min: acc = std::numeric_limits<Acc>::max(); break;
    }
    if (kind == ReduceKind::Max && std::is_floating_point_v<Acc>)
      acc = -std::numeric_limits<Acc>::infinity();
    if (kind == ReduceKind::Min && std::is_floating_point_v<Acc>)
      acc = std::numeric_limits<Acc>::infinity();
    const int64_t inner = innerContiguous ? redDims[redRank - 1] : 1;
    const int64_t outer = redN / std::max<int64_t>(inner, 1);
    for (int64_t r = 0; r < outer && inner > 0; ++r) {
      int64_t off = base, rr = r;
      for (int i = (innerContiguous ? redRank - 2 : redRank - 1); i >= 0; --i) {
        off += (rr % redDims[i]) * redStrides[i];
        rr /= redDims[i];
      }
      const T *p = x.p + off;
      for (int64_t j = 0; j < inner; ++j) {
        Acc v = static_cast<Acc>(load(p[j]));
        switch (kind) {
        case ReduceKind::Sum:
        case ReduceKind::Mean: acc += v; break;
        case ReduceKind::Prod: acc *= v; break;
        case ReduceKind::Max: acc = (v > acc || v != v) ? v : acc; break;
        case ReduceKind::Min: acc = (v < acc || v != v) ? v : acc; break;
        }
      }
    }
    if (kind == ReduceKind::Mean) {
      // The mean of no elements is NaN (0 / 0) for floats; integers have no
      // NaN and keep 0.
      if constexpr (std::is_floating_point_v<Acc>)
        acc = acc / static_cast<Acc>(redN);
      else
        acc = redN ? acc / static_cast<Acc>(redN) : acc;
    }
    out[o] = convert<T>(acc);
  }
}

/// Index of the largest element along `axis` (first or last on ties). NaN
/// is larger than any number, as in numpy.argmax (the ONNX reference).
template <typename T>
void argmax(const In<T> &x, int64_t *out, int axis, bool selectLast) {
  const int64_t outer = x.s.span(0, axis), len = x.s.d[axis], inner = x.s.span(axis + 1, x.s.rank);
  if (len == 0)
    return; // nothing to point at (the verifier's job); never read p[0]
#pragma omp parallel for schedule(static) if (worthThreads(outer * len * inner))
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T *p = x.p + o * len * inner + i;
      int64_t best = 0;
      auto bestV = load(p[0]);
      bool bestNaN = bestV != bestV;
      for (int64_t j = 1; j < len; ++j) {
        auto v = load(p[j * inner]);
        const bool isNaN = v != v;
        const bool better = bestNaN ? (isNaN && selectLast)
                                    : (isNaN || v > bestV || (selectLast && v == bestV));
        if (better) {
          bestV = v;
          best = j;
          bestNaN = isNaN;
        }
      }
      out[o * inner + i] = best;
    }
}

/// Softmax (or log-softmax) along the axis that splits the tensor into
/// [outer, len, inner].
template <typename T>
void softmax(const T *x, T *out, int64_t outer, int64_t len, int64_t inner, bool logSoftmax) {
#pragma omp parallel for schedule(static) if (worthThreads(outer * len * inner) && outer * inner > 1)
  for (int64_t row = 0; row < outer * inner; ++row) {
    int64_t o = row / inner, i = row % inner;
    const T *p = x + o * len * inner + i;
    T *q = out + o * len * inner + i;
    // double computes in double; the rest in float.
    using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
    C maxV = -std::numeric_limits<C>::infinity();
    for (int64_t j = 0; j < len; ++j)
      maxV = std::max(maxV, static_cast<C>(p[j * inner]));
    if (std::isinf(maxV) && maxV < 0) { // every score is -inf: -inf - -inf is NaN (as numpy)
      for (int64_t j = 0; j < len; ++j)
        q[j * inner] = convert<T>(NAN);
      continue;
    }
    if (inner == 1 && std::is_same_v<T, float>) {
      // The common case, contiguous rows: vectorized exp and sum.
      const float *pf = reinterpret_cast<const float *>(p);
      float *qf = reinterpret_cast<float *>(q);
      float sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t j = 0; j < len; ++j) {
        const float e = expf32(pf[j] - maxV);
        qf[j] = e;
        sum += e;
      }
      if (logSoftmax) {
        const float logSum = std::log(sum);
        for (int64_t j = 0; j < len; ++j)
          qf[j] = pf[j] - maxV - logSum;
      } else {
        const float inv = 1.0f / sum;
#pragma omp simd
        for (int64_t j = 0; j < len; ++j)
          qf[j] *= inv;
      }
      continue;
    }
    double sum = 0;
    for (int64_t j = 0; j < len; ++j)
      sum += std::exp(static_cast<C>(p[j * inner]) - maxV);
    if (logSoftmax) {
      C logSum = static_cast<C>(std::log(sum));
      for (int64_t j = 0; j < len; ++j)
        q[j * inner] = convert<T>(static_cast<C>(p[j * inner]) - maxV - logSum);
    } else {
      C inv = static_cast<C>(1.0 / sum);
      for (int64_t j = 0; j < len; ++j)
        q[j * inner] = convert<T>(std::exp(static_cast<C>(p[j * inner]) - maxV) * inv);
    }
  }
}

/// Layer normalization of `rows` rows of `cols` elements; `scale` and `bias`
/// have `cols` elements (or 1, broadcast) or are null.
template <typename T>
void layerNorm(const T *x, const T *scale, int64_t scaleN, const T *bias, int64_t biasN, T *out,
               int64_t rows, int64_t cols, float epsilon, bool subtractMean) {
#pragma omp parallel for schedule(static) if (worthThreads(rows * cols) && rows > 1)
  for (int64_t r = 0; r < rows; ++r) {
    const T *p = x + r * cols;
    T *q = out + r * cols;
    double mean = 0;
    if (subtractMean) {
      for (int64_t j = 0; j < cols; ++j)
        mean += static_cast<float>(p[j]);
      mean /= static_cast<double>(cols);
    }
    double var = 0;
    for (int64_t j = 0; j < cols; ++j) {
      double c = static_cast<float>(p[j]) - mean;
      var += c * c;
    }
    var /= static_cast<double>(cols);
    const float inv = static_cast<float>(1.0 / std::sqrt(var + epsilon));
    const float m = static_cast<float>(mean);
    for (int64_t j = 0; j < cols; ++j) {
      float v = (static_cast<float>(p[j]) - m) * inv;
      if (scale)
        v *= static_cast<float>(scale[scaleN == 1 ? 0 : j]);
      if (bias)
        v += static_cast<float>(bias[biasN == 1 ? 0 : j]);
      q[j] = convert<T>(v);
    }
  }
}

namespace detail {

template <typename T, typename F, typename Tuple, size_t... I>
void fusedLayerNormImpl(const Shape &shape, T *out, T *prologueOut, F &f, const T *scale,
                        int64_t scaleN, const T *bias, int64_t biasN, float epsilon,
                        bool subtractMean, const Tuple &ins, std::index_sequence<I...>) {
  constexpr int N = sizeof...(I);
  using C = compute_t<T>;
  const int64_t n = shape.numel();
  if (n == 0)
    return;
  const int64_t cols = shape.d[shape.rank - 1], rows = n / cols;
  const Shape *shapes[N > 0 ? N : 1] = {&std::get<I>(ins).s...};
  const int64_t rowStrides[N > 0 ? N : 1] = {std::get<I>(ins).rowStride...};
  const RowWalk<N> walk(shape, shapes, rowStrides);
  bool contiguous = true;
  for (int k = 0; k < N; ++k)
    contiguous &= walk.step[k] == 1;
#pragma omp parallel if (worthThreads(n) && rows > 1)
  {
    // The prologue's row, as stored in T and read back (what the unfused
    // norm would read from memory), so that both programs agree.
    std::vector<C> row(cols);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      int64_t off[N > 0 ? N : 1];
      walk.rowOffsets(r, off);
      if (contiguous) {
        std::tuple<decltype(std::get<I>(ins).p)...> base{(std::get<I>(ins).p + off[I])...};
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j)
          row[j] = load(convert<T>(f(load(std::get<I>(base)[j])...)));
      } else {
        for (int64_t j = 0; j < cols; ++j)
          row[j] = load(convert<T>(f(load(std::get<I>(ins).p[off[I] + j * walk.step[I]])...)));
      }
      if (prologueOut) {
        T *h = prologueOut + r * cols;
        for (int64_t j = 0; j < cols; ++j)
          h[j] = convert<T>(row[j]);
      }
      // The statistics and the normalization of layerNorm.
      double mean = 0;
      if (subtractMean) {
        for (int64_t j = 0; j < cols; ++j)
          mean += static_cast<float>(row[j]);
        mean /= static_cast<double>(cols);
      }
      double var = 0;
      for (int64_t j = 0; j < cols; ++j) {
        double c = static_cast<float>(row[j]) - mean;
        var += c * c;
      }
      var /= static_cast<double>(cols);
      const float inv = static_cast<float>(1.0 / std::sqrt(var + epsilon));
      const float m = static_cast<float>(mean);
      T *q = out + r * cols;
      for (int64_t j = 0; j < cols; ++j) {
        float v = (static_cast<float>(row[j]) - m) * inv;
        if (scale)
          v *= static_cast<float>(scale[scaleN == 1 ? 0 : j]);
        if (bias)
          v += static_cast<float>(bias[biasN == 1 ? 0 : j]);
        q[j] = convert<T>(v);
      }
    }
  }
}

} // namespace detail

/// layerNorm (RMS normalization without subtractMean) over the last axis of
/// `shape`, of a row computed on the fly: element j of a row is
/// f(ins[j]...), each operand broadcast to `shape` (numpy rules), rounded to
/// T. The operands are read once and the row never goes through memory
/// unless `prologueOut` is given, which then receives it (the pre-norm
/// value of a residual stream).
template <typename T, typename F, typename... TI>
void fusedLayerNorm(const Shape &shape, T *out, T *prologueOut, F f, const T *scale,
                    int64_t scaleN, const T *bias, int64_t biasN, float epsilon,
                    bool subtractMean, const In<TI> &...ins) {
  auto tuple = std::make_tuple(ins...);
  detail::fusedLayerNormImpl(shape, out, prologueOut, f, scale, scaleN, bias, biasN, epsilon,
                             subtractMean, tuple, std::index_sequence_for<TI...>{});
}

/// Cumulative sum along the axis splitting the tensor into [outer, len, inner].
template <typename T>
void cumsum(const T *x, T *out, int64_t outer, int64_t len, int64_t inner, bool exclusive,
            bool reverse) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      compute_t<T> acc = 0;
      for (int64_t jj = 0; jj < len; ++jj) {
        int64_t j = reverse ? len - 1 - jj : jj;
        int64_t at = (o * len + j) * inner + i;
        compute_t<T> v = load(x[at]);
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

} // namespace llmk

#endif // LLMK_REDUCE_H
