// RUN: llm-opt %s -llm-raise-composites=report-misses -split-input-file -verify-diagnostics | FileCheck %s

// With report-misses, each candidate that does not match gets a remark at
// its root op saying why; ops that match, and ops that are no candidate at
// all, get none.

// A match: no remark, the norm is raised as without the option.
// CHECK-LABEL: func.func @matched
// CHECK-NEXT: llm.rms_norm
func.func @matched(%x: tensor<?x64xf32>, %z: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  // A plain product and a residual add are no candidates.
  %p = llm.mul %n, %z : (tensor<?x64xf32>, tensor<?x64xf32>) -> tensor<?x64xf32>
  %q = llm.add %p, %x : (tensor<?x64xf32>, tensor<?x64xf32>) -> tensor<?x64xf32>
  return %n, %q : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// Epsilon added after the square root.
func.func @epsilon_after_sqrt(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %s = llm.sqrt %m : tensor<?x1xf32>
  %v = llm.add %s, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.reciprocal %v : tensor<?x1xf32>
  // expected-remark@+1 {{not raised to llm.rms_norm: epsilon is added after the square root, expected sqrt(mean + eps)}}
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// A reduction over a non-last axis.
func.func @not_last_axis(%x: tensor<?x64x64xf32>) -> tensor<?x64x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64x64xf32>, tensor<f32>) -> tensor<?x64x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64x64xf32> -> tensor<?x1x64xf32>
  %v = llm.add %m, %eps : (tensor<?x1x64xf32>, tensor<f32>) -> tensor<?x1x64xf32>
  %r = llm.rsqrt %v : tensor<?x1x64xf32>
  // expected-remark@+1 {{not raised to llm.rms_norm: reduction is not over the trailing axes: axes [1] of a rank-3 tensor}}
  %n = llm.mul %x, %r : (tensor<?x64x64xf32>, tensor<?x1x64xf32>) -> tensor<?x64x64xf32>
  return %n : tensor<?x64x64xf32>
}

// -----

// pow exponent 3.
func.func @cube(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %three = llm.constant dense<3.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %three : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  // expected-remark@+1 {{not raised to llm.rms_norm: pow exponent is 3, expected 2}}
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// Epsilon that is not a constant.
func.func @epsilon_argument(%x: tensor<?x64xf32>, %eps: tensor<f32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  // expected-remark@+1 {{not raised to llm.rms_norm: epsilon is not a constant}}
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// The mean of the RMS norm used twice.
func.func @mean_used_twice(%x: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?x1xf32>) {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  // expected-remark@+1 {{not raised to llm.rms_norm: the mean is used elsewhere}}
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n, %m : tensor<?x64xf32>, tensor<?x1xf32>
}

// -----

// The LayerNorm's mean used twice: reported at the rms_norm its variance half became, located at the div.
func.func @layer_norm_mean_used_twice(%x: tensor<?x768xf32>) -> (tensor<?x768xf32>, tensor<?x1xf32>) {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %u = llm.reduce_mean %x {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %d = llm.sub %x, %u : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  %sq = llm.pow %d, %two : (tensor<?x768xf32>, tensor<f32>) -> tensor<?x768xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %v = llm.add %var, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %s = llm.sqrt %v : tensor<?x1xf32>
  // expected-remark@+1 {{not raised to llm.layer_norm: the mean is used elsewhere}}
  %n = llm.div %d, %s : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  return %n, %u : tensor<?x768xf32>, tensor<?x1xf32>
}

// -----

// A norm in f32 between casts of an f16 model: the scale is not folded across the cast.
func.func @unsupported_cast(%x: tensor<?x64xf16>, %w: tensor<64xf16>) -> tensor<?x64xf16> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %c = llm.cast %x : tensor<?x64xf16> to tensor<?x64xf32>
  %sq = llm.pow %c, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %c, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  %h = llm.cast %n : tensor<?x64xf32> to tensor<?x64xf16>
  // expected-remark@+1 {{not folded into the norm's scale: unsupported cast between the norm and its scale: tensor<?x64xf32> to tensor<?x64xf16>}}
  %y = llm.mul %w, %h : (tensor<64xf16>, tensor<?x64xf16>) -> tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}

// -----

// The erf form's 0.5 off by 10%: reported once, at the outermost mul of the product.
func.func @gelu_wrong_half(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %half = llm.constant dense<0.55> : tensor<f32>
  %a = llm.div %x, %sqrt2 : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %e = llm.erf %a : tensor<?x128xf32>
  %t = llm.add %e, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %p = llm.mul %x, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  // expected-remark@+1 {{not raised to llm.gelu: the constant factor is 0.55, expected 0.5}}
  %y = llm.mul %p, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// The tanh form's sqrt(2/pi) off by 10%.
func.func @gelu_tanh_wrong_scale(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %half = llm.constant dense<5.000000e-01> : tensor<f32>
  %three = llm.constant dense<3.000000e+00> : tensor<f32>
  %c = llm.constant dense<4.471500e-02> : tensor<f32>
  %k = llm.constant dense<0.877673> : tensor<f32>
  %one = llm.constant dense<1.000000e+00> : tensor<f32>
  %h = llm.mul %x, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %cube = llm.pow %x, %three : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %cc = llm.mul %cube, %c : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %poly = llm.add %x, %cc : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %arg = llm.mul %poly, %k : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %th = llm.tanh %arg : tensor<?x128xf32>
  %t = llm.add %th, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  // expected-remark@+1 {{not raised to llm.gelu: the tanh argument is scaled by 0.877673, expected sqrt(2/pi) = 0.797885}}
  %y = llm.mul %h, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// SiLU whose sigmoid input differs from the multiplier.
func.func @silu_other_input(%x: tensor<?x128xf32>, %g: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %s = llm.sigmoid %g : tensor<?x128xf32>
  // expected-remark@+1 {{not raised to llm.silu: the sigmoid input is not the multiplier}}
  %y = llm.mul %x, %s : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// SwiGLU whose activated gate has another use.
func.func @swiglu_silu_used_twice(%g: tensor<?x128xf32>, %u: tensor<?x128xf32>) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %a = llm.silu %g : tensor<?x128xf32>
  // expected-remark@+1 {{not raised to llm.swiglu: the silu is used elsewhere}}
  %h = llm.mul %a, %u : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %h, %a : tensor<?x128xf32>, tensor<?x128xf32>
}

// -----

// SwiGLU whose up operand broadcasts.
func.func @swiglu_broadcast(%g: tensor<?x128xf32>, %w: tensor<128xf32>) -> tensor<?x128xf32> {
  %a = llm.silu %g : tensor<?x128xf32>
  // expected-remark@+1 {{not raised to llm.swiglu: the gate and up types tensor<?x128xf32> and tensor<128xf32> differ from the result type tensor<?x128xf32> (a broadcast)}}
  %h = llm.mul %a, %w : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %h : tensor<?x128xf32>
}
