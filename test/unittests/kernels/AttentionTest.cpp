//===- AttentionTest.cpp - llmk::attention against naive float64 ---------===//
//
// The kernel works on blocks of 64 query rows and 256 keys with an online
// softmax; these cases use sequence lengths that are not multiples of either
// (Sq = 70: a full and a partial row block; Skv = 600: two full key blocks and
// a partial one), grouped-query heads, every causal mode, boolean and
// additive masks, softcap, rows that see nothing and half precision. The
// reference is the textbook softmax(q k^T * scale + mask) v in double.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

#include <memory>

using namespace llmk_test;
using llmk::Causal;
using llmk::MaskKind;

namespace {

struct AttnCase {
  int64_t B = 2, Hq = 8, Hk = 2, Sq = 70, Skv = 600, D = 64, Dv = 64;
  Causal causal = Causal::None;
  MaskKind maskKind = MaskKind::None;
  std::vector<int64_t> maskDims; // broadcastable to [B, Hq, Sq, Skv]
  float scale = 0;               // 0: 1 / sqrt(D), as the emitter's default
  float softcap = 0;
  /// Masks: make some rows see nothing (all false / all -inf) and some see
  /// only one key in a later key block. Needs a mask with a per-row Sq dim.
  bool emptyRows = false;
  /// q, k, v and the output are stored [B, S, H, D] (HeadLayout::BSHD).
  bool bshd = false;
  /// ... and q, k, v are heads of one [B, S, Hq + 2 Hk, D] tensor
  /// (PackedHeads; needs Sq == Skv and D == Dv).
  bool packed = false;
  /// ... the same tensor, but q, k and v are three row-strided views of it
  /// (In::rowStride, how codegen hands over Llama's q/k/v split pieces).
  bool rowStrided = false;
};

/// q, k and v ([B, H, S, D] each) as the heads of one [B, S, Hq + 2 Hk, D]
/// tensor, written out index by index (not through HeadRows, which the
/// kernel uses).
template <typename T>
std::vector<T> packHeads(const std::vector<T> &q, const std::vector<T> &k, const std::vector<T> &v,
                         int64_t B, int64_t Hq, int64_t Hk, int64_t S, int64_t D) {
  const int64_t Ht = Hq + 2 * Hk;
  std::vector<T> p(B * S * Ht * D);
  auto put = [&](const std::vector<T> &x, int64_t H, int64_t first) {
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t s = 0; s < S; ++s)
          for (int64_t d = 0; d < D; ++d)
            p[((b * S + s) * Ht + first + h) * D + d] = x[((b * H + h) * S + s) * D + d];
  };
  put(q, Hq, 0), put(k, Hk, Hq), put(v, Hk, Hq + Hk);
  return p;
}

/// x, a [B, H, S, D] tensor, stored as [B, S, H, D] (or back, with `back`).
template <typename T>
std::vector<T> swapHeadsSeq(const std::vector<T> &x, int64_t B, int64_t H, int64_t S, int64_t D,
                            bool back = false) {
  using llmk::HeadLayout;
  std::vector<T> y(x.size());
  const llmk::HeadRows bhsd = llmk::headRows(B, H, S, D, HeadLayout::BHSD),
                       bshd = llmk::headRows(B, H, S, D, HeadLayout::BSHD);
  llmk::copyHeadRows(x.data(), back ? bshd : bhsd, y.data(), back ? bhsd : bshd);
  return y;
}

/// Offset of [b, h, i, j] in a tensor of `dims` broadcast to rank 4.
int64_t broadcastOffset(const std::vector<int64_t> &dims, const int64_t (&idx)[4]) {
  const int offset = 4 - static_cast<int>(dims.size());
  int64_t off = 0, stride = 1;
  for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
    if (dims[i] != 1)
      off += idx[i + offset] * stride;
    stride *= dims[i];
  }
  return off;
}

template <typename T> struct AttnData {
  std::vector<T> q, k, v, additive;
  std::unique_ptr<bool[]> boolMask;
  int64_t maskN = 0;
};

template <typename T> std::vector<T> toT(const std::vector<float> &v) {
  std::vector<T> r(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    r[i] = static_cast<T>(v[i]);
  return r;
}

template <typename T> AttnData<T> makeData(const AttnCase &c, uint32_t seed) {
  std::mt19937 rng(seed);
  AttnData<T> d;
  d.q = toT<T>(randomFloats(rng, c.B * c.Hq * c.Sq * c.D));
  d.k = toT<T>(randomFloats(rng, c.B * c.Hk * c.Skv * c.D));
  d.v = toT<T>(randomFloats(rng, c.B * c.Hk * c.Skv * c.Dv));
  if (c.maskKind == MaskKind::None)
    return d;
  d.maskN = numelOf(c.maskDims);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  if (c.maskKind == MaskKind::Bool) {
    d.boolMask.reset(new bool[d.maskN]);
    for (int64_t i = 0; i < d.maskN; ++i)
      d.boolMask[i] = u(rng) >= 0.3f; // 30% of the keys hidden
  } else {
    std::vector<float> m = randomFloats(rng, d.maskN);
    for (auto &x : m)
      if (u(rng) < 0.1f)
        x = -INFINITY; // 10% hidden outright
    d.additive = toT<T>(m);
  }
  if (c.emptyRows) {
    // The mask must have a per-row dim: [B or 1, H or 1, Sq, Skv].
    EXPECT_EQ(c.maskDims.size(), 4u);
    EXPECT_EQ(c.maskDims[2], c.Sq);
    const int64_t Skv = c.Skv, rowStride = Skv, bStride = c.maskDims[1] * c.Sq * Skv;
    auto setRow = [&](int64_t b, int64_t i, int64_t visibleKey) {
      b = c.maskDims[0] == 1 ? 0 : b;
      for (int64_t j = 0; j < Skv; ++j) {
        const int64_t at = b * bStride + i * rowStride + j;
        const bool visible = j == visibleKey;
        if (c.maskKind == MaskKind::Bool)
          d.boolMask[at] = visible;
        else
          d.additive[at] = static_cast<T>(visible ? 1.5f : -INFINITY);
      }
    };
    setRow(0, 5, -1);              // sees nothing: zeros
    setRow(c.B - 1, c.Sq - 1, -1); // the last row of the partial row block too
    setRow(0, 66, 400);            // only a key of the second key block
    setRow(c.B - 1, 3, Skv - 1);   // only the last key of the partial key block
  }
  return d;
}

/// Naive attention in double; also returns sum_j p_j |v_j| per output, the
/// magnitude the float rounding errors scale with.
template <typename T> std::vector<double> toDouble(const std::vector<T> &v) {
  std::vector<double> r(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    r[i] = static_cast<double>(static_cast<float>(v[i]));
  return r;
}

/// Naive attention in double; also returns sum_j p_j |v_j| per output, the
/// magnitude the float rounding errors scale with.
template <typename T>
void reference(const AttnCase &c, const AttnData<T> &d, float scale, std::vector<double> &out,
               std::vector<double> &mag) {
  out.assign(c.B * c.Hq * c.Sq * c.Dv, 0.0);
  mag.assign(out.size(), 0.0);
  const std::vector<double> q = toDouble(d.q), k = toDouble(d.k), v = toDouble(d.v),
                            additive = toDouble(d.additive);
  const int64_t group = c.Hq / c.Hk;
  std::vector<double> s(c.Skv);
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t h = 0; h < c.Hq; ++h)
      for (int64_t i = 0; i < c.Sq; ++i) {
        const int64_t hk = h / group;
        const double *qp = q.data() + ((b * c.Hq + h) * c.Sq + i) * c.D;
        double maxS = -INFINITY;
        for (int64_t j = 0; j < c.Skv; ++j) {
          const double *kp = k.data() + ((b * c.Hk + hk) * c.Skv + j) * c.D;
          double dot = 0;
          for (int64_t e = 0; e < c.D; ++e)
            dot += qp[e] * kp[e];
          double x = dot * static_cast<double>(scale);
          if (c.softcap > 0)
            x = c.softcap * std::tanh(x / c.softcap);
          bool hidden = false;
          if (c.causal == Causal::UpperLeft)
            hidden = j > i;
          else if (c.causal == Causal::LowerRight)
            hidden = j > i + (c.Skv - c.Sq);
          if (c.maskKind != MaskKind::None) {
            const int64_t at = broadcastOffset(c.maskDims, {b, h, i, j});
            if (c.maskKind == MaskKind::Bool)
              hidden |= !d.boolMask[at];
            else
              x += additive[at];
          }
          s[j] = hidden ? -INFINITY : x;
          maxS = std::max(maxS, s[j]);
        }
        if (maxS == -INFINITY)
          continue; // sees nothing: zeros
        double sum = 0;
        for (int64_t j = 0; j < c.Skv; ++j)
          sum += (s[j] = std::exp(s[j] - maxS));
        double *o = out.data() + ((b * c.Hq + h) * c.Sq + i) * c.Dv;
        double *m = mag.data() + ((b * c.Hq + h) * c.Sq + i) * c.Dv;
        for (int64_t j = 0; j < c.Skv; ++j) {
          if (s[j] == 0)
            continue;
          const double p = s[j] / sum;
          const double *vp = v.data() + ((b * c.Hk + hk) * c.Skv + j) * c.Dv;
          for (int64_t e = 0; e < c.Dv; ++e) {
            o[e] += p * vp[e];
            m[e] += p * std::fabs(vp[e]);
          }
        }
      }
}

/// Runs the kernel and the reference on one case. fp32 tolerance: the
/// kernel's scores are float GEMMs over D terms and its softmax uses expf32
/// (2 ulp) with float sums over up to 600 keys, so its error is a few float
/// ulps of sum_j p_j |v_j|: rtol 1e-5 of that magnitude (or of |out|) plus
/// atol 1e-6.
template <typename T>
void runCase(const AttnCase &c, uint32_t seed, double rtol = 1e-5, double atol = 1e-6) {
  ASSERT_EQ(c.Hq % c.Hk, 0);
  AttnData<T> d = makeData<T>(c, seed);
  const float scale = c.scale > 0 ? c.scale : 1.0f / std::sqrt(static_cast<float>(c.D));
  std::vector<T> out(c.B * c.Hq * c.Sq * c.Dv, static_cast<T>(12345.f)); // poison
  const void *maskData = c.maskKind == MaskKind::Bool       ? static_cast<const void *>(d.boolMask.get())
                         : c.maskKind == MaskKind::Additive ? static_cast<const void *>(d.additive.data())
                                                            : nullptr;
  llmk::Shape maskShape = c.maskKind == MaskKind::None ? llmk::Shape{} : shapeOf(c.maskDims);
  if (c.packed || c.rowStrided) {
    ASSERT_TRUE(c.bshd && c.Sq == c.Skv && c.D == c.Dv);
    const std::vector<T> p = packHeads(d.q, d.k, d.v, c.B, c.Hq, c.Hk, c.Sq, c.D);
    if (c.packed) {
      const llmk::In<T> all = llmk::in(p.data(), shapeOf({c.B, c.Sq, c.Hq + 2 * c.Hk, c.D}));
      llmk::attention<T>(all, all, all, maskData, maskShape, c.maskKind, out.data(), scale,
                         c.causal, c.softcap, llmk::HeadLayout::BSHD,
                         llmk::PackedHeads{c.Hq, c.Hk, c.Hk});
    } else {
      const int64_t row = (c.Hq + 2 * c.Hk) * c.D;
      llmk::attention<T>(llmk::in(p.data(), shapeOf({c.B, c.Sq, c.Hq, c.D}), row),
                         llmk::in(p.data() + c.Hq * c.D, shapeOf({c.B, c.Sq, c.Hk, c.D}), row),
                         llmk::in(p.data() + (c.Hq + c.Hk) * c.D, shapeOf({c.B, c.Sq, c.Hk, c.D}),
                                  row),
                         maskData, maskShape, c.maskKind, out.data(), scale, c.causal, c.softcap,
                         llmk::HeadLayout::BSHD);
    }
    out = swapHeadsSeq(out, c.B, c.Hq, c.Sq, c.Dv, /*back=*/true);
  } else if (c.bshd) {
    // The same tensors in [B, S, H, D]; the output is read back into
    // [B, H, S, D] for the reference.
    const std::vector<T> q = swapHeadsSeq(d.q, c.B, c.Hq, c.Sq, c.D),
                         k = swapHeadsSeq(d.k, c.B, c.Hk, c.Skv, c.D),
                         v = swapHeadsSeq(d.v, c.B, c.Hk, c.Skv, c.Dv);
    llmk::attention<T>(llmk::in(q.data(), shapeOf({c.B, c.Sq, c.Hq, c.D})),
                       llmk::in(k.data(), shapeOf({c.B, c.Skv, c.Hk, c.D})),
                       llmk::in(v.data(), shapeOf({c.B, c.Skv, c.Hk, c.Dv})), maskData, maskShape,
                       c.maskKind, out.data(), scale, c.causal, c.softcap, llmk::HeadLayout::BSHD);
    out = swapHeadsSeq(out, c.B, c.Hq, c.Sq, c.Dv, /*back=*/true);
  } else {
    llmk::attention<T>(llmk::in(d.q.data(), shapeOf({c.B, c.Hq, c.Sq, c.D})),
                       llmk::in(d.k.data(), shapeOf({c.B, c.Hk, c.Skv, c.D})),
                       llmk::in(d.v.data(), shapeOf({c.B, c.Hk, c.Skv, c.Dv})), maskData,
                       maskShape, c.maskKind, out.data(), scale, c.causal, c.softcap);
  }
  std::vector<double> ref, mag;
  reference(c, d, scale, ref, mag);
  EXPECT_CLOSE("attention", allClose(out, ref, rtol, atol, &mag));
  if (c.emptyRows) {
    // Rows that see nothing are exactly zero (not NaN, not the poison).
    for (int64_t h = 0; h < c.Hq; ++h)
      for (auto [b, i] : {std::pair<int64_t, int64_t>{0, 5}, {c.B - 1, c.Sq - 1}})
        for (int64_t e = 0; e < c.Dv; ++e)
          ASSERT_EQ(static_cast<float>(out[((b * c.Hq + h) * c.Sq + i) * c.Dv + e]), 0.f)
              << "b " << b << " h " << h << " row " << i;
  }
}

} // namespace

TEST(Attention, GQAPartialBlocks) {
  AttnCase c; // B=2, Hq=8, Hk=2, Sq=70, Skv=600, D=Dv=64
  runCase<float>(c, 1);
}

TEST(Attention, MultiHeadSmallHeadDimDvDiffers) {
  AttnCase c;
  c.Hk = 8, c.D = 32, c.Dv = 48;
  runCase<float>(c, 2);
}

TEST(Attention, CausalUpperLeft) {
  AttnCase c;
  c.causal = Causal::UpperLeft;
  runCase<float>(c, 3);
}

TEST(Attention, CausalUpperLeftSquare) {
  AttnCase c;
  c.Sq = c.Skv = 300, c.D = 32, c.Dv = 16;
  c.causal = Causal::UpperLeft;
  runCase<float>(c, 4);
}

TEST(Attention, CausalLowerRight) {
  AttnCase c; // Skv > Sq: row i sees keys j <= i + 530
  c.causal = Causal::LowerRight;
  runCase<float>(c, 5);
}

TEST(Attention, CausalLowerRightD32Dv80) {
  AttnCase c;
  c.D = 32, c.Dv = 80;
  c.causal = Causal::LowerRight;
  runCase<float>(c, 6);
}

TEST(Attention, DecodeOneQuery) {
  AttnCase c;
  c.Sq = 1, c.Skv = 300;
  runCase<float>(c, 7);
}

TEST(Attention, DecodeOneQueryLowerRight) {
  AttnCase c; // the one query is the last position: sees every key
  c.Sq = 1, c.Skv = 300;
  c.causal = Causal::LowerRight;
  runCase<float>(c, 8);
}

TEST(Attention, DecodeOneQueryUpperLeft) {
  AttnCase c; // the one query sees only key 0: output is v[0]
  c.Sq = 1, c.Skv = 300;
  c.causal = Causal::UpperLeft;
  runCase<float>(c, 9);
}

TEST(Attention, BoolMaskBroadcastFromB11Skv) {
  AttnCase c;
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, 1, c.Skv};
  runCase<float>(c, 10);
}

TEST(Attention, BoolMaskWithLowerRightCausal) {
  AttnCase c;
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, 1, c.Skv};
  c.causal = Causal::LowerRight;
  runCase<float>(c, 11);
}

TEST(Attention, BoolMaskDecode) {
  AttnCase c;
  c.Sq = 1, c.Skv = 300, c.D = 32, c.Dv = 32;
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, 1, c.Skv};
  runCase<float>(c, 12);
}

TEST(Attention, AdditiveMaskPerRow) {
  AttnCase c;
  c.maskKind = MaskKind::Additive;
  c.maskDims = {c.B, 1, c.Sq, c.Skv};
  runCase<float>(c, 13);
}

TEST(Attention, AdditiveMaskPerHeadRank3) {
  AttnCase c; // [Hq, Sq, Skv], broadcast over B
  c.maskKind = MaskKind::Additive;
  c.maskDims = {c.Hq, c.Sq, c.Skv};
  c.causal = Causal::UpperLeft;
  runCase<float>(c, 14);
}

TEST(Attention, Softcap) {
  AttnCase c; // scale 0.5 makes scores of ~5, so a softcap of 3 bends them
  c.scale = 0.5f, c.softcap = 3.f;
  c.causal = Causal::LowerRight;
  runCase<float>(c, 15);
}

TEST(Attention, SoftcapWithAdditiveMaskDecode) {
  AttnCase c;
  c.Sq = 1, c.Skv = 300;
  c.scale = 0.4f, c.softcap = 2.f;
  c.maskKind = MaskKind::Additive;
  c.maskDims = {c.B, 1, 1, c.Skv};
  runCase<float>(c, 16);
}

TEST(Attention, FullyMaskedRowsBool) {
  AttnCase c;
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, c.Sq, c.Skv};
  c.emptyRows = true;
  runCase<float>(c, 17);
}

TEST(Attention, FullyMaskedRowsAdditive) {
  AttnCase c;
  c.maskKind = MaskKind::Additive;
  c.maskDims = {c.B, 1, c.Sq, c.Skv};
  c.emptyRows = true;
  c.causal = Causal::LowerRight;
  runCase<float>(c, 18);
}

TEST(Attention, LowerRightMoreQueriesThanKeys) {
  AttnCase c; // Sq > Skv: rows i < Sq - Skv see nothing and are zeros
  c.Sq = 70, c.Skv = 40;
  c.causal = Causal::LowerRight;
  runCase<float>(c, 19);
}

// Half precision: q, k, v and the mask are f16, the kernel computes in float
// and rounds the output to f16 (half an f16 ulp, 2^-12 relative). The
// reference uses the same f16 inputs in double, so rtol 1e-3 (2 f16 ulps) of
// the magnitude, atol 1e-5 (f16's subnormal range) bound it.
TEST(Attention, Float16GQALowerRightAdditiveMask) {
  AttnCase c;
  c.Dv = 32;
  c.causal = Causal::LowerRight;
  c.maskKind = MaskKind::Additive;
  c.maskDims = {c.B, 1, c.Sq, c.Skv};
  c.emptyRows = true;
  runCase<llmk::f16>(c, 20, 1e-3, 1e-5);
}

TEST(Attention, Float16BoolMaskSoftcap) {
  AttnCase c;
  c.D = 32, c.Dv = 64;
  c.scale = 0.5f, c.softcap = 4.f;
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, 1, c.Skv};
  runCase<llmk::f16>(c, 21, 1e-3, 1e-5);
}

TEST(Attention, Float16Decode) {
  AttnCase c;
  c.Sq = 1, c.Skv = 300;
  c.causal = Causal::LowerRight;
  runCase<llmk::f16>(c, 22, 1e-3, 1e-5);
}

// masked_rows = "uniform": rows that see nothing become the mean of v over all
// keys; every other row keeps attention's value.
TEST(Attention, UniformMaskedRows) {
  AttnCase c;
  c.Skv = 500, c.Dv = 48; // Sq = 70: the data makes rows 5 and 69 see nothing
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, c.Sq, c.Skv};
  c.emptyRows = true;
  c.causal = Causal::LowerRight;
  AttnData<float> d = makeData<float>(c, 23);
  const float scale = 1.0f / std::sqrt(static_cast<float>(c.D));
  std::vector<float> out(c.B * c.Hq * c.Sq * c.Dv, 12345.f);
  auto q = llmk::in(d.q.data(), shapeOf({c.B, c.Hq, c.Sq, c.D}));
  auto v = llmk::in(d.v.data(), shapeOf({c.B, c.Hk, c.Skv, c.Dv}));
  llmk::attention<float>(q, llmk::in(d.k.data(), shapeOf({c.B, c.Hk, c.Skv, c.D})), v,
                         d.boolMask.get(), shapeOf(c.maskDims), c.maskKind, out.data(), scale,
                         c.causal, 0.f);
  std::vector<float> before = out;
  llmk::attentionUniformMaskedRows<float>(q, v, d.boolMask.get(), shapeOf(c.maskDims), out.data(),
                                          c.causal);
  const int64_t group = c.Hq / c.Hk;
  int64_t uniformRows = 0;
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t h = 0; h < c.Hq; ++h)
      for (int64_t i = 0; i < c.Sq; ++i) {
        const int64_t last = std::min(i + c.Skv - c.Sq, c.Skv - 1);
        bool visible = false;
        for (int64_t j = 0; j <= last; ++j)
          visible |= d.boolMask.get()[broadcastOffset(c.maskDims, {b, h, i, j})];
        uniformRows += !visible;
        for (int64_t e = 0; e < c.Dv; ++e) {
          const int64_t o = ((b * c.Hq + h) * c.Sq + i) * c.Dv + e;
          if (visible) {
            ASSERT_EQ(out[o], before[o]);
            continue;
          }
          double mean = 0;
          for (int64_t j = 0; j < c.Skv; ++j)
            mean += d.v[((b * c.Hk + h / group) * c.Skv + j) * c.Dv + e];
          mean /= c.Skv;
          ASSERT_NEAR(out[o], mean, 1e-5) << "b " << b << " h " << h << " row " << i;
        }
      }
  EXPECT_GT(uniformRows, 0);
}

// [B, S, H, D] tensors (llm.attention's layout = "bshd"): the same results
// with row strides, in f32 (rows read in place) and in f16 (rows converted).
TEST(Attention, BSHDLayoutGQACausalBoolMask) {
  AttnCase c; // B=2, Hq=8, Hk=2, Sq=70, Skv=600
  c.causal = Causal::LowerRight;
  c.maskKind = MaskKind::Bool;
  c.maskDims = {c.B, 1, c.Sq, c.Skv};
  c.emptyRows = true;
  c.bshd = true;
  runCase<float>(c, 41);
}

// Rotary embeddings in [B, S, H, D] (llm-fold-head-transposes makes them for
// Llama's q and k): the same result as [B, H, S, D], whose rows are
// computed here in double from the definition, rotate-half and
// interleaved, full and partial rotary dims, tables per position and per
// batch.
TEST(Attention, RotaryBothLayouts) {
  const int64_t B = 2, H = 3, S = 7, D = 16;
  std::mt19937 rng(45);
  std::uniform_real_distribution<float> u(-1, 1), angle(0, 6.28f);
  std::vector<float> x(B * H * S * D);
  for (float &e : x)
    e = u(rng);
  for (bool interleaved : {false, true})
    for (int64_t rot : {16, 10})
      for (bool perBatch : {false, true}) {
        const int64_t half = rot / 2;
        const std::vector<int64_t> tableDims =
            perBatch ? std::vector<int64_t>{B, 1, S, half} : std::vector<int64_t>{S, half};
        std::vector<float> cs(perBatch ? B * S * half : S * half), sn(cs.size());
        for (size_t i = 0; i < cs.size(); ++i) {
          const float a = angle(rng);
          cs[i] = std::cos(a), sn[i] = std::sin(a);
        }
        std::vector<double> ref(x.size());
        for (int64_t b = 0; b < B; ++b)
          for (int64_t h = 0; h < H; ++h)
            for (int64_t s = 0; s < S; ++s) {
              const float *p = &x[((b * H + h) * S + s) * D];
              double *r = &ref[((b * H + h) * S + s) * D];
              for (int64_t i = 0; i < D; ++i)
                r[i] = p[i];
              for (int64_t i = 0; i < half; ++i) {
                const int64_t t = perBatch ? (b * S + s) * half + i : s * half + i;
                const int64_t i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
                r[i1] = double(p[i1]) * cs[t] - double(p[i2]) * sn[t];
                r[i2] = double(p[i2]) * cs[t] + double(p[i1]) * sn[t];
              }
            }
        const llmk::Shape ts = shapeOf(tableDims);
        std::vector<float> outBhsd(x.size()), outBshd(x.size());
        llmk::rotaryEmbedding<float>(llmk::in(x.data(), shapeOf({B, H, S, D})),
                                     llmk::in(cs.data(), ts), llmk::in(sn.data(), ts),
                                     outBhsd.data(), rot, interleaved);
        const std::vector<float> xs = swapHeadsSeq(x, B, H, S, D);
        llmk::rotaryEmbedding<float>(llmk::in(xs.data(), shapeOf({B, S, H, D})),
                                     llmk::in(cs.data(), ts), llmk::in(sn.data(), ts),
                                     outBshd.data(), rot, interleaved, llmk::HeadLayout::BSHD);
        outBshd = swapHeadsSeq(outBshd, B, H, S, D, /*back=*/true);
        // The same [B, S, H, D] rows as a row-strided view: heads 1..H of
        // positions H + 2 heads wide (a merged projection's q piece).
        const int64_t row = (H + 2) * D;
        std::vector<float> wide(B * S * row, 99.f), outView(x.size());
        for (int64_t r = 0; r < B * S; ++r)
          std::copy_n(&xs[r * H * D], H * D, &wide[r * row + D]);
        llmk::rotaryEmbedding<float>(llmk::in(wide.data() + D, shapeOf({B, S, H, D}), row),
                                     llmk::in(cs.data(), ts), llmk::in(sn.data(), ts),
                                     outView.data(), rot, interleaved, llmk::HeadLayout::BSHD);
        outView = swapHeadsSeq(outView, B, H, S, D, /*back=*/true);
        EXPECT_CLOSE("rotary bhsd", allClose(outBhsd, ref, 1e-6, 1e-6));
        EXPECT_CLOSE("rotary bshd", allClose(outBshd, ref, 1e-6, 1e-6));
        EXPECT_CLOSE("rotary bshd view", allClose(outView, ref, 1e-6, 1e-6));
      }
}

// q, k and v read in place from the merged projection, as one packed
// tensor (packed_heads) and as three row-strided views (Llama's split
// pieces): GQA with a causal padding mask in f32, and multi-head in f16.
TEST(Attention, MergedProjectionGQACausalBoolMask) {
  for (bool views : {false, true}) {
    AttnCase c;
    c.Sq = c.Skv = 150;
    c.causal = Causal::UpperLeft;
    c.maskKind = MaskKind::Bool;
    c.maskDims = {c.B, 1, 1, c.Skv};
    c.bshd = true;
    c.packed = !views, c.rowStrided = views;
    runCase<float>(c, views ? 46 : 43);
  }
}

TEST(Attention, PackedHeadsHalf) {
  AttnCase c;
  c.Hq = c.Hk = 4, c.Sq = c.Skv = 97, c.D = c.Dv = 32;
  c.bshd = c.packed = true;
  runCase<llmk::f16>(c, 44, 1e-3, 1e-5);
}

TEST(Attention, RowStridedViewsHalf) {
  AttnCase c;
  c.Hq = 6, c.Hk = 3, c.Sq = c.Skv = 97, c.D = c.Dv = 32;
  c.bshd = c.rowStrided = true;
  runCase<llmk::f16>(c, 47, 1e-3, 1e-5);
}

TEST(Attention, BSHDLayoutHalfAdditiveMask) {
  AttnCase c;
  c.Hk = 8, c.Sq = 33, c.Skv = 33, c.D = 32, c.Dv = 48;
  c.causal = Causal::UpperLeft;
  c.maskKind = MaskKind::Additive;
  c.maskDims = {c.B, 1, 1, c.Skv};
  c.bshd = true;
  runCase<llmk::f16>(c, 42, 1e-3, 1e-5);
}
