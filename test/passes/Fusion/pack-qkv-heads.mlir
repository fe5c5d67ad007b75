// RUN: llm-opt %s -llm-pack-qkv-heads -split-input-file | FileCheck %s
// RUN: llm-opt %s -llm-pack-qkv-heads=report-misses=1 -split-input-file -verify-diagnostics -o /dev/null

// GPT-2's merged projection (c_attn, or three linears merged): q, k and v
// are slices of one [B, S, 2304] tensor cut into heads. The attention reads
// the projection as [B, S, 36, 64]; the split and the reshapes go.
// CHECK-LABEL: func.func @gpt2
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x2304xf16>, %[[B:.+]]: index, %[[S:.+]]: index, %[[M:.+]]: tensor<?x1x1x?xi1>)
// CHECK-NEXT: %[[P:.+]] = llm.reshape %[[X]] [%[[B]], %[[S]], 36, 64] : tensor<?x?x2304xf16> -> tensor<?x?x36x64xf16>
// CHECK-NEXT: %[[A:.+]] = llm.attention %[[P]], %[[P]], %[[P]] mask %[[M]] : tensor<?x1x1x?xi1> {causal = "upper_left", layout = "bshd", packed_heads = array<i64: 12, 12, 12>, scale = 1.250000e-01 : f32} : tensor<?x?x36x64xf16>, tensor<?x?x36x64xf16>, tensor<?x?x36x64xf16> -> tensor<?x?x12x64xf16>
// CHECK-NEXT: return %[[A]]
func.func @gpt2(%x: tensor<?x?x2304xf16>, %b: index, %s: index, %m: tensor<?x1x1x?xi1>) -> tensor<?x?x12x64xf16> {
  %q, %k, %v = llm.split %x {axis = 2 : i64, sizes = array<i64: 768, 768, 768>} : tensor<?x?x2304xf16> -> tensor<?x?x768xf16>, tensor<?x?x768xf16>, tensor<?x?x768xf16>
  %qh = llm.reshape %q [%b, %s, 12, 64] : tensor<?x?x768xf16> -> tensor<?x?x12x64xf16>
  %kh = llm.reshape %k [%b, %s, 12, 64] : tensor<?x?x768xf16> -> tensor<?x?x12x64xf16>
  %vh = llm.reshape %v [%b, %s, 12, 64] : tensor<?x?x768xf16> -> tensor<?x?x12x64xf16>
  %a = llm.attention %qh, %kh, %vh mask %m : tensor<?x1x1x?xi1> {causal = "upper_left", layout = "bshd", scale = 0.125 : f32} : tensor<?x?x12x64xf16>, tensor<?x?x12x64xf16>, tensor<?x?x12x64xf16> -> tensor<?x?x12x64xf16>
  return %a : tensor<?x?x12x64xf16>
}

// -----

// Grouped-query heads (8 q, 2 kv) with static
// dims: the packed heads are [8, 2, 2].
// CHECK-LABEL: func.func @gqa
// CHECK-NEXT: %[[P:.+]] = llm.reshape %{{.+}} [2, 5, 12, 64] : tensor<2x5x768xf32> -> tensor<2x5x12x64xf32>
// CHECK-NEXT: llm.attention %[[P]], %[[P]], %[[P]] {layout = "bshd", packed_heads = array<i64: 8, 2, 2>} : tensor<2x5x12x64xf32>, tensor<2x5x12x64xf32>, tensor<2x5x12x64xf32> -> tensor<2x5x8x64xf32>
func.func @gqa(%x: tensor<2x5x768xf32>) -> tensor<2x5x8x64xf32> {
  %q, %k, %v = llm.split %x {axis = 2 : i64, sizes = array<i64: 512, 128, 128>} : tensor<2x5x768xf32> -> tensor<2x5x512xf32>, tensor<2x5x128xf32>, tensor<2x5x128xf32>
  %qh = llm.reshape %q [2, 5, 8, 64] : tensor<2x5x512xf32> -> tensor<2x5x8x64xf32>
  %kh = llm.reshape %k [2, 5, 2, 64] : tensor<2x5x128xf32> -> tensor<2x5x2x64xf32>
  %vh = llm.reshape %v [2, 5, 2, 64] : tensor<2x5x128xf32> -> tensor<2x5x2x64xf32>
  %a = llm.attention %qh, %kh, %vh {layout = "bshd"} : tensor<2x5x8x64xf32>, tensor<2x5x2x64xf32>, tensor<2x5x2x64xf32> -> tensor<2x5x8x64xf32>
  return %a : tensor<2x5x8x64xf32>
}

// -----

// Near misses, left as they are.

// The key heads are also a KV-cache output: the split must stay for them.
// CHECK-LABEL: func.func @key_also_returned
// CHECK: llm.split
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {layout = "bshd"}
func.func @key_also_returned(%x: tensor<2x5x192xf32>) -> (tensor<2x5x4x16xf32>, tensor<2x5x4x16xf32>) {
  %q, %k, %v = llm.split %x {axis = 2 : i64, sizes = array<i64: 64, 64, 64>} : tensor<2x5x192xf32> -> tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32>
  %qh = llm.reshape %q [2, 5, 4, 16] : tensor<2x5x64xf32> -> tensor<2x5x4x16xf32>
  %kh = llm.reshape %k [2, 5, 4, 16] : tensor<2x5x64xf32> -> tensor<2x5x4x16xf32>
  %vh = llm.reshape %v [2, 5, 4, 16] : tensor<2x5x64xf32> -> tensor<2x5x4x16xf32>
  // expected-remark @below {{q, k and v stay three tensors: q, k and v are not each a reshape used once}}
  %a = llm.attention %qh, %kh, %vh {layout = "bshd"} : tensor<2x5x4x16xf32>, tensor<2x5x4x16xf32>, tensor<2x5x4x16xf32> -> tensor<2x5x4x16xf32>
  return %a, %kh : tensor<2x5x4x16xf32>, tensor<2x5x4x16xf32>
}

// k and v swapped in the projection: the packed order would be wrong.
// CHECK-LABEL: func.func @swapped_order
// CHECK: llm.split
func.func @swapped_order(%x: tensor<2x5x192xf32>) -> tensor<2x5x4x16xf32> {
  %q, %v, %k = llm.split %x {axis = 2 : i64, sizes = array<i64: 64, 64, 64>} : tensor<2x5x192xf32> -> tensor<2x5x64xf32>, tensor<2x5x64xf32>, tensor<2x5x64xf32>
  %qh = llm.reshape %q [2, 5, 4, 16] : tensor<2x5x64xf32> -> tensor<2x5x4x16xf32>
  %kh = llm.reshape %k [2, 5, 4, 16] : tensor<2x5x64xf32> -> tensor<2x5x4x16xf32>
  %vh = llm.reshape %v [2, 5, 4, 16] : tensor<2x5x64xf32> -> tensor<2x5x4x16xf32>
  // expected-remark @below {{q, k and v are not results 0, 1 and 2 of one split}}
  %a = llm.attention %qh, %kh, %vh {layout = "bshd"} : tensor<2x5x4x16xf32>, tensor<2x5x4x16xf32>, tensor<2x5x4x16xf32> -> tensor<2x5x4x16xf32>
  return %a : tensor<2x5x4x16xf32>
}

// [B, H, S, D] attention: its heads are not rows of the projection.
// CHECK-LABEL: func.func @bhsd
// CHECK-NOT: packed_heads
func.func @bhsd(%q: tensor<2x4x5x16xf32>, %k: tensor<2x4x5x16xf32>, %v: tensor<2x4x5x16xf32>) -> tensor<2x4x5x16xf32> {
  // expected-remark @below {{attention is [B, H, S, D]}}
  %a = llm.attention %q, %k, %v : tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32> -> tensor<2x4x5x16xf32>
  return %a : tensor<2x4x5x16xf32>
}
