//===- Wgmma.cuh - Hopper warpgroup MMA (wgmma) primitives ---------------===//
//
// The pieces of sm_90a's asynchronous warpgroup MMA that the kernels use:
// shared-memory matrix descriptors for tiles in the 128-byte swizzle, the
// m64nNk16 MMA with A in registers, and the fences around it.
//
// The tiles are rows of 64 16-bit elements (128 bytes) with 16-byte chunk c
// of row r stored at chunk c ^ (r & 7): the layout the attention kernels
// already use for ldmatrix, and the hardware's 128-byte swizzle when the tile
// starts on a 1024-byte boundary. Such a tile is
// - K-major (B = K for S = Q K^T: a row per n, K along the row): 8-row groups
//   1024 bytes apart (the stride byte offset); a k-step of 16 elements
//   advances the start address by 32 bytes;
// - MN-major (B = V for O = P V, "transposed" B: a row per k, N along the
//   row): 8-row groups along K again 1024 bytes apart; a k-step of 16 rows
//   advances the start by 2048 bytes. N is at most 64 here, so the offset to
//   a next 64-element column block (the leading byte offset) is never used.
//
// The accumulator fragment of m64nN (thread t of warp w of the warpgroup:
// d[j][e] = row 16w + t/4 + 8(e/2), column 8j + 2(t%4) + e%2) and the A
// fragment of m64k16 are the mma.sync m16n8k16 layouts, warp w taking rows
// 16w..16w+15; so a softmax written for mma.sync fragments works unchanged.
//
// Callers compile for sm_90a only (every nvcc line of the project does).
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_WGMMA_CUH
#define LLMK_CUDA_WGMMA_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <type_traits>

// Device code for a GPU without wgmma compiles these to nothing or a trap;
// the launchers select the wgmma kernels on sm_90 only.
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define LLMK_WGMMA_ASM(...) asm volatile(__VA_ARGS__)
#else
#define LLMK_WGMMA_ASM(...) ((void)0)
#endif

namespace llmk::la {

/// A 128-byte-swizzle descriptor of the tile at shared address `addr`
/// (1024-byte aligned, or a k-step inside such a tile), its 8-row groups
/// `groupBytes` apart.
__device__ __forceinline__ uint64_t wgmmaDesc(uint32_t addr, uint32_t groupBytes) {
  constexpr uint64_t kSwizzle128 = uint64_t(1) << 62;
  constexpr uint64_t kLeadingUnused = uint64_t(1) << 16; // "assumed 1" for swizzled K-major
  return uint64_t((addr & 0x3FFFF) >> 4) | kLeadingUnused | (uint64_t(groupBytes >> 4) << 32) |
         kSwizzle128;
}

/// Orders this thread's register writes (accumulators, A fragments) before
/// the wgmma that follows.
__device__ __forceinline__ void wgmmaFence() { LLMK_WGMMA_ASM("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmmaCommit() {
  LLMK_WGMMA_ASM("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
template <int N> __device__ __forceinline__ void wgmmaWait() {
  LLMK_WGMMA_ASM("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}
/// Makes this thread's shared-memory writes (cp.async, st.shared) visible
/// to the async proxy that wgmma reads shared memory through.
__device__ __forceinline__ void fenceProxyAsync() {
  LLMK_WGMMA_ASM("fence.proxy.async.shared::cta;\n" ::: "memory");
}
/// Pins the accumulators in place across an asynchronous MMA: the compiler
/// must not move their reads or writes past this point (it cannot see that
/// wgmma writes them until wgmma.wait_group returns).
template <int J> __device__ __forceinline__ void wgmmaPin(float (&d)[J][4]) {
#pragma unroll
  for (int j = 0; j < J; ++j)
#pragma unroll
    for (int e = 0; e < 4; ++e)
      asm volatile("" : "+f"(d[j][e])::"memory");
}

// Inline assembly cannot loop over operands, so the accumulator lists of the
// three shapes are spelled out; TY is the PTX element type ("f16", "bf16").
#define LLMK_WGMMA_RS_M64N64(TY) \
  asm volatile( \
      "{\n.reg .pred p;\nsetp.ne.b32 p, %38, 0;\n" \
      "wgmma.mma_async.sync.aligned.m64n64k16.f32." TY "." TY " {" \
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, " \
      "%18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, " \
      "{%32, %33, %34, %35}, %36, p, 1, 1, %37;\n}\n" \
      : "+f"(d[0][0]), "+f"(d[0][1]), "+f"(d[0][2]), "+f"(d[0][3]), \
      "+f"(d[1][0]), "+f"(d[1][1]), "+f"(d[1][2]), "+f"(d[1][3]), \
      "+f"(d[2][0]), "+f"(d[2][1]), "+f"(d[2][2]), "+f"(d[2][3]), \
      "+f"(d[3][0]), "+f"(d[3][1]), "+f"(d[3][2]), "+f"(d[3][3]), \
      "+f"(d[4][0]), "+f"(d[4][1]), "+f"(d[4][2]), "+f"(d[4][3]), \
      "+f"(d[5][0]), "+f"(d[5][1]), "+f"(d[5][2]), "+f"(d[5][3]), \
      "+f"(d[6][0]), "+f"(d[6][1]), "+f"(d[6][2]), "+f"(d[6][3]), \
      "+f"(d[7][0]), "+f"(d[7][1]), "+f"(d[7][2]), "+f"(d[7][3]) \
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(descB), "n"(TRANSB), "r"(accumulate))

#define LLMK_WGMMA_RS_M64N128(TY) \
  asm volatile( \
      "{\n.reg .pred p;\nsetp.ne.b32 p, %70, 0;\n" \
      "wgmma.mma_async.sync.aligned.m64n128k16.f32." TY "." TY " {" \
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, " \
      "%18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, " \
      "%34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, " \
      "%50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, " \
      "{%64, %65, %66, %67}, %68, p, 1, 1, %69;\n}\n" \
      : "+f"(d[0][0]), "+f"(d[0][1]), "+f"(d[0][2]), "+f"(d[0][3]), \
      "+f"(d[1][0]), "+f"(d[1][1]), "+f"(d[1][2]), "+f"(d[1][3]), \
      "+f"(d[2][0]), "+f"(d[2][1]), "+f"(d[2][2]), "+f"(d[2][3]), \
      "+f"(d[3][0]), "+f"(d[3][1]), "+f"(d[3][2]), "+f"(d[3][3]), \
      "+f"(d[4][0]), "+f"(d[4][1]), "+f"(d[4][2]), "+f"(d[4][3]), \
      "+f"(d[5][0]), "+f"(d[5][1]), "+f"(d[5][2]), "+f"(d[5][3]), \
      "+f"(d[6][0]), "+f"(d[6][1]), "+f"(d[6][2]), "+f"(d[6][3]), \
      "+f"(d[7][0]), "+f"(d[7][1]), "+f"(d[7][2]), "+f"(d[7][3]), \
      "+f"(d[8][0]), "+f"(d[8][1]), "+f"(d[8][2]), "+f"(d[8][3]), \
      "+f"(d[9][0]), "+f"(d[9][1]), "+f"(d[9][2]), "+f"(d[9][3]), \
      "+f"(d[10][0]), "+f"(d[10][1]), "+f"(d[10][2]), "+f"(d[10][3]), \
      "+f"(d[11][0]), "+f"(d[11][1]), "+f"(d[11][2]), "+f"(d[11][3]), \
      "+f"(d[12][0]), "+f"(d[12][1]), "+f"(d[12][2]), "+f"(d[12][3]), \
      "+f"(d[13][0]), "+f"(d[13][1]), "+f"(d[13][2]), "+f"(d[13][3]), \
      "+f"(d[14][0]), "+f"(d[14][1]), "+f"(d[14][2]), "+f"(d[14][3]), \
      "+f"(d[15][0]), "+f"(d[15][1]), "+f"(d[15][2]), "+f"(d[15][3]) \
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(descB), "n"(TRANSB), "r"(accumulate))

#define LLMK_WGMMA_RS_M64N32(TY) \
  asm volatile( \
      "{\n.reg .pred p;\nsetp.ne.b32 p, %22, 0;\n" \
      "wgmma.mma_async.sync.aligned.m64n32k16.f32." TY "." TY " {" \
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15}, " \
      "{%16, %17, %18, %19}, %20, p, 1, 1, %21;\n}\n" \
      : "+f"(d[0][0]), "+f"(d[0][1]), "+f"(d[0][2]), "+f"(d[0][3]), \
      "+f"(d[1][0]), "+f"(d[1][1]), "+f"(d[1][2]), "+f"(d[1][3]), \
      "+f"(d[2][0]), "+f"(d[2][1]), "+f"(d[2][2]), "+f"(d[2][3]), \
      "+f"(d[3][0]), "+f"(d[3][1]), "+f"(d[3][2]), "+f"(d[3][3]) \
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(descB), "n"(TRANSB), "r"(accumulate))

/// d (+)= A B for A (64 x 16, registers) and B (16 x N, shared memory, K-major
/// when TRANSB = 0, MN-major when 1), N = 8 * J in {32, 64, 128}; `accumulate`
/// = 0 overwrites d. Asynchronous: wgmmaCommit, then wgmmaWait before d is
/// read.
template <typename T, int TRANSB, int J>
__device__ __forceinline__ void wgmmaRS(float (&d)[J][4], const uint32_t (&a)[4], uint64_t descB,
                                        int accumulate) {
  static_assert(J == 4 || J == 8 || J == 16, "m64n32k16, m64n64k16 and m64n128k16 only");
  constexpr bool kHalf = std::is_same_v<T, __half>;
  static_assert(kHalf || std::is_same_v<T, __nv_bfloat16>, "f16 or bf16");
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
  if constexpr (J == 4) {
    if constexpr (kHalf)
      LLMK_WGMMA_RS_M64N32("f16");
    else
      LLMK_WGMMA_RS_M64N32("bf16");
  } else if constexpr (J == 8) {
    if constexpr (kHalf)
      LLMK_WGMMA_RS_M64N64("f16");
    else
      LLMK_WGMMA_RS_M64N64("bf16");
  } else {
    if constexpr (kHalf)
      LLMK_WGMMA_RS_M64N128("f16");
    else
      LLMK_WGMMA_RS_M64N128("bf16");
  }
#elif defined(__CUDA_ARCH__)
  __trap(); // built for a GPU without wgmma: the launcher never selects it
#endif
}

#undef LLMK_WGMMA_RS_M64N32
#undef LLMK_WGMMA_RS_M64N64
#undef LLMK_WGMMA_RS_M64N128
#undef LLMK_WGMMA_ASM

} // namespace llmk::la

#endif // LLMK_CUDA_WGMMA_CUH
