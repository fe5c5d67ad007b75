// RUN: llm-opt %s -split-input-file -verify-diagnostics

// Ops whose result type is inferred report an inference error twice: once
// where inference fails, once as "failed to infer returned types".

//===----------------------------------------------------------------------===//
// Broadcasting elementwise ops
//===----------------------------------------------------------------------===//

// Static dims that are neither equal nor 1 do not broadcast.
func.func @add_no_broadcast(%x: tensor<?x3xf32>, %y: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+2 {{operand shapes do not broadcast: ?x3, 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.add %x, %y : (tensor<?x3xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Arithmetic operands must share the element type.
func.func @mul_element_types(%x: tensor<?x768xf32>, %y: tensor<768xf16>) -> tensor<?x768xf16> {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = llm.mul %x, %y : (tensor<?x768xf32>, tensor<768xf16>) -> tensor<?x768xf16>
  return %0 : tensor<?x768xf16>
}

// -----

// Compare operands must share the element type too, even though the result is i1.
func.func @lt_element_types(%x: tensor<?xi64>, %y: tensor<?xi32>) -> tensor<?xi1> {
  // expected-error @+1 {{operand element types differ: 'i64' vs 'i32'}}
  %0 = llm.lt %x, %y : (tensor<?xi64>, tensor<?xi32>) -> tensor<?xi1>
  return %0 : tensor<?xi1>
}

// -----

// A declared result that contradicts the broadcast shape is not a refinement.
func.func @sub_wrong_result(%x: tensor<?x768xf32>, %y: tensor<768xf32>) -> tensor<?x512xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<?x768xf32>' are incompatible with return type(s) of operation 'tensor<?x512xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.sub %x, %y : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x512xf32>
  return %0 : tensor<?x512xf32>
}

// -----

// where broadcasts all three operands.
func.func @where_no_broadcast(%c: tensor<?x2xi1>, %x: tensor<?x3xf32>, %y: tensor<f32>) -> tensor<?x3xf32> {
  // expected-error @+2 {{operand shapes do not broadcast: ?x2, ?x3, }}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.where %c, %x, %y : (tensor<?x2xi1>, tensor<?x3xf32>, tensor<f32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// where's two value operands must share the element type.
func.func @where_element_types(%c: tensor<?x?xi1>, %x: tensor<?x?xf32>, %y: tensor<f16>) -> tensor<?x?xf16> {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = llm.where %c, %x, %y : (tensor<?x?xi1>, tensor<?x?xf32>, tensor<f16>) -> tensor<?x?xf16>
  return %0 : tensor<?x?xf16>
}

// -----

// gelu knows two approximations only.
func.func @gelu_approximate(%x: tensor<?x3072xf32>) -> tensor<?x3072xf32> {
  // expected-error @+1 {{approximate must be "none" or "tanh", got "sigmoid"}}
  %0 = llm.gelu %x {approximate = "sigmoid"} : tensor<?x3072xf32>
  return %0 : tensor<?x3072xf32>
}

// -----

// swiglu's gate and up have the result's type: no broadcasting.
func.func @swiglu_types(%g: tensor<?x256xf32>, %u: tensor<1x256xf32>) -> tensor<?x256xf32> {
  // expected-error @+1 {{failed to verify that all of {gate, up, result} have same type}}
  %0 = "llm.swiglu"(%g, %u) : (tensor<?x256xf32>, tensor<1x256xf32>) -> tensor<?x256xf32>
  return %0 : tensor<?x256xf32>
}

// -----

// swiglu is a float op.
func.func @swiglu_int(%g: tensor<?x256xi32>, %u: tensor<?x256xi32>) -> tensor<?x256xi32> {
  // expected-error @+1 {{operand #0 must be}}
  %0 = llm.swiglu %g, %u : tensor<?x256xi32>
  return %0 : tensor<?x256xi32>
}

// -----

// cast changes the element type, never the shape.
func.func @cast_shape(%x: tensor<?x4xi64>) -> tensor<?x5xf32> {
  // expected-error @+1 {{input shape ?x4 and result shape ?x5 differ}}
  %0 = llm.cast %x : tensor<?x4xi64> to tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

// -----

// dim's index must name a dim of the input.
func.func @dim_out_of_range(%x: tensor<?x?x768xf32>) -> index {
  // expected-error @+1 {{dim 3 is out of range for rank 3}}
  %0 = llm.dim %x, 3 : tensor<?x?x768xf32>
  return %0 : index
}

// -----

// shape's result length follows start/end.
func.func @shape_wrong_length(%x: tensor<?x?x768xf32>) -> tensor<3xi64> {
  // expected-error @+2 {{inferred type(s) 'tensor<2xi64>' are incompatible with return type(s) of operation 'tensor<3xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.shape %x {start = 1 : i64} : tensor<?x?x768xf32> -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// from_dims needs one index operand per dynamic entry (generic form).
func.func @from_dims_operand_count() -> tensor<2xi64> {
  // expected-error @+1 {{has 1 dynamic entries but 0 index operands}}
  %0 = "llm.from_dims"() <{static_dims = array<i64: -9223372036854775808, 4>}> : () -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// from_dims produces exactly one element per entry.
func.func @from_dims_length(%b: index) -> tensor<2xi64> {
  // expected-error @+1 {{result must be a 1-D tensor of 3 elements, got 'tensor<2xi64>'}}
  %0 = llm.from_dims [%b, 12, 64] : tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// full's shape needs one index operand per dynamic entry (generic form).
func.func @full_operand_count() -> tensor<?xf32> {
  // expected-error @+1 {{shape has 1 dynamic entries but 0 index operands}}
  %0 = "llm.full"() <{value = 0.0 : f32, static_shape = array<i64: -9223372036854775808>}> : () -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// A static size in a shape cannot be negative.
func.func @full_negative_size() -> tensor<?xf32> {
  // expected-error @+1 {{shape has a negative size -2}}
  %0 = llm.full 0.000000e+00 : f32 [-2] : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// The fill value has the result's element type.
func.func @full_value_type(%b: index) -> tensor<?xf32> {
  // expected-error @+1 {{fill value has type 'i32' but the result element type is 'f32'}}
  %0 = llm.full 0 : i32 [%b] : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// The result rank follows the shape.
func.func @full_rank(%b: index) -> tensor<?xf32> {
  // expected-error @+1 {{result rank 1 does not match the shape rank 2}}
  %0 = llm.full 0.000000e+00 : f32 [%b, 4] : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// A static result dim must agree with a static shape entry.
func.func @full_dim(%b: index) -> tensor<?x5xf32> {
  // expected-error @+1 {{result dim 1 is 5 but the shape says 4}}
  %0 = llm.full 0.000000e+00 : f32 [%b, 4] : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// range takes scalars.
func.func @range_not_scalar(%s: tensor<1xi64>) -> tensor<?xi64> {
  // expected-error @+1 {{start, limit and delta must be scalars (rank 0), got 'tensor<1xi64>'}}
  %0 = llm.range %s, %s, %s : tensor<1xi64> -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// range's scalars have the result element type.
func.func @range_element_type(%s: tensor<i64>) -> tensor<?xi32> {
  // expected-error @+1 {{start, limit and delta must have the result element type 'i32', got 'tensor<i64>'}}
  %0 = llm.range %s, %s, %s : tensor<i64> -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

// range produces a 1-D tensor.
func.func @range_result_rank(%s: tensor<i64>) -> tensor<?x?xi64> {
  // expected-error @+1 {{result must be 1-D, got 'tensor<?x?xi64>'}}
  %0 = llm.range %s, %s, %s : tensor<i64> -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

// -----

// matmul operands share the element type.
func.func @matmul_element_types(%x: tensor<?x64xf32>, %y: tensor<64x?xf16>) -> tensor<?x?xf32> {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.matmul %x, %y : (tensor<?x64xf32>, tensor<64x?xf16>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// matmul has no rank-0 operand.
func.func @matmul_scalar(%x: tensor<f32>, %y: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+2 {{matmul operands must have rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.matmul %x, %y : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Static contracted dims must agree.
func.func @matmul_contracting(%x: tensor<?x?x64xf32>, %y: tensor<32x?xf32>) -> tensor<?x?x?xf32> {
  // expected-error @+2 {{contracting dims differ: lhs has 64, rhs has 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.matmul %x, %y : (tensor<?x?x64xf32>, tensor<32x?xf32>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// Batch dims broadcast like elementwise operands.
func.func @matmul_batch(%x: tensor<2x?x?x64xf32>, %y: tensor<3x?x64x?xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error @+2 {{batch dims do not broadcast: 2x? vs 3x?}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.matmul %x, %y : (tensor<2x?x?x64xf32>, tensor<3x?x64x?xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// linear's input has at least the feature dim.
func.func @linear_scalar_input(%x: tensor<f32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+2 {{input must have rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.linear %x, %w, %b : (tensor<f32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// linear's weight is a matrix.
func.func @linear_weight_rank(%x: tensor<?x768xf32>, %w: tensor<2x768x768xf32>) -> tensor<?x768xf32> {
  // expected-error @+2 {{weight must be 2-D, got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.linear %x, %w : (tensor<?x768xf32>, tensor<2x768x768xf32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// With transpose_weight the weight is [N, K], so K is its dim 1.
func.func @linear_features(%x: tensor<?x?x768xf32>, %w: tensor<768x3072xf32>) -> tensor<?x?x768xf32> {
  // expected-error @+2 {{input has 768 features but the weight expects 3072}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.linear %x, %w {transpose_weight = true} : (tensor<?x?x768xf32>, tensor<768x3072xf32>) -> tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// linear's input and weight share the element type.
func.func @linear_element_types(%x: tensor<?x768xf32>, %w: tensor<768x768xf16>) -> tensor<?x768xf32> {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = llm.linear %x, %w : (tensor<?x768xf32>, tensor<768x768xf16>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// linear's bias is a vector.
func.func @linear_bias_rank(%x: tensor<?x768xf32>, %w: tensor<768x768xf32>, %b: tensor<1x768xf32>) -> tensor<?x768xf32> {
  // expected-error @+1 {{bias must be 1-D, got 'tensor<1x768xf32>'}}
  %0 = llm.linear %x, %w, %b : (tensor<?x768xf32>, tensor<768x768xf32>, tensor<1x768xf32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// linear's bias has one entry per output feature.
func.func @linear_bias_size(%x: tensor<?x768xf32>, %w: tensor<768x2304xf32>, %b: tensor<768xf32>) -> tensor<?x2304xf32> {
  // expected-error @+1 {{bias has 768 elements but the output has 2304 features}}
  %0 = llm.linear %x, %w, %b : (tensor<?x768xf32>, tensor<768x2304xf32>, tensor<768xf32>) -> tensor<?x2304xf32>
  return %0 : tensor<?x2304xf32>
}

// -----

// linear's bias has the input's element type.
func.func @linear_bias_element_type(%x: tensor<?x768xf32>, %w: tensor<768x768xf32>, %b: tensor<?xf16>) -> tensor<?x768xf32> {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = llm.linear %x, %w, %b : (tensor<?x768xf32>, tensor<768x768xf32>, tensor<?xf16>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

// -----

// Reduction axes are dims of the input.
func.func @reduce_axis_range(%x: tensor<?x?x768xf32>) -> tensor<?x?x1xf32> {
  // expected-error @+2 {{axis 3 is out of range for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.reduce_sum %x {axes = array<i64: 3>} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
  return %0 : tensor<?x?x1xf32>
}

// -----

// Reduction axes are non-negative: the frontend resolves ONNX's negative axes.
func.func @reduce_negative_axis(%x: tensor<?x?x768xf32>) -> tensor<?x?x1xf32> {
  // expected-error @+2 {{axis -1 is out of range for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.reduce_mean %x {axes = array<i64: -1>} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
  return %0 : tensor<?x?x1xf32>
}

// -----

// A reduction axis is listed once.
func.func @reduce_duplicate_axes(%x: tensor<?x?x768xf32>) -> tensor<?x1x1xf32> {
  // expected-error @+2 {{axis 2 appears twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.reduce_max %x {axes = array<i64: 2, 1, 2>} : tensor<?x?x768xf32> -> tensor<?x1x1xf32>
  return %0 : tensor<?x1x1xf32>
}

// -----

// Reduction axes are sorted (the canonical form the frontend produces).
func.func @reduce_unsorted_axes(%x: tensor<?x?x768xf32>) -> tensor<?x1x1xf32> {
  // expected-error @+2 {{axes must be sorted}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.reduce_sum %x {axes = array<i64: 2, 1>} : tensor<?x?x768xf32> -> tensor<?x1x1xf32>
  return %0 : tensor<?x1x1xf32>
}

// -----

// keepdims = false drops the reduced dims from the result.
func.func @reduce_keepdims_result(%x: tensor<?x?x768xf32>) -> tensor<?x?x1xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<?x?xf32>' are incompatible with return type(s) of operation 'tensor<?x?x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.reduce_prod %x {axes = array<i64: 2>, keepdims = false} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
  return %0 : tensor<?x?x1xf32>
}

// -----

// argmax's axis is a dim of the input.
func.func @argmax_axis(%x: tensor<?x?x50257xf32>) -> tensor<?x?xi64> {
  // expected-error @+2 {{axis 3 is out of range for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.argmax %x {axis = 3 : i64, keepdims = false} : tensor<?x?x50257xf32> -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

// -----

// softmax's axis is a dim of the input.
func.func @softmax_axis(%x: tensor<?x12x?x?xf32>) -> tensor<?x12x?x?xf32> {
  // expected-error @+1 {{axis 4 is out of range for rank 4}}
  %0 = llm.softmax %x {axis = 4 : i64} : tensor<?x12x?x?xf32>
  return %0 : tensor<?x12x?x?xf32>
}

// -----

// log_softmax's axis is a dim of the input.
func.func @log_softmax_axis(%x: tensor<?x50257xf32>) -> tensor<?x50257xf32> {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %0 = llm.log_softmax %x {axis = -1 : i64} : tensor<?x50257xf32>
  return %0 : tensor<?x50257xf32>
}

// -----

// layer_norm's axis is a dim of the input.
func.func @layer_norm_axis(%x: tensor<?x?x768xf32>) -> tensor<?x?x768xf32> {
  // expected-error @+1 {{axis 3 is out of range for rank 3}}
  %0 = llm.layer_norm %x {axis = 3 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// epsilon is a non-negative variance floor.
func.func @layer_norm_epsilon(%x: tensor<?x?x768xf32>) -> tensor<?x?x768xf32> {
  // expected-error @+1 {{epsilon must be >= 0}}
  %0 = llm.layer_norm %x {axis = 2 : i64, epsilon = -1.0e-05 : f32} : tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// scale covers at most the normalized dims.
func.func @layer_norm_scale_rank(%x: tensor<?x?x768xf32>, %g: tensor<1x768xf32>) -> tensor<?x?x768xf32> {
  // expected-error @+1 {{scale has rank 2 but only 1 dims are normalized}}
  %0 = llm.layer_norm %x scale %g : tensor<1x768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// scale broadcasts to the normalized dims, not the other way round.
func.func @layer_norm_scale_shape(%x: tensor<?x?x12x64xf32>, %g: tensor<12x32xf32>) -> tensor<?x?x12x64xf32> {
  // expected-error @+1 {{scale shape 12x32 does not broadcast to the normalized dims 12x64}}
  %0 = llm.layer_norm %x scale %g : tensor<12x32xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// -----

// scale has the input's element type.
func.func @layer_norm_scale_element_type(%x: tensor<?x?x768xf32>, %g: tensor<768xf16>) -> tensor<?x?x768xf32> {
  // expected-error @+1 {{scale element type 'f16' differs from the input's 'f32'}}
  %0 = llm.layer_norm %x scale %g : tensor<768xf16> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// bias is checked like scale.
func.func @layer_norm_bias_shape(%x: tensor<?x?x768xf32>, %g: tensor<768xf32>, %b: tensor<512xf32>) -> tensor<?x?x768xf32> {
  // expected-error @+1 {{bias shape 512 does not broadcast to the normalized dims 768}}
  %0 = llm.layer_norm %x scale %g : tensor<768xf32> bias %b : tensor<512xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// rms_norm's axis is a dim of the input.
func.func @rms_norm_axis(%x: tensor<?x?x2048xf32>) -> tensor<?x?x2048xf32> {
  // expected-error @+1 {{axis -1 is out of range for rank 3}}
  %0 = llm.rms_norm %x {axis = -1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x?x2048xf32>
  return %0 : tensor<?x?x2048xf32>
}

// -----

// rms_norm's epsilon is non-negative.
func.func @rms_norm_epsilon(%x: tensor<?x?x2048xf32>) -> tensor<?x?x2048xf32> {
  // expected-error @+1 {{epsilon must be >= 0}}
  %0 = llm.rms_norm %x {axis = 2 : i64, epsilon = -1.0 : f32} : tensor<?x?x2048xf32>
  return %0 : tensor<?x?x2048xf32>
}

// -----

// rms_norm's scale broadcasts to the normalized dims.
func.func @rms_norm_scale_shape(%x: tensor<?x?x2048xf32>, %g: tensor<4096xf32>) -> tensor<?x?x2048xf32> {
  // expected-error @+1 {{scale shape 4096 does not broadcast to the normalized dims 2048}}
  %0 = llm.rms_norm %x scale %g : tensor<4096xf32> {axis = 2 : i64, epsilon = 1.0e-06 : f32} : tensor<?x?x2048xf32>
  return %0 : tensor<?x?x2048xf32>
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

// -----

// query is [batch, heads, seq, head_dim].
func.func @attention_query_rank(%q: tensor<?x?x768xf32>, %k: tensor<?x12x?x64xf32>) -> tensor<?x?x768xf32> {
  // expected-error @+1 {{query must be 4-D [batch, heads, q_seq, head_dim], got 'tensor<?x?x768xf32>'}}
  %0 = llm.attention %q, %k, %k : tensor<?x?x768xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// key is [batch, kv_heads, kv_seq, head_dim].
func.func @attention_key_rank(%q: tensor<?x12x?x64xf32>, %k: tensor<?x?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{key must be 4-D [batch, kv_heads, kv_seq, head_dim], got 'tensor<?x?x64xf32>'}}
  %0 = llm.attention %q, %k, %q : tensor<?x12x?x64xf32>, tensor<?x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// value is [batch, kv_heads, kv_seq, v_head_dim].
func.func @attention_value_rank(%q: tensor<?x12x?x64xf32>, %v: tensor<?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{value must be 4-D [batch, kv_heads, kv_seq, v_head_dim], got 'tensor<?x64xf32>'}}
  %0 = llm.attention %q, %q, %v : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// query, key and value share the batch.
func.func @attention_batch(%q: tensor<2x12x?x64xf32>, %k: tensor<3x12x?x64xf32>) -> tensor<2x12x?x64xf32> {
  // expected-error @+1 {{query, key and value must share the batch dim, got 'tensor<2x12x?x64xf32>', 'tensor<3x12x?x64xf32>' and 'tensor<3x12x?x64xf32>'}}
  %0 = llm.attention %q, %k, %k : tensor<2x12x?x64xf32>, tensor<3x12x?x64xf32>, tensor<3x12x?x64xf32> -> tensor<2x12x?x64xf32>
  return %0 : tensor<2x12x?x64xf32>
}

// -----

// query and key dot over the same head_dim.
func.func @attention_head_dim(%q: tensor<?x12x?x64xf32>, %k: tensor<?x12x?x128xf32>) -> tensor<?x12x?x128xf32> {
  // expected-error @+1 {{query head_dim 64 differs from key head_dim 128}}
  %0 = llm.attention %q, %k, %k : tensor<?x12x?x64xf32>, tensor<?x12x?x128xf32>, tensor<?x12x?x128xf32> -> tensor<?x12x?x128xf32>
  return %0 : tensor<?x12x?x128xf32>
}

// -----

// key and value have the same heads and sequence.
func.func @attention_kv_mismatch(%q: tensor<?x12x?x64xf32>, %k: tensor<?x12x?x64xf32>, %v: tensor<?x6x?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{key and value disagree on heads or sequence: 'tensor<?x12x?x64xf32>' vs 'tensor<?x6x?x64xf32>'}}
  %0 = llm.attention %q, %k, %v : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x6x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// Grouped-query attention needs query heads to be a multiple of kv heads.
func.func @attention_gqa_heads(%q: tensor<?x32x?x64xf32>, %k: tensor<?x12x?x64xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{query heads (32) must be a multiple of kv heads (12)}}
  %0 = llm.attention %q, %k, %k : tensor<?x32x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x32x?x64xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// Zero kv heads is not a divisor of anything.
func.func @attention_zero_kv_heads(%q: tensor<?x32x?x64xf32>, %k: tensor<?x0x?x64xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{query heads (32) must be a multiple of kv heads (0)}}
  %0 = llm.attention %q, %k, %k : tensor<?x32x?x64xf32>, tensor<?x0x?x64xf32>, tensor<?x0x?x64xf32> -> tensor<?x32x?x64xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// query, key and value share the element type.
func.func @attention_element_types(%q: tensor<?x12x?x64xf32>, %k: tensor<?x12x?x64xf16>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = llm.attention %q, %k, %k : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// causal is one of three alignments.
func.func @attention_causal(%q: tensor<?x12x?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{causal must be "none", "upper_left" or "lower_right", got "lower_left"}}
  %0 = llm.attention %q, %q, %q {causal = "lower_left"} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// layout is "bhsd" or "bshd".
func.func @attention_layout(%q: tensor<?x12x?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{layout must be "bhsd" or "bshd", got "sbhd"}}
  %0 = llm.attention %q, %q, %q {layout = "sbhd"} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// With layout = "bshd" the heads are dim 2: 12 query heads over 5 kv heads.
func.func @attention_bshd_heads(%q: tensor<?x?x12x64xf32>, %k: tensor<?x?x5x64xf32>) -> tensor<?x?x12x64xf32> {
  // expected-error @+1 {{query heads (12) must be a multiple of kv heads (5)}}
  %0 = llm.attention %q, %k, %k {layout = "bshd"} : tensor<?x?x12x64xf32>, tensor<?x?x5x64xf32>, tensor<?x?x5x64xf32> -> tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// -----

// A rotary embedding's layout is "bhsd" or "bshd"; in "bshd" its cos/sin
// still broadcast to [batch, heads, seq, rotary_dim / 2] (here 7 positions,
// not the 4 heads in dim 2).
func.func @rotary_layout(%x: tensor<1x7x4x64xf32>, %c: tensor<7x32xf32>) -> tensor<1x7x4x64xf32> {
  // expected-error @+1 {{layout must be "bhsd" or "bshd", got "sbhd"}}
  %0 = llm.rotary_embedding %x, %c, %c {layout = "sbhd"} : tensor<1x7x4x64xf32>, tensor<7x32xf32>, tensor<7x32xf32>
  return %0 : tensor<1x7x4x64xf32>
}

// -----

func.func @rotary_bshd_table(%x: tensor<1x7x4x64xf32>, %c: tensor<4x32xf32>) -> tensor<1x7x4x64xf32> {
  // expected-error @+1 {{cos/sin shape 4x32 does not broadcast to 1x4x7x32}}
  %0 = llm.rotary_embedding %x, %c, %c {layout = "bshd"} : tensor<1x7x4x64xf32>, tensor<4x32xf32>, tensor<4x32xf32>
  return %0 : tensor<1x7x4x64xf32>
}

// -----

// packed_heads: one [B, S, Hq + Hk + Hv, D] tensor, in bshd, heads that sum
// to its heads dim and divide as grouped-query heads.
func.func @attention_packed_bhsd(%p: tensor<?x36x?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{packed_heads needs layout = "bshd"}}
  %0 = llm.attention %p, %p, %p {packed_heads = array<i64: 12, 12, 12>} : tensor<?x36x?x64xf32>, tensor<?x36x?x64xf32>, tensor<?x36x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

func.func @attention_packed_values(%p: tensor<?x?x36x64xf32>, %o: tensor<?x?x36x64xf32>) -> tensor<?x?x12x64xf32> {
  // expected-error @+1 {{with packed_heads, query, key and value must be one value}}
  %0 = llm.attention %p, %o, %p {layout = "bshd", packed_heads = array<i64: 12, 12, 12>} : tensor<?x?x36x64xf32>, tensor<?x?x36x64xf32>, tensor<?x?x36x64xf32> -> tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// -----

func.func @attention_packed_sum(%p: tensor<?x?x36x64xf32>) -> tensor<?x?x12x64xf32> {
  // expected-error @+1 {{packed_heads sum to 24 heads, the tensor has 36}}
  %0 = llm.attention %p, %p, %p {layout = "bshd", packed_heads = array<i64: 12, 6, 6>} : tensor<?x?x36x64xf32>, tensor<?x?x36x64xf32>, tensor<?x?x36x64xf32> -> tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// -----

func.func @attention_packed_groups(%p: tensor<?x?x22x64xf32>) -> tensor<?x?x12x64xf32> {
  // expected-error @+1 {{query heads (12) must be a multiple of kv heads (5)}}
  %0 = llm.attention %p, %p, %p {layout = "bshd", packed_heads = array<i64: 12, 5, 5>} : tensor<?x?x22x64xf32>, tensor<?x?x22x64xf32>, tensor<?x?x22x64xf32> -> tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// -----

// masked_rows is "zero" or "uniform".
func.func @attention_masked_rows(%q: tensor<?x12x?x64xf32>, %m: tensor<?x1x1x?xi1>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{masked_rows must be "zero" or "uniform", got "mean"}}
  %0 = llm.attention %q, %q, %q mask %m : tensor<?x1x1x?xi1> {masked_rows = "mean"} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// softcap is a non-negative bound (0 disables it).
func.func @attention_softcap(%q: tensor<?x12x?x64xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{softcap must be >= 0}}
  %0 = llm.attention %q, %q, %q {softcap = -5.0 : f32} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// The mask is boolean or of the query's float type.
func.func @attention_mask_type(%q: tensor<?x12x?x64xf32>, %m: tensor<?x?xi64>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{mask must be i1 or 'f32', got 'i64'}}
  %0 = llm.attention %q, %q, %q mask %m : tensor<?x?xi64> : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// The mask broadcasts to the scores [batch, q_heads, q_seq, kv_seq].
func.func @attention_mask_shape(%q: tensor<?x12x1x64xf32>, %k: tensor<?x12x?x64xf32>, %m: tensor<?x1x8x?xi1>) -> tensor<?x12x1x64xf32> {
  // expected-error @+1 {{mask shape ?x1x8x? does not broadcast to the scores ?x12x1x?}}
  %0 = llm.attention %q, %k, %k mask %m : tensor<?x1x8x?xi1> : tensor<?x12x1x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x1x64xf32>
  return %0 : tensor<?x12x1x64xf32>
}

// -----

// The mask has at most the scores' rank.
func.func @attention_mask_rank(%q: tensor<?x12x?x64xf32>, %m: tensor<1x?x1x?x?xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+1 {{mask shape 1x?x1x?x? does not broadcast to the scores ?x12x?x?}}
  %0 = llm.attention %q, %q, %q mask %m : tensor<1x?x1x?x?xf32> : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// The result takes the value's head_dim.
func.func @attention_result(%q: tensor<?x12x?x64xf32>, %v: tensor<?x12x?x128xf32>) -> tensor<?x12x?x64xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<?x12x?x128xf32>' are incompatible with return type(s) of operation 'tensor<?x12x?x64xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.attention %q, %q, %v : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x128xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// rotary_embedding works on [batch, heads, seq, head_dim].
func.func @rotary_rank(%x: tensor<?x?x64xf32>, %c: tensor<?x32xf32>) -> tensor<?x?x64xf32> {
  // expected-error @+1 {{input must be 4-D [batch, heads, seq, head_dim], got 'tensor<?x?x64xf32>'}}
  %0 = llm.rotary_embedding %x, %c, %c : tensor<?x?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// Rotated features come in pairs.
func.func @rotary_dim_odd(%x: tensor<?x32x?x64xf32>, %c: tensor<?x16xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{rotary_dim must be positive and even, got 33}}
  %0 = llm.rotary_embedding %x, %c, %c {rotary_dim = 33 : i64} : tensor<?x32x?x64xf32>, tensor<?x16xf32>, tensor<?x16xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// rotary_dim rotates something.
func.func @rotary_dim_zero(%x: tensor<?x32x?x64xf32>, %c: tensor<?x1xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{rotary_dim must be positive and even, got 0}}
  %0 = llm.rotary_embedding %x, %c, %c {rotary_dim = 0 : i64} : tensor<?x32x?x64xf32>, tensor<?x1xf32>, tensor<?x1xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// rotary_dim is a prefix of head_dim.
func.func @rotary_dim_too_large(%x: tensor<?x32x?x64xf32>, %c: tensor<?x64xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{rotary_dim 128 exceeds head_dim 64}}
  %0 = llm.rotary_embedding %x, %c, %c {rotary_dim = 128 : i64} : tensor<?x32x?x64xf32>, tensor<?x64xf32>, tensor<?x64xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// cos and sin have the input's element type.
func.func @rotary_table_type(%x: tensor<?x32x?x64xf16>, %c: tensor<?x32xf32>) -> tensor<?x32x?x64xf16> {
  // expected-error @+1 {{cos and sin must have element type 'f16', got 'f32'}}
  %0 = llm.rotary_embedding %x, %c, %c : tensor<?x32x?x64xf16>, tensor<?x32xf32>, tensor<?x32xf32>
  return %0 : tensor<?x32x?x64xf16>
}

// -----

// cos and sin hold rotary_dim / 2 angles per position.
func.func @rotary_table_shape(%x: tensor<?x32x?x64xf32>, %c: tensor<?x64xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{cos/sin shape ?x64 does not broadcast to ?x32x?x32}}
  %0 = llm.rotary_embedding %x, %c, %c : tensor<?x32x?x64xf32>, tensor<?x64xf32>, tensor<?x64xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// cos and sin broadcast to the input's heads, they do not add heads.
func.func @rotary_table_heads(%x: tensor<?x1x?x64xf32>, %c: tensor<?x8x?x32xf32>) -> tensor<?x1x?x64xf32> {
  // expected-error @+1 {{cos/sin shape ?x8x?x32 does not broadcast to ?x1x?x32}}
  %0 = llm.rotary_embedding %x, %c, %c : tensor<?x1x?x64xf32>, tensor<?x8x?x32xf32>, tensor<?x8x?x32xf32>
  return %0 : tensor<?x1x?x64xf32>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

// gather's axis is a dim of the data.
func.func @gather_axis(%w: tensor<50257x768xf32>, %ids: tensor<?x?xi64>) -> tensor<?x?x768xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.gather %w, %ids {axis = 2 : i64} : (tensor<50257x768xf32>, tensor<?x?xi64>) -> tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// gather_nd's indices carry the index depth in their last dim.
func.func @gather_nd_scalar_indices(%x: tensor<?x?xf32>, %i: tensor<i64>) -> tensor<?xf32> {
  // expected-error @+2 {{indices must have rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.gather_nd %x, %i : (tensor<?x?xf32>, tensor<i64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// The index depth must be static to know the result rank.
func.func @gather_nd_dynamic_depth(%x: tensor<?x?xf32>, %i: tensor<?x?xi64>) -> tensor<?xf32> {
  // expected-error @+2 {{the last dim of indices must be static}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.gather_nd %x, %i : (tensor<?x?xf32>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// batch_dims plus the index depth cannot exceed the data rank.
func.func @gather_nd_depth(%x: tensor<?x?xf32>, %i: tensor<?x?x2xi64>) -> tensor<?x?xf32> {
  // expected-error @+2 {{batch_dims 1 and index depth 2 do not fit data of rank 2 and indices of rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<?x?xf32>, tensor<?x?x2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// reshape needs one index operand per dynamic entry (generic form).
func.func @reshape_operand_count(%x: tensor<?x768xf32>) -> tensor<?x12x64xf32> {
  // expected-error @+1 {{shape has 1 dynamic entries but 0 index operands}}
  %0 = "llm.reshape"(%x) <{static_shape = array<i64: -9223372036854775808, 12, 64>}> : (tensor<?x768xf32>) -> tensor<?x12x64xf32>
  return %0 : tensor<?x12x64xf32>
}

// -----

// reshape's static sizes are non-negative: no ONNX -1.
func.func @reshape_negative(%x: tensor<?x768xf32>, %d: index) -> tensor<?x?x64xf32> {
  // expected-error @+1 {{shape has a negative size -1}}
  %0 = llm.reshape %x [%d, -1, 64] : tensor<?x768xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// The result rank is the length of the shape list.
func.func @reshape_rank(%x: tensor<?x768xf32>, %d: index) -> tensor<?x768xf32> {
  // expected-error @+1 {{result rank 2 does not match the shape rank 3}}
  %0 = llm.reshape %x [%d, 12, 64] : tensor<?x768xf32> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// A static result dim agrees with the static shape entry.
func.func @reshape_dim(%x: tensor<?x768xf32>, %d: index) -> tensor<?x12x32xf32> {
  // expected-error @+1 {{result dim 2 is 32 but the shape says 64}}
  %0 = llm.reshape %x [%d, 12, 64] : tensor<?x768xf32> -> tensor<?x12x32xf32>
  return %0 : tensor<?x12x32xf32>
}

// -----

// reshape keeps the element type.
func.func @reshape_element_type(%x: tensor<?x768xf32>, %d: index) -> tensor<?x12x64xf16> {
  // expected-error @+1 {{element type changes from 'f32' to 'f16'}}
  %0 = llm.reshape %x [%d, 12, 64] : tensor<?x768xf32> -> tensor<?x12x64xf16>
  return %0 : tensor<?x12x64xf16>
}

// -----

// A static reshape keeps the element count.
func.func @reshape_count(%x: tensor<2x768xf32>) -> tensor<2x12x32xf32> {
  // expected-error @+1 {{cannot reshape 1536 elements (2x768) into 768 (2x12x32)}}
  %0 = llm.reshape %x [2, 12, 32] : tensor<2x768xf32> -> tensor<2x12x32xf32>
  return %0 : tensor<2x12x32xf32>
}

// -----

// dynamic_reshape's shape is a 1-D tensor.
func.func @dynamic_reshape_shape_rank(%x: tensor<?x?xf32>, %s: tensor<1x3xi64>) -> tensor<?x?x?xf32> {
  // expected-error @+1 {{shape must be 1-D, got 'tensor<1x3xi64>'}}
  %0 = llm.dynamic_reshape %x, %s : (tensor<?x?xf32>, tensor<1x3xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// A static shape length fixes the result rank.
func.func @dynamic_reshape_length(%x: tensor<?x?xf32>, %s: tensor<3xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{shape has 3 entries but the result has rank 2}}
  %0 = llm.dynamic_reshape %x, %s : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// dynamic_reshape keeps the element type.
func.func @dynamic_reshape_element_type(%x: tensor<?x?xf32>, %s: tensor<?xi64>) -> tensor<?x?xi32> {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'i32'}}
  %0 = llm.dynamic_reshape %x, %s : (tensor<?x?xf32>, tensor<?xi64>) -> tensor<?x?xi32>
  return %0 : tensor<?x?xi32>
}

// -----

// A permutation names every dim.
func.func @transpose_length(%x: tensor<?x?x12x64xf32>) -> tensor<?x12x?xf32> {
  // expected-error @+2 {{permutation has 3 entries for rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.transpose %x {permutation = array<i64: 0, 2, 1>} : tensor<?x?x12x64xf32> -> tensor<?x12x?xf32>
  return %0 : tensor<?x12x?xf32>
}

// -----

// A permutation names each dim once.
func.func @transpose_duplicate(%x: tensor<?x?x12x64xf32>) -> tensor<?x12x12x64xf32> {
  // expected-error @+2 {{axis 2 appears twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.transpose %x {permutation = array<i64: 0, 2, 2, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x12x64xf32>
  return %0 : tensor<?x12x12x64xf32>
}

// -----

// A permutation entry is a dim of the input.
func.func @transpose_range(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.transpose %x {permutation = array<i64: 0, 2>} : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// concat needs something to concatenate.
func.func @concat_empty() -> tensor<?xf32> {
  // expected-error @+2 {{needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.concat {axis = 0 : i64} : () -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// concat's axis is a dim of the inputs.
func.func @concat_axis(%x: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  // expected-error @+2 {{axis 4 is out of range for rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.concat %x, %x {axis = 4 : i64} : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32>
  return %0 : tensor<?x8x?x64xf32>
}

// -----

// concat's inputs share the element type.
func.func @concat_element_types(%x: tensor<?x8xf32>, %y: tensor<?x8xf16>) -> tensor<?x8xf32> {
  // expected-error @+2 {{inputs must share rank and element type: 'tensor<?x8xf32>' vs 'tensor<?x8xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.concat %x, %y {axis = 0 : i64} : (tensor<?x8xf32>, tensor<?x8xf16>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// concat's inputs share the rank.
func.func @concat_rank(%x: tensor<?x8xf32>, %y: tensor<?xf32>) -> tensor<?x8xf32> {
  // expected-error @+2 {{inputs must share rank and element type: 'tensor<?x8xf32>' vs 'tensor<?xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.concat %x, %y {axis = 0 : i64} : (tensor<?x8xf32>, tensor<?xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Dims off the concatenation axis agree.
func.func @concat_other_dim(%past: tensor<?x8x?x64xf32>, %new: tensor<?x4x1x64xf32>) -> tensor<?x8x?x64xf32> {
  // expected-error @+2 {{inputs differ in dim 1 (8 vs 4) outside the concatenation axis}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.concat %past, %new {axis = 2 : i64} : (tensor<?x8x?x64xf32>, tensor<?x4x1x64xf32>) -> tensor<?x8x?x64xf32>
  return %0 : tensor<?x8x?x64xf32>
}

// -----

// axes, starts, ends and steps are parallel lists.
func.func @slice_lengths(%x: tensor<?x?xf32>, %s: index) -> tensor<?x?xf32> {
  // expected-error @+1 {{axes, starts, ends and steps must have the same length}}
  %0 = llm.slice %x axes [0, 1] starts [%s, 0] ends [4, 4] steps [1] : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Each dynamic start has an index operand (generic form).
func.func @slice_operand_count(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{dynamic starts/ends do not match the index operands}}
  %0 = "llm.slice"(%x) <{axes = array<i64: 1>, static_starts = array<i64: -9223372036854775808>, static_ends = array<i64: 4>, steps = array<i64: 1>, operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Slice axes are distinct dims of the input.
func.func @slice_duplicate_axes(%x: tensor<?x?xf32>, %e: index) -> tensor<?x?xf32> {
  // expected-error @+1 {{axis 1 appears twice}}
  %0 = llm.slice %x axes [1, 1] starts [0, 0] ends [%e, %e] steps [1, 1] : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A slice keeps the rank.
func.func @slice_rank(%x: tensor<?x?xf32>, %e: index) -> tensor<?xf32> {
  // expected-error @+1 {{result must have the input's rank and element type}}
  %0 = llm.slice %x axes [1] starts [0] ends [%e] steps [1] : tensor<?x?xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// A step of zero never reaches the end.
func.func @slice_zero_step(%x: tensor<?x?xf32>, %s: index, %e: index) -> tensor<?x?xf32> {
  // expected-error @+1 {{step 1 is zero}}
  %0 = llm.slice %x axes [0, 1] starts [0, %s] ends [%e, %e] steps [1, 0] : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Static starts and ends on a static dim fix the result dim (here 0, 2, 4, 6, 8).
func.func @slice_static_length(%x: tensor<?x10xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result dim 1 is 4 but the slice gives 5}}
  %0 = llm.slice %x axes [1] starts [0] ends [10] steps [2] : tensor<?x10xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Dims the slice does not touch keep their size.
func.func @slice_untouched_dim(%x: tensor<4x?xf32>, %e: index) -> tensor<3x?xf32> {
  // expected-error @+1 {{result dim 0 is 3 but the slice gives 4}}
  %0 = llm.slice %x axes [1] starts [0] ends [%e] steps [1] : tensor<4x?xf32> -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

// split's axis is a dim of the input.
func.func @split_axis(%x: tensor<?x?x2304xf32>) -> (tensor<?x?x2304xf32>) {
  // expected-error @+1 {{axis 3 is out of range for rank 3}}
  %0 = llm.split %x {axis = 3 : i64, sizes = array<i64: 2304>} : tensor<?x?x2304xf32> -> tensor<?x?x2304xf32>
  return %0 : tensor<?x?x2304xf32>
}

// -----

// One size per result.
func.func @split_count(%x: tensor<?x?x2304xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  // expected-error @+1 {{has 3 sizes but 2 results}}
  %0:2 = llm.split %x {axis = 2 : i64, sizes = array<i64: 768, 768, 768>} : tensor<?x?x2304xf32> -> tensor<?x?x768xf32>, tensor<?x?x768xf32>
  return %0#0, %0#1 : tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// -----

// Split sizes are non-negative.
func.func @split_negative(%x: tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  // expected-error @+1 {{split size -4 is negative}}
  %0:2 = llm.split %x {axis = 1 : i64, sizes = array<i64: -4, 8>} : tensor<?x?xf32> -> tensor<?x?xf32>, tensor<?x?xf32>
  return %0#0, %0#1 : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// Each result has its size along the axis.
func.func @split_result_dim(%x: tensor<?x?x2304xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x1536xf32>) {
  // expected-error @+1 {{result dim 2 is 1536 but the split says 768}}
  %0:2 = llm.split %x {axis = 2 : i64, sizes = array<i64: 768, 768>} : tensor<?x?x2304xf32> -> tensor<?x?x768xf32>, tensor<?x?x1536xf32>
  return %0#0, %0#1 : tensor<?x?x768xf32>, tensor<?x?x1536xf32>
}

// -----

// Each result keeps the input's rank.
func.func @split_result_rank(%x: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{result rank 1 does not match the split rank 2}}
  %0:2 = llm.split %x {axis = 1 : i64, sizes = array<i64: 4, 4>} : tensor<?x8xf32> -> tensor<?x4xf32>, tensor<4xf32>
  return %0#0, %0#1 : tensor<?x4xf32>, tensor<4xf32>
}

// -----

// The sizes cover a static axis exactly.
func.func @split_sum(%x: tensor<?x?x2304xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  // expected-error @+1 {{split sizes add up to 1536 but the axis has 2304}}
  %0:2 = llm.split %x {axis = 2 : i64, sizes = array<i64: 768, 768>} : tensor<?x?x2304xf32> -> tensor<?x?x768xf32>, tensor<?x?x768xf32>
  return %0#0, %0#1 : tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// -----

// expand's shape needs one index operand per dynamic entry (generic form).
func.func @expand_operand_count(%x: tensor<1x?xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{shape has 1 dynamic entries but 0 index operands}}
  %0 = "llm.expand"(%x) <{static_shape = array<i64: -9223372036854775808, 1>}> : (tensor<1x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A static input dim other than 1 cannot stretch.
func.func @expand_no_broadcast(%x: tensor<?x3xf32>, %b: index) -> tensor<?x4xf32> {
  // expected-error @+1 {{input shape ?x3 does not broadcast to ?x4}}
  %0 = llm.expand %x [%b, 4] : tensor<?x3xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// expand keeps the element type.
func.func @expand_element_type(%x: tensor<1x?xf32>, %b: index) -> tensor<?x?xf16> {
  // expected-error @+1 {{element type changes from 'f32' to 'f16'}}
  %0 = llm.expand %x [%b, 1] : tensor<1x?xf32> -> tensor<?x?xf16>
  return %0 : tensor<?x?xf16>
}

// -----

// The result is the broadcast of the input and the shape.
func.func @expand_result(%x: tensor<1x?xf32>, %b: index) -> tensor<?x4x?xf32> {
  // expected-error @+1 {{result dim 1 is 4 but the broadcast says 8}}
  %0 = llm.expand %x [%b, 8, 1] : tensor<1x?xf32> -> tensor<?x4x?xf32>
  return %0 : tensor<?x4x?xf32>
}

// -----

// Repeat counts are non-negative.
func.func @tile_negative(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{repeats has a negative size -1}}
  %0 = llm.tile %x [-1, 1] : tensor<?x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// One repeat count per dim.
func.func @tile_count(%kv: tensor<?x8x?x64xf32>) -> tensor<?x32x?x64xf32> {
  // expected-error @+1 {{has 3 repeats for rank 4}}
  %0 = llm.tile %kv [1, 4, 1] : tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// -----

// Static dims multiply by their repeat count.
func.func @tile_result(%kv: tensor<?x8x?x64xf32>) -> tensor<?x16x?x64xf32> {
  // expected-error @+1 {{result dim 1 is 16 but the tiling says 32}}
  %0 = llm.tile %kv [1, 4, 1, 1] : tensor<?x8x?x64xf32> -> tensor<?x16x?x64xf32>
  return %0 : tensor<?x16x?x64xf32>
}

// -----

// Squeeze axes are dims of the input.
func.func @squeeze_axis(%x: tensor<?x1x768xf32>) -> tensor<?x1x768xf32> {
  // expected-error @+2 {{axis 3 is out of range for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.squeeze %x {axes = array<i64: 3>} : tensor<?x1x768xf32> -> tensor<?x1x768xf32>
  return %0 : tensor<?x1x768xf32>
}

// -----

// Only dims of size 1 squeeze.
func.func @squeeze_not_one(%x: tensor<?x1x768xf32>) -> tensor<?x1xf32> {
  // expected-error @+2 {{cannot squeeze dim 2 of size 768}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.squeeze %x {axes = array<i64: 2>} : tensor<?x1x768xf32> -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

// Unsqueeze axes are positions in the result, whose rank grows by one per axis.
func.func @unsqueeze_axis(%x: tensor<?x?xi64>) -> tensor<?x?x1xi64> {
  // expected-error @+2 {{axis 3 is out of range for rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.unsqueeze %x {axes = array<i64: 3>} : tensor<?x?xi64> -> tensor<?x?x1xi64>
  return %0 : tensor<?x?x1xi64>
}

// -----

// Unsqueeze axes are listed once.
func.func @unsqueeze_duplicate(%x: tensor<?x?xi64>) -> tensor<?x1x1x?xi64> {
  // expected-error @+2 {{axis 1 appears twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.unsqueeze %x {axes = array<i64: 1, 1>} : tensor<?x?xi64> -> tensor<?x1x1x?xi64>
  return %0 : tensor<?x1x1x?xi64>
}

// -----

// trilu works on the last two dims.
func.func @trilu_rank(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{input must have rank >= 2, got 1}}
  %0 = llm.trilu %x : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// cumsum's axis is a dim of the input.
func.func @cumsum_axis(%x: tensor<?x?xi64>) -> tensor<?x?xi64> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = llm.cumsum %x {axis = 2 : i64} : tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

// -----

// storage_cast goes between integers and !quant, not integer to integer.
func.func @storage_cast_no_quant(%x: tensor<?x768xi8>) -> tensor<?x768xui8> {
  // expected-error @+1 {{casts between an integer and a quantized type, got 'i8' to 'ui8'}}
  %0 = llm.storage_cast %x : tensor<?x768xi8> to tensor<?x768xui8>
  return %0 : tensor<?x768xui8>
}

// -----

// The integer side is the storage type of the quantized side.
func.func @storage_cast_storage_type(%x: tensor<?x768xi16>) -> tensor<?x768x!quant.uniform<i8:f32, 1.000000e-01>> {
  // expected-error @+1 {{integer type 'i16' does not match the storage of '!quant.uniform<i8:f32, 1.000000e-01>'}}
  %0 = llm.storage_cast %x : tensor<?x768xi16> to tensor<?x768x!quant.uniform<i8:f32, 1.000000e-01>>
  return %0 : tensor<?x768x!quant.uniform<i8:f32, 1.000000e-01>>
}

// -----

// storage_cast keeps the shape.
func.func @storage_cast_shape(%x: tensor<?x768x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<?x512xi8> {
  // expected-error @+1 {{input and result shapes differ}}
  %0 = llm.storage_cast %x : tensor<?x768x!quant.uniform<i8:f32, 1.000000e-01>> to tensor<?x512xi8>
  return %0 : tensor<?x512xi8>
}

// -----

// A per-axis type has one scale per entry of its quantized dim.
func.func @storage_cast_per_axis_count(%x: tensor<?x4xi8>) -> tensor<?x4x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>> {
  // expected-error @+1 {{expected 4 scales for dim 1, got 3 in '!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>'}}
  %0 = llm.storage_cast %x : tensor<?x4xi8> to tensor<?x4x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>
  return %0 : tensor<?x4x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>
}

// -----

// quantize reads floats.
func.func @quantize_float_side(%x: tensor<?x768xi32>) -> tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02>> {
  // expected-error @+1 {{the float side must have a float element type, got 'i32'}}
  %0 = llm.quantize %x : tensor<?x768xi32> -> tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02>>
  return %0 : tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02>>
}

// -----

// quantize keeps the shape.
func.func @quantize_shape(%x: tensor<?x768xf32>) -> tensor<?x512x!quant.uniform<i8:f32, 5.000000e-02>> {
  // expected-error @+1 {{input and result shapes differ}}
  %0 = llm.quantize %x : tensor<?x768xf32> -> tensor<?x512x!quant.uniform<i8:f32, 5.000000e-02>>
  return %0 : tensor<?x512x!quant.uniform<i8:f32, 5.000000e-02>>
}

// -----

// A !quant type carries its parameters; operands would say them twice.
func.func @quantize_type_and_operands(%x: tensor<?x768xf32>, %s: tensor<f32>) -> tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02>> {
  // expected-error @+1 {{takes its parameters from the type '!quant.uniform<i8:f32, 5.000000e-02>', not from scale/zero_point operands}}
  %0 = llm.quantize %x scale %s : tensor<f32> : tensor<?x768xf32> -> tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02>>
  return %0 : tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02>>
}

// -----

// The !quant type expresses the float side's type.
func.func @dequantize_expressed_type(%q: tensor<?x768x!quant.uniform<i8:f16, 5.000000e-02>>) -> tensor<?x768xf32> {
  // expected-error @+1 {{expressed type 'f16' differs from the float type 'f32'}}
  %0 = llm.dequantize %q : tensor<?x768x!quant.uniform<i8:f16, 5.000000e-02>> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// A per-axis !quant type quantizes a dim of the tensor.
func.func @dequantize_per_axis_dim(%q: tensor<?x3x!quant.uniform<i8:f32:2, {1.000000e-01,2.000000e-01,3.000000e-01}>>) -> tensor<?x3xf32> {
  // expected-error @+1 {{quantized dimension 2 of '!quant.uniform<i8:f32:2, {1.000000e-01,2.000000e-01,3.000000e-01}>' is out of range for rank 2}}
  %0 = llm.dequantize %q : tensor<?x3x!quant.uniform<i8:f32:2, {1.000000e-01,2.000000e-01,3.000000e-01}>> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A per-axis !quant type has one scale per entry of its quantized dim.
func.func @quantize_per_axis_count(%x: tensor<?x4xf32>) -> tensor<?x4x!quant.uniform<u8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>> {
  // expected-error @+1 {{expected 4 scales for dim 1, got 3 in '!quant.uniform<u8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>'}}
  %0 = llm.quantize %x : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>
  return %0 : tensor<?x4x!quant.uniform<u8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>
}

// -----

// A sub-channel !quant type has scales of the tensor's rank.
func.func @dequantize_sub_channel_rank(%q: tensor<2x8x4x!quant.uniform<i8:f32:{1:4}, {{1.0, 2.0}, {3.0, 4.0}}>>) -> tensor<2x8x4xf32> {
  // expected-error @+1 {{expected scales of rank 3, got rank 2 in '!quant.uniform<i8:f32:{1:4}, {{1.000000e+00, 2.000000e+00}, {3.000000e+00, 4.000000e+00}}>'}}
  %0 = llm.dequantize %q : tensor<2x8x4x!quant.uniform<i8:f32:{1:4}, {{1.0, 2.0}, {3.0, 4.0}}>> -> tensor<2x8x4xf32>
  return %0 : tensor<2x8x4xf32>
}

// -----

// A sub-channel !quant type quantizes dims of the tensor.
func.func @dequantize_sub_channel_dim(%q: tensor<2x8x!quant.uniform<i8:f32:{2:4}, {{1.0, 2.0}, {3.0, 4.0}}>>) -> tensor<2x8xf32> {
  // expected-error @+1 {{quantized dimension 2 of '!quant.uniform<i8:f32:{2:4}, {{1.000000e+00, 2.000000e+00}, {3.000000e+00, 4.000000e+00}}>' is out of range for rank 2}}
  %0 = llm.dequantize %q : tensor<2x8x!quant.uniform<i8:f32:{2:4}, {{1.0, 2.0}, {3.0, 4.0}}>> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// A sub-channel !quant type has one scale per block.
func.func @dequantize_sub_channel_blocks(%q: tensor<4x12x!quant.uniform<i8:f32:{1:4}, {{1.0, 2.0}}>>) -> tensor<4x12xf32> {
  // expected-error @+1 {{expected dim 1 of size 12 to hold 2 blocks of 4 in '!quant.uniform<i8:f32:{1:4}, {{1.000000e+00, 2.000000e+00}}>'}}
  %0 = llm.dequantize %q : tensor<4x12x!quant.uniform<i8:f32:{1:4}, {{1.0, 2.0}}>> -> tensor<4x12xf32>
  return %0 : tensor<4x12xf32>
}

// -----

// dequantize reads integers or !quant values.
func.func @dequantize_quantized_side(%q: tensor<?x768xf16>, %s: tensor<f32>) -> tensor<?x768xf32> {
  // expected-error @+1 {{the quantized side must be an integer or !quant type, got 'f16'}}
  %0 = llm.dequantize %q scale %s : tensor<f32> : tensor<?x768xf16> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// Integer storage needs the scale as an operand.
func.func @quantize_no_scale(%x: tensor<?x768xf32>, %z: tensor<i8>) -> tensor<?x768xi8> {
  // expected-error @+1 {{an integer quantized type needs a scale operand}}
  %0 = llm.quantize %x zero_point %z : tensor<i8> : tensor<?x768xf32> -> tensor<?x768xi8>
  return %0 : tensor<?x768xi8>
}

// -----

// The scale has the float side's type.
func.func @quantize_scale_type(%x: tensor<?x768xf32>, %s: tensor<f16>) -> tensor<?x768xi8> {
  // expected-error @+1 {{scale element type 'f16' differs from the float type 'f32'}}
  %0 = llm.quantize %x scale %s : tensor<f16> : tensor<?x768xf32> -> tensor<?x768xi8>
  return %0 : tensor<?x768xi8>
}

// -----

// The zero point has the quantized side's type.
func.func @dequantize_zero_point_type(%q: tensor<?x768xui8>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<?x768xf32> {
  // expected-error @+1 {{zero_point element type 'i8' differs from the quantized type 'ui8'}}
  %0 = llm.dequantize %q scale %s : tensor<f32> zero_point %z : tensor<i8> : tensor<?x768xui8> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// Zero points pair up with scales.
func.func @dequantize_zero_point_shape(%q: tensor<?x768xi8>, %s: tensor<768xf32>, %z: tensor<1xi8>) -> tensor<?x768xf32> {
  // expected-error @+1 {{zero_point and scale shapes differ}}
  %0 = llm.dequantize %q scale %s : tensor<768xf32> zero_point %z : tensor<1xi8> : tensor<?x768xi8> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// A per-axis axis is a dim of the tensor.
func.func @quantize_axis(%x: tensor<?x768xf32>, %s: tensor<768xf32>) -> tensor<?x768xi8> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = llm.quantize %x scale %s : tensor<768xf32> {axis = 2 : i64} : tensor<?x768xf32> -> tensor<?x768xi8>
  return %0 : tensor<?x768xi8>
}

// -----

// Without block_size, a scale of more than one element is per axis, so 1-D.
func.func @quantize_per_axis_rank(%x: tensor<?x768xf32>, %s: tensor<2x768xf32>) -> tensor<?x768xi8> {
  // expected-error @+1 {{a per-axis scale must be 1-D, got 'tensor<2x768xf32>'}}
  %0 = llm.quantize %x scale %s : tensor<2x768xf32> : tensor<?x768xf32> -> tensor<?x768xi8>
  return %0 : tensor<?x768xi8>
}

// -----

// A per-axis scale has one entry per entry of the axis.
func.func @dequantize_per_axis_size(%q: tensor<?x768xi8>, %s: tensor<512xf32>) -> tensor<?x768xf32> {
  // expected-error @+1 {{per-axis scale has 512 entries for axis 1 of size 768}}
  %0 = llm.dequantize %q scale %s : tensor<512xf32> : tensor<?x768xi8> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// block_size counts elements per block.
func.func @dequantize_block_size(%q: tensor<64x128xui4>, %s: tensor<64x4xf32>) -> tensor<64x128xf32> {
  // expected-error @+1 {{block_size must be positive, got -32}}
  %0 = llm.dequantize %q scale %s : tensor<64x4xf32> {block_size = -32 : i64} : tensor<64x128xui4> -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// A block scale has the tensor's rank.
func.func @dequantize_block_rank(%q: tensor<64x128xui4>, %s: tensor<256xf32>) -> tensor<64x128xf32> {
  // expected-error @+1 {{a block scale must have the input's rank 2, got 'tensor<256xf32>'}}
  %0 = llm.dequantize %q scale %s : tensor<256xf32> {block_size = 32 : i64} : tensor<64x128xui4> -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// A block scale has ceil(dim / block_size) entries along the axis.
func.func @dequantize_block_count(%q: tensor<64x100xui4>, %s: tensor<64x3xf32>) -> tensor<64x100xf32> {
  // expected-error @+1 {{block scale dim 1 is 3, expected 4}}
  %0 = llm.dequantize %q scale %s : tensor<64x3xf32> {block_size = 32 : i64} : tensor<64x100xui4> -> tensor<64x100xf32>
  return %0 : tensor<64x100xf32>
}

// -----

// A block scale matches the tensor off the axis.
func.func @dequantize_block_other_dim(%q: tensor<64x128xui4>, %s: tensor<32x4xf32>) -> tensor<64x128xf32> {
  // expected-error @+1 {{block scale dim 0 is 32, expected 64}}
  %0 = llm.dequantize %q scale %s : tensor<32x4xf32> {block_size = 32 : i64} : tensor<64x128xui4> -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// quantized_matmul is for !quant operands; plain floats use llm.matmul.
func.func @quantized_matmul_no_quant(%x: tensor<?x768xf32>, %w: tensor<768x768xf32>) -> tensor<?x768xf32> {
  // expected-error @+1 {{needs at least one !quant operand; use llm.matmul for 'f32' and 'f32'}}
  %0 = llm.quantized_matmul %x, %w : (tensor<?x768xf32>, tensor<768x768xf32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// Both operands compute in the same float type.
func.func @quantized_matmul_expressed(%x: tensor<?x768xf32>, %w: tensor<768x768x!quant.uniform<i8:f16, 1.000000e-01>>) -> tensor<?x768xf32> {
  // expected-error @+1 {{operands express different float types: 'f32' vs 'f16'}}
  %0 = llm.quantized_matmul %x, %w : (tensor<?x768xf32>, tensor<768x768x!quant.uniform<i8:f16, 1.000000e-01>>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// A per-axis weight type fits the weight's shape.
func.func @quantized_matmul_per_axis(%x: tensor<?x768xf32>, %w: tensor<768x2x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>) -> tensor<?x2xf32> {
  // expected-error @+1 {{expected 2 scales for dim 1, got 3 in '!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>'}}
  %0 = llm.quantized_matmul %x, %w : (tensor<?x768xf32>, tensor<768x2x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// quantized_matmul contracts like llm.matmul.
func.func @quantized_matmul_contracting(%x: tensor<?x512xf32>, %w: tensor<768x768x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<?x768xf32> {
  // expected-error @+2 {{contracting dims differ: lhs has 512, rhs has 768}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = llm.quantized_matmul %x, %w : (tensor<?x512xf32>, tensor<768x768x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// gather_elements needs indices of the data's rank.
func.func @gather_elements_rank(%x: tensor<?x64xf32>, %i: tensor<8xi64>) -> tensor<8xf32> {
  // expected-error @+1 {{data and indices must have the same rank, got 2 and 1}}
  %0 = llm.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x64xf32>, tensor<8xi64>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// scatter_nd updates must be indices[:-1] + data[depth:].
func.func @scatter_nd_updates(%c: tensor<16x8x64xf32>, %i: tensor<?x1xi64>, %u: tensor<?x8x32xf32>) -> tensor<16x8x64xf32> {
  // expected-error @+1 {{updates shape ?x8x32 does not match indices[:-1] + data[depth:] = ?x8x64}}
  %0 = llm.scatter_nd %c, %i, %u : (tensor<16x8x64xf32>, tensor<?x1xi64>, tensor<?x8x32xf32>) -> tensor<16x8x64xf32>
  return %0 : tensor<16x8x64xf32>
}

// -----

// scatter_nd reductions are a closed set.
func.func @scatter_nd_reduction(%c: tensor<16xf32>, %i: tensor<2x1xi64>, %u: tensor<2xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{reduction must be none, add, mul, max or min, got "sub"}}
  %0 = llm.scatter_nd %c, %i, %u {reduction = "sub"} : (tensor<16xf32>, tensor<2x1xi64>, tensor<2xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// scatter_nd indices end in a static depth.
func.func @scatter_nd_depth(%c: tensor<16xf32>, %i: tensor<2x?xi64>, %u: tensor<2xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{the last dim of indices must be static}}
  %0 = llm.scatter_nd %c, %i, %u : (tensor<16xf32>, tensor<2x?xi64>, tensor<2xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// topk cannot take more elements than the axis has.
func.func @topk_too_many(%x: tensor<?x4xf32>) -> (tensor<?x5xf32>, tensor<?x5xi64>) {
  // expected-error @+1 {{k = 5 exceeds the axis size 4}}
  %v, %i = llm.topk %x {axis = 1 : i64, k = 5 : i64} : tensor<?x4xf32> -> tensor<?x5xf32>, tensor<?x5xi64>
  return %v, %i : tensor<?x5xf32>, tensor<?x5xi64>
}

// -----

// topk results have k elements along the axis.
func.func @topk_result_shape(%x: tensor<?x100xf32>) -> (tensor<?x4xf32>, tensor<?x5xi64>) {
  // expected-error @+1 {{result dim 1 is 4 but the top-k says 5}}
  %v, %i = llm.topk %x {axis = 1 : i64, k = 5 : i64} : tensor<?x100xf32> -> tensor<?x4xf32>, tensor<?x5xi64>
  return %v, %i : tensor<?x4xf32>, tensor<?x5xi64>
}

// -----

// topk axes are in range.
func.func @topk_axis(%x: tensor<?x100xf32>) -> (tensor<?x5xf32>, tensor<?x5xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %v, %i = llm.topk %x {axis = 2 : i64, k = 5 : i64} : tensor<?x100xf32> -> tensor<?x5xf32>, tensor<?x5xi64>
  return %v, %i : tensor<?x5xf32>, tensor<?x5xi64>
}

// -----

// An unsigned integer cannot be the storage of a signed quant type.
func.func @storage_cast_signedness(%x: tensor<4xui8>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{integer type 'ui8' does not match the storage of '!quant.uniform<i8:f32, 5.000000e-01>'}}
  %0 = llm.storage_cast %x : tensor<4xui8> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// A normalization in a fused region must be its last op.
func.func @fused_norm_not_last(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = llm.fused(%x) : (tensor<?x8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>):
    // expected-error @+1 {{is not an elementwise op and cannot be in an llm.fused region (a normalization must be its last op)}}
    %n = llm.rms_norm %a {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x8xf32>
    %t = llm.neg %n : tensor<?x8xf32>
    llm.yield %t : tensor<?x8xf32>
  }
  return %0 : tensor<?x8xf32>
}

// -----

// The fused row kernel normalizes the last axis only.
func.func @fused_norm_axes(%x: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  %0 = llm.fused(%x) : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  ^bb0(%a: tensor<?x4x8xf32>):
    %t = llm.neg %a : tensor<?x4x8xf32>
    // expected-error @+1 {{in an llm.fused region must normalize the last axis only}}
    %n = llm.layer_norm %t {axis = 1 : i64, epsilon = 1.0e-05 : f32} : tensor<?x4x8xf32>
    llm.yield %n : tensor<?x4x8xf32>
  }
  return %0 : tensor<?x4x8xf32>
}

// -----

// The second result of a normalizing region is the normalization's input.
func.func @fused_norm_yields(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{with a normalization yields the normalized value and optionally the normalization's input, in that order}}
  %0:2 = llm.fused(%x) : (tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  ^bb0(%a: tensor<?x8xf32>):
    %t = llm.neg %a : tensor<?x8xf32>
    %n = llm.rms_norm %t {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x8xf32>
    llm.yield %n, %a : tensor<?x8xf32>, tensor<?x8xf32>
  }
  return %0#0, %0#1 : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// An elementwise region has one result.
func.func @fused_two_results(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{an elementwise region yields one value, not 2}}
  %0:2 = llm.fused(%x) : (tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  ^bb0(%a: tensor<?x8xf32>):
    %t = llm.neg %a : tensor<?x8xf32>
    llm.yield %t, %a : tensor<?x8xf32>, tensor<?x8xf32>
  }
  return %0#0, %0#1 : tensor<?x8xf32>, tensor<?x8xf32>
}
