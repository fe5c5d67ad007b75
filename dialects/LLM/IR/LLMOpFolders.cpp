//===- LLMOpFolders.cpp - llm folders and canonicalizations ---------------===//
//
// Single-op identities live in fold(); multi-op rewrites will join them here
// as canonicalization patterns.
//
//===----------------------------------------------------------------------===//

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::llm;

/// The operand's constant dense value, if it has one (dense_resource weights
/// are deliberately not folded through).
static DenseElementsAttr denseConstant(Attribute attr) {
  return dyn_cast_or_null<DenseElementsAttr>(attr);
}

/// True when `attr` is a splat equal to `value` (0 or 1) in its element type.
static bool isSplatOf(Attribute attr, int64_t value) {
  auto dense = denseConstant(attr);
  if (!dense || !dense.isSplat())
    return false;
  Type element = dense.getElementType();
  if (isa<FloatType>(element))
    return dense.getSplatValue<APFloat>().isExactlyValue(static_cast<double>(value));
  if (isa<IntegerType>(element))
    return dense.getSplatValue<APInt>().getSExtValue() == value;
  return false;
}

/// Re-types a dense constant to a new static shape of the same size.
static OpFoldResult reshapeConstant(Attribute attr, Type resultType) {
  auto dense = denseConstant(attr);
  auto type = cast<RankedTensorType>(resultType);
  if (!dense || !type.hasStaticShape())
    return {};
  return dense.reshape(type);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

// dim(x : tensor<...x768x...>, i) -> 768
// dim(reshape(x, [..., %n, ...]), i) -> %n (the reshape's target dim i)
// dim(transpose(x, perm), i) -> dim(x, perm[i]) (in place)
// The last two let a transpose or reshape whose only other users asked for
// its dims go (llm-pack-qkv-heads needs its reshapes used once).
OpFoldResult DimOp::fold(FoldAdaptor) {
  auto type = getInput().getType();
  int64_t index = getIndex();
  if (index < 0 || index >= type.getRank())
    return {};
  if (!type.isDynamicDim(index))
    return IntegerAttr::get(IndexType::get(getContext()), type.getDimSize(index));
  if (auto reshape = getInput().getDefiningOp<ReshapeOp>()) {
    ArrayRef<int64_t> target = reshape.getStaticShape();
    if (!ShapedType::isDynamic(target[index]))
      return {};
    const auto dynamicBefore = llvm::count_if(target.take_front(index), ShapedType::isDynamic);
    return reshape.getShape()[dynamicBefore];
  }
  if (auto transpose = getInput().getDefiningOp<TransposeOp>()) {
    getInputMutable().assign(transpose.getInput());
    setIndex(transpose.getPermutation()[index]);
    return getResult();
  }
  return {};
}

// shape(x : tensor<2x3xf32>) -> dense<[2, 3]>
OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto input = getInput().getType();
  // The result may be declared less static than inferred (tensor<?xi64>);
  // a dense attribute needs the static type.
  if (!getType().hasStaticShape())
    return {};
  int64_t rank = input.getRank();
  auto clampIndex = [&](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
  int64_t start = clampIndex(getStart()), end = getEnd() ? clampIndex(*getEnd()) : rank;
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d) {
    if (input.isDynamicDim(d))
      return {};
    dims.push_back(input.getDimSize(d));
  }
  return DenseElementsAttr::get(getType(), ArrayRef<int64_t>(dims));
}

// from_dims [2, 3] -> dense<[2, 3]>
OpFoldResult FromDimsOp::fold(FoldAdaptor adaptor) {
  SmallVector<APInt> values;
  unsigned width = getType().getElementTypeBitWidth();
  unsigned nextDynamic = 0;
  for (int64_t dim : getStaticDims()) {
    if (!ShapedType::isDynamic(dim)) {
      values.push_back(APInt(width, dim, /*isSigned=*/true));
      continue;
    }
    auto attr = dyn_cast_or_null<IntegerAttr>(adaptor.getDims()[nextDynamic++]);
    if (!attr)
      return {};
    values.push_back(APInt(width, attr.getInt(), /*isSigned=*/true));
  }
  return DenseElementsAttr::get(getType(), values);
}

// add(x, 0) -> x for integers, add(x, -0.0) -> x for floats
// For floats only -0.0 is an identity: x + 0.0 turns -0.0 into +0.0.
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  auto dense = denseConstant(adaptor.getRhs());
  if (getLhs().getType() != getType() || !dense || !dense.isSplat())
    return {};
  if (isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().isNegZero() ? getLhs() : Value();
  return isSplatOf(dense, 0) ? getLhs() : Value();
}

// mul(x, 1) -> x
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (getLhs().getType() == getType() && isSplatOf(adaptor.getRhs(), 1))
    return getLhs();
  return {};
}

// cast(x : T to T) -> x
OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

// reshape(x : T -> T) -> x, for static T; reshape(constant) -> constant
OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  return reshapeConstant(adaptor.getInput(), getType());
}

// transpose(x, identity) -> x
OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPermutation()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput().getType() == getType() ? getInput() : Value();
}

// concat(x) -> x
OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

// expand(x : T -> T) -> x, for static T
OpFoldResult ExpandOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  return {};
}

// squeeze(constant) -> constant
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  if (getAxes().empty() && getInput().getType() == getType())
    return getInput();
  return reshapeConstant(adaptor.getInput(), getType());
}

// unsqueeze(constant) -> constant
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  if (getAxes().empty() && getInput().getType() == getType())
    return getInput();
  return reshapeConstant(adaptor.getInput(), getType());
}
