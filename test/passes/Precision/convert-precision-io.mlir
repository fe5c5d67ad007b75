// RUN: llm-opt %s -llm-convert-precision=keep-io-types=0 | FileCheck %s
// RUN: llm-opt %s -llm-convert-precision="dtype=bf16 keep-io-types=0" | FileCheck %s --check-prefix=BF16
// RUN: llm-opt %s -llm-convert-precision | FileCheck %s --check-prefix=KEEP

// keep-io-types=0: the f32 arguments and results take the compute type, and
// the casts at either end disappear. An op kept in f32 (reduce_sum) reads
// the argument through one up-cast at the top, and its f32 result is cast
// down before the return. Integer arguments and results do not change.
// CHECK-LABEL: func.func @io
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf16>, %[[IDS:.+]]: tensor<?xi64>) -> (tensor<?x8xf16>, tensor<?x1xf16>, tensor<?xi64>)
// CHECK-NEXT: %[[X32:.+]] = llm.cast %[[X]] : tensor<?x8xf16> to tensor<?x8xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.mul %[[X]], %[[X]] : (tensor<?x8xf16>, tensor<?x8xf16>) -> tensor<?x8xf16>
// CHECK-NEXT: %[[S:.+]] = llm.reduce_sum %[[X32]] {axes = array<i64: 1>} : tensor<?x8xf32> -> tensor<?x1xf32>
// CHECK-NEXT: %[[S16:.+]] = llm.cast %[[S]] : tensor<?x1xf32> to tensor<?x1xf16>
// CHECK-NEXT: return %[[Y]], %[[S16]], %[[IDS]] : tensor<?x8xf16>, tensor<?x1xf16>, tensor<?xi64>
// BF16: func.func @io(%{{.+}}: tensor<?x8xbf16>, %{{.+}}: tensor<?xi64>) -> (tensor<?x8xbf16>, tensor<?x1xbf16>, tensor<?xi64>)
// KEEP: func.func @io(%{{.+}}: tensor<?x8xf32>, %{{.+}}: tensor<?xi64>) -> (tensor<?x8xf32>, tensor<?x1xf32>, tensor<?xi64>)
func.func @io(%x: tensor<?x8xf32>, %ids: tensor<?xi64>) -> (tensor<?x8xf32>, tensor<?x1xf32>, tensor<?xi64>) {
  %y = llm.mul %x, %x : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %s = llm.reduce_sum %x {axes = array<i64: 1>} : tensor<?x8xf32> -> tensor<?x1xf32>
  return %y, %s, %ids : tensor<?x8xf32>, tensor<?x1xf32>, tensor<?xi64>
}

// A result returned twice, and an argument returned as is: each becomes the
// compute type once.
// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[A:.+]]: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xf16>, tensor<4xf16>)
// CHECK-NEXT: %[[E:.+]] = llm.exp %[[A]] : tensor<4xf16>
// CHECK-NEXT: return %[[E]], %[[E]], %[[A]] : tensor<4xf16>, tensor<4xf16>, tensor<4xf16>
func.func @twice(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = llm.exp %a : tensor<4xf32>
  return %e, %e, %a : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
