//===- Heads.h - where attention finds a head's rows, in either layout ----===//
//
// llm.attention's tensors are [B, H, S, D] (layout "bhsd") or [B, S, H, D]
// ("bshd": the layout in which the q/k/v projections produce their heads and
// the output projection reads them, so attention reads and writes them with
// no transpose in between). Both kernel libraries address a head's rows
// through HeadRows, so the two layouts are one code path with strides. So is
// reading q, k and v in place from the merged q/k/v projection's output
// ([B, S, Hq + Hk + Hv, D], PackedHeads): rows whose stride spans all the
// heads, starting at the tensor's first head.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_COMMON_HEADS_H
#define LLMK_COMMON_HEADS_H

#include "Dims.h"

namespace llmk {

enum class HeadLayout { BHSD, BSHD };

/// One attention tensor seen as [B, H, S, D] whatever its layout: row s of
/// head h of batch b starts at element first + b * batch + h * head +
/// s * row, and its D elements are contiguous.
struct HeadRows {
  int64_t B = 0, H = 0, S = 0, D = 0;
  int64_t batch = 0, head = 0, row = 0, first = 0;

  LLMK_HD int64_t at(int64_t b, int64_t h, int64_t s) const {
    return first + b * batch + h * head + s * row;
  }
};

/// The head counts of q, k and v when attention reads all three in place
/// from one [B, S, Hq + Hk + Hv, D] tensor (llm.attention's packed_heads:
/// q is heads [0, Hq), k the next Hk, v the last Hv); all zero when they are
/// three tensors.
struct PackedHeads {
  int64_t q = 0, k = 0, v = 0;

  LLMK_HD bool packed() const { return q > 0; }
};

/// The rows of a [B, H, S, D] tensor stored in `layout`.
LLMK_HD HeadRows headRows(int64_t B, int64_t H, int64_t S, int64_t D, HeadLayout layout) {
  HeadRows r;
  r.B = B, r.H = H, r.S = S, r.D = D;
  const bool bshd = layout == HeadLayout::BSHD;
  r.batch = H * S * D;
  r.head = bshd ? D : S * D;
  r.row = bshd ? H * D : D;
  return r;
}

/// The rows of a tensor of shape `shape` ([B, H, S, D] or [B, S, H, D]).
LLMK_HD HeadRows headRows(const Shape &shape, HeadLayout layout) {
  const bool bshd = layout == HeadLayout::BSHD;
  return headRows(shape.d[0], shape.d[bshd ? 2 : 1], shape.d[bshd ? 1 : 2], shape.d[3], layout);
}

/// The rows of heads [first, first + count) of a [B, S, H, D] tensor.
LLMK_HD HeadRows headRowsOf(const Shape &packed, int64_t first, int64_t count) {
  HeadRows r = headRows(packed, HeadLayout::BSHD);
  r.H = count;
  r.first = first * r.D;
  return r;
}

/// The rows of a [B, S, H, D] tensor read in place from a wider one
/// (In::rowStride > 0: Llama's q, k or v, a slice of the merged projection's
/// [B, S, (Hq + 2 * Hk) * D] rows): its positions are `rowStride` elements
/// apart instead of H * D.
LLMK_HD HeadRows stridedPositions(HeadRows r, int64_t rowStride) {
  if (rowStride > 0) {
    r.row = rowStride;
    r.batch = r.S * rowStride;
  }
  return r;
}

/// Where an attention finds the rows of q, k, v and its output.
struct AttentionRows {
  HeadRows q, k, v, out;
};

/// The rows of q, k and v (three tensors in `layout`, or heads of one packed
/// [B, S, Hq + Hk + Hv, D] tensor: q, k and v are then the same tensor) and
/// of the output [B, Hq, Sq, Dv] in `layout`. qRow/kRow/vRow > 0: that
/// "bshd" tensor is a row-strided view (stridedPositions).
LLMK_HD AttentionRows attentionRows(const Shape &q, const Shape &k, const Shape &v,
                                    HeadLayout layout, PackedHeads packed, int64_t qRow = 0,
                                    int64_t kRow = 0, int64_t vRow = 0) {
  AttentionRows r;
  if (packed.packed()) {
    r.q = headRowsOf(q, 0, packed.q);
    r.k = headRowsOf(k, packed.q, packed.k);
    r.v = headRowsOf(v, packed.q + packed.k, packed.v);
  } else {
    r.q = headRows(q, layout), r.k = headRows(k, layout), r.v = headRows(v, layout);
    if (layout == HeadLayout::BSHD) {
      r.q = stridedPositions(r.q, qRow);
      r.k = stridedPositions(r.k, kRow);
      r.v = stridedPositions(r.v, vRow);
    }
  }
  r.out = headRows(r.q.B, r.q.H, r.q.S, r.v.D, layout);
  return r;
}

/// Copies every row of a host tensor between two row maps of the same
/// [B, H, S, D] dims (one layout to the other): for tests and references.
template <typename T>
void copyHeadRows(const T *src, const HeadRows &from, T *dst, const HeadRows &to) {
  for (int64_t b = 0; b < from.B; ++b)
    for (int64_t h = 0; h < from.H; ++h)
      for (int64_t s = 0; s < from.S; ++s)
        for (int64_t d = 0; d < from.D; ++d)
          dst[to.at(b, h, s) + d] = src[from.at(b, h, s) + d];
}

} // namespace llmk

#endif // LLMK_COMMON_HEADS_H
