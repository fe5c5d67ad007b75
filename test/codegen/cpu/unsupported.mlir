// RUN: not llm-opt %s --emit=cpp --no-optimize 2>&1 | FileCheck %s

// A reshape whose target shape is tensor data (not dims) cannot be planned
// before the run: a clear error at the op, no output.
// CHECK: error: codegen: reshape to a shape computed from tensor data is not supported
func.func @data_shape(%x: tensor<?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %r = llm.dynamic_reshape %x, %s : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
