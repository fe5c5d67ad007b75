// RUN: llm-opt %s --emit=cpp --target=cuda | FileCheck %s
// RUN: llm-opt %s --emit=cpp --target=cuda | FileCheck %s --check-prefix=NOSLICE
// RUN: llm-opt %s -llm-plan-memory=split-views=false | FileCheck %s --check-prefix=COPIES

// The CUDA target reads the pieces of a merged projection in place, as the
// CPU target does (test/codegen/cpu/split-views.mlir): the kernels take a
// row stride (llmk::In::rowStride) and check it before their 16-byte
// vector paths. With split-views=false the planner copies them out.
// NOSLICE-NOT: llmk::slice(
// CHECK-LABEL: mlp_merged
// CHECK: llmk::in({{v[0-9]+}}, llmk::Shape{2, {D[0], 128LL}}, 256LL), llmk::in({{v[0-9]+}}, llmk::Shape{2, {D[0], 128LL}}, 256LL)
// COPIES-LABEL: func.func @mlp_merged
// COPIES: llm.split {{.*}}llm.buffers = array<i64: 1, 2>
func.func @mlp_merged(%x: tensor<?x256xf16>) -> tensor<?x128xf16> {
  %m = llm.exp %x : tensor<?x256xf16>
  %g, %u = llm.split %m {axis = 1 : i64, sizes = array<i64: 128, 128>} : tensor<?x256xf16> -> tensor<?x128xf16>, tensor<?x128xf16>
  %h = llm.swiglu %g, %u : tensor<?x128xf16>
  return %h : tensor<?x128xf16>
}

// Llama's q, k and v: rotary and attention read them in place, positions
// 2560 elements apart (TinyLlama's 32 query and 4 key/value heads of 64).
// CHECK-LABEL: qkv_merged
// CHECK: llmk::rotaryEmbedding(llmk::in({{v[0-9]+}}, llmk::Shape{4, {D[0], D[1], 32LL, 64LL}}, 2560LL),
// CHECK: llmk::rotaryEmbedding(llmk::in({{v[0-9]+}}, llmk::Shape{4, {D[0], D[1], 4LL, 64LL}}, 2560LL),
// CHECK: llmk::attention({{.*}}, llmk::in({{v[0-9]+}}, llmk::Shape{4, {D[0], D[1], 4LL, 64LL}}, 2560LL), nullptr,
// COPIES-LABEL: func.func @qkv_merged
// COPIES: llm.split {{.*}}llm.buffers = array<i64: 1, 2, 3>
func.func @qkv_merged(%x: tensor<?x?x2560xf16>, %c: tensor<?x32xf16>, %s: tensor<?x32xf16>) -> tensor<?x?x32x64xf16> {
  %m = llm.exp %x : tensor<?x?x2560xf16>
  %q, %k, %v = llm.split %m {axis = 2 : i64, sizes = array<i64: 2048, 256, 256>} : tensor<?x?x2560xf16> -> tensor<?x?x2048xf16>, tensor<?x?x256xf16>, tensor<?x?x256xf16>
  %b = llm.dim %x, 0 : tensor<?x?x2560xf16>
  %n = llm.dim %x, 1 : tensor<?x?x2560xf16>
  %qh = llm.reshape %q [%b, %n, 32, 64] : tensor<?x?x2048xf16> -> tensor<?x?x32x64xf16>
  %kh = llm.reshape %k [%b, %n, 4, 64] : tensor<?x?x256xf16> -> tensor<?x?x4x64xf16>
  %vh = llm.reshape %v [%b, %n, 4, 64] : tensor<?x?x256xf16> -> tensor<?x?x4x64xf16>
  %qr = llm.rotary_embedding %qh, %c, %s {layout = "bshd"} : tensor<?x?x32x64xf16>, tensor<?x32xf16>, tensor<?x32xf16>
  %kr = llm.rotary_embedding %kh, %c, %s {layout = "bshd"} : tensor<?x?x4x64xf16>, tensor<?x32xf16>, tensor<?x32xf16>
  %o = llm.attention %qr, %kr, %vh {causal = "upper_left", layout = "bshd"} : tensor<?x?x32x64xf16>, tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16> -> tensor<?x?x32x64xf16>
  return %o : tensor<?x?x32x64xf16>
}
