// RUN: llm-opt %s -split-input-file -llm-fuse-elementwise | FileCheck %s
// RUN: llm-opt %s -split-input-file -llm-fuse-elementwise=report-misses=1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISS --implicit-check-not=remark

// A layer or RMS norm over the last axis takes the elementwise group that
// computes its input as its prologue: one llm.fused region ending in the
// norm, one row kernel in codegen.

// The residual stream (GPT-2, Llama): the sum is normalized and read again
// by a later op, so the region returns it too. Its other user comes before
// the norm, which is fine: the region goes where the sum was.
// CHECK-LABEL: func.func @residual_stream
// CHECK-SAME: (%[[H:[^:]+]]: tensor<?x?x768xf32>, %[[P:[^:]+]]: tensor<?x?x768xf32>, %[[G:[^:]+]]: tensor<768xf32>, %[[B:[^:]+]]: tensor<768xf32>)
// CHECK-NEXT: %[[F:.+]]:2 = llm.fused(%[[H]], %[[P]], %[[G]], %[[B]]) : (tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<768xf32>, tensor<768xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
// CHECK-NEXT: ^bb0(%[[A0:.+]]: tensor<?x?x768xf32>, %[[A1:.+]]: tensor<?x?x768xf32>, %[[A2:.+]]: tensor<768xf32>, %[[A3:.+]]: tensor<768xf32>):
// CHECK-NEXT: %[[S:.+]] = llm.add %[[A0]], %[[A1]]
// CHECK-NEXT: %[[N:.+]] = llm.layer_norm %[[S]] scale %[[A2]] : tensor<768xf32> bias %[[A3]] : tensor<768xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: llm.yield %[[N]], %[[S]] : tensor<?x?x768xf32>, tensor<?x?x768xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[NEG:.+]] = llm.neg %[[F]]#1
// CHECK-NEXT: return %[[F]]#0, %[[NEG]], %[[F]]#1
func.func @residual_stream(%h: tensor<?x?x768xf32>, %p: tensor<?x?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>)
    -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  %s = llm.add %h, %p : (tensor<?x?x768xf32>, tensor<?x?x768xf32>) -> tensor<?x?x768xf32>
  %other = llm.neg %s : tensor<?x?x768xf32>
  %n = llm.layer_norm %s scale %g : tensor<768xf32> bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %n, %other, %s : tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// -----

// BERT's layer_norm(dense + bias + h): a broadcast bias, a prologue of
// several ops, the sum used only by the norm (one result).
// CHECK-LABEL: func.func @bias_residual
// CHECK-NEXT: %[[F:.+]] = llm.fused(%arg0, %arg1, %arg2, %arg3, %arg4) : (tensor<?x128x768xf32>, tensor<768xf32>, tensor<?x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<?x128x768xf32>
// CHECK: llm.add
// CHECK-NEXT: llm.add
// CHECK-NEXT: llm.layer_norm
// CHECK-NEXT: llm.yield
// CHECK: return %[[F]]
func.func @bias_residual(%d: tensor<?x128x768xf32>, %bias: tensor<768xf32>, %h: tensor<?x128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<?x128x768xf32> {
  %0 = llm.add %d, %bias : (tensor<?x128x768xf32>, tensor<768xf32>) -> tensor<?x128x768xf32>
  %1 = llm.add %0, %h : (tensor<?x128x768xf32>, tensor<?x128x768xf32>) -> tensor<?x128x768xf32>
  %n = llm.layer_norm %1 scale %g : tensor<768xf32> bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-12 : f32} : tensor<?x128x768xf32>
  return %n : tensor<?x128x768xf32>
}

// -----

// RMS norm of a cast and a scaling: any elementwise prologue, any element
// type in, the norm's type out.
// CHECK-LABEL: func.func @rms_cast_scale
// CHECK-NEXT: %[[F:.+]] = llm.fused(%arg0, %arg1, %arg2) : (tensor<?x64xbf16>, tensor<f32>, tensor<64xf32>) -> tensor<?x64xf32>
// CHECK: llm.cast
// CHECK-NEXT: llm.mul
// CHECK-NEXT: llm.rms_norm
// CHECK-NEXT: llm.yield
func.func @rms_cast_scale(%x: tensor<?x64xbf16>, %c: tensor<f32>, %g: tensor<64xf32>) -> tensor<?x64xf32> {
  %0 = llm.cast %x : tensor<?x64xbf16> to tensor<?x64xf32>
  %1 = llm.mul %0, %c : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %n = llm.rms_norm %1 scale %g : tensor<64xf32> {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// Near miss: a norm over the last two dims is not a row of the last axis;
// the add stays an op of its own.
// CHECK-LABEL: func.func @two_axes
// CHECK-NOT: llm.fused
// CHECK: llm.add
// CHECK-NEXT: llm.layer_norm
// MISS: remark: llm-fuse-elementwise: the norm does not take its prologue: it normalizes more than the last axis
func.func @two_axes(%x: tensor<?x4x8xf32>, %y: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  %0 = llm.add %x, %y : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %n = llm.layer_norm %0 {axis = 1 : i64, epsilon = 1.0e-05 : f32} : tensor<?x4x8xf32>
  return %n : tensor<?x4x8xf32>
}

// -----

// Near miss: the producer is not elementwise (a linear, whose residual
// epilogue already did the add).
// CHECK-LABEL: func.func @linear_producer
// CHECK-NOT: llm.fused
func.func @linear_producer(%x: tensor<?x8xf32>, %w: tensor<8x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %0 = llm.linear %x, %w : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %n = llm.rms_norm %0 scale %g : tensor<8xf32> {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x8xf32>
  return %n : tensor<?x8xf32>
}

// -----

// Near miss: the prologue's intermediate %b2 has another user, of its own
// [8] shape, which no row of the kernel produces: it stays outside (and is
// read as an input); only the add, whose value has the rows' shape, joins.
// CHECK-LABEL: func.func @intermediate_used_outside
// CHECK-NEXT: %[[B2:.+]] = llm.mul %arg1, %arg1
// CHECK-NEXT: %[[F:.+]] = llm.fused(%arg0, %[[B2]], %arg2)
// CHECK: llm.add
// CHECK-NEXT: llm.rms_norm
// CHECK: return %[[F]], %[[B2]]
func.func @intermediate_used_outside(%x: tensor<?x8xf32>, %b: tensor<8xf32>, %g: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<8xf32>) {
  %b2 = llm.mul %b, %b : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %0 = llm.add %x, %b2 : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %n = llm.rms_norm %0 scale %g : tensor<8xf32> {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x8xf32>
  return %n, %b2 : tensor<?x8xf32>, tensor<8xf32>
}

// -----

// Near miss: the sum is read (by the neg) before the norm's scale exists,
// so no single place can hold a region that returns the sum and reads the
// scale.
// CHECK-LABEL: func.func @scale_defined_late
// CHECK-NOT: llm.fused
// MISS: remark: llm-fuse-elementwise: the prologue's value is read before the norm's scale or bias is defined
func.func @scale_defined_late(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>, %g: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %0 = llm.add %x, %y : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %o = llm.neg %0 : tensor<?x8xf32>
  %g2 = llm.mul %g, %g : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %n = llm.rms_norm %0 scale %g2 : tensor<8xf32> {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x8xf32>
  return %n, %o : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Softmax is not a row normalization of a region (yet): the scaling stays
// an elementwise region of its own.
// CHECK-LABEL: func.func @softmax_not_fused
// CHECK-NEXT: %[[F:.+]] = llm.fused
// CHECK: llm.yield
// CHECK-NEXT: }
// CHECK-NEXT: llm.softmax %[[F]]
func.func @softmax_not_fused(%x: tensor<?x8xf32>, %c: tensor<f32>, %m: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = llm.mul %x, %c : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  %1 = llm.add %0, %m : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %s = llm.softmax %1 {axis = 1 : i64} : tensor<?x8xf32>
  return %s : tensor<?x8xf32>
}
