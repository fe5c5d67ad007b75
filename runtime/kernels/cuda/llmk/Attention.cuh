//===- Attention.cuh - flash attention and rotary embeddings on the GPU ---===//
//
// The CUDA counterpart of runtime/kernels/cpu/llmk/Attention.h, same
// functions and signatures, with device pointers, launched on
// llmk::stream().
//
// attention() is flash attention (one pass over the keys with an online
// softmax; no Sq x Sk buffer anywhere):
// - f16/bf16 with D == Dv in {64, 128} (16-byte aligned pointers): a
//   tensor-core kernel. A CTA of 4 warps; each warp takes 16*MT query rows
//   (D=64: 16, D=128: 32, sharing every K/V fragment it loads between its
//   MT m16 tiles); K and V tiles of 64 keys are double-buffered in shared
//   memory (cp.async, XOR-swizzled 16-byte chunks so that ldmatrix is free of
//   bank conflicts, addresses as per-lane constants XOR the k-step). S = Q K^T
//   and O += P V are mma.sync m16n8k16 with fp32 accumulators, or for D=64
//   prefill Hopper wgmma (llmk/Wgmma.cuh; a warpgroup of 64 rows a CTA, two
//   for long causal prefill) reading K and V straight from those tiles,
//   which are the hardware's 128-byte swizzle; the softmax is
//   fp32 in registers in log2 units (ex2.approx), the S accumulators re-packed
//   as the A fragments of P without touching shared memory. Causal CTAs stop
//   at the last key their last row may see, warps skip tiles wholly above
//   their diagonal, and only tiles that cross the diagonal (or the end of the
//   keys) evaluate a limit. A key mask ([B,1,1,Sk], the padding masks) and
//   other masks or softcap use two more instantiations (ScorePath); the key
//   mask is fetched a tile ahead into shared memory, so it costs one FFMA a
//   score.
//   Short queries (Sq < 64, decoding) pack the query heads of a GQA group into
//   one CTA's rows and, when that leaves the GPU idle, split the keys across
//   CTAs: partials go to the cuBLASLt workspace of the context (used only in
//   stream order) and a second kernel merges them.
// - Everything else (fp32, double, other head dims): a SIMT flash kernel in
//   the element type's accumulation type (fp32, double for double): 16 query
//   rows per CTA, 32-key tiles in shared memory, one key per lane.
// Rows that may attend to nothing are zeros, as on the CPU.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_ATTENTION_CUH
#define LLMK_CUDA_ATTENTION_CUH

#include "llmk/Linalg.cuh"
#include "llmk/Wgmma.cuh"

#include "../../common/llmk/Heads.h"

#include <cmath>
#include <cstdint>

namespace llmk {

enum class Causal { None, UpperLeft, LowerRight };
enum class MaskKind { None, Bool, Additive };

namespace la {

/// Which tensor-core configuration attention() launches (0: the default for
/// the head dim; 1..8: the alternatives, see attention(), compiled only with
/// LLMK_ATTENTION_CONFIGS); a benchmark knob.
inline int attentionConfig = 0;

struct AttnArgs {
  const void *q, *k, *v;
  void *out;
  const void *mask;
  int64_t ms[4]; // mask strides on [B, Hq, Sq, Sk]
  int maskKind;  // MaskKind
  // The mask varies only along keys (and batch): [B, 1, 1, Sk], the padding
  // masks of BERT and of decoders. The tensor-core kernel then reads each
  // key's term once a CTA, not once per score (softcap must be 0).
  int keyMask;
  int causal;    // Causal != None
  int64_t Hq, Hk, group, Sq, Sk, D, Dv, shift;
  // Where each head's rows are ([B, H, S, D] or [B, S, H, D]).
  HeadRows qs, ks, vs, os;
  float scale, softcap;
  // Tensor-core kernel only. pack: a CTA's rows are the group*Sq rows of
  // one key/value head's query heads (contiguous in q and out), so that
  // decoding reads each K/V tile once per group. splits > 1: blockIdx.z
  // takes one range of key tiles and stores unnormalized partial results
  // (o, and m in log2 units, l) for combineSplits.
  int pack, splits;
  float *partO, *partM, *partL;
};

/// Raises a kernel's dynamic shared memory limit to `bytes` on the current
/// device, once per (kernel, device); `done` is the kernel's own table.
template <typename F> void ensureSmem(F *kernel, size_t bytes, size_t (&done)[64]) {
  if (bytes <= 48 * 1024)
    return;
  const int dev = llmk::context().device & 63;
  if (done[dev] >= bytes)
    return;
  LLMK_CUDA_CHECK(
      cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
  done[dev] = bytes;
}

__device__ __forceinline__ float aexp(float x) { return expf(x); }
__device__ __forceinline__ double aexp(double x) { return exp(x); }
__device__ __forceinline__ float atanh_(float x) { return tanhf(x); }
__device__ __forceinline__ double atanh_(double x) { return tanh(x); }

/// The score of (row i, key j) after scale, softcap and mask (causal and key
/// range are the caller's).
template <typename T, typename A>
__device__ __forceinline__ A maskedScore(A dot, const AttnArgs &a, int64_t b, int64_t h, int64_t i,
                                         int64_t j) {
  A x = dot * A(a.scale);
  if (a.softcap > 0)
    x = A(a.softcap) * atanh_(x / A(a.softcap));
  if (a.maskKind != 0) {
    const int64_t m = b * a.ms[0] + h * a.ms[1] + i * a.ms[2] + j * a.ms[3];
    if (a.maskKind == static_cast<int>(MaskKind::Bool)) {
      if (!static_cast<const bool *>(a.mask)[m])
        x = -INFINITY;
    } else {
      x += static_cast<A>(ld(static_cast<const T *>(a.mask)[m]));
    }
  }
  return x;
}

//===----------------------------------------------------------------------===//
// Tensor-core kernel (f16/bf16, D in {64, 128}).
//===----------------------------------------------------------------------===//

__device__ __forceinline__ uint32_t smemAddr(const void *p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}
__device__ __forceinline__ void cpAsync16(uint32_t dst, const void *src, int bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(bytes));
}
__device__ __forceinline__ void cpAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cpAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}
__device__ __forceinline__ void ldmatrix4(uint32_t addr, uint32_t &r0, uint32_t &r1, uint32_t &r2,
                                          uint32_t &r3) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
               : "r"(addr));
}
__device__ __forceinline__ void ldmatrix4T(uint32_t addr, uint32_t &r0, uint32_t &r1, uint32_t &r2,
                                           uint32_t &r3) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
               : "r"(addr));
}
template <typename T>
__device__ __forceinline__ void mma16816(float (&c)[4], const uint32_t (&a)[4], uint32_t b0,
                                         uint32_t b1) {
  if constexpr (std::is_same_v<T, __half>) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, "
                 "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  } else {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, "
                 "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
}
/// 2^x (MUFU.EX2, flush-to-zero; 2^-inf = 0).
__device__ __forceinline__ float fastExp2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
  return y;
}
template <typename T> __device__ __forceinline__ uint32_t pack2(float lo, float hi) {
  if constexpr (std::is_same_v<T, __half>) {
    __half2 v = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<uint32_t *>(&v);
  } else {
    __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t *>(&v);
  }
}

/// op over part[0..N) as a tree, depth ceil(log2 N) instead of a chain of N
/// dependent instructions (any N: 48-key tiles have 6 parts a row).
template <int N, typename Op> __device__ __forceinline__ float treeReduce(float (&part)[N], Op op) {
#pragma unroll
  for (int n = N; n > 1; n = (n + 1) / 2) {
    const int w = (n + 1) / 2;
#pragma unroll
    for (int i = 0; i + w < n; ++i)
      part[i] = op(part[i], part[i + w]);
  }
  return part[0];
}

/// Shared memory of the tensor-core kernel: Q (Br x D), two K and two V
/// buffers (BC x D each), and two tiles of key-mask terms (BC floats each);
/// with wgmma, room to start the tiles on a 1024-byte boundary (the
/// hardware's swizzle pattern repeats every 1024 bytes of address).
template <int D, int NW, int MT, int BC, bool WG> constexpr int tcSmemBytes() {
  return (16 * NW * MT + 4 * BC) * D * 2 + 2 * BC * 4 + (WG ? 1024 : 0);
}

/// How the tensor-core kernel scores: only the causal and key-range limits;
/// a key mask [B, 1, 1, Sk] (prefetched a tile ahead into shared memory, one
/// FFMA a score); or the general path (any mask broadcast, softcap).
enum class ScorePath { Plain, KeyMask, General };

/// NW warps, each of 16*MT query rows (MT m16 tiles that share every K and V
/// fragment it loads), key tiles of BC, scoring along PATH. WG: S = Q K^T and
/// O += P V are Hopper wgmma (warpgroups of 4 warps and 64 rows, A from
/// registers, B straight from the swizzled tiles) instead of ldmatrix and
/// mma.sync; everything else is shared.
template <typename T, int D, int NW, int MT, int BC, ScorePath PATH, bool WG>
__global__ void __launch_bounds__(NW * 32) flashTc(AttnArgs a) {
  constexpr bool KEYMASK = PATH == ScorePath::KeyMask;
  constexpr int Br = NW * 16 * MT, CH = D / 8, NT = NW * 32, WR = 16 * MT;
  static_assert(!WG || (D == 64 && MT == 1 && NW % 4 == 0 && (BC == 64 || BC == 128)),
                "wgmma: 128-byte rows, warpgroups of 64 rows, 64- or 128-key tiles");
  static_assert(!KEYMASK || BC <= NT, "one key-term fetcher a key");
  // Q fragments in registers when they are few, else re-read from shared
  // memory at each k-step.
  constexpr bool kQRegs = MT * D <= 64;
  constexpr float kLog2e = 1.4426950408889634f;
  extern __shared__ __align__(128) unsigned char smemRaw[];
  unsigned char *smem = smemRaw;
  if constexpr (WG)
    smem += (1024 - (smemAddr(smemRaw) & 1023)) & 1023;
  T *sQ = reinterpret_cast<T *>(smem);
  T *sK = sQ + Br * D; // two buffers of BC x D
  T *sV = sK + 2 * BC * D;
  float *sBias = reinterpret_cast<float *>(sV + 2 * BC * D); // two tiles of BC key terms
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, g = lane / 4, t = lane % 4;
  // A unit is (b, h), or (b, hk) when packed; its R rows are rows of q and
  // out with the tensors' row strides from the unit's first head on (packing
  // is for [B, H, S, D] only, where a group's heads are contiguous rows).
  // Row r is query position r (r % Sq packed) of
  // head h (hk * group + r / Sq packed).
  const int64_t unit = blockIdx.x;
  const int64_t b = a.pack ? unit / a.Hk : unit / a.Hq;
  const int64_t hk = a.pack ? unit % a.Hk : (unit % a.Hq) / a.group;
  const int64_t hUnit = a.pack ? hk * a.group : unit % a.Hq;
  // Positions are int32 (sequence lengths below 2^31); offsets int64.
  const int Sq = static_cast<int>(a.Sq), Sk = static_cast<int>(a.Sk);
  const int shift = static_cast<int>(a.shift), group = static_cast<int>(a.group);
  const int R = a.pack ? group * Sq : Sq;
  const int i0 = static_cast<int>(gridDim.y - 1 - blockIdx.y) * Br; // heavy causal blocks first
  const T *qp = static_cast<const T *>(a.q) + a.qs.at(b, hUnit, 0);
  const T *kp = static_cast<const T *>(a.k) + a.ks.at(b, hk, 0);
  const T *vp = static_cast<const T *>(a.v) + a.vs.at(b, hk, 0);
  T *op = static_cast<T *>(a.out) + a.os.at(b, hUnit, 0);
  const int lastRow = (i0 + Br < R ? i0 + Br : R) - 1;
  const int lastPos = a.pack ? Sq - 1 : lastRow; // conservative when packed
  const int keys = a.causal ? max(0, min(lastPos + shift + 1, Sk)) : Sk;
  const int ntiles = (keys + BC - 1) / BC;
  // This split's key tiles [nBegin, nEnd).
  const int perSplit = (ntiles + a.splits - 1) / a.splits;
  const int nBegin = min(ntiles, static_cast<int>(blockIdx.z) * perSplit);
  const int nEnd = min(ntiles, nBegin + perSplit);
  const int w0 = i0 + warp * WR; // this warp's first row
  const int w0Pos = a.pack ? 0 : w0; // its smallest query position (packed: conservative)
  // Rows that skip tiles together: a warp, or a warpgroup's 64 rows with
  // wgmma (all four warps must issue it; a warp past its diagonal then
  // scores -inf, as a masked tile).
  constexpr int kSkipRows = WG ? 64 : WR;
  const int skip0 = i0 + (WG ? warp / 4 * 64 : warp * WR);
  const bool warpIdle = skip0 >= R;

  // Tiles in shared memory are rows of D elements in 16-byte chunks, chunk c
  // of row r stored at chunk c ^ (r & 7) (ldmatrix reads 8 rows of one
  // chunk column without bank conflicts).
  //
  // Loading: thread tid copies chunk tid % CH of rows tid / CH + k * (NT / CH);
  // NT / CH is a multiple of 8, so its swizzled chunk is the same for every k.
  static_assert((NT / CH) % 8 == 0, "tile rows per pass must keep the swizzle");
  const int ldRow = tid / CH, ldChunk = tid % CH;
  const uint32_t ldOff = (ldRow * D + ((ldChunk ^ (ldRow & 7)) * 8)) * 2;
  // rows [row0, row0 + NROWS) of src, `stride` elements apart (limit: rows
  // that exist).
  auto loadTile = [&](auto nrowsTag, T *dst, const T *src, int64_t stride, int row0, int limit) {
    constexpr int NROWS = decltype(nrowsTag)::value, STEP = NT / CH;
    static_assert(NROWS % STEP == 0, "tile rows must be a multiple of a pass");
    const uint32_t sbase = smemAddr(dst) + ldOff;
    const T *g0 = src + int64_t(row0 + ldRow) * stride + ldChunk * 8;
#pragma unroll
    for (int k = 0; k < NROWS / STEP; ++k) {
      const bool valid = row0 + ldRow + k * STEP < limit;
      cpAsync16(sbase + k * STEP * D * 2, valid ? g0 + int64_t(k) * STEP * stride : src,
                valid ? 16 : 0);
    }
  };
  using RowsBr = std::integral_constant<int, Br>;
  using RowsBC = std::integral_constant<int, BC>;
  // ldmatrix: lane l supplies row (l % 8) or (l % 16) of a tile and chunk
  // c0 + (l / 8) or c0 + (l / 16), with c0 a multiple of 4 or 2; since those
  // add without carries, the swizzled byte offset is a per-lane constant
  // XOR (c0 * 16): one LOP3 per k-step, the tile row as an immediate.
  const uint32_t offA = (lane % 16) * D * 2 + (((lane / 16) ^ (lane & 7)) << 4); // Q, V
  const uint32_t offB = (lane % 8) * D * 2 + (((lane / 8) ^ (lane & 7)) << 4);   // K

  float o[MT][D / 8][4];
  float m[MT][2], l[MT][2];
#pragma unroll
  for (int mt = 0; mt < MT; ++mt) {
#pragma unroll
    for (int i = 0; i < D / 8; ++i)
      o[mt][i][0] = o[mt][i][1] = o[mt][i][2] = o[mt][i][3] = 0.f;
    m[mt][0] = m[mt][1] = -INFINITY;
    l[mt][0] = l[mt][1] = 0.f;
  }
  uint32_t qf[kQRegs ? MT : 1][kQRegs ? D / 16 : 1][4];
  const float scaleLog2 = a.scale * kLog2e;
  const uint32_t qBase = smemAddr(sQ);

  // KEYMASK: threads tid < BC fetch the mask terms of the next key tile while
  // this one computes, and store them (log2 units; -inf for a masked key or
  // one past Sk) after its P V, so the load's latency is off the softmax.
  const bool keyFetcher = KEYMASK && tid < BC;
  constexpr uint32_t kPastKeys = 0xffffffffu;
  auto loadKeyRaw = [&](int j) -> uint32_t {
    if (j >= Sk)
      return kPastKeys;
    const int64_t at = b * a.ms[0] + j * a.ms[3];
    if (a.maskKind == static_cast<int>(MaskKind::Bool))
      return static_cast<const unsigned char *>(a.mask)[at];
    return static_cast<const uint16_t *>(a.mask)[at];
  };
  auto keyTerm = [&](uint32_t raw) -> float {
    if (raw == kPastKeys)
      return -INFINITY;
    if (a.maskKind == static_cast<int>(MaskKind::Bool))
      return raw ? 0.f : -INFINITY;
    const uint16_t bits = static_cast<uint16_t>(raw);
    T term;
    memcpy(&term, &bits, sizeof(term));
    return static_cast<float>(term) * kLog2e;
  };

  // S = Q K^T for the key tile at shared address kBase.
  auto scoreTile = [&](float (&s)[MT][BC / 8][4], uint32_t kBase) {
    if constexpr (WG) {
      // D/16 k-steps of 32 bytes along K's rows. S must not have the shape
      // of P V's m64n64k16: with both m64n64k16 (64-key tiles) every tile
      // after the first came out wrong on the H200 (either product alone on
      // wgmma, the other on mma.sync, was right), so 64-key tiles take S as
      // two m64n32k16 halves.
      wgmmaFence();
      if constexpr (BC == 64) {
        float(&lo)[4][4] = *reinterpret_cast<float(*)[4][4]>(&s[0][0]);
        float(&hi)[4][4] = *reinterpret_cast<float(*)[4][4]>(&s[0][4]);
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk) {
          wgmmaRS<T, 0>(lo, qf[0][kk], wgmmaDesc(kBase + kk * 32, 1024), kk);
          wgmmaRS<T, 0>(hi, qf[0][kk], wgmmaDesc(kBase + 32 * D * 2 + kk * 32, 1024), kk);
        }
      } else {
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk)
          wgmmaRS<T, 0>(s[0], qf[0][kk], wgmmaDesc(kBase + kk * 32, 1024), kk);
      }
      wgmmaCommit();
      wgmmaWait<0>();
      wgmmaPin(s[0]);
    } else {
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt)
          s[mt][jt][0] = s[mt][jt][1] = s[mt][jt][2] = s[mt][jt][3] = 0.f;
#pragma unroll
      for (int k2 = 0; k2 < D / 32; ++k2) {
        uint32_t qa[MT][2][4];
        if constexpr (!kQRegs) {
#pragma unroll
          for (int mt = 0; mt < MT; ++mt)
#pragma unroll
            for (int u = 0; u < 2; ++u)
              ldmatrix4(qBase + (warp * WR + mt * 16) * D * 2 + (offA ^ ((2 * k2 + u) << 5)),
                        qa[mt][u][0], qa[mt][u][1], qa[mt][u][2], qa[mt][u][3]);
        }
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt) {
          uint32_t b0, b1, b2, b3;
          ldmatrix4(kBase + jt * 8 * D * 2 + (offB ^ (k2 << 6)), b0, b1, b2, b3);
#pragma unroll
          for (int mt = 0; mt < MT; ++mt) {
            if constexpr (kQRegs) {
              mma16816<T>(s[mt][jt], qf[mt][2 * k2], b0, b1);
              mma16816<T>(s[mt][jt], qf[mt][2 * k2 + 1], b2, b3);
            } else {
              mma16816<T>(s[mt][jt], qa[mt][0], b0, b1);
              mma16816<T>(s[mt][jt], qa[mt][1], b2, b3);
            }
          }
        }
      }
    }
  };
  // O += P V for the value tile at vBase.
  auto accumulatePV = [&](const uint32_t (&pa)[MT][BC / 16][4], uint32_t vBase) {
    if constexpr (WG) {
      // BC/16 k-steps of 16 rows of V.
      wgmmaPin(o[0]);
      wgmmaFence();
#pragma unroll
      for (int kc = 0; kc < BC / 16; ++kc)
        wgmmaRS<T, 1>(o[0], pa[0][kc], wgmmaDesc(vBase + kc * 16 * D * 2, 1024), 1);
      wgmmaCommit();
      wgmmaWait<0>();
      wgmmaPin(o[0]);
    } else {
#pragma unroll
      for (int kc = 0; kc < BC / 16; ++kc) {
#pragma unroll
        for (int n2 = 0; n2 < D / 16; ++n2) {
          uint32_t b0, b1, b2, b3;
          ldmatrix4T(vBase + kc * 16 * D * 2 + (offA ^ (n2 << 5)), b0, b1, b2, b3);
#pragma unroll
          for (int mt = 0; mt < MT; ++mt) {
            mma16816<T>(o[mt][2 * n2], pa[mt][kc], b0, b1);
            mma16816<T>(o[mt][2 * n2 + 1], pa[mt][kc], b2, b3);
          }
        }
      }
    }
  };
  // The online softmax of the scores s of key tile j0 (its key terms in
  // sBias[buf]), in log2 units: masks and scales s, leaves its exponentials
  // in s, updates m and l, and gives each row's rescale factor for o in corr.
  // The query position of row `row` of the unit (packed: rows of several heads).
  auto queryPos = [&](int row) { return a.pack ? row % Sq : row; };
  auto softmaxTile = [&](float (&s)[MT][BC / 8][4], int j0, int buf, float (&corr)[MT][2]) {
    const bool needMask =
        PATH != ScorePath::Plain || j0 + BC > Sk || (a.causal && j0 + BC - 1 > w0Pos + shift);
#pragma unroll
    for (int mt = 0; mt < MT; ++mt) {
      const int rowA = w0 + mt * 16 + g, rowB = rowA + 8;
      // Scores times `mul` are in log2 units: unmasked tiles fold the scale
      // into the exponent's FFMA (a positive scale commutes with the max).
      float mul = 1.f;
      if (!needMask) {
        if (scaleLog2 > 0.f) {
          mul = scaleLog2;
        } else {
#pragma unroll
          for (int jt = 0; jt < BC / 8; ++jt)
#pragma unroll
            for (int e = 0; e < 4; ++e)
              s[mt][jt][e] *= scaleLog2;
        }
      } else if constexpr (PATH == ScorePath::Plain) {
        // Last visible key of each row, relative to j0 (rows past Sq are
        // never stored and need no limit).
        const int keyLim = min(Sk - j0, BC) - 1;
        int lim[2];
#pragma unroll
        for (int r = 0; r < 2; ++r) {
          lim[r] = keyLim;
          if (a.causal) {
            const int row = r ? rowB : rowA;
            const int rel = queryPos(row) + shift - j0;
            lim[r] = min(lim[r], max(rel, -1));
          }
        }
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int jl = jt * 8 + 2 * t + (e & 1);
            s[mt][jt][e] = jl <= lim[e >> 1] ? s[mt][jt][e] * scaleLog2 : -INFINITY;
          }
      } else if constexpr (KEYMASK) {
        // The key terms are the same for every row; only tiles that cross
        // a row's causal diagonal need a limit (keys past Sk are -inf).
        // The limit is a second loop under one branch: a test per score
        // would put 32 branches (and the code size) in every tile.
        const float2 *terms = reinterpret_cast<const float2 *>(sBias + buf * BC);
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt) {
          const float2 term = terms[jt * 4 + t];
#pragma unroll
          for (int e = 0; e < 4; ++e)
            s[mt][jt][e] = fmaf(s[mt][jt][e], scaleLog2, (e & 1) ? term.y : term.x);
        }
        if (a.causal && j0 + BC - 1 > w0Pos + shift) {
          int lim[2]; // last visible key of each row, relative to j0
#pragma unroll
          for (int r = 0; r < 2; ++r) {
            const int row = r ? rowB : rowA;
            lim[r] = queryPos(row) + shift - j0;
          }
#pragma unroll
          for (int jt = 0; jt < BC / 8; ++jt)
#pragma unroll
            for (int e = 0; e < 4; ++e)
              if (jt * 8 + 2 * t + (e & 1) > lim[e >> 1])
                s[mt][jt][e] = -INFINITY;
        }
      } else {
        // Each row's query position and head, once a tile, not once a score.
        int pos[2];
        int64_t head[2];
#pragma unroll
        for (int r = 0; r < 2; ++r) {
          const int row = r ? rowB : rowA;
          pos[r] = queryPos(row);
          head[r] = a.pack ? hUnit + row / Sq : hUnit;
        }
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int r = e >> 1, row = r ? rowB : rowA;
            const int j = j0 + jt * 8 + 2 * t + (e & 1);
            float x;
            if (j >= Sk || (a.causal && j > pos[r] + shift) || row >= R)
              x = -INFINITY;
            else
              x = maskedScore<T, float>(s[mt][jt][e], a, b, head[r], pos[r], j);
            s[mt][jt][e] = x * kLog2e;
          }
      }
#pragma unroll
      for (int r = 0; r < 2; ++r) {
        // Maxima and sums as trees, not chains: the softmax is bound by
        // dependent-instruction latency, not by its instruction count.
        float part[BC / 8];
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt)
          part[jt] = fmaxf(s[mt][jt][2 * r], s[mt][jt][2 * r + 1]);
        float mx = treeReduce(part, [](float x, float y) { return fmaxf(x, y); });
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
        const float mNew = fmaxf(m[mt][r], mx * mul);
        const float mUse = mNew == -INFINITY ? 0.f : mNew;
        corr[mt][r] = fastExp2(m[mt][r] - mUse);
#pragma unroll
        for (int jt = 0; jt < BC / 8; ++jt) {
          s[mt][jt][2 * r] = fastExp2(fmaf(s[mt][jt][2 * r], mul, -mUse));
          s[mt][jt][2 * r + 1] = fastExp2(fmaf(s[mt][jt][2 * r + 1], mul, -mUse));
          part[jt] = s[mt][jt][2 * r] + s[mt][jt][2 * r + 1];
        }
        // This thread's part of the row sum; the quad adds up at the end.
        l[mt][r] = fmaf(l[mt][r], corr[mt][r],
                        treeReduce(part, [](float x, float y) { return x + y; }));
        m[mt][r] = mNew;
      }
    }
  };
  auto rescaleO = [&](const float (&corr)[MT][2]) {
#pragma unroll
    for (int mt = 0; mt < MT; ++mt) {
      // Once the row maxima settle, most tiles leave them: skip the rescale
      // (a warp-uniform branch; multiplying by 1 is exact anyway).
      if (__any_sync(0xffffffffu, corr[mt][0] != 1.f || corr[mt][1] != 1.f)) {
#pragma unroll
        for (int nd = 0; nd < D / 8; ++nd) {
          o[mt][nd][0] *= corr[mt][0], o[mt][nd][1] *= corr[mt][0];
          o[mt][nd][2] *= corr[mt][1], o[mt][nd][3] *= corr[mt][1];
        }
      }
    }
  };
  // P's A fragments straight from the exponentials in S's accumulators.
  auto packP = [&](const float (&s)[MT][BC / 8][4], uint32_t (&pa)[MT][BC / 16][4]) {
#pragma unroll
    for (int mt = 0; mt < MT; ++mt)
#pragma unroll
      for (int kc = 0; kc < BC / 16; ++kc) {
        pa[mt][kc][0] = pack2<T>(s[mt][2 * kc][0], s[mt][2 * kc][1]);
        pa[mt][kc][1] = pack2<T>(s[mt][2 * kc][2], s[mt][2 * kc][3]);
        pa[mt][kc][2] = pack2<T>(s[mt][2 * kc + 1][0], s[mt][2 * kc + 1][1]);
        pa[mt][kc][3] = pack2<T>(s[mt][2 * kc + 1][2], s[mt][2 * kc + 1][3]);
      }
  };
  auto loadQFragments = [&] {
    if constexpr (kQRegs) {
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk)
          ldmatrix4(qBase + (warp * WR + mt * 16) * D * 2 + (offA ^ (kk << 5)), qf[mt][kk][0],
                    qf[mt][kk][1], qf[mt][kk][2], qf[mt][kk][3]);
    }
  };

  if (nBegin < nEnd) {
    loadTile(RowsBr{}, sQ, qp, a.qs.row, i0, R);
    loadTile(RowsBC{}, sK, kp, a.ks.row, nBegin * BC, Sk);
    cpAsyncCommit();
    if (keyFetcher)
      sBias[tid] = keyTerm(loadKeyRaw(nBegin * BC + tid));
  }
  for (int n = nBegin; n < nEnd; ++n) {
    const int buf = (n - nBegin) & 1;
    const int j0 = n * BC;
    uint32_t nextKeyRaw = kPastKeys;
    if (keyFetcher && n + 1 < nEnd)
      nextKeyRaw = loadKeyRaw(j0 + BC + tid);
    loadTile(RowsBC{}, sV + buf * BC * D, vp, a.vs.row, j0, Sk);
    cpAsyncCommit();
    cpAsyncWait<1>();
    if constexpr (WG)
      fenceProxyAsync();
    __syncthreads();
    if (n == nBegin)
      loadQFragments();
    // This warp's rows see none of this tile (causal) or do not exist.
    const bool skip = warpIdle || (a.causal && !a.pack && j0 > skip0 + kSkipRows - 1 + shift);
    float s[MT][BC / 8][4], corr[MT][2];
    uint32_t pa[MT][BC / 16][4];
    if (!skip) {
      scoreTile(s, smemAddr(sK + buf * BC * D));
      softmaxTile(s, j0, buf, corr);
      rescaleO(corr);
      packP(s, pa);
    }
    if (n + 1 < nEnd) {
      loadTile(RowsBC{}, sK + (buf ^ 1) * BC * D, kp, a.ks.row, j0 + BC, Sk);
      cpAsyncCommit();
      cpAsyncWait<1>();
    } else {
      cpAsyncWait<0>();
    }
    if constexpr (WG)
      fenceProxyAsync();
    __syncthreads();
    if (!skip) {
      accumulatePV(pa, smemAddr(sV + buf * BC * D));
    }
    // Read in the next iteration, after its first barrier; this buffer's
    // last readers (tile n - 1's softmax) passed this iteration's barriers.
    if (keyFetcher && n + 1 < nEnd)
      sBias[(buf ^ 1) * BC + tid] = keyTerm(nextKeyRaw);
  }
  // Normalize and store.
#pragma unroll
  for (int mt = 0; mt < MT; ++mt) {
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      float sum = l[mt][r];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      const int row = w0 + mt * 16 + g + 8 * r;
      if (a.splits > 1) {
        if (row < R) {
          const int64_t p = (unit * a.splits + blockIdx.z) * R + row;
          float2 *dst = reinterpret_cast<float2 *>(a.partO + p * D);
#pragma unroll
          for (int nd = 0; nd < D / 8; ++nd)
            dst[nd * 4 + t] = make_float2(o[mt][nd][2 * r], o[mt][nd][2 * r + 1]);
          if (t == 0)
            a.partM[p] = m[mt][r], a.partL[p] = sum;
        }
        continue;
      }
      const float inv = sum > 0.f ? 1.f / sum : 0.f;
      if (row < R) {
        uint32_t *dst = reinterpret_cast<uint32_t *>(op + int64_t(row) * a.os.row);
#pragma unroll
        for (int nd = 0; nd < D / 8; ++nd)
          dst[nd * 4 + t] = pack2<T>(o[mt][nd][2 * r] * inv, o[mt][nd][2 * r + 1] * inv);
      }
    }
  }
}

template <typename T, int D, int NW, int MT, int BC, ScorePath PATH, bool WG>
void launchTcAs(const AttnArgs &a, int64_t BH) {
  constexpr int Br = NW * 16 * MT;
  constexpr int smem = tcSmemBytes<D, NW, MT, BC, WG>();
  static size_t done[64] = {};
  ensureSmem(flashTc<T, D, NW, MT, BC, PATH, WG>, smem, done);
  const int64_t R = a.pack ? a.group * a.Sq : a.Sq;
  dim3 grid(static_cast<unsigned>(BH), static_cast<unsigned>((R + Br - 1) / Br),
            static_cast<unsigned>(a.splits));
  flashTc<T, D, NW, MT, BC, PATH, WG><<<grid, NW * 32, smem, llmk::stream()>>>(a);
}

/// out = the splits' partial results merged (units x R rows of D).
template <typename T>
__global__ void combineSplits(AttnArgs a, int64_t units, int64_t R) {
  const int64_t D = a.D, total = units * R * D;
  for (int64_t idx = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; idx < total;
       idx += int64_t(gridDim.x) * blockDim.x) {
    const int64_t d = idx % D, ur = idx / D, unit = ur / R, row = ur % R;
    float mMax = -INFINITY;
    for (int s = 0; s < a.splits; ++s)
      mMax = fmaxf(mMax, a.partM[(unit * a.splits + s) * R + row]);
    const float mUse = mMax == -INFINITY ? 0.f : mMax;
    float sum = 0.f, acc = 0.f;
    for (int s = 0; s < a.splits; ++s) {
      const int64_t p = (unit * a.splits + s) * R + row;
      const float w = exp2f(a.partM[p] - mUse);
      sum += a.partL[p] * w;
      acc += a.partO[p * D + d] * w;
    }
    // The unit's rows, from its first head on (as in flashTc).
    const int64_t b = a.pack ? unit / a.Hk : unit / a.Hq;
    const int64_t hUnit = a.pack ? (unit % a.Hk) * a.group : unit % a.Hq;
    static_cast<T *>(a.out)[a.os.at(b, hUnit, 0) + row * a.os.row + d] =
        st<T>(sum > 0.f ? acc / sum : 0.f);
  }
}
template <typename T, int D, int NW, int MT, int BC, bool WG = false>
void launchTc(const AttnArgs &a, int64_t BH) {
  if (a.softcap > 0 || (a.maskKind != 0 && !a.keyMask))
    launchTcAs<T, D, NW, MT, BC, ScorePath::General, WG>(a, BH);
  else if (a.maskKind != 0)
    launchTcAs<T, D, NW, MT, BC, ScorePath::KeyMask, WG>(a, BH);
  else
    launchTcAs<T, D, NW, MT, BC, ScorePath::Plain, WG>(a, BH);
}

//===----------------------------------------------------------------------===//
// SIMT kernel (any element type and head dims).
//===----------------------------------------------------------------------===//

constexpr int kSimtRowsPerWarp = 4, kSimtWarps = 4, kSimtRows = 16, kSimtKeys = 32;

template <typename T, int NC>
__global__ void __launch_bounds__(kSimtWarps * 32) flashSimt(AttnArgs a) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  constexpr int RPW = kSimtRowsPerWarp, Br = kSimtRows, Bc = kSimtKeys;
  extern __shared__ __align__(16) unsigned char smemSimt[];
  const int64_t D = a.D, Dv = a.Dv;
  A *sQ = reinterpret_cast<A *>(smemSimt);
  A *sK = sQ + Br * D;            // [Bc][D + 1]
  A *sV = sK + Bc * (D + 1);      // [Bc][Dv]
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const int64_t bh = blockIdx.x, b = bh / a.Hq, h = bh % a.Hq, hk = h / a.group;
  const int64_t i0 = int64_t(gridDim.y - 1 - blockIdx.y) * Br;
  const T *qp = static_cast<const T *>(a.q) + a.qs.at(b, h, 0);
  const T *kp = static_cast<const T *>(a.k) + a.ks.at(b, hk, 0);
  const T *vp = static_cast<const T *>(a.v) + a.vs.at(b, hk, 0);
  T *op = static_cast<T *>(a.out) + a.os.at(b, h, 0);
  const int64_t lastRow = (i0 + Br < a.Sq ? i0 + Br : a.Sq) - 1;
  const int64_t keys = a.causal ? clampI64(lastRow + a.shift + 1, 0, a.Sk) : a.Sk;

  for (int64_t idx = tid; idx < Br * D; idx += blockDim.x) {
    const int64_t r = idx / D;
    sQ[idx] = i0 + r < a.Sq ? static_cast<A>(ld(qp[(i0 + r) * a.qs.row + idx % D])) : A(0);
  }
  A m[RPW], l[RPW], o[RPW][NC];
#pragma unroll
  for (int r = 0; r < RPW; ++r) {
    m[r] = -INFINITY, l[r] = 0;
#pragma unroll
    for (int c = 0; c < NC; ++c)
      o[r][c] = 0;
  }
  for (int64_t j0 = 0; j0 < keys; j0 += Bc) {
    __syncthreads();
    for (int64_t idx = tid; idx < Bc * D; idx += blockDim.x) {
      const int64_t r = idx / D, d = idx % D;
      sK[r * (D + 1) + d] = j0 + r < a.Sk ? static_cast<A>(ld(kp[(j0 + r) * a.ks.row + d])) : A(0);
    }
    for (int64_t idx = tid; idx < Bc * Dv; idx += blockDim.x) {
      const int64_t r = idx / Dv;
      sV[idx] = j0 + r < a.Sk ? static_cast<A>(ld(vp[(j0 + r) * a.vs.row + idx % Dv])) : A(0);
    }
    __syncthreads();
#pragma unroll
    for (int r = 0; r < RPW; ++r) {
      const int lr = warp * RPW + r;
      const int64_t i = i0 + lr;
      if (i >= a.Sq)
        continue; // warp-uniform
      const int64_t j = j0 + lane;
      A x = -INFINITY;
      if (j < a.Sk && (!a.causal || j <= i + a.shift)) {
        A dot = 0;
        const A *qr = sQ + lr * D, *kr = sK + lane * (D + 1);
        for (int64_t d = 0; d < D; ++d)
          dot += qr[d] * kr[d];
        x = maskedScore<T, A>(dot, a, b, h, i, j);
      }
      A mx = x;
#pragma unroll
      for (int off = 16; off > 0; off >>= 1)
        mx = max(mx, __shfl_xor_sync(0xffffffffu, mx, off));
      const A mNew = max(m[r], mx);
      const A mUse = mNew == -INFINITY ? A(0) : mNew;
      const A corr = aexp(m[r] - mUse);
      const A p = aexp(x - mUse);
      A sum = p;
#pragma unroll
      for (int off = 16; off > 0; off >>= 1)
        sum += __shfl_xor_sync(0xffffffffu, sum, off);
      l[r] = l[r] * corr + sum;
      m[r] = mNew;
#pragma unroll
      for (int c = 0; c < NC; ++c)
        o[r][c] *= corr;
      for (int jj = 0; jj < Bc; ++jj) {
        const A pj = __shfl_sync(0xffffffffu, p, jj);
#pragma unroll
        for (int c = 0; c < NC; ++c) {
          const int64_t d = lane + 32 * c;
          if (d < Dv)
            o[r][c] += pj * sV[jj * Dv + d];
        }
      }
    }
  }
#pragma unroll
  for (int r = 0; r < RPW; ++r) {
    const int64_t i = i0 + warp * RPW + r;
    if (i >= a.Sq)
      continue;
    const A inv = l[r] > 0 ? A(1) / l[r] : A(0);
#pragma unroll
    for (int c = 0; c < NC; ++c) {
      const int64_t d = lane + 32 * c;
      if (d < Dv)
        op[i * a.os.row + d] = st<T>(o[r][c] * inv);
    }
  }
}

template <typename T, int NC> void launchSimt(const AttnArgs &a, int64_t BH) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const size_t smem =
      sizeof(A) * (kSimtRows * a.D + kSimtKeys * (a.D + 1) + kSimtKeys * a.Dv);
  static size_t done[64] = {};
  ensureSmem(flashSimt<T, NC>, smem, done);
  dim3 grid(static_cast<unsigned>(BH), static_cast<unsigned>((a.Sq + kSimtRows - 1) / kSimtRows));
  flashSimt<T, NC><<<grid, kSimtWarps * 32, smem, llmk::stream()>>>(a);
}

//===----------------------------------------------------------------------===//
// Rotary embedding.
//===----------------------------------------------------------------------===//

/// V consecutive rotated pairs of a row a thread (V > 1: the rotate-half
/// layout, its two halves read and written as 16-byte vectors), or one
/// copied element of the part past rotaryDim. Indices are I (int when they
/// fit): the row's (b, h, s) costs three divisions, once per V pairs.
template <typename T, int V, typename I>
__global__ void rotaryKernel(const T *x, const T *cosT, const T *sinT, T *out, I rows, I H, I S,
                             I D, I half, I rotaryDim, int64_t c0, int64_t c1, int64_t c2,
                             int64_t c3, int64_t s0, int64_t s1, int64_t s2, int64_t s3,
                             bool interleaved, bool bshd, int64_t xRow) {
  static_assert(V == 1 || V * sizeof(T) == 16, "one 16-byte vector a half");
  // Per row: half / V groups of rotated pairs, then D - rotaryDim copied elements.
  const I groups = half / V, perRow = groups + (D - rotaryDim);
  const I total = rows * perRow;
  for (I idx = blockIdx.x * I(blockDim.x) + threadIdx.x; idx < total;
       idx += I(gridDim.x) * blockDim.x) {
    const I row = idx / perRow, i = idx % perRow;
    // Rows in storage order: (b, h, s), or (b, s, h) for [B, S, H, D].
    const I bIdx = row / (H * S), h = bshd ? row % H : (row / S) % H,
            s = bshd ? (row / H) % S : row % S;
    // xRow > 0 ("bshd" only): x's positions are xRow elements apart.
    const T *p = x + (xRow > 0 ? int64_t(row / H) * xRow + int64_t(h) * D : int64_t(row) * D);
    T *q = out + int64_t(row) * D;
    if (i >= groups) {
      const I d = rotaryDim + (i - groups);
      q[d] = p[d];
      continue;
    }
    const T *cp = cosT + (bIdx * c0 + h * c1 + s * c2);
    const T *sp = sinT + (bIdx * s0 + h * s1 + s * s2);
    if constexpr (V > 1) {
      // Rotate-half: x1 = p[i0 + k], x2 = p[i0 + k + half].
      const I i0 = i * V;
      union Vec {
        uint4 u;
        T t[V];
      } x1, x2, y1, y2;
      x1.u = *reinterpret_cast<const uint4 *>(p + i0);
      x2.u = *reinterpret_cast<const uint4 *>(p + i0 + half);
#pragma unroll
      for (int k = 0; k < V; ++k) {
        using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
        const A c = static_cast<A>(ld(cp[(i0 + k) * c3])), sn = static_cast<A>(ld(sp[(i0 + k) * s3]));
        const A a1 = static_cast<A>(ld(x1.t[k])), a2 = static_cast<A>(ld(x2.t[k]));
        y1.t[k] = st<T>(a1 * c - a2 * sn);
        y2.t[k] = st<T>(a2 * c + a1 * sn);
      }
      *reinterpret_cast<uint4 *>(q + i0) = y1.u;
      *reinterpret_cast<uint4 *>(q + i0 + half) = y2.u;
    } else {
      const I i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
      if constexpr (std::is_same_v<T, double>) {
        const double x1 = p[i1], x2 = p[i2], cd = cp[i * c3], sd = sp[i * s3];
        q[i1] = x1 * cd - x2 * sd;
        q[i2] = x2 * cd + x1 * sd;
      } else {
        const float c = static_cast<float>(ld(cp[i * c3])), sn = static_cast<float>(ld(sp[i * s3]));
        const float x1 = static_cast<float>(ld(p[i1])), x2 = static_cast<float>(ld(p[i2]));
        q[i1] = st<T>(x1 * c - x2 * sn);
        q[i2] = st<T>(x2 * c + x1 * sn);
      }
    }
  }
}

} // namespace la

/// softmax(q @ k^T * scale (+ mask)) @ v on [B, H, S, D] tensors, with
/// grouped-query heads (k/v may have fewer heads). maskData broadcasts to
/// [B, Hq, Sq, Sk]: bool (true keeps) or additive (element type T).
/// UpperLeft: key j visible to row i when j <= i; LowerRight: j <= i + Sk - Sq.
/// Rows that may attend to nothing are zeros.
template <typename T>
void attention(const In<T> &q, const In<T> &k, const In<T> &v, const void *maskData,
               const Shape &maskShape, MaskKind maskKind, T *out, float scale, Causal causal,
               float softcap, HeadLayout layout = HeadLayout::BHSD,
               PackedHeads packed = {}) {
  const AttentionRows where = attentionRows(q.s, k.s, v.s, layout, packed,
                                            q.rowStride, k.rowStride, v.rowStride);
  const HeadRows &qs = where.q, &ks = where.k, &vs = where.v;
  const int64_t B = qs.B, Hq = qs.H, Sq = qs.S, D = qs.D;
  const int64_t Hk = ks.H, Sk = ks.S, Dv = vs.D;
  if (B * Hq * Sq * Dv == 0)
    return;
  la::AttnArgs a{};
  a.qs = qs, a.ks = ks, a.vs = vs, a.os = where.out;
  a.q = q.p, a.k = k.p, a.v = v.p, a.out = out, a.mask = maskData;
  a.maskKind = maskData ? static_cast<int>(maskKind) : 0;
  if (a.maskKind != 0) {
    Shape full;
    full.rank = 4;
    full.d[0] = B, full.d[1] = Hq, full.d[2] = Sq, full.d[3] = Sk;
    broadcastStrides(maskShape, full, a.ms);
    a.keyMask = a.ms[1] == 0 && a.ms[2] == 0 && softcap <= 0;
  }
  a.causal = causal != Causal::None;
  a.Hq = Hq, a.Hk = Hk, a.group = Hk ? Hq / Hk : 1, a.Sq = Sq, a.Sk = Sk, a.D = D, a.Dv = Dv;
  a.shift = causal == Causal::LowerRight ? Sk - Sq : 0;
  a.scale = scale, a.softcap = softcap;
  const int64_t BH = B * Hq;
  if constexpr (la::isHalf<T>()) {
    const bool aligned = ((reinterpret_cast<uintptr_t>(q.p) | reinterpret_cast<uintptr_t>(k.p) |
                           reinterpret_cast<uintptr_t>(v.p) | reinterpret_cast<uintptr_t>(out)) &
                          15) == 0 &&
                         ((qs.first | ks.first | vs.first | qs.row | ks.row | vs.row) & 7) == 0;
    if (aligned && D == Dv && (D == 64 || D == 128)) {
      a.pack = 0, a.splits = 1;
      // Short queries (decoding): the query heads of a group share one CTA
      // and its K/V tiles, and when that leaves the GPU idle the keys are
      // split across CTAs (partials in the cuBLASLt workspace, which only
      // work ordered on this stream uses) and merged afterwards.
      constexpr int kSmallRows = 64, kSmallKeys = 64; // launchTc<T, D, 4, 1, 64>
      const bool small = Sq < kSmallRows;
      if (small && a.group > 1 && layout == HeadLayout::BHSD)
        a.pack = 1;
      const int64_t units = a.pack ? B * Hk : BH;
      const int64_t R = a.pack ? a.group * Sq : Sq;
      const int sms = llmk::smCount();
      if (small) {
        const int64_t ctas = units * ((R + kSmallRows - 1) / kSmallRows);
        const int64_t ntiles = (Sk + kSmallKeys - 1) / kSmallKeys;
        int64_t splits = std::min<int64_t>({(2 * sms + ctas - 1) / ctas, ntiles / 2, 64});
        const size_t room = la::ltWorkspace() ? la::ltWorkspaceBytes() : 0;
        while (splits > 1 && static_cast<size_t>(units * splits * R * (D + 2)) * 4 > room)
          splits /= 2;
        if (splits > 1) {
          a.splits = static_cast<int>(splits);
          a.partO = static_cast<float *>(la::ltWorkspace());
          a.partM = a.partO + units * splits * R * D;
          a.partL = a.partM + units * splits * R;
        }
      }
      if (small) {
        if (D == 64)
          la::launchTc<T, 64, 4, 1, 64>(a, units);
        else
          la::launchTc<T, 128, 4, 1, 64>(a, units);
        if (a.splits > 1)
          la::combineSplits<T><<<la::gridFor(units * R * D, 256), 256, 0, llmk::stream()>>>(
              a, units, R);
        return;
      }
      // Measured on an H200 (f16, test/gpu/kernels/LinalgAttentionTest.cu):
      // D=64 is fastest on wgmma with 64-key tiles (the models' shapes:
      // 131-145 -> 169-177 TFLOP/s against mma.sync, 168-230 since the
      // softmax lost its per-score branches), D=128 with mma.sync, 32 rows a
      // warp (128 a CTA) and 64-key tiles. For D=64 two warpgroups a CTA
      // (128 rows sharing each K/V tile) win on long causal prefill that
      // still fills the GPU twice over (TinyLlama 1x2048: 0.075 -> 0.072
      // ms); one warpgroup (64 rows) wins on shorter sequences, where the
      // diagonal's idle half costs more (GPT-2 32x512 causal: 0.076 against
      // 0.079), and on few CTAs (1x12x2048). The alternatives are compiled
      // only with LLMK_ATTENTION_CONFIGS (the test and its benchmarks).
#ifdef LLMK_ATTENTION_CONFIGS
      const int cfg = la::attentionConfig;
#else
      constexpr int cfg = 0;
#endif
      if (D == 64) {
        const bool twoGroups = a.causal && Sq >= 1024 && BH * ((Sq + 127) / 128) >= 2 * sms;
        if (cfg == 6 || (cfg == 0 && !twoGroups))
          la::launchTc<T, 64, 4, 1, 64, true>(a, BH);
        else if (cfg == 8 || cfg == 0)
          la::launchTc<T, 64, 8, 1, 64, true>(a, BH);
#ifdef LLMK_ATTENTION_CONFIGS
        else if (cfg == 1)
          la::launchTc<T, 64, 4, 1, 64>(a, BH);
        else if (cfg == 3)
          la::launchTc<T, 64, 8, 1, 64>(a, BH);
        else if (cfg == 7)
          la::launchTc<T, 64, 4, 1, 128, true>(a, BH);
        else
          la::launchTc<T, 64, 4, 2, 64>(a, BH);
#endif
      } else {
        if (cfg == 0 || cfg == 4)
          la::launchTc<T, 128, 4, 2, 64>(a, BH);
#ifdef LLMK_ATTENTION_CONFIGS
        else if (cfg == 1)
          la::launchTc<T, 128, 4, 1, 64>(a, BH);
        else if (cfg == 3)
          la::launchTc<T, 128, 8, 1, 64>(a, BH);
        else if (cfg == 5)
          la::launchTc<T, 128, 4, 2, 48>(a, BH);
        else
          la::launchTc<T, 128, 4, 2, 32>(a, BH);
#endif
      }
      return;
    }
  }
  if (Dv <= 32)
    la::launchSimt<T, 1>(a, BH);
  else if (Dv <= 64)
    la::launchSimt<T, 2>(a, BH);
  else if (Dv <= 128)
    la::launchSimt<T, 4>(a, BH);
  else if (Dv <= 256)
    la::launchSimt<T, 8>(a, BH);
  else
    la::launchSimt<T, 16>(a, BH); // head dims up to 512
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
  const int64_t half = rotaryDim / 2, rows = B * H * S;
  if (rows * D == 0)
    return;
  Shape table;
  table.rank = 4;
  table.d[0] = B, table.d[1] = H, table.d[2] = S, table.d[3] = half;
  int64_t cs[kMaxRank], ss[kMaxRank];
  broadcastStrides(cosT.s, table, cs);
  broadcastStrides(sinT.s, table, ss);
  // The rotate-half layout moves 16 bytes at a time when both halves of
  // every row start on a 16-byte boundary (Llama's q was 24 us a layer
  // with a thread and six 64-bit divisions per pair, for 8 MB).
  constexpr int V = 16 / sizeof(T);
  const int64_t xRow = bshd ? x.rowStride : 0;
  const bool vector = V > 1 && !interleaved && half % V == 0 && D % V == 0 && xRow % V == 0 &&
                      ((reinterpret_cast<uintptr_t>(x.p) | reinterpret_cast<uintptr_t>(out)) & 15) == 0;
  const int64_t total = rows * ((vector ? half / V : half) + D - rotaryDim);
  auto launch = [&](auto vTag, auto index) {
    constexpr int W = decltype(vTag)::value;
    using I = decltype(index);
    la::rotaryKernel<T, W, I><<<la::gridFor(total, 256), 256, 0, llmk::stream()>>>(
        x.p, cosT.p, sinT.p, out, I(rows), I(H), I(S), I(D), I(half), I(rotaryDim), cs[0], cs[1],
        cs[2], cs[3], ss[0], ss[1], ss[2], ss[3], interleaved, bshd, xRow);
  };
  const bool narrow = rows * D < (int64_t(1) << 30); // idx + the grid stride fits too
  if (vector && narrow)
    launch(std::integral_constant<int, V>{}, int{});
  else if (vector)
    launch(std::integral_constant<int, V>{}, int64_t{});
  else if (narrow)
    launch(std::integral_constant<int, 1>{}, int{});
  else
    launch(std::integral_constant<int, 1>{}, int64_t{});
}

namespace la {

/// The block writes the mean of v over all keys (kv head h / group of batch
/// b) into query rows [i0, i0 + rows) of head h of out.
template <typename T>
__device__ void storeMeanOfV(const T *v, const HeadRows &vs, T *out, const HeadRows &os, int64_t b,
                             int64_t h, int64_t group, int64_t i0, int64_t rows) {
  const T *vp = v + vs.at(b, h / group, 0);
  T *op = out + os.at(b, h, i0);
  for (int64_t d = threadIdx.x; d < vs.D; d += blockDim.x) {
    float sum = 0.f;
    for (int64_t j = 0; j < vs.S; ++j)
      sum += static_cast<float>(load(vp[j * vs.row + d]));
    const T mean = convert<T>(vs.S ? sum / static_cast<float>(vs.S) : 0.f);
    for (int64_t i = 0; i < rows; ++i)
      op[i * os.row + d] = mean;
  }
}

/// One block per query row: if the mask and causality leave the row no key,
/// write the mean of v over all keys (llm.attention's masked_rows =
/// "uniform"; attention() wrote zeros there).
template <typename T>
__global__ void uniformMaskedRowsKernel(const T *v, const bool *mask, T *out, HeadRows vs,
                                        HeadRows os, int64_t group, int64_t shift, bool causal,
                                        int64_t m0, int64_t m1, int64_t m2, int64_t m3) {
  const int64_t Hq = os.H, Sq = os.S, Sk = vs.S;
  const int64_t row = blockIdx.x;
  const int64_t i = row % Sq, h = (row / Sq) % Hq, b = row / (Sq * Hq);
  const int64_t last = causal ? min(i + shift, Sk - 1) : Sk - 1;
  const bool *m = mask + b * m0 + h * m1 + i * m2;
  int visible = 0;
  for (int64_t j = threadIdx.x; j <= last; j += blockDim.x)
    visible |= m[j * m3] ? 1 : 0;
  if (__syncthreads_or(visible))
    return;
  storeMeanOfV(v, vs, out, os, b, h, group, i, 1);
}

/// The same for a key mask [B, 1, 1, Sk] (a padding mask), one block per
/// (b, h): a row sees a key only from the batch's first unmasked key f on,
/// so with causality the rows left with nothing are those with i + shift < f,
/// and all rows when no key is unmasked (f = Sk). They are usually none: the block
/// leaves after one scan of the mask row; the per-row kernel above took a
/// block per query row (65536 a layer for TinyLlama at 2048 tokens).
template <typename T>
__global__ void uniformMaskedRowsKeyMaskKernel(const T *v, const bool *mask, T *out, HeadRows vs,
                                               HeadRows os, int64_t group, int64_t shift,
                                               bool causal, int64_t m0, int64_t m3) {
  const int64_t Hq = os.H, Sq = os.S, Sk = vs.S;
  const int64_t bh = blockIdx.x, b = bh / Hq, h = bh % Hq;
  __shared__ int64_t first;
  if (threadIdx.x == 0)
    first = Sk;
  __syncthreads();
  int64_t mine = Sk;
  for (int64_t j = threadIdx.x; j < Sk; j += blockDim.x)
    if (mask[b * m0 + j * m3]) {
      mine = j;
      break;
    }
  if (mine < Sk)
    atomicMin(reinterpret_cast<unsigned long long *>(&first), static_cast<unsigned long long>(mine));
  __syncthreads();
  const int64_t f = first;
  int64_t rows = 0; // rows [0, rows) see no key
  if (f == Sk)
    rows = Sq;
  else if (causal)
    rows = min(max(f - shift, int64_t(0)), Sq);
  if (rows > 0)
    storeMeanOfV(v, vs, out, os, b, h, group, 0, rows);
}

} // namespace la

/// The rows of attention(..) in which the boolean mask and `causal` leave no
/// key visible become the mean of v over all keys (see the CPU library).
template <typename T>
void attentionUniformMaskedRows(const In<T> &q, const In<T> &v, const void *maskData,
                                const Shape &maskShape, T *out, Causal causal,
                                HeadLayout layout = HeadLayout::BHSD,
                                PackedHeads packed = {}) {
  // k's rows are not needed: v's shape stands in for k's.
  const AttentionRows where = attentionRows(q.s, v.s, v.s, layout, packed,
                                            q.rowStride, v.rowStride, v.rowStride);
  const HeadRows &qs = where.q, &vs = where.v, &os = where.out;
  const int64_t B = qs.B, Hq = qs.H, Sq = qs.S, Hk = vs.H, Sk = vs.S;
  const int64_t rows = B * Hq * Sq;
  if (rows == 0 || !maskData)
    return;
  Shape full;
  full.rank = 4;
  full.d[0] = B, full.d[1] = Hq, full.d[2] = Sq, full.d[3] = Sk;
  int64_t ms[kMaxRank] = {0, 0, 0, 0};
  broadcastStrides(maskShape, full, ms);
  const int64_t shift = causal == Causal::LowerRight ? Sk - Sq : 0, group = Hk ? Hq / Hk : 1;
  const bool *mask = static_cast<const bool *>(maskData);
  if (ms[1] == 0 && ms[2] == 0) {
    la::uniformMaskedRowsKeyMaskKernel<T><<<static_cast<unsigned>(B * Hq), 256, 0, llmk::stream()>>>(
        v.p, mask, out, vs, os, group, shift, causal != Causal::None, ms[0], ms[3]);
    return;
  }
  la::uniformMaskedRowsKernel<T><<<static_cast<unsigned>(rows), 128, 0, llmk::stream()>>>(
      v.p, mask, out, vs, os, group, shift, causal != Causal::None, ms[0], ms[1], ms[2], ms[3]);
}

} // namespace llmk

#endif // LLMK_CUDA_ATTENTION_CUH
