// RUN: llm-opt %s -llm-plan-memory=report -split-input-file -verify-diagnostics | FileCheck %s

// A chain a -> b -> c -> d of 4 KiB tensors: each buffer dies when the next
// op has read it, so two buffers take turns and the arena is 8 KiB instead
// of 16 KiB (greedy by size, runtime/include/llmrt/ArenaPlanner.h).
// CHECK-LABEL: func.func @chain
// CHECK-SAME: llm.arena_bytes = 8192 : i64
// CHECK-SAME: llm.arena_bytes_without_reuse = 16384 : i64
// CHECK-SAME: llm.buffer_intervals = array<i64: 0, 1, 1, 2, 2, 3, 3, 4>
// CHECK: llm.exp %{{.*}} {llm.buffers = array<i64: 0>}
// CHECK: llm.tanh %{{.*}} {llm.buffers = array<i64: 1>}
// CHECK: llm.neg %{{.*}} {llm.buffers = array<i64: 2>}
// CHECK: llm.abs %{{.*}} {llm.buffers = array<i64: 3>}
// expected-remark @below {{planned 4 buffers in an arena of 8192 bytes (16384 bytes without reuse)}}
func.func @chain(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = llm.exp %x : tensor<1024xf32>
  %b = llm.tanh %a : tensor<1024xf32>
  %c = llm.neg %b : tensor<1024xf32>
  %d = llm.abs %c : tensor<1024xf32>
  return %d : tensor<1024xf32>
}

// -----

// A value read late stays alive: %a is read by the last add, so it overlaps
// every other buffer and the arena needs three of them at once.
// CHECK-LABEL: func.func @long_lived
// CHECK-SAME: llm.arena_bytes = 12288 : i64
// CHECK-SAME: llm.buffer_intervals = array<i64: 0, 3, 1, 2, 2, 3, 3, 4>
// expected-remark @below {{planned 4 buffers in an arena of 12288 bytes (16384 bytes without reuse)}}
func.func @long_lived(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = llm.exp %x : tensor<1024xf32>
  %b = llm.tanh %a : tensor<1024xf32>
  %c = llm.neg %b : tensor<1024xf32>
  %d = llm.add %a, %c : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  return %d : tensor<1024xf32>
}

// -----

// Views share their operand's buffer and extend its life; constants and
// arguments need no buffer.
// CHECK-LABEL: func.func @views
// CHECK-SAME: llm.buffer_intervals = array<i64: 1, 4, 4, 5>
// CHECK: llm.constant {{.*}}{llm.buffers = array<i64: -1>}
// CHECK: llm.add {{.*}}{llm.buffers = array<i64: 0>}
// CHECK: llm.reshape {{.*}}{llm.buffers = array<i64: -1>}
// CHECK: llm.unsqueeze {{.*}}llm.buffers = array<i64: -1>
// CHECK: llm.exp {{.*}}{llm.buffers = array<i64: 1>}
// expected-remark @below {{planned 2 buffers in an arena of 1024 bytes (1024 bytes without reuse)}}
func.func @views(%x: tensor<8x16xf32>) -> tensor<1x128xf32> {
  %c = llm.constant dense<1.0> : tensor<f32>
  %a = llm.add %x, %c : (tensor<8x16xf32>, tensor<f32>) -> tensor<8x16xf32>
  %r = llm.reshape %a [128] : tensor<8x16xf32> -> tensor<128xf32>
  %u = llm.unsqueeze %r {axes = array<i64: 0>} : tensor<128xf32> -> tensor<1x128xf32>
  %e = llm.exp %u : tensor<1x128xf32>
  return %e : tensor<1x128xf32>
}

// -----

// Results are returned at the last step, so they stay alive to the end and
// are never overwritten (%a#1 and %c can share memory, %a#0 shares with
// nobody); multi-result ops get one buffer per result. (The softmax reads
// %a#1: an elementwise reader would make it a view, see @split_views.)
// CHECK-LABEL: func.func @outputs
// CHECK-SAME: llm.buffer_intervals = array<i64: 0, 3, 0, 1, 1, 2, 2, 3>
// CHECK: llm.split {{.*}}llm.buffers = array<i64: 0, 1>
// expected-remark @below {{planned 4 buffers in an arena of 192 bytes (256 bytes without reuse)}}
func.func @outputs(%x: tensor<8xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a:2 = llm.split %x {axis = 0 : i64, sizes = array<i64: 4, 4>} : tensor<8xf32> -> tensor<4xf32>, tensor<4xf32>
  %b = llm.softmax %a#1 {axis = 0 : i64} : tensor<4xf32>
  %c = llm.neg %b : tensor<4xf32>
  return %a#0, %c : tensor<4xf32>, tensor<4xf32>
}

// -----

// Dynamic dims: the intervals are planned here, the sizes at run time.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: llm.buffer_intervals = array<i64: 0, 1, 1, 2>
// CHECK-NOT: llm.arena_bytes
// expected-remark @below {{planned 2 buffers; their sizes depend on dynamic dims, so the runtime places them when it sees the input dims}}
func.func @dynamic(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %a = llm.exp %x : tensor<?x64xf32>
  %b = llm.neg %a : tensor<?x64xf32>
  return %b : tensor<?x64xf32>
}

// -----

// A split along the last axis read only elementwise is two views of its
// input (Llama's merged gate/up): no buffers of their own (-1), and the
// input's buffer lives until the swiglu (step 2) has read them, so the
// swiglu's result cannot take its place.
// CHECK-LABEL: func.func @split_views
// CHECK-SAME: llm.buffer_intervals = array<i64: 0, 2, 2, 3>
// CHECK: llm.split %{{.*}} {axis = 1 : i64, llm.buffers = array<i64: -1, -1>
// CHECK: llm.swiglu %{{.*}} {llm.buffers = array<i64: 1>}
// expected-remark @below {{planned 2 buffers in an arena of 6144 bytes (6144 bytes without reuse)}}
func.func @split_views(%x: tensor<4x256xf32>) -> tensor<4x128xf32> {
  %m = llm.exp %x : tensor<4x256xf32>
  %g, %u = llm.split %m {axis = 1 : i64, sizes = array<i64: 128, 128>} : tensor<4x256xf32> -> tensor<4x128xf32>, tensor<4x128xf32>
  %h = llm.swiglu %g, %u : tensor<4x128xf32>
  return %h : tensor<4x128xf32>
}

// -----

// A piece that is returned is copied out into a buffer of its own; its
// sibling, read only by an elementwise op, is still a view.
// CHECK-LABEL: func.func @split_piece_returned
// CHECK: llm.split %{{.*}} {axis = 1 : i64, llm.buffers = array<i64: -1, 1>
// expected-remark @below {{planned 3 buffers}}
func.func @split_piece_returned(%x: tensor<4x256xf32>) -> (tensor<4x128xf32>, tensor<4x128xf32>) {
  %m = llm.exp %x : tensor<4x256xf32>
  %g, %u = llm.split %m {axis = 1 : i64, sizes = array<i64: 128, 128>} : tensor<4x256xf32> -> tensor<4x128xf32>, tensor<4x128xf32>
  %e = llm.exp %g : tensor<4x128xf32>
  return %e, %u : tensor<4x128xf32>, tensor<4x128xf32>
}

// -----

// Llama's merged q/k/v projection: q, k and v are reshaped into heads
// ([B, S, H, D]) that only "bshd" rotary embeddings and attention read, so
// all three are views of the projection's rows (-1), which stay alive until
// the attention (step 7) has read v.
// CHECK-LABEL: func.func @split_heads_views
// CHECK-SAME: llm.buffer_intervals = array<i64: 0, 7, 5, 7, 6, 7, 7, 8>
// CHECK: llm.split %{{.*}} {axis = 2 : i64, llm.buffers = array<i64: -1, -1, -1>
// expected-remark @below {{planned 4 buffers}}
func.func @split_heads_views(%x: tensor<2x8x96xf32>, %c: tensor<8x8xf32>, %s: tensor<8x8xf32>) -> tensor<2x8x4x16xf32> {
  %m = llm.exp %x : tensor<2x8x96xf32>
  %q, %k, %v = llm.split %m {axis = 2 : i64, sizes = array<i64: 64, 16, 16>} : tensor<2x8x96xf32> -> tensor<2x8x64xf32>, tensor<2x8x16xf32>, tensor<2x8x16xf32>
  %qh = llm.reshape %q [2, 8, 4, 16] : tensor<2x8x64xf32> -> tensor<2x8x4x16xf32>
  %kh = llm.reshape %k [2, 8, 1, 16] : tensor<2x8x16xf32> -> tensor<2x8x1x16xf32>
  %vh = llm.reshape %v [2, 8, 1, 16] : tensor<2x8x16xf32> -> tensor<2x8x1x16xf32>
  %qr = llm.rotary_embedding %qh, %c, %s {layout = "bshd"} : tensor<2x8x4x16xf32>, tensor<8x8xf32>, tensor<8x8xf32>
  %kr = llm.rotary_embedding %kh, %c, %s {layout = "bshd"} : tensor<2x8x1x16xf32>, tensor<8x8xf32>, tensor<8x8xf32>
  %o = llm.attention %qr, %kr, %vh {causal = "upper_left", layout = "bshd"} : tensor<2x8x4x16xf32>, tensor<2x8x1x16xf32>, tensor<2x8x1x16xf32> -> tensor<2x8x4x16xf32>
  return %o : tensor<2x8x4x16xf32>
}

// -----

// Heads in "bhsd" (a transpose reads them) are not views: the transpose
// walks its input densely, so q, k and v are copied out.
// CHECK-LABEL: func.func @split_heads_transposed
// CHECK: llm.split %{{.*}} {axis = 2 : i64, llm.buffers = array<i64: 1, 2, 3>
// expected-remark @below {{planned 8 buffers}}
func.func @split_heads_transposed(%x: tensor<2x8x48xf32>) -> tensor<2x1x8x16xf32> {
  %m = llm.exp %x : tensor<2x8x48xf32>
  %q, %k, %v = llm.split %m {axis = 2 : i64, sizes = array<i64: 16, 16, 16>} : tensor<2x8x48xf32> -> tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x8x16xf32>
  %qh = llm.reshape %q [2, 8, 1, 16] : tensor<2x8x16xf32> -> tensor<2x8x1x16xf32>
  %kh = llm.reshape %k [2, 8, 1, 16] : tensor<2x8x16xf32> -> tensor<2x8x1x16xf32>
  %vh = llm.reshape %v [2, 8, 1, 16] : tensor<2x8x16xf32> -> tensor<2x8x1x16xf32>
  %qt = llm.transpose %qh {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x8x1x16xf32> -> tensor<2x1x8x16xf32>
  %kt = llm.transpose %kh {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x8x1x16xf32> -> tensor<2x1x8x16xf32>
  %vt = llm.transpose %vh {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x8x1x16xf32> -> tensor<2x1x8x16xf32>
  %o = llm.attention %qt, %kt, %vt : tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32> -> tensor<2x1x8x16xf32>
  return %o : tensor<2x1x8x16xf32>
}
