//===- Attention.h - attention and rotary embeddings ----------------------===//

#ifndef LLMK_ATTENTION_H
#define LLMK_ATTENTION_H

#include "llmk/Linalg.h"

#include "../../common/llmk/Heads.h"

#include <vector>

namespace llmk {

enum class Causal { None, UpperLeft, LowerRight };
enum class MaskKind { None, Bool, Additive };

/// softmax(q @ k^T * scale (+ mask)) @ v on [B, H, S, D] tensors (or all
/// four [B, S, H, D] with HeadLayout::BSHD), with
/// grouped-query heads (k/v may have fewer heads), as flash attention does
/// it: each task takes a block of query rows and walks the keys in blocks,
/// keeping per row a running max, a running sum and an output accumulator
/// that is rescaled when the max grows (online softmax). A block's scores
/// (rows x key block) are the only scores in memory, so there is never an
/// S x S buffer, and both products of a block are GEMMs. Causal blocks stop at
/// the last key their last row may see. Rows that may attend to nothing
/// (everything masked) are zeros.
template <typename T>
void attention(const In<T> &q, const In<T> &k, const In<T> &v, const void *maskData,
               const Shape &maskShape, MaskKind maskKind, T *out, float scale, Causal causal,
               float softcap, HeadLayout layout = HeadLayout::BHSD,
               PackedHeads packed = {}) {
  const AttentionRows where = attentionRows(q.s, k.s, v.s, layout, packed,
                                            q.rowStride, k.rowStride, v.rowStride);
  const HeadRows &qs = where.q, &ks = where.k, &vs = where.v, &os = where.out;
  const int64_t B = qs.B, Hq = qs.H, Sq = qs.S, D = qs.D;
  const int64_t Hk = ks.H, Skv = ks.S, Dv = vs.D;
  const int64_t group = Hk ? Hq / Hk : 1;
  constexpr int64_t kRows = 64, kKeys = 256;
  const int64_t blocks = (Sq + kRows - 1) / kRows;
  Shape full;
  full.rank = 4;
  full.d[0] = B, full.d[1] = Hq, full.d[2] = Sq, full.d[3] = Skv;
  int64_t mStrides[kMaxRank] = {0, 0, 0, 0};
  if (maskKind != MaskKind::None)
    broadcastStrides(maskShape, full, mStrides);
  const int64_t shift = causal == Causal::LowerRight ? Skv - Sq : 0;

#pragma omp parallel if (B * Hq * Sq * std::max<int64_t>(Skv, 1) * D >= (int64_t(1) << 22))
  {
    std::vector<float> scores(kRows * kKeys), acc, rowMax(kRows), rowSum(kRows), pv, qf, kf, vf;
#pragma omp for schedule(dynamic) collapse(2)
    for (int64_t bh = 0; bh < B * Hq; ++bh)
      for (int64_t blk = 0; blk < blocks; ++blk) {
        const int64_t b = bh / Hq, h = bh % Hq, hk = h / group;
        const int64_t i0 = blk * kRows, rows = std::min(kRows, Sq - i0);
        // Keys past the causal limit of the block's last row are never read.
        const int64_t keys = causal == Causal::None
                                 ? Skv
                                 : std::clamp<int64_t>(i0 + rows - 1 + shift + 1, 0, Skv);
        const T *qp = q.p + qs.at(b, h, i0);
        const T *kp = k.p + ks.at(b, hk, 0);
        const T *vp = v.p + vs.at(b, hk, 0);
        T *op = out + os.at(b, h, i0);
        // f32 rows are read in place (leading dims are the row strides);
        // others are converted into packed f32 rows.
        const float *qf32 = nullptr;
        int64_t ldq = qs.row, ldk = ks.row, ldv = vs.row;
        if constexpr (std::is_same_v<T, float>) {
          qf32 = qp;
        } else {
          qf.resize(rows * D);
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t d = 0; d < D; ++d)
              qf[r * D + d] = static_cast<float>(qp[r * qs.row + d]);
          qf32 = qf.data(), ldq = D, ldk = D, ldv = Dv;
        }
        acc.assign(rows * Dv, 0.f);
        pv.resize(rows * Dv);
        std::fill(rowMax.begin(), rowMax.end(), -INFINITY);
        std::fill(rowSum.begin(), rowSum.end(), 0.f);
        for (int64_t j0 = 0; j0 < keys; j0 += kKeys) {
          const int64_t cols = std::min(kKeys, keys - j0);
          const float *kf32, *vf32;
          if constexpr (std::is_same_v<T, float>) {
            kf32 = kp + j0 * ks.row, vf32 = vp + j0 * vs.row;
          } else {
            kf.resize(cols * D), vf.resize(cols * Dv);
            for (int64_t c = 0; c < cols; ++c) {
              for (int64_t d = 0; d < D; ++d)
                kf[c * D + d] = static_cast<float>(kp[(j0 + c) * ks.row + d]);
              for (int64_t d = 0; d < Dv; ++d)
                vf[c * Dv + d] = static_cast<float>(vp[(j0 + c) * vs.row + d]);
            }
            kf32 = kf.data(), vf32 = vf.data();
          }
          gemm<float>(rows, cols, D, qf32, ldq, kf32, ldk, /*transB=*/true, scores.data(), cols,
                      false);
          for (int64_t r = 0; r < rows; ++r) {
            const int64_t i = i0 + r;
            float *s = scores.data() + r * cols;
            const int64_t limit = causal == Causal::None ? Skv : i + shift + 1;
            float blockMax = -INFINITY;
            for (int64_t c = 0; c < cols; ++c) {
              const int64_t j = j0 + c;
              float x = s[c] * scale;
              if (softcap > 0)
                x = softcap * std::tanh(x / softcap);
              if (j >= limit)
                x = -INFINITY;
              if (maskKind != MaskKind::None) {
                const int64_t m = b * mStrides[0] + h * mStrides[1] + i * mStrides[2] + j * mStrides[3];
                if (maskKind == MaskKind::Bool) {
                  if (!static_cast<const bool *>(maskData)[m])
                    x = -INFINITY;
                } else {
                  x += static_cast<float>(static_cast<const T *>(maskData)[m]);
                }
              }
              s[c] = x;
              blockMax = std::max(blockMax, x);
            }
            const float newMax = std::max(rowMax[r], blockMax);
            if (newMax == -INFINITY) { // nothing visible yet in this row
              std::fill(s, s + cols, 0.f);
              continue;
            }
            // Rescale what the row accumulated under the old max.
            const float correction = expf32(rowMax[r] - newMax);
            float sum = 0;
#pragma omp simd reduction(+ : sum)
            for (int64_t c = 0; c < cols; ++c) {
              const float e = expf32(s[c] - newMax);
              s[c] = e;
              sum += e;
            }
            rowSum[r] = rowSum[r] * correction + sum;
            rowMax[r] = newMax;
            float *a = acc.data() + r * Dv;
            for (int64_t d = 0; d < Dv; ++d)
              a[d] *= correction;
          }
          gemm<float>(rows, Dv, cols, scores.data(), cols, vf32, ldv, false, pv.data(), Dv, false);
          for (int64_t i = 0; i < rows * Dv; ++i)
            acc[i] += pv[i];
        }
        for (int64_t r = 0; r < rows; ++r) {
          const float inv = rowSum[r] > 0 ? 1.f / rowSum[r] : 0.f;
          for (int64_t d = 0; d < Dv; ++d)
            op[r * os.row + d] = convert<T>(acc[r * Dv + d] * inv);
        }
      }
  }
}

/// The rows of attention(..) in which the boolean mask and `causal` leave no
/// key visible become the mean of v over all keys: llm.attention's
/// masked_rows = "uniform", what a graph that masks with finfo.min computes
/// (every score of such a row is the same value). Runs after attention(..),
/// which wrote zeros there.
template <typename T>
void attentionUniformMaskedRows(const In<T> &q, const In<T> &v, const void *maskData,
                                const Shape &maskShape, T *out, Causal causal,
                                HeadLayout layout = HeadLayout::BHSD,
                                PackedHeads packed = {}) {
  // k's rows are not needed: v's shape stands in for k's.
  const AttentionRows where = attentionRows(q.s, v.s, v.s, layout, packed,
                                            q.rowStride, v.rowStride, v.rowStride);
  const HeadRows &qs = where.q, &vs = where.v, &os = where.out;
  const int64_t B = qs.B, Hq = qs.H, Sq = qs.S;
  const int64_t Hk = vs.H, Skv = vs.S, Dv = vs.D;
  const int64_t group = Hk ? Hq / Hk : 1;
  Shape full;
  full.rank = 4;
  full.d[0] = B, full.d[1] = Hq, full.d[2] = Sq, full.d[3] = Skv;
  int64_t mStrides[kMaxRank] = {0, 0, 0, 0};
  broadcastStrides(maskShape, full, mStrides);
  const bool *mask = static_cast<const bool *>(maskData);
  const int64_t shift = causal == Causal::LowerRight ? Skv - Sq : 0;
  std::vector<float> mean;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h)
      for (int64_t i = 0; i < Sq; ++i) {
        const int64_t last = causal == Causal::None ? Skv - 1 : std::min(i + shift, Skv - 1);
        bool visible = false;
        for (int64_t j = 0; j <= last && !visible; ++j)
          visible = mask[b * mStrides[0] + h * mStrides[1] + i * mStrides[2] + j * mStrides[3]];
        if (visible)
          continue;
        const T *vp = v.p + vs.at(b, h / group, 0);
        mean.assign(Dv, 0.0f);
        for (int64_t j = 0; j < Skv; ++j)
          for (int64_t d = 0; d < Dv; ++d)
            mean[d] += static_cast<float>(load(vp[j * vs.row + d]));
        T *op = out + os.at(b, h, i);
        for (int64_t d = 0; d < Dv; ++d)
          op[d] = convert<T>(Skv ? mean[d] / Skv : 0.0f);
      }
}

/// Rotary embedding on [B, H, S, D] (or [B, S, H, D] stored, `layout`);
/// cos/sin broadcast to [B, H, S, rot/2]. A "bshd" x may be a row-strided
/// view (x.rowStride > 0: its positions that many elements apart, a slice
/// of the merged q/k/v projection); out is contiguous.
template <typename T>
void rotaryEmbedding(const In<T> &x, const In<T> &cosT, const In<T> &sinT, T *out, int64_t rotaryDim,
                     bool interleaved, HeadLayout layout = HeadLayout::BHSD) {
  const bool bshd = layout == HeadLayout::BSHD;
  const int64_t B = x.s.d[0], H = x.s.d[bshd ? 2 : 1], S = x.s.d[bshd ? 1 : 2], D = x.s.d[3];
  const int64_t half = rotaryDim / 2;
  Shape table;
  table.rank = 4;
  table.d[0] = B, table.d[1] = H, table.d[2] = S, table.d[3] = half;
  int64_t cs[kMaxRank], ss[kMaxRank];
  broadcastStrides(cosT.s, table, cs);
  broadcastStrides(sinT.s, table, ss);
#pragma omp parallel for schedule(static) if (worthThreads(B * H * S * D))
  for (int64_t row = 0; row < B * H * S; ++row) {
    // Rows in storage order: (b, h, s) or (b, s, h).
    const int64_t b = row / (H * S), h = bshd ? row % H : (row / S) % H,
                  s = bshd ? (row / H) % S : row % S;
    const T *p = x.p + (bshd && x.rowStride > 0 ? (row / H) * x.rowStride + h * D : row * D);
    T *q = out + row * D;
    for (int64_t i = 0; i < half; ++i) {
      const float c = static_cast<float>(cosT.p[b * cs[0] + h * cs[1] + s * cs[2] + i * cs[3]]);
      const float sn = static_cast<float>(sinT.p[b * ss[0] + h * ss[1] + s * ss[2] + i * ss[3]]);
      const int64_t i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
      const float x1 = static_cast<float>(p[i1]), x2 = static_cast<float>(p[i2]);
      q[i1] = convert<T>(x1 * c - x2 * sn);
      q[i2] = convert<T>(x2 * c + x1 * sn);
    }
    for (int64_t i = rotaryDim; i < D; ++i)
      q[i] = p[i];
  }
}

} // namespace llmk

#endif // LLMK_ATTENTION_H
