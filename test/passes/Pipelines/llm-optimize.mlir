// RUN: llm-opt %s --llm-optimize | FileCheck %s \
// RUN:   --implicit-check-not=llm.matmul --implicit-check-not=llm.add --implicit-check-not=llm.sub \
// RUN:   --implicit-check-not=llm.mul --implicit-check-not=llm.div --implicit-check-not=llm.pow \
// RUN:   --implicit-check-not=llm.sqrt --implicit-check-not=llm.tanh --implicit-check-not=llm.where \
// RUN:   --implicit-check-not=llm.softmax --implicit-check-not=llm.reduce_mean \
// RUN:   --implicit-check-not=llm.constant --implicit-check-not=llm.fused
// RUN: llm-opt %s --llm-optimize='merge-linears=0' | FileCheck %s --check-prefix=NOMERGE \
// RUN:   --implicit-check-not=llm.split --implicit-check-not=dense_resource --implicit-check-not=llm.matmul
// RUN: llm-opt %s --llm-optimize='fuse-epilogues=0' | FileCheck %s --check-prefix=NOEPI \
// RUN:   --implicit-check-not=llm.linear --implicit-check-not=llm.split
// RUN: llm-opt %s --llm-optimize='precision=f16' | FileCheck %s --check-prefix=F16

// llm-optimize on one GPT-2 block written out as the exporters spell it:
// both LayerNorms as primitives, q/k/v as three matmuls with bias adds, the
// attention as matmul / div / where / softmax / matmul, the output
// projection with its bias and residual, GPT-2's tanh GELU as eight ops, and
// the MLP. Hidden size 4, two heads of 2, MLP width 8; the q/k/v weights and
// biases are constants (so they can be merged), the other parameters are
// arguments.
//
// The whole optimized body is checked line by line (the canonicalizer
// hoists the constants to the top): 2 layer_norm, 1 merged q/k/v linear,
// 1 attention and 3 more linears that carry every bias, the GELU and both
// residuals; the head transposes fold into the attention, which reads and
// writes [B, S, H, D] and reads its q, k and v in place from the merged
// projection seen as [B, S, 6 heads, 2] (no split is left). No
// elementwise op is left, so llm-fuse-elementwise (last) builds no region.
// The constants the merge copied are gone; the merged weight and bias are
// the only ones left.
//
// The merged weight, [K = 4, N = 12], is each row of q, k and v side by side:
// row 0 is 1 2 3 4 | 17 18 19 20 | 33 34 35 36 (a dense attribute: the
// members are small dense constants, LLMWeightRecipes.h).
// With precision=f16 (llm-convert-precision after the merge, before
// elementwise fusion) the same ops compute in f16: the merged weight (a
// dense attribute, merged from dense ones) is converted to f16, the f32
// arguments are cast down where they are read and the result is cast up.
// F16-LABEL: func.func @gpt2_block
// F16: llm.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 1.700000e+01, {{.*}}]]> : tensor<4x12xf16>
// F16: %[[X16:.+]] = llm.cast %arg0 : tensor<?x?x4xf32> to tensor<?x?x4xf16>
// F16: %[[LN:.+]] = llm.layer_norm %[[X16]] {{.*}} : tensor<?x?x4xf16>
// F16: llm.linear %[[LN]], {{.*}} -> tensor<?x?x12xf16>
// F16: llm.attention {{.*}} -> tensor<?x?x2x2xf16>
// F16: %[[OUT:.+]] = llm.linear {{.*}} {activation = "gelu_tanh"} : {{.*}} -> tensor<?x?x8xf16>
// F16: %[[RES:.+]] = llm.linear %[[OUT]], {{.*}} -> tensor<?x?x4xf16>
// F16-NEXT: %[[R32:.+]] = llm.cast %[[RES]] : tensor<?x?x4xf16> to tensor<?x?x4xf32>
// F16-NEXT: return %[[R32]] : tensor<?x?x4xf32>
// CHECK-LABEL: func.func @gpt2_block
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x?x4xf32>, %[[KEEP:[^:]+]]: tensor<?x1x?x?xi1>, %[[G1:[^:]+]]: tensor<4xf32>, %[[B1:[^:]+]]: tensor<4xf32>, %[[WO:[^:]+]]: tensor<4x4xf32>, %[[BO:[^:]+]]: tensor<4xf32>, %[[G2:[^:]+]]: tensor<4xf32>, %[[B2:[^:]+]]: tensor<4xf32>, %[[WFC:[^:]+]]: tensor<4x8xf32>, %[[BFC:[^:]+]]: tensor<8xf32>, %[[WPR:[^:]+]]: tensor<8x4xf32>, %[[BPR:[^:]+]]: tensor<4xf32>)
// CHECK-NEXT: %[[B:.+]] = llm.constant dense<[1.000000e-01, {{.*}}]> : tensor<12xf32>
// CHECK-NEXT: %[[W:.+]] = llm.constant dense<{{\[\[}}1.000000e+00, {{.*}}]]> : tensor<4x12xf32>
// CHECK-NEXT: %[[D0:.+]] = llm.dim %[[X]], 0
// CHECK-NEXT: %[[D1:.+]] = llm.dim %[[X]], 1
// CHECK-NEXT: %[[LN1:.+]] = llm.layer_norm %[[X]] scale %[[G1]] : tensor<4xf32> bias %[[B1]] : tensor<4xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x4xf32>
// CHECK-NEXT: %[[QKV:.+]] = llm.linear %[[LN1]], %[[W]], %[[B]] : (tensor<?x?x4xf32>, tensor<4x12xf32>, tensor<12xf32>) -> tensor<?x?x12xf32>
// CHECK-NEXT: %[[P:.+]] = llm.reshape %[[QKV]] [%[[D0]], %[[D1]], 6, 2] : tensor<?x?x12xf32> -> tensor<?x?x6x2xf32>
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[P]], %[[P]], %[[P]] mask %[[KEEP]] : tensor<?x1x?x?xi1> {layout = "bshd", masked_rows = "uniform", packed_heads = array<i64: 2, 2, 2>, scale = 0.70710{{[0-9]+}} : f32} : tensor<?x?x6x2xf32>, tensor<?x?x6x2xf32>, tensor<?x?x6x2xf32> -> tensor<?x?x2x2xf32>
// CHECK-NEXT: %[[OM:.+]] = llm.reshape %[[O]] [%[[D0]], %[[D1]], 4]
// CHECK-NEXT: %[[X1:.+]] = llm.linear %[[OM]], %[[WO]], %[[BO]] residual %[[X]] : (tensor<?x?x4xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
// CHECK-NEXT: %[[LN2:.+]] = llm.layer_norm %[[X1]] scale %[[G2]] : tensor<4xf32> bias %[[B2]] : tensor<4xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x4xf32>
// CHECK-NEXT: %[[F:.+]] = llm.linear %[[LN2]], %[[WFC]], %[[BFC]] {activation = "gelu_tanh"} : (tensor<?x?x4xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<?x?x8xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[F]], %[[WPR]], %[[BPR]] residual %[[X1]] : (tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<4xf32>, tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
// CHECK-NEXT: return %[[Y]]

// merge-linears=0: the same, but q, k and v stay three linears, each with
// its own weight and bias.
// NOMERGE-LABEL: func.func @gpt2_block
// NOMERGE-DAG: %[[WQ:.+]] = llm.constant dense<{{\[\[}}1.000000e+00,
// NOMERGE-DAG: %[[WK:.+]] = llm.constant dense<{{\[\[}}1.700000e+01,
// NOMERGE-DAG: %[[WV:.+]] = llm.constant dense<{{\[\[}}3.300000e+01,
// NOMERGE-DAG: %[[BQ:.+]] = llm.constant dense<[1.000000e-01,
// NOMERGE-DAG: %[[BK:.+]] = llm.constant dense<[5.000000e-01,
// NOMERGE-DAG: %[[BV:.+]] = llm.constant dense<[0.899999976,
// NOMERGE: %[[LN1:.+]] = llm.layer_norm
// NOMERGE-NEXT: %[[Q:.+]] = llm.linear %[[LN1]], %[[WQ]], %[[BQ]] : (tensor<?x?x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
// NOMERGE-NEXT: %[[K:.+]] = llm.linear %[[LN1]], %[[WK]], %[[BK]] : (tensor<?x?x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
// NOMERGE-NEXT: %[[V:.+]] = llm.linear %[[LN1]], %[[WV]], %[[BV]] : (tensor<?x?x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
// NOMERGE-NEXT: llm.reshape %[[Q]]
// NOMERGE: llm.attention
// NOMERGE: llm.linear %{{.+}} residual
// NOMERGE: llm.linear %{{.+}} {activation = "gelu_tanh"}
// NOMERGE-NEXT: llm.linear %{{.+}} residual
// NOMERGE-NEXT: return

// fuse-epilogues=0: no matmul becomes a linear, so there is nothing to
// merge either (merging works on linears); the raising still happens.
// NOEPI-LABEL: func.func @gpt2_block
// NOEPI: %[[LN1:.+]] = llm.layer_norm
// NOEPI-NEXT: llm.matmul %[[LN1]]
// NOEPI-NEXT: llm.add
// NOEPI-NEXT: llm.matmul %[[LN1]]
// NOEPI-NEXT: llm.add
// NOEPI-NEXT: llm.matmul %[[LN1]]
// NOEPI-NEXT: llm.add
// NOEPI: llm.attention
// NOEPI: return
func.func @gpt2_block(%x: tensor<?x?x4xf32>, %keep: tensor<?x1x?x?xi1>,
                      %g1: tensor<4xf32>, %b1: tensor<4xf32>, %wo: tensor<4x4xf32>, %bo: tensor<4xf32>,
                      %g2: tensor<4xf32>, %b2: tensor<4xf32>, %wfc: tensor<4x8xf32>, %bfc: tensor<8xf32>,
                      %wpr: tensor<8x4xf32>, %bpr: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %d0 = llm.dim %x, 0 : tensor<?x?x4xf32>
  %d1 = llm.dim %x, 1 : tensor<?x?x4xf32>

  // ln_1, spelled out.
  %mu = llm.reduce_mean %x {axes = array<i64: 2>} : tensor<?x?x4xf32> -> tensor<?x?x1xf32>
  %xc = llm.sub %x, %mu : (tensor<?x?x4xf32>, tensor<?x?x1xf32>) -> tensor<?x?x4xf32>
  %sq = llm.pow %xc, %two : (tensor<?x?x4xf32>, tensor<f32>) -> tensor<?x?x4xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<?x?x4xf32> -> tensor<?x?x1xf32>
  %ve = llm.add %var, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %sd = llm.sqrt %ve : tensor<?x?x1xf32>
  %nrm = llm.div %xc, %sd : (tensor<?x?x4xf32>, tensor<?x?x1xf32>) -> tensor<?x?x4xf32>
  %ng = llm.mul %nrm, %g1 : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %h = llm.add %ng, %b1 : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>

  // q, k, v projections with constant weights and biases.
  %wq = llm.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %wk = llm.constant dense<[[17.0, 18.0, 19.0, 20.0], [21.0, 22.0, 23.0, 24.0], [25.0, 26.0, 27.0, 28.0], [29.0, 30.0, 31.0, 32.0]]> : tensor<4x4xf32>
  %wv = llm.constant dense<[[33.0, 34.0, 35.0, 36.0], [37.0, 38.0, 39.0, 40.0], [41.0, 42.0, 43.0, 44.0], [45.0, 46.0, 47.0, 48.0]]> : tensor<4x4xf32>
  %bq = llm.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %bk = llm.constant dense<[0.5, 0.6, 0.7, 0.8]> : tensor<4xf32>
  %bv = llm.constant dense<[0.9, 1.0, 1.1, 1.2]> : tensor<4xf32>
  %qm = llm.matmul %h, %wq : (tensor<?x?x4xf32>, tensor<4x4xf32>) -> tensor<?x?x4xf32>
  %q = llm.add %qm, %bq : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %km = llm.matmul %h, %wk : (tensor<?x?x4xf32>, tensor<4x4xf32>) -> tensor<?x?x4xf32>
  %k = llm.add %km, %bk : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %vm = llm.matmul %h, %wv : (tensor<?x?x4xf32>, tensor<4x4xf32>) -> tensor<?x?x4xf32>
  %v = llm.add %bv, %vm : (tensor<4xf32>, tensor<?x?x4xf32>) -> tensor<?x?x4xf32>

  // Heads: [b, s, 2, 2] -> [b, 2, s, 2]; k^T as [b, 2, 2, s].
  %q4 = llm.reshape %q [%d0, %d1, 2, 2] : tensor<?x?x4xf32> -> tensor<?x?x2x2xf32>
  %qt = llm.transpose %q4 {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x2x2xf32> -> tensor<?x2x?x2xf32>
  %k4 = llm.reshape %k [%d0, %d1, 2, 2] : tensor<?x?x4xf32> -> tensor<?x?x2x2xf32>
  %kt = llm.transpose %k4 {permutation = array<i64: 0, 2, 3, 1>} : tensor<?x?x2x2xf32> -> tensor<?x2x2x?xf32>
  %v4 = llm.reshape %v [%d0, %d1, 2, 2] : tensor<?x?x4xf32> -> tensor<?x?x2x2xf32>
  %vt = llm.transpose %v4 {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x2x2xf32> -> tensor<?x2x?x2xf32>

  // Attention: scores scaled by 1/sqrt(2), masked with where, softmax.
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %ninf = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %s = llm.matmul %qt, %kt : (tensor<?x2x?x2xf32>, tensor<?x2x2x?xf32>) -> tensor<?x2x?x?xf32>
  %ss = llm.div %s, %sqrt2 : (tensor<?x2x?x?xf32>, tensor<f32>) -> tensor<?x2x?x?xf32>
  %sm = llm.where %keep, %ss, %ninf : (tensor<?x1x?x?xi1>, tensor<?x2x?x?xf32>, tensor<f32>) -> tensor<?x2x?x?xf32>
  %p = llm.softmax %sm {axis = 3 : i64} : tensor<?x2x?x?xf32>
  %o = llm.matmul %p, %vt : (tensor<?x2x?x?xf32>, tensor<?x2x?x2xf32>) -> tensor<?x2x?x2xf32>
  %ot = llm.transpose %o {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x2x?x2xf32> -> tensor<?x?x2x2xf32>
  %om = llm.reshape %ot [%d0, %d1, 4] : tensor<?x?x2x2xf32> -> tensor<?x?x4xf32>

  // Output projection, bias, residual.
  %am = llm.matmul %om, %wo : (tensor<?x?x4xf32>, tensor<4x4xf32>) -> tensor<?x?x4xf32>
  %ab = llm.add %am, %bo : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %x1 = llm.add %x, %ab : (tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> tensor<?x?x4xf32>

  // ln_2, spelled out.
  %mu2 = llm.reduce_mean %x1 {axes = array<i64: 2>} : tensor<?x?x4xf32> -> tensor<?x?x1xf32>
  %xc2 = llm.sub %x1, %mu2 : (tensor<?x?x4xf32>, tensor<?x?x1xf32>) -> tensor<?x?x4xf32>
  %sq2 = llm.pow %xc2, %two : (tensor<?x?x4xf32>, tensor<f32>) -> tensor<?x?x4xf32>
  %var2 = llm.reduce_mean %sq2 {axes = array<i64: 2>} : tensor<?x?x4xf32> -> tensor<?x?x1xf32>
  %ve2 = llm.add %var2, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %sd2 = llm.sqrt %ve2 : tensor<?x?x1xf32>
  %nrm2 = llm.div %xc2, %sd2 : (tensor<?x?x4xf32>, tensor<?x?x1xf32>) -> tensor<?x?x4xf32>
  %ng2 = llm.mul %nrm2, %g2 : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %h2 = llm.add %ng2, %b2 : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>

  // MLP: c_fc, GELU (tanh) spelled as GPT-2 does, c_proj, residual.
  %half = llm.constant dense<0.5> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %three = llm.constant dense<3.0> : tensor<f32>
  %c044 = llm.constant dense<0.044715> : tensor<f32>
  %s2pi = llm.constant dense<0.797884583> : tensor<f32>
  %fm = llm.matmul %h2, %wfc : (tensor<?x?x4xf32>, tensor<4x8xf32>) -> tensor<?x?x8xf32>
  %f = llm.add %fm, %bfc : (tensor<?x?x8xf32>, tensor<8xf32>) -> tensor<?x?x8xf32>
  %gh = llm.mul %f, %half : (tensor<?x?x8xf32>, tensor<f32>) -> tensor<?x?x8xf32>
  %f3 = llm.pow %f, %three : (tensor<?x?x8xf32>, tensor<f32>) -> tensor<?x?x8xf32>
  %f3c = llm.mul %f3, %c044 : (tensor<?x?x8xf32>, tensor<f32>) -> tensor<?x?x8xf32>
  %inner = llm.add %f, %f3c : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %scaled = llm.mul %inner, %s2pi : (tensor<?x?x8xf32>, tensor<f32>) -> tensor<?x?x8xf32>
  %th = llm.tanh %scaled : tensor<?x?x8xf32>
  %th1 = llm.add %th, %one : (tensor<?x?x8xf32>, tensor<f32>) -> tensor<?x?x8xf32>
  %gelu = llm.mul %gh, %th1 : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %pm = llm.matmul %gelu, %wpr : (tensor<?x?x8xf32>, tensor<8x4xf32>) -> tensor<?x?x4xf32>
  %pb = llm.add %pm, %bpr : (tensor<?x?x4xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %y = llm.add %x1, %pb : (tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}
