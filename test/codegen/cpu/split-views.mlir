// RUN: llm-opt %s --emit=cpp | FileCheck %s

// Gate and up as the two halves of one merged projection: the swiglu reads
// them in place, rows 256 elements apart (llmk::In::rowStride), and nothing
// copies them out (no llmk::slice).
// CHECK-LABEL: mlp_merged
// CHECK: auto *[[M:v[0-9]+]] = reinterpret_cast<float *>(A + O[0]);
// CHECK: auto *[[G:v[0-9]+]] = [[M]] + 0;
// CHECK-NEXT: auto *[[U:v[0-9]+]] = [[M]] + 128;
// CHECK-NOT: llmk::slice(
// CHECK: llmk::in([[G]], llmk::Shape{2, {D[0], 128LL}}, 256LL), llmk::in([[U]], llmk::Shape{2, {D[0], 128LL}}, 256LL)
func.func @mlp_merged(%x: tensor<?x256xf32>) -> tensor<?x128xf32> {
  %m = llm.exp %x : tensor<?x256xf32>
  %g, %u = llm.split %m {axis = 1 : i64, sizes = array<i64: 128, 128>} : tensor<?x256xf32> -> tensor<?x128xf32>, tensor<?x128xf32>
  %h = llm.swiglu %g, %u : tensor<?x128xf32>
  return %h : tensor<?x128xf32>
}

// Llama's merged q/k/v projection: rotary reads q and k, attention v, in
// place as [B, S, H, D] heads whose positions are 96 elements apart.
// CHECK-LABEL: qkv_merged
// CHECK: auto *[[M:v[0-9]+]] = reinterpret_cast<float *>(A + O[0]);
// CHECK: auto *[[Q:v[0-9]+]] = [[M]] + 0;
// CHECK-NEXT: auto *[[K:v[0-9]+]] = [[M]] + 64;
// CHECK-NEXT: auto *[[V:v[0-9]+]] = [[M]] + 80;
// CHECK-NOT: llmk::slice(
// CHECK: auto *[[QH:v[0-9]+]] = reinterpret_cast<float *>([[Q]]);
// CHECK: auto *[[KH:v[0-9]+]] = reinterpret_cast<float *>([[K]]);
// CHECK: auto *[[VH:v[0-9]+]] = reinterpret_cast<float *>([[V]]);
// CHECK: llmk::rotaryEmbedding(llmk::in([[QH]], llmk::Shape{4, {D[0], D[1], 4LL, 16LL}}, 96LL),
// CHECK: llmk::rotaryEmbedding(llmk::in([[KH]], llmk::Shape{4, {D[0], D[1], 1LL, 16LL}}, 96LL),
// CHECK: llmk::attention(llmk::in({{v[0-9]+}}, llmk::Shape{4, {D[0], D[1], 4LL, 16LL}}), llmk::in({{v[0-9]+}}, llmk::Shape{4, {D[0], D[1], 1LL, 16LL}}), llmk::in([[VH]], llmk::Shape{4, {D[0], D[1], 1LL, 16LL}}, 96LL),
func.func @qkv_merged(%x: tensor<?x?x96xf32>, %c: tensor<?x8xf32>, %s: tensor<?x8xf32>) -> tensor<?x?x4x16xf32> {
  %m = llm.exp %x : tensor<?x?x96xf32>
  %q, %k, %v = llm.split %m {axis = 2 : i64, sizes = array<i64: 64, 16, 16>} : tensor<?x?x96xf32> -> tensor<?x?x64xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>
  %b = llm.dim %x, 0 : tensor<?x?x96xf32>
  %n = llm.dim %x, 1 : tensor<?x?x96xf32>
  %qh = llm.reshape %q [%b, %n, 4, 16] : tensor<?x?x64xf32> -> tensor<?x?x4x16xf32>
  %kh = llm.reshape %k [%b, %n, 1, 16] : tensor<?x?x16xf32> -> tensor<?x?x1x16xf32>
  %vh = llm.reshape %v [%b, %n, 1, 16] : tensor<?x?x16xf32> -> tensor<?x?x1x16xf32>
  %qr = llm.rotary_embedding %qh, %c, %s {layout = "bshd"} : tensor<?x?x4x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>
  %kr = llm.rotary_embedding %kh, %c, %s {layout = "bshd"} : tensor<?x?x1x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>
  %o = llm.attention %qr, %kr, %vh {causal = "upper_left", layout = "bshd"} : tensor<?x?x4x16xf32>, tensor<?x?x1x16xf32>, tensor<?x?x1x16xf32> -> tensor<?x?x4x16xf32>
  return %o : tensor<?x?x4x16xf32>
}
