//===- Attention.h - attention and rotary embeddings ----------------------===//

#ifndef LLMK_ATTENTION_H
#define LLMK_ATTENTION_H

#include "llmk/Linalg.h"

#include <vector>

namespace llmk {

enum class Causal { None, UpperLeft, LowerRight };
enum class MaskKind { None, Bool, Additive };

/// softmax(q @ k^T * scale (+ mask)) @ v on [B, H, S, D] tensors, with
/// grouped-query heads (k/v may have fewer heads). Works on blocks of query
/// rows: one block's scores (rows x kv_seq) live in a per-thread buffer, so
/// there is never an S x S buffer, and each block's two products are GEMMs.
template <typename T>
void attention(const In<T> &q, const In<T> &k, const In<T> &v, const void *maskData,
               const Shape &maskShape, MaskKind maskKind, T *out, float scale, Causal causal,
               float softcap) {
  const int64_t B = q.s.d[0], Hq = q.s.d[1], Sq = q.s.d[2], D = q.s.d[3];
  const int64_t Hk = k.s.d[1], Skv = k.s.d[2], Dv = v.s.d[3];
  const int64_t group = Hk ? Hq / Hk : 1;
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (Sq + kBlock - 1) / kBlock;
  Shape full;
  full.rank = 4;
  full.d[0] = B, full.d[1] = Hq, full.d[2] = Sq, full.d[3] = Skv;
  int64_t mStrides[kMaxRank] = {0, 0, 0, 0};
  if (maskKind != MaskKind::None)
    broadcastStrides(maskShape, full, mStrides);
  const int64_t shift = causal == Causal::LowerRight ? Skv - Sq : 0;

#pragma omp parallel if (B * Hq * Sq * std::max<int64_t>(Skv, 1) * D >= (int64_t(1) << 22))
  {
    std::vector<float> scores, qf, kf, vf, of;
#pragma omp for schedule(dynamic) collapse(2)
    for (int64_t bh = 0; bh < B * Hq; ++bh)
      for (int64_t blk = 0; blk < blocks; ++blk) {
        const int64_t b = bh / Hq, h = bh % Hq, hk = h / group;
        const int64_t i0 = blk * kBlock, rows = std::min(kBlock, Sq - i0);
        // Keys past the causal limit of the block's last row are never read.
        int64_t cols = Skv;
        if (causal != Causal::None)
          cols = std::clamp<int64_t>(i0 + rows - 1 + shift + 1, 0, Skv);
        const T *qp = q.p + ((b * Hq + h) * Sq + i0) * D;
        const T *kp = k.p + (b * Hk + hk) * Skv * D;
        const T *vp = v.p + (b * Hk + hk) * Skv * Dv;
        T *op = out + ((b * Hq + h) * Sq + i0) * Dv;
        scores.assign(rows * std::max<int64_t>(cols, 1), 0.f);
        const float *qf32, *kf32, *vf32;
        if constexpr (std::is_same_v<T, float>) {
          qf32 = qp, kf32 = kp, vf32 = vp;
        } else {
          qf.resize(rows * D), kf.resize(cols * D), vf.resize(cols * Dv);
          for (int64_t i = 0; i < rows * D; ++i) qf[i] = static_cast<float>(qp[i]);
          for (int64_t i = 0; i < cols * D; ++i) kf[i] = static_cast<float>(kp[i]);
          for (int64_t i = 0; i < cols * Dv; ++i) vf[i] = static_cast<float>(vp[i]);
          qf32 = qf.data(), kf32 = kf.data(), vf32 = vf.data();
        }
        if (cols > 0)
          gemm<float>(rows, cols, D, qf32, D, kf32, D, /*transB=*/true, scores.data(), cols, false);
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t i = i0 + r;
          float *s = scores.data() + r * cols;
          const int64_t limit = causal == Causal::None ? cols : std::clamp<int64_t>(i + shift + 1, 0, cols);
          float maxV = -INFINITY;
          for (int64_t j = 0; j < cols; ++j) {
            float x = s[j] * scale;
            if (softcap > 0)
              x = softcap * std::tanh(x / softcap);
            if (j >= limit)
              x = -INFINITY;
            if (maskKind != MaskKind::None) {
              int64_t m = b * mStrides[0] + h * mStrides[1] + i * mStrides[2] + j * mStrides[3];
              if (maskKind == MaskKind::Bool) {
                if (!static_cast<const bool *>(maskData)[m])
                  x = -INFINITY;
              } else {
                x += static_cast<float>(static_cast<const T *>(maskData)[m]);
              }
            }
            s[j] = x;
            maxV = std::max(maxV, x);
          }
          float sum = 0;
          if (maxV == -INFINITY) {
            // A row that may attend to nothing: zeros, as fused kernels do.
            std::fill(s, s + cols, 0.f);
          } else {
            for (int64_t j = 0; j < cols; ++j) {
              s[j] = std::exp(s[j] - maxV);
              sum += s[j];
            }
            const float inv = 1.f / sum;
            for (int64_t j = 0; j < cols; ++j)
              s[j] *= inv;
          }
        }
        if constexpr (std::is_same_v<T, float>) {
          if (cols > 0)
            gemm<float>(rows, Dv, cols, scores.data(), cols, vf32, Dv, false, op, Dv, false);
          else
            std::fill(op, op + rows * Dv, 0.f);
        } else {
          of.assign(rows * Dv, 0.f);
          if (cols > 0)
            gemm<float>(rows, Dv, cols, scores.data(), cols, vf32, Dv, false, of.data(), Dv, false);
          for (int64_t i = 0; i < rows * Dv; ++i)
            op[i] = convert<T>(of[i]);
        }
      }
  }
}

/// Rotary embedding on [B, H, S, D]; cos/sin broadcast to [B, H, S, rot/2].
template <typename T>
void rotaryEmbedding(const In<T> &x, const In<T> &cosT, const In<T> &sinT, T *out, int64_t rotaryDim,
                     bool interleaved) {
  const int64_t B = x.s.d[0], H = x.s.d[1], S = x.s.d[2], D = x.s.d[3];
  const int64_t half = rotaryDim / 2;
  Shape table;
  table.rank = 4;
  table.d[0] = B, table.d[1] = H, table.d[2] = S, table.d[3] = half;
  int64_t cs[kMaxRank], ss[kMaxRank];
  broadcastStrides(cosT.s, table, cs);
  broadcastStrides(sinT.s, table, ss);
#pragma omp parallel for schedule(static) if (worthThreads(B * H * S * D))
  for (int64_t row = 0; row < B * H * S; ++row) {
    const int64_t b = row / (H * S), h = (row / S) % H, s = row % S;
    const T *p = x.p + row * D;
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
