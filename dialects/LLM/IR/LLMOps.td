//===- LLMOps.td - llm dialect operations ------------------*- tablegen -*-===//

#ifndef LLM_OPS_TD
#define LLM_OPS_TD

include "dialects/LLM/IR/LLMBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Shared op shapes
//===----------------------------------------------------------------------===//

// Result types are always printed, so the importer's knowledge of static
// dims survives; the verifier checks them against the inferred types, and
// accepts a result that is more static than the inference (a refinement).
class LLM_InferredOp<string mnemonic, list<Trait> traits = []>
    : LLM_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptorWithIsCompatible])> {
  code sharedIsCompatible = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l, ::mlir::TypeRange r) {
      return ::mlir::llm::areRefinementCompatible(l, r);
    }
  }];
  let extraClassDefinition = sharedIsCompatible;
}

/// Elementwise op of one operand whose result has the operand's type.
class LLM_UnaryOp<string mnemonic, Type operandType = LLM_Tensor, list<Trait> traits = []>
    : LLM_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let description = [{
    Applies `}] # mnemonic # [{` to every element.

    ```mlir
    %y = llm.}] # mnemonic # [{ %x : tensor<?x768xf32>
    ```
  }];
}

/// Elementwise op of two operands with numpy broadcasting.
class LLM_BroadcastOp<string mnemonic, Type operandType, Type resultType, string resultElt>
    : LLM_InferredOp<mnemonic> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs resultType:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDefinition = sharedIsCompatible # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *ctx,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::llm::inferBroadcastResult(loc,
          {adaptor.getLhs().getType(), adaptor.getRhs().getType()},
          }] # resultElt # [{, types);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::llm::verifySameElementType(*this, getLhs().getType(), getRhs().getType());
    }
  }];
  let description = [{
    Elementwise `}] # mnemonic # [{` with numpy broadcasting: dims are
    aligned from the right and a dim of 1 stretches to the other operand's.

    ```mlir
    %z = llm.}] # mnemonic # [{ %x, %y : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
    ```
  }];
}

class LLM_ArithOp<string mnemonic>
    : LLM_BroadcastOp<mnemonic, LLM_Tensor, LLM_Tensor, "::mlir::Type()">;
class LLM_CompareOp<string mnemonic>
    : LLM_BroadcastOp<mnemonic, LLM_Tensor, LLM_BoolTensor,
                      "::mlir::IntegerType::get(ctx, 1)">;
class LLM_LogicalOp<string mnemonic>
    : LLM_BroadcastOp<mnemonic, LLM_BoolTensor, LLM_BoolTensor, "::mlir::Type()">;

/// Reduction over a set of axes.
class LLM_ReduceOp<string mnemonic> : LLM_InferredOp<mnemonic> {
  let summary = mnemonic # " over the given axes";
  let description = [{
    Reduces `input` over `axes` (sorted, non-negative; empty means all
    axes). With `keepdims` the reduced dims stay as 1.

    ```mlir
    %m = llm.}] # mnemonic # [{ %x {axes = array<i64: 2>, keepdims = true} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = sharedIsCompatible # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *ctx,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::llm::inferReductionResult(loc,
          ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType()),
          adaptor.getAxes(), adaptor.getKeepdims(), ::mlir::Type(), types);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

def LLM_ConstantOp : LLM_Op<"constant", [ConstantLike, Pure,
                                         AllTypesMatch<["value", "result"]>]> {
  let summary = "a constant tensor (weights are dense_resource blobs)";
  let description = [{
    A constant tensor. The frontend stores weights as `dense_resource`
    attributes, so printing the IR prints a handle, not the data; small
    constants (shapes, scalars) are `dense` so that folders can see them.

    ```mlir
    %w = llm.constant dense_resource<wte> : tensor<50257x768xf32>
    %eps = llm.constant dense<1.0e-05> : tensor<f32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def LLM_DimOp : LLM_Op<"dim", [Pure]> {
  let summary = "the size of one dim of a tensor, as an index";
  let description = [{
    ```mlir
    %seq = llm.dim %x, 1 : tensor<?x?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, I64Attr:$index);
  let results = (outs Index:$result);
  let assemblyFormat = "$input `,` $index attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LLM_ShapeOp : LLM_InferredOp<"shape"> {
  let summary = "the shape of a tensor, as a 1-D int64 tensor (ONNX Shape)";
  let description = [{
    The dims `[start, end)` of `input`. The frontend folds most uses into
    index arithmetic; this op remains where a shape is consumed as data.

    ```mlir
    %s = llm.shape %x : tensor<?x?x768xf32> -> tensor<3xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs LLM_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def LLM_FromDimsOp : LLM_Op<"from_dims", [Pure]> {
  let summary = "a 1-D integer tensor (or a scalar) from a list of index values";
  let description = [{
    Materializes a symbolic shape as data, for the rare consumer that needs
    a shape as a tensor. A single entry may produce a rank-0 tensor.

    ```mlir
    %s = llm.from_dims [%batch, 12, 64] : tensor<3xi64>
    %n = llm.from_dims [%seq] : tensor<i64>
    ```
  }];
  let arguments = (ins Variadic<Index>:$dims, DenseI64ArrayAttr:$static_dims);
  let results = (outs RankedTensorOf<[I32, I64]>:$result);
  let assemblyFormat =
      "custom<DynamicIndexList>($dims, $static_dims) attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LLM_FullOp : LLM_Op<"full", [Pure]> {
  let summary = "a tensor of a symbolic shape filled with one value (ConstantOfShape)";
  let description = [{
    ```mlir
    %z = llm.full 0.000000e+00 : f32 [%batch, 1, %seq] : tensor<?x1x?xf32>
    ```
  }];
  let arguments = (ins TypedAttrInterface:$value, Variadic<Index>:$shape,
                       DenseI64ArrayAttr:$static_shape);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat =
      "$value custom<DynamicIndexList>($shape, $static_shape) attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LLM_RangeOp : LLM_Op<"range", [Pure, AllTypesMatch<["start", "limit", "delta"]>]> {
  let summary = "the 1-D sequence start, start + delta, ... below limit (ONNX Range)";
  let description = [{
    ```mlir
    %pos = llm.range %start, %limit, %delta : tensor<i64> -> tensor<?xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$start, LLM_Tensor:$limit, LLM_Tensor:$delta);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat =
      "$start `,` $limit `,` $delta attr-dict `:` type($start) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def LLM_AddOp : LLM_ArithOp<"add"> { let summary = "elementwise addition"; let hasFolder = 1; }
def LLM_SubOp : LLM_ArithOp<"sub"> { let summary = "elementwise subtraction"; }
def LLM_MulOp : LLM_ArithOp<"mul"> { let summary = "elementwise multiplication"; let hasFolder = 1; }
def LLM_DivOp : LLM_ArithOp<"div"> { let summary = "elementwise division"; }
def LLM_PowOp : LLM_ArithOp<"pow"> { let summary = "elementwise power"; }
def LLM_MaxOp : LLM_ArithOp<"max"> { let summary = "elementwise maximum"; }
def LLM_MinOp : LLM_ArithOp<"min"> { let summary = "elementwise minimum"; }
def LLM_ModOp : LLM_ArithOp<"mod"> { let summary = "elementwise remainder (sign of the divisor for integers, fmod for floats)"; }

def LLM_EqOp : LLM_CompareOp<"eq"> { let summary = "elementwise equality"; }
def LLM_LtOp : LLM_CompareOp<"lt"> { let summary = "elementwise less-than"; }
def LLM_LeOp : LLM_CompareOp<"le"> { let summary = "elementwise less-or-equal"; }
def LLM_GtOp : LLM_CompareOp<"gt"> { let summary = "elementwise greater-than"; }
def LLM_GeOp : LLM_CompareOp<"ge"> { let summary = "elementwise greater-or-equal"; }

def LLM_AndOp : LLM_LogicalOp<"and"> { let summary = "elementwise logical and"; }
def LLM_OrOp : LLM_LogicalOp<"or"> { let summary = "elementwise logical or"; }
def LLM_XorOp : LLM_LogicalOp<"xor"> { let summary = "elementwise logical xor"; }

def LLM_SqrtOp : LLM_UnaryOp<"sqrt", LLM_FloatTensor> { let summary = "elementwise square root"; }
def LLM_RsqrtOp : LLM_UnaryOp<"rsqrt", LLM_FloatTensor> { let summary = "elementwise reciprocal square root"; }
def LLM_ReciprocalOp : LLM_UnaryOp<"reciprocal", LLM_FloatTensor> { let summary = "elementwise 1/x"; }
def LLM_ExpOp : LLM_UnaryOp<"exp", LLM_FloatTensor> { let summary = "elementwise e^x"; }
def LLM_LogOp : LLM_UnaryOp<"log", LLM_FloatTensor> { let summary = "elementwise natural logarithm"; }
def LLM_TanhOp : LLM_UnaryOp<"tanh", LLM_FloatTensor> { let summary = "elementwise hyperbolic tangent"; }
def LLM_ErfOp : LLM_UnaryOp<"erf", LLM_FloatTensor> { let summary = "elementwise error function"; }
def LLM_SigmoidOp : LLM_UnaryOp<"sigmoid", LLM_FloatTensor> { let summary = "elementwise 1/(1+e^-x)"; }
def LLM_SinOp : LLM_UnaryOp<"sin", LLM_FloatTensor> { let summary = "elementwise sine"; }
def LLM_CosOp : LLM_UnaryOp<"cos", LLM_FloatTensor> { let summary = "elementwise cosine"; }
def LLM_FloorOp : LLM_UnaryOp<"floor", LLM_FloatTensor> { let summary = "elementwise floor"; }
def LLM_CeilOp : LLM_UnaryOp<"ceil", LLM_FloatTensor> { let summary = "elementwise ceiling"; }
def LLM_RoundOp : LLM_UnaryOp<"round", LLM_FloatTensor> { let summary = "elementwise rounding to the nearest integer, halves to even"; }
def LLM_SiluOp : LLM_UnaryOp<"silu", LLM_FloatTensor> { let summary = "elementwise x * sigmoid(x) (SiLU, swish)"; }
def LLM_ReluOp : LLM_UnaryOp<"relu"> { let summary = "elementwise max(x, 0)"; }
def LLM_NegOp : LLM_UnaryOp<"neg"> { let summary = "elementwise negation"; }
def LLM_AbsOp : LLM_UnaryOp<"abs"> { let summary = "elementwise absolute value"; }
def LLM_NotOp : LLM_UnaryOp<"not", LLM_BoolTensor> { let summary = "elementwise logical not"; }

def LLM_IsNanOp : LLM_Op<"is_nan", [Pure, AllShapesMatch<["input", "result"]>]> {
  let summary = "elementwise test for NaN";
  let description = [{
    ```mlir
    %m = llm.is_nan %x : tensor<?x?xf32> -> tensor<?x?xi1>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input);
  let results = (outs LLM_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LLM_GeluOp : LLM_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "GELU activation, exact (erf) or tanh-approximated";
  let description = [{
    `approximate = "none"`: `0.5 * x * (1 + erf(x / sqrt(2)))`;
    `approximate = "tanh"`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`.

    ```mlir
    %y = llm.gelu %x {approximate = "tanh"} : tensor<?x?x3072xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$approximate);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LLM_SwiGluOp : LLM_Op<"swiglu", [Pure, AllTypesMatch<["gate", "up", "result"]>]> {
  let summary = "elementwise silu(gate) * up, the gated MLP of Llama-style models";
  let description = [{
    `gate * sigmoid(gate) * up` elementwise: SwiGLU's product of the
    activated gate projection and the up projection. `gate`, `up` and the
    result have one type (the two projections of the same rows).
    `llm-raise-composites` makes it from `silu(gate) * up`.

    ```mlir
    %h = llm.swiglu %gate, %up : tensor<?x?x11008xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$gate, LLM_FloatTensor:$up);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($result)";
}

def LLM_WhereOp : LLM_InferredOp<"where"> {
  let summary = "elementwise select with numpy broadcasting of all three operands";
  let description = [{
    ```mlir
    %y = llm.where %mask, %x, %neg_inf : (tensor<1x1x?x?xi1>, tensor<?x12x?x?xf32>, tensor<f32>) -> tensor<?x12x?x?xf32>
    ```
  }];
  let arguments = (ins LLM_BoolTensor:$condition, LLM_Tensor:$true_value,
                       LLM_Tensor:$false_value);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat =
      "$condition `,` $true_value `,` $false_value attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LLM_CastOp : LLM_Op<"cast", [Pure]> {
  let summary = "elementwise conversion to another element type";
  let description = [{
    Float to integer truncates toward zero; integer to bool is `x != 0`.

    ```mlir
    %y = llm.cast %x : tensor<?x?xi64> to tensor<?x?xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def LLM_MatmulOp : LLM_InferredOp<"matmul"> {
  let summary = "batched matrix product with numpy semantics";
  let description = [{
    `numpy.matmul`: 1-D operands are promoted to matrices and the promoted
    dim removed from the result; batch dims broadcast.

    ```mlir
    %s = llm.matmul %q, %kt : (tensor<?x12x?x64xf32>, tensor<?x12x64x?xf32>) -> tensor<?x12x?x?xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$lhs, LLM_Tensor:$rhs);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def LLM_LinearOp : LLM_InferredOp<"linear", [AttrSizedOperandSegments]> {
  let summary = "activation(x @ W + bias) + residual, a dense layer with its epilogue";
  let description = [{
    `input` is `[..., K]`; `weight` is `[K, N]`, or `[N, K]` when
    `transpose_weight` is set (the PyTorch `nn.Linear` layout); `bias` is
    `[N]`. The result is `[..., N]`. The epilogue is applied in this order:
    `bias` added, `activation` (`none`, `gelu`, `gelu_tanh`, `silu`, `relu`),
    then `residual` (of the result's shape) added. `llm-fuse-epilogues`
    folds these from the ops that follow a matmul, so that a backend applies
    them while the product is still in cache (CPU) or in the GEMM's epilogue
    (cuBLASLt).

    ```mlir
    %y = llm.linear %x, %w, %b : (tensor<?x?x768xf32>, tensor<768x2304xf32>, tensor<2304xf32>) -> tensor<?x?x2304xf32>
    %z = llm.linear %h, %w2, %b2 residual %x {activation = "gelu"} : (tensor<?x?x768xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<?x?x768xf32>) -> tensor<?x?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, LLM_Tensor:$weight,
                       Optional<LLM_Tensor>:$bias, Optional<LLM_Tensor>:$residual,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_weight,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$activation);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`residual` $residual^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LLM_ReduceSumOp : LLM_ReduceOp<"reduce_sum">;
def LLM_ReduceMeanOp : LLM_ReduceOp<"reduce_mean">;
def LLM_ReduceMaxOp : LLM_ReduceOp<"reduce_max">;
def LLM_ReduceMinOp : LLM_ReduceOp<"reduce_min">;
def LLM_ReduceProdOp : LLM_ReduceOp<"reduce_prod">;

def LLM_ArgMaxOp : LLM_InferredOp<"argmax"> {
  let summary = "index of the largest element along an axis";
  let description = [{
    ```mlir
    %i = llm.argmax %logits {axis = 2 : i64, keepdims = false} : tensor<?x?x50257xf32> -> tensor<?x?xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs LLM_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

class LLM_SoftmaxLikeOp<string mnemonic> : LLM_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let arguments = (ins LLM_FloatTensor:$input, I64Attr:$axis);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}
def LLM_SoftmaxOp : LLM_SoftmaxLikeOp<"softmax"> {
  let summary = "softmax along one axis";
  let description = [{
    ```mlir
    %p = llm.softmax %s {axis = 3 : i64} : tensor<?x12x?x?xf32>
    ```
  }];
}
def LLM_LogSoftmaxOp : LLM_SoftmaxLikeOp<"log_softmax"> {
  let summary = "log of softmax along one axis";
  let description = [{
    ```mlir
    %p = llm.log_softmax %s {axis = 1 : i64} : tensor<?x50257xf32>
    ```
  }];
}

def LLM_LayerNormOp : LLM_Op<"layer_norm", [Pure, AttrSizedOperandSegments,
                                            AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalization over the trailing dims from `axis`";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with mean and
    variance over dims `[axis, rank)`; `scale` and `bias` broadcast to
    those dims.

    ```mlir
    %y = llm.layer_norm %x scale %g : tensor<768xf32> bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, Optional<LLM_FloatTensor>:$scale,
                       Optional<LLM_FloatTensor>:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^ `:` type($scale))? (`bias` $bias^ `:` type($bias))?
    attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def LLM_RmsNormOp : LLM_Op<"rms_norm", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "RMS normalization over the trailing dims from `axis`";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale` over dims `[axis, rank)`.

    ```mlir
    %y = llm.rms_norm %x scale %g : tensor<2048xf32> {axis = 2 : i64, epsilon = 1.0e-06 : f32} : tensor<?x?x2048xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, Optional<LLM_FloatTensor>:$scale,
                       I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$input (`scale` $scale^ `:` type($scale))? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def LLM_AttentionOp : LLM_InferredOp<"attention"> {
  let summary = "scaled dot-product attention with mask, causality and grouped-query heads";
  let description = [{
    `softmax(q @ k^T * scale (+ mask)) @ v` on `[batch, heads, seq, head_dim]`
    tensors. `key` and `value` may have fewer heads than `query` (grouped-
    query attention): query head `h` reads kv head `h / (q_heads / kv_heads)`.
    `scale` defaults to `1/sqrt(head_dim)`. `mask` broadcasts to
    `[batch, q_heads, q_seq, kv_seq]`: a float mask is added to the scores,
    a boolean mask keeps the positions where it is true.

    `causal` is `"none"`, `"upper_left"` (query `i` sees keys `j <= i`) or
    `"lower_right"` (query `i` sees keys `j <= i + kv_seq - q_seq`, the
    alignment a KV cache needs). `softcap > 0` applies
    `softcap * tanh(scores / softcap)` before the mask.

    `masked_rows` says what a query row gets when the boolean mask and
    `causal` together leave it no key: `"zero"` (the default; what SDPA's
    `-inf` mask with its NaN guard gives) or `"uniform"`, the mean of `v` over
    all keys, which is what a graph that masks with a huge finite value
    (`where(keep, s, finfo.min)`, `s + where(keep, 0, finfo.min)`) computes:
    every score of such a row is that same value, so softmax weighs the keys
    equally. (Left-padded batches have such rows.)

    `layout` is `"bhsd"` (the default: the dims above) or `"bshd"`: query,
    key, value and the result are `[batch, seq, heads, head_dim]`, the layout
    in which the q/k/v projections produce their heads and the output
    projection reads them, so that no transpose copies them (see
    `llm-fold-head-transposes`). The mask still broadcasts to the scores
    `[batch, q_heads, q_seq, kv_seq]`.

    `packed_heads = array<i64: Hq, Hk, Hv>` (with `layout = "bshd"` only)
    reads query, key and value in place from one tensor
    `[batch, seq, Hq + Hk + Hv, head_dim]`, the merged q/k/v projection's
    output: query, key and value are then the same value, the query heads
    its first `Hq`, the key heads the next `Hk`, the value heads the last
    `Hv` (see `llm-pack-qkv-heads`). The result is `[batch, seq, Hq,
    head_dim]`.

    ```mlir
    %o = llm.attention %q, %k, %v {causal = "lower_right"} : tensor<?x32x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
    %p = llm.attention %q2, %k2, %v2 {layout = "bshd"} : tensor<?x?x12x64xf16>, tensor<?x?x12x64xf16>, tensor<?x?x12x64xf16> -> tensor<?x?x12x64xf16>
    %r = llm.attention %qkv, %qkv, %qkv {layout = "bshd", packed_heads = array<i64: 12, 12, 12>} : tensor<?x?x36x64xf16>, tensor<?x?x36x64xf16>, tensor<?x?x36x64xf16> -> tensor<?x?x12x64xf16>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$query, LLM_FloatTensor:$key,
                       LLM_FloatTensor:$value, Optional<LLM_Tensor>:$mask,
                       OptionalAttr<F32Attr>:$scale,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$causal,
                       DefaultValuedAttr<F32Attr, "0.0f">:$softcap,
                       DefaultValuedAttr<StrAttr, "\"zero\"">:$masked_rows,
                       DefaultValuedAttr<StrAttr, "\"bhsd\"">:$layout,
                       OptionalAttr<DenseI64ArrayAttr>:$packed_heads);
  let results = (outs LLM_FloatTensor:$result);
  let extraClassDeclaration = [{
    /// The dims of heads and of the sequence in query, key, value and result.
    int64_t getHeadsDim() { return getLayout() == "bshd" ? 2 : 1; }
    int64_t getSeqDim() { return getLayout() == "bshd" ? 1 : 2; }
    /// The shapes query, key and value have as heads: their operands' types,
    /// or with packed_heads, the packed tensor's with its heads dim replaced
    /// by each one's head count.
    SmallVector<int64_t> getQueryShape() { return getHeadsShape(getQuery(), 0); }
    SmallVector<int64_t> getKeyShape() { return getHeadsShape(getKey(), 1); }
    SmallVector<int64_t> getValueShape() { return getHeadsShape(getValue(), 2); }
    SmallVector<int64_t> getHeadsShape(Value operand, int which);
  }];
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^ `:` type($mask))? attr-dict `:`
    type($query) `,` type($key) `,` type($value) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LLM_RotaryEmbeddingOp : LLM_Op<"rotary_embedding", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "rotary position embedding (RoPE), rotate-half or interleaved";
  let description = [{
    Rotates the first `rotary_dim` (default: all) features of each head of
    `input` (`[batch, heads, seq, head_dim]`) by the angles whose cosines and
    sines are given; `cos` and `sin` broadcast to
    `[batch, heads, seq, rotary_dim / 2]`. Non-interleaved pairs feature `i`
    with `i + rotary_dim / 2` (rotate-half, as in Llama); interleaved pairs
    `2i` with `2i + 1` (GPT-J).

    `layout` is `"bhsd"` (the default) or `"bshd"`: input and result are
    `[batch, seq, heads, head_dim]`, as the q/k projections produce them
    (see `llm-fold-head-transposes`); `cos` and `sin` still broadcast to
    `[batch, heads, seq, rotary_dim / 2]`.

    ```mlir
    %r = llm.rotary_embedding %q, %cos, %sin : tensor<?x32x?x64xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, LLM_FloatTensor:$cos, LLM_FloatTensor:$sin,
                       DefaultValuedAttr<BoolAttr, "false">:$interleaved,
                       OptionalAttr<I64Attr>:$rotary_dim,
                       DefaultValuedAttr<StrAttr, "\"bhsd\"">:$layout);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $cos `,` $sin attr-dict `:` type($input) `,` type($cos) `,` type($sin)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def LLM_GatherOp : LLM_InferredOp<"gather"> {
  let summary = "gather slices along an axis (ONNX Gather; embeddings)";
  let description = [{
    The result shape is `data[:axis] + indices + data[axis+1:]`. Negative
    indices count from the end.

    ```mlir
    %e = llm.gather %wte, %ids {axis = 0 : i64} : (tensor<50257x768xf32>, tensor<?x?xi64>) -> tensor<?x?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$data, LLM_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def LLM_GatherNdOp : LLM_InferredOp<"gather_nd"> {
  let summary = "gather slices by multi-dimensional indices (ONNX GatherND)";
  let description = [{
    The last dim of `indices` (static) indexes that many leading dims of
    `data` after `batch_dims` shared batch dims. The result shape is
    `indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]`.

    ```mlir
    %r = llm.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<?x?x768xf32>, tensor<?x1xi64>) -> tensor<?x?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$data, LLM_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def LLM_GatherElementsOp : LLM_Op<"gather_elements", [Pure, AllShapesMatch<["indices", "result"]>]> {
  let summary = "gather elements along an axis by per-element indices (ONNX GatherElements)";
  let description = [{
    `result[i][j][k] = data[i][indices[i][j][k]][k]` for `axis = 1`; the
    result has the shape of `indices`. Negative indices count from the end.

    ```mlir
    %r = llm.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x64xf32>, tensor<?x8xi64>) -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$data, LLM_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LLM_ScatterNdOp : LLM_Op<"scatter_nd", [Pure, AllTypesMatch<["data", "result"]>]> {
  let summary = "write slices into a copy of a tensor at multi-dimensional indices (ONNX ScatterND)";
  let description = [{
    `indices` is `[..., q]`; each index row names a slice of `data` whose
    new value comes from `updates` (shaped `indices.shape[:-1] +
    data.shape[q:]`), combined by `reduction` (`"none"`, `"add"`, `"mul"`,
    `"max"`, `"min"`). Exporters use it for in-place KV-cache updates.

    ```mlir
    %c = llm.scatter_nd %cache, %pos, %new {reduction = "none"} : (tensor<1x8x128x64xf32>, tensor<?x1xi64>, tensor<?x8x128x64xf32>) -> tensor<1x8x128x64xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$data, LLM_IndexTensor:$indices, LLM_Tensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LLM_TopKOp : LLM_Op<"topk", [Pure]> {
  let summary = "the k largest (or smallest) elements along an axis, with their indices";
  let description = [{
    ```mlir
    %v, %i = llm.topk %logits {axis = 1 : i64, k = 50 : i64} : tensor<?x50257xf32> -> tensor<?x50xf32>, tensor<?x50xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, I64Attr:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs LLM_Tensor:$values, LLM_I64Tensor:$indices);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($values) `,` type($indices)";
  let hasVerifier = 1;
}

def LLM_ReshapeOp : LLM_Op<"reshape", [Pure]> {
  let summary = "reshape to a symbolic shape";
  let description = [{
    The target shape is a list of static sizes and index values; unlike
    ONNX Reshape there is no `0` or `-1` magic: the frontend resolves those.

    ```mlir
    %h = llm.reshape %x [%batch, %seq, 12, 64] : tensor<?x?x768xf32> -> tensor<?x?x12x64xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, Variadic<Index>:$shape,
                       DenseI64ArrayAttr:$static_shape);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input custom<DynamicIndexList>($shape, $static_shape) attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LLM_DynamicReshapeOp : LLM_Op<"dynamic_reshape", [Pure]> {
  let summary = "reshape to a shape computed as data (ONNX Reshape semantics)";
  let description = [{
    The fallback for a shape the frontend could not fold into index values.
    `shape` follows ONNX: `-1` is inferred, `0` copies the input dim unless
    `allowzero` is set.

    ```mlir
    %y = llm.dynamic_reshape %x, %s : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, LLM_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LLM_TransposeOp : LLM_InferredOp<"transpose"> {
  let summary = "permute dims";
  let description = [{
    Result dim `i` is input dim `permutation[i]`.

    ```mlir
    %t = llm.transpose %x {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x?x64xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def LLM_ConcatOp : LLM_InferredOp<"concat"> {
  let summary = "concatenate along an axis";
  let description = [{
    ```mlir
    %kv = llm.concat %past, %new {axis = 2 : i64} : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32>
    ```
  }];
  let arguments = (ins Variadic<LLM_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

def LLM_SliceOp : LLM_Op<"slice", [Pure, AttrSizedOperandSegments]> {
  let summary = "strided slice along some axes (ONNX Slice semantics)";
  let description = [{
    For each `axes[i]`: elements from `starts[i]` towards `ends[i]` in
    steps of `steps[i]`. Negative starts and ends count from the end of the
    dim, and both are clamped to the dim, as in ONNX and Python.

    ```mlir
    %c = llm.slice %mask axes [2, 3] starts [%past, 0] ends [%total, %total] steps [1, 1] : tensor<1x1x1024x1024xi1> -> tensor<1x1x?x?xi1>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, Variadic<Index>:$starts, Variadic<Index>:$ends,
                       DenseI64ArrayAttr:$axes, DenseI64ArrayAttr:$static_starts,
                       DenseI64ArrayAttr:$static_ends, DenseI64ArrayAttr:$steps);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input `axes` $axes `starts` custom<DynamicIndexList>($starts, $static_starts)
    `ends` custom<DynamicIndexList>($ends, $static_ends) `steps` $steps attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LLM_SplitOp : LLM_Op<"split", [Pure]> {
  let summary = "split into pieces of static sizes along an axis";
  let description = [{
    ```mlir
    %q, %k, %v = llm.split %qkv {axis = 2 : i64, sizes = array<i64: 768, 768, 768>} : tensor<?x?x2304xf32> -> tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, I64Attr:$axis, DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<LLM_Tensor>:$results);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($results)";
  let hasVerifier = 1;
}

def LLM_ExpandOp : LLM_Op<"expand", [Pure]> {
  let summary = "broadcast to a symbolic shape (ONNX Expand)";
  let description = [{
    The result shape is the numpy broadcast of the input shape and `shape`
    (so a 1 in `shape` keeps the input dim, as in ONNX).

    ```mlir
    %e = llm.expand %m [%batch, 1, %seq, %seq] : tensor<1x1x?x?xi1> -> tensor<?x1x?x?xi1>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, Variadic<Index>:$shape,
                       DenseI64ArrayAttr:$static_shape);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input custom<DynamicIndexList>($shape, $static_shape) attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LLM_TileOp : LLM_Op<"tile", [Pure]> {
  let summary = "repeat the whole tensor along each dim (ONNX Tile)";
  let description = [{
    ```mlir
    %t = llm.tile %kv [1, 4, 1, 1] : tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, Variadic<Index>:$repeats,
                       DenseI64ArrayAttr:$static_repeats);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input custom<DynamicIndexList>($repeats, $static_repeats) attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LLM_SqueezeOp : LLM_InferredOp<"squeeze"> {
  let summary = "remove dims of size 1";
  let description = [{
    ```mlir
    %s = llm.squeeze %x {axes = array<i64: 1>} : tensor<?x1x768xf32> -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def LLM_UnsqueezeOp : LLM_InferredOp<"unsqueeze"> {
  let summary = "insert dims of size 1 at the given result positions";
  let description = [{
    ```mlir
    %u = llm.unsqueeze %m {axes = array<i64: 1, 2>} : tensor<?x?xi64> -> tensor<?x1x1x?xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def LLM_TriluOp : LLM_Op<"trilu", [Pure, SameOperandsAndResultType]> {
  let summary = "keep the upper or lower triangle of the last two dims";
  let description = [{
    Lower (`upper = false`) keeps `j <= i + k`; upper keeps `j >= i + k`;
    the rest becomes zero.

    ```mlir
    %c = llm.trilu %ones {upper = false, k = 0 : i64} : tensor<?x?xi1>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DefaultValuedAttr<BoolAttr, "true">:$upper,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LLM_CumSumOp : LLM_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "cumulative sum along an axis";
  let description = [{
    ```mlir
    %p = llm.cumsum %mask {axis = 1 : i64} : tensor<?x?xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def LLM_StorageCastOp : LLM_Op<"storage_cast", [Pure]> {
  let summary = "reinterpret integers as a quantized tensor, or back";
  let description = [{
    No value changes: `!quant.uniform<i8:f32, 0.1>` has storage type `i8`.

    ```mlir
    %q = llm.storage_cast %w : tensor<768x768xi8> to tensor<768x768x!quant.uniform<i8:f32:1, {...}>>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
}

class LLM_QuantizationOp<string mnemonic> : LLM_Op<mnemonic, [Pure, AttrSizedOperandSegments]> {
  let arguments = (ins LLM_Tensor:$input, Optional<LLM_FloatTensor>:$scale,
                       Optional<LLM_Tensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^ `:` type($scale))? (`zero_point` $zero_point^ `:` type($zero_point))?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LLM_QuantizeOp : LLM_QuantizationOp<"quantize"> {
  let summary = "float to quantized, per tensor, per axis or per block";
  let description = [{
    With a `!quant` result type the parameters live in the type. With an
    integer result they are operands, following ONNX QuantizeLinear-21:
    `scale` is a scalar (per tensor), 1-D along `axis` (per axis), or of the
    input's rank with `axis` divided into blocks of `block_size`.

    ```mlir
    %q = llm.quantize %x : tensor<?x768xf32> -> tensor<?x768x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
}

def LLM_DequantizeOp : LLM_QuantizationOp<"dequantize"> {
  let summary = "quantized to float, per tensor, per axis or per block";
  let description = [{
    The inverse of `llm.quantize`, `(q - zero_point) * scale`. Block-
    quantized weights (MatMulNBits, DequantizeLinear with `block_size`)
    carry their scales as operands: MLIR's sub-channel quant type would
    store every one of the millions of scales of a real model in its type.

    ```mlir
    %w = llm.dequantize %q scale %s : tensor<4096x128xf32> zero_point %z : tensor<4096x128xui4> {axis = 1 : i64, block_size = 32 : i64} : tensor<4096x4096xui4> -> tensor<4096x4096xf32>
    ```
  }];
}

def LLM_QuantizedMatmulOp : LLM_InferredOp<"quantized_matmul"> {
  let summary = "matmul of quantized operands with a float result";
  let description = [{
    `matmul(dequantize(lhs), dequantize(rhs))` where at least one operand
    has a `!quant` element type; the result has the float expressed type.

    ```mlir
    %y = llm.quantized_matmul %x, %w : (tensor<?x768xf32>, tensor<768x768x!quant.uniform<i8:f32:1, {...}>>) -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$lhs, LLM_Tensor:$rhs);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Fusion regions
//===----------------------------------------------------------------------===//

def LLM_FusedOp : LLM_Op<"fused", [Pure, IsolatedFromAbove, SingleBlock]> {
  let summary = "elementwise ops, optionally ending in a row normalization, as one kernel";
  let description = [{
    A region of elementwise llm ops (arithmetic, comparisons, logic, unary
    math, activations, casts, where) that codegen emits as one loop: each
    output element is computed from the inputs, broadcast to the result's
    shape with numpy rules, with every intermediate kept in registers
    instead of a buffer. The block's arguments are the inputs; `llm.yield`
    returns the result. `llm-fuse-elementwise` forms these regions.

    ```mlir
    %y = llm.fused (%x, %b) : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x768xf32> {
    ^bb0(%a: tensor<?x768xf32>, %c: tensor<768xf32>):
      %s = llm.add %a, %c : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x768xf32>
      %t = llm.tanh %s : tensor<?x768xf32>
      llm.yield %t : tensor<?x768xf32>
    }
    ```

    The region may end in one row normalization (`llm.layer_norm` or
    `llm.rms_norm` over the last axis, its scale and bias block arguments):
    the elementwise ops before it are its prologue, computed per row and
    normalized without a round trip through memory (a residual add followed
    by a layer norm, ONNX Runtime's SkipLayerNorm, is one kernel). The region
    then yields the normalized value and, as an optional second result, the
    prologue's value before normalization (the residual stream that later
    layers read again).

    ```mlir
    %y, %h = llm.fused (%x, %r, %g, %b) : (tensor<?x768xf32>, tensor<?x768xf32>, tensor<768xf32>, tensor<768xf32>) -> (tensor<?x768xf32>, tensor<?x768xf32>) {
    ^bb0(%a: tensor<?x768xf32>, %c: tensor<?x768xf32>, %s: tensor<768xf32>, %t: tensor<768xf32>):
      %sum = llm.add %a, %c : (tensor<?x768xf32>, tensor<?x768xf32>) -> tensor<?x768xf32>
      %n = llm.layer_norm %sum scale %s : tensor<768xf32> bias %t : tensor<768xf32> {axis = 1 : i64, epsilon = 1.0e-05 : f32} : tensor<?x768xf32>
      llm.yield %n, %sum : tensor<?x768xf32>, tensor<?x768xf32>
    }
    ```

    The normalization is an op of the region rather than a fused op of its
    own so that the prologue is the same elementwise region, verified and
    emitted by the same code, and the norm keeps its own attributes and
    verifier; a row reduction is the only non-elementwise op allowed, last.
  }];
  let arguments = (ins Variadic<LLM_Tensor>:$inputs);
  let results = (outs Variadic<LLM_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, results) $body
  }];
  let extraClassDeclaration = [{
    /// The row normalization that ends the region, or null for an
    /// elementwise-only region.
    ::mlir::Operation *getRowNormalization();
  }];
  let hasVerifier = 1;
}

def LLM_YieldOp : LLM_Op<"yield", [Pure, Terminator, ReturnLike, HasParent<"FusedOp">]> {
  let summary = "the results of an llm.fused region";
  let arguments = (ins Variadic<LLM_Tensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

#endif // LLM_OPS_TD
