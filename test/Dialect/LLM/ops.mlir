// RUN: llm-opt %s | llm-opt | FileCheck %s

// CHECK-LABEL: func.func @binary_broadcast
func.func @binary_broadcast(%x: tensor<?x?x768xf32>, %b: tensor<768xf32>) -> tensor<?x?x768xf32> {
  // CHECK: llm.add %{{.*}}, %{{.*}} : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %0 = llm.add %x, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}
