//===- Matchers.cpp - shared helpers of the raising patterns --------------===//

#include "passes/Raising/Matchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::raising;

Value raising::stripIdentityCasts(Value value) {
  while (auto cast = value.getDefiningOp<CastOp>()) {
    if (cast.getInput().getType() != cast.getType())
      break;
    value = cast.getInput();
  }
  return value;
}

std::optional<double> raising::getSplatFloat(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(stripIdentityCasts(value), m_Constant(&attr)))
    return std::nullopt;
  if (!attr.isSplat() || !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  APFloat splat = attr.getSplatValue<APFloat>();
  bool losesInfo = false;
  splat.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  return splat.convertToDouble();
}

bool raising::isClose(double actual, double expected) {
  return std::abs(actual - expected) <= 1e-4 * std::abs(expected);
}

bool raising::isSameValue(Value a, Value b) {
  a = stripIdentityCasts(a);
  b = stripIdentityCasts(b);
  if (a == b)
    return true;
  auto resultA = dyn_cast<OpResult>(a), resultB = dyn_cast<OpResult>(b);
  if (!resultA || !resultB || resultA.getResultNumber() != resultB.getResultNumber())
    return false;
  Operation *opA = resultA.getOwner(), *opB = resultB.getOwner();
  // Only ops without side effects compute the same value twice.
  if (!isPure(opA) || !isPure(opB))
    return false;
  return OperationEquivalence::isEquivalentTo(opA, opB, OperationEquivalence::IgnoreLocations);
}

bool raising::hasOnlyUserBesidesDims(Value value, Operation *user) {
  int uses = 0;
  for (OpOperand &use : value.getUses()) {
    if (use.getOwner() == user)
      ++uses;
    else if (!isa<DimOp>(use.getOwner()))
      return false;
  }
  return uses == 1;
}

std::optional<int64_t> raising::getTrailingAxis(ArrayRef<int64_t> axes, int64_t rank) {
  if (rank == 0)
    return std::nullopt;
  if (axes.empty())
    return 0;
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis != axes.front() + static_cast<int64_t>(i))
      return std::nullopt;
  if (axes.back() != rank - 1)
    return std::nullopt;
  return axes.front();
}

std::string raising::formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string result;
  llvm::raw_string_ostream os(result);
  llvm::interleave(
      shape, os, [&](int64_t dim) { ShapedType::isDynamic(dim) ? os << "?" : os << dim; }, "x");
  return result;
}

std::string raising::formatList(ArrayRef<int64_t> values) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << "[";
  llvm::interleaveComma(values, os);
  os << "]";
  return result;
}

std::string raising::formatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::string raising::formatType(Type type) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << type;
  return result;
}

/// Products deeper than this end in leaf factors.
static constexpr unsigned kMaxProductDepth = 6;

static void collectFactors(Value value, bool isRoot, unsigned depth, Product &product) {
  if (std::optional<double> constant = getSplatFloat(value)) {
    product.constant *= *constant;
    return;
  }
  if (depth < kMaxProductDepth && (isRoot || value.hasOneUse())) {
    if (auto mul = value.getDefiningOp<MulOp>()) {
      product.ops.push_back(mul);
      collectFactors(mul.getLhs(), /*isRoot=*/false, depth + 1, product);
      collectFactors(mul.getRhs(), /*isRoot=*/false, depth + 1, product);
      return;
    }
    if (auto div = value.getDefiningOp<DivOp>()) {
      std::optional<double> divisor = getSplatFloat(div.getRhs());
      if (divisor && *divisor != 0.0) {
        product.ops.push_back(div);
        product.constant /= *divisor;
        collectFactors(div.getLhs(), /*isRoot=*/false, depth + 1, product);
        return;
      }
    }
  }
  product.factors.push_back(value);
}

Product raising::flattenProduct(Value value, bool isRoot) {
  Product product;
  collectFactors(value, isRoot, 0, product);
  return product;
}

Location raising::fusedLocOf(PatternRewriter &rewriter, ArrayRef<Operation *> ops) {
  SmallVector<Location> locs;
  for (Operation *op : ops)
    locs.push_back(op->getLoc());
  return rewriter.getFusedLoc(locs);
}

//===----------------------------------------------------------------------===//
// Symbolic dims
//===----------------------------------------------------------------------===//

/// Traces deeper than this stop at the value they reached.
static constexpr unsigned kMaxDimDepth = 32;

static DimSize dimSizeAt(Value tensor, int64_t dim, unsigned depth);

static int64_t rankOf(Value value) { return cast<RankedTensorType>(value.getType()).getRank(); }

static DimSize indexSizeAt(Value index, unsigned depth) {
  APInt constant;
  if (matchPattern(index, m_ConstantInt(&constant)))
    return DimSize{constant.getSExtValue(), Value(), -1};
  if (depth < kMaxDimDepth)
    if (auto dimOp = index.getDefiningOp<DimOp>())
      return dimSizeAt(dimOp.getInput(), dimOp.getIndex(), depth + 1);
  return DimSize{ShapedType::kDynamic, index, -1};
}

DimSize raising::getMixedEntry(ArrayRef<int64_t> statics, ValueRange dynamic, int64_t i) {
  if (!ShapedType::isDynamic(statics[i]))
    return DimSize{statics[i], Value(), -1};
  int64_t position = llvm::count_if(statics.take_front(i), ShapedType::isDynamic);
  return indexSizeAt(dynamic[position], 0);
}

/// The size of the broadcast dim `dim` of `result` computed from the
/// operands' dims that align with it; unknown (the result's own dim) unless
/// every operand that is not statically 1 has the same size.
static DimSize broadcastDimSize(Value result, int64_t dim, ValueRange operands, unsigned depth) {
  int64_t rank = cast<RankedTensorType>(result.getType()).getRank();
  std::optional<DimSize> common;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t d = dim - (rank - type.getRank());
    if (d < 0 || type.getDimSize(d) == 1)
      continue;
    DimSize size = dimSizeAt(operand, d, depth + 1);
    if (common && *common != size)
      return DimSize{ShapedType::kDynamic, result, dim};
    common = size;
  }
  return common ? *common : DimSize{1, Value(), -1};
}

/// The input of `concat` whose dims off the concat axis stand for all of
/// them (they agree). A KV cache's concat(past, new) reads the past from a
/// function argument, whose dims tie to nothing else, while the new keys'
/// dims come from the step's own shape computations, which the importer
/// and the rest of the graph also use for the concat's dims: prefer an
/// input computed in the graph.
static Value offAxisConcatInput(ConcatOp concat) {
  for (Value input : concat.getInputs())
    if (!isa<BlockArgument>(input))
      return input;
  return concat.getInputs().front();
}

/// The name of dim `dim` of function argument `arg` (its `dim_param`, from
/// `llm.dims`), or "".
static StringRef argumentDimName(func::FuncOp func, unsigned argNumber, int64_t dim) {
  auto names = func.getArgAttrOfType<ArrayAttr>(argNumber, "llm.dims");
  if (!names || dim >= static_cast<int64_t>(names.size()))
    return "";
  auto name = dyn_cast<StringAttr>(names[dim]);
  return name ? name.getValue() : "";
}

/// Dim `dim` of a function argument. Input dims with the same name are
/// equal at run time (the runtime checks it before running: a KV cache's
/// `past_sequence_length` is one size for every layer), so a named dim is
/// the first argument dim of that name.
static DimSize namedArgumentDim(BlockArgument arg, int64_t dim) {
  DimSize own{ShapedType::kDynamic, arg, dim};
  auto func = dyn_cast_or_null<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func || !arg.getOwner()->isEntryBlock())
    return own;
  StringRef name = argumentDimName(func, arg.getArgNumber(), dim);
  if (name.empty())
    return own;
  for (BlockArgument other : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(other.getType());
    if (!type)
      continue;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d) && argumentDimName(func, other.getArgNumber(), d) == name)
        return DimSize{ShapedType::kDynamic, other, d};
  }
  return own;
}

static DimSize dimSizeAt(Value tensor, int64_t dim, unsigned depth) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return DimSize{type.getDimSize(dim), Value(), -1};
  DimSize unknown{ShapedType::kDynamic, tensor, dim};
  Operation *def = tensor.getDefiningOp();
  if (auto arg = dyn_cast<BlockArgument>(tensor))
    return namedArgumentDim(arg, dim);
  if (!def || depth >= kMaxDimDepth)
    return unknown;
  if (auto reshape = dyn_cast<ReshapeOp>(def))
    return getMixedEntry(reshape.getStaticShape(), reshape.getShape(), dim);
  if (auto transpose = dyn_cast<TransposeOp>(def))
    return dimSizeAt(transpose.getInput(), transpose.getPermutation()[dim], depth + 1);
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(def)) {
    int64_t inputDim = dim;
    for (int64_t axis : unsqueeze.getAxes()) {
      int64_t a = axis < 0 ? axis + type.getRank() : axis;
      if (a == dim)
        return DimSize{1, Value(), -1};
      if (a < dim)
        --inputDim;
    }
    return dimSizeAt(unsqueeze.getInput(), inputDim, depth + 1);
  }
  if (auto expand = dyn_cast<ExpandOp>(def)) {
    ArrayRef<int64_t> statics = expand.getStaticShape();
    int64_t t = dim - (type.getRank() - static_cast<int64_t>(statics.size()));
    auto inputType = cast<RankedTensorType>(expand.getInput().getType());
    int64_t i = dim - (type.getRank() - inputType.getRank());
    DimSize target = t >= 0 ? getMixedEntry(statics, expand.getShape(), t) : DimSize{1, {}, -1};
    if (i < 0 || inputType.getDimSize(i) == 1)
      return target;
    DimSize input = dimSizeAt(expand.getInput(), i, depth + 1);
    if (target.size == 1 || target == input)
      return input;
    return unknown;
  }
  if (auto full = dyn_cast<FullOp>(def))
    return getMixedEntry(full.getStaticShape(), full.getShape(), dim);
  if (auto tile = dyn_cast<TileOp>(def)) {
    if (tile.getStaticRepeats()[dim] == 1)
      return dimSizeAt(tile.getInput(), dim, depth + 1);
    return unknown;
  }
  if (auto range = dyn_cast<RangeOp>(def)) {
    // range(0, n, 1) has n elements.
    APInt start, delta;
    if (!matchPattern(range.getStart(), m_ConstantInt(&start)) || !start.isZero() ||
        !matchPattern(range.getDelta(), m_ConstantInt(&delta)) || !delta.isOne())
      return unknown;
    auto limit = range.getLimit().getDefiningOp<FromDimsOp>();
    if (!limit || limit.getStaticDims().size() != 1)
      return unknown;
    return getMixedEntry(limit.getStaticDims(), limit.getDims(), 0);
  }
  // Concatenated and sliced tensors keep the dims off their axes (the
  // inputs of a concat agree there).
  if (auto concat = dyn_cast<ConcatOp>(def)) {
    int64_t axis = normalizeAxis(concat.getAxis(), type.getRank());
    if (axis != dim)
      return dimSizeAt(offAxisConcatInput(concat), dim, depth + 1);
    return unknown;
  }
  if (auto slice = dyn_cast<SliceOp>(def)) {
    for (int64_t axis : slice.getAxes())
      if ((axis < 0 ? axis + type.getRank() : axis) == dim)
        return unknown;
    return dimSizeAt(slice.getInput(), dim, depth + 1);
  }
  if (auto matmul = dyn_cast<MatmulOp>(def)) {
    int64_t rank = type.getRank();
    if (rank >= 2 && rankOf(matmul.getLhs()) >= 2 && rankOf(matmul.getRhs()) >= 2) {
      if (dim == rank - 2)
        return dimSizeAt(matmul.getLhs(), rankOf(matmul.getLhs()) - 2, depth + 1);
      if (dim == rank - 1)
        return dimSizeAt(matmul.getRhs(), rankOf(matmul.getRhs()) - 1, depth + 1);
    }
    return unknown;
  }
  if (auto linear = dyn_cast<LinearOp>(def)) {
    if (dim < type.getRank() - 1 && rankOf(linear.getInput()) == type.getRank())
      return dimSizeAt(linear.getInput(), dim, depth + 1);
    return unknown;
  }
  if (isa<RmsNormOp, LayerNormOp, SwiGluOp>(def))
    return dimSizeAt(def->getOperand(0), dim, depth + 1);
  if (auto split = dyn_cast<SplitOp>(def)) {
    int64_t axis = normalizeAxis(split.getAxis(), type.getRank());
    if (axis != dim)
      return dimSizeAt(split.getInput(), dim, depth + 1);
    return unknown;
  }
  if (auto gather = dyn_cast<GatherOp>(def)) {
    // data[:axis] + indices + data[axis + 1:].
    int64_t dataRank = rankOf(gather.getData()), indicesRank = rankOf(gather.getIndices());
    int64_t axis = normalizeAxis(gather.getAxis(), dataRank);
    if (dim < axis)
      return dimSizeAt(gather.getData(), dim, depth + 1);
    if (dim < axis + indicesRank)
      return dimSizeAt(gather.getIndices(), dim - axis, depth + 1);
    return dimSizeAt(gather.getData(), dim - indicesRank + 1, depth + 1);
  }
  if (auto attention = dyn_cast<AttentionOp>(def)) {
    if (auto packed = attention.getPackedHeads(); packed && dim == attention.getHeadsDim())
      return DimSize{(*packed)[0]};
    return dim == 3 ? dimSizeAt(attention.getValue(), 3, depth + 1)
                    : dimSizeAt(attention.getQuery(), dim, depth + 1);
  }
  if (auto rotary = dyn_cast<RotaryEmbeddingOp>(def))
    return dimSizeAt(rotary.getInput(), dim, depth + 1);
  if (isa<CastOp>(def) || def->hasTrait<OpTrait::SameOperandsAndResultType>())
    return dimSizeAt(def->getOperand(0), dim, depth + 1);
  if (isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, AndOp, OrOp, WhereOp, EqOp, LtOp, LeOp, GtOp,
          GeOp>(def))
    return broadcastDimSize(tensor, dim, def->getOperands(), depth);
  return unknown;
}

DimSize raising::getDimSize(Value tensor, int64_t dim) { return dimSizeAt(tensor, dim, 0); }

DimSize raising::getIndexSize(Value index) { return indexSizeAt(index, 0); }

std::string raising::rowsToHeadsMiss(Value input, Value heads) {
  auto from = cast<RankedTensorType>(input.getType());
  auto to = cast<RankedTensorType>(heads.getType());
  const int64_t row = from.getDimSize(from.getRank() - 1);
  if (to.getRank() != 4 || ShapedType::isDynamic(to.getDimSize(3)) || ShapedType::isDynamic(row))
    return "not a reshape to [B, S, H, D] with a static D";
  const int64_t D = to.getDimSize(3);
  if (row % D != 0)
    return "a split slice is not whole heads";
  if (ShapedType::isDynamic(to.getDimSize(2))) {
    if (from.getRank() != 3 || !haveSameDim(heads, 0, input, 0) || !haveSameDim(heads, 1, input, 1))
      return "the heads are dynamic and the reshape's [B, S] are not provably the input's";
  } else if (to.getDimSize(2) * D != row) {
    return "a split slice is not its reshape's heads";
  }
  return "";
}

bool raising::haveSameDim(Value a, int64_t dimA, Value b, int64_t dimB) {
  return getDimSize(a, dimA) == getDimSize(b, dimB);
}

//===----------------------------------------------------------------------===//
// Linear sizes
//===----------------------------------------------------------------------===//

void LinearSize::add(const LinearSize &other, int64_t sign) {
  constant += sign * other.constant;
  for (const auto &[atom, coefficient] : other.terms)
    addTerm(atom, sign * coefficient);
}

void LinearSize::addTerm(const DimSize &atom, int64_t coefficient) {
  if (atom.isStatic()) {
    constant += coefficient * atom.size;
    return;
  }
  for (auto *it = terms.begin(); it != terms.end(); ++it)
    if (it->first == atom) {
      it->second += coefficient;
      if (it->second == 0)
        terms.erase(it);
      return;
    }
  if (coefficient != 0)
    terms.push_back({atom, coefficient});
}

bool LinearSize::operator==(const LinearSize &other) const {
  LinearSize difference = *this;
  difference.add(other, -1);
  return difference.constant == 0 && difference.terms.empty();
}

std::string LinearSize::str() const {
  std::string text;
  for (const auto &[atom, coefficient] : terms) {
    std::string name = "?";
    if (atom.dim >= 0) {
      name = "dim " + std::to_string(atom.dim);
      if (auto arg = dyn_cast<BlockArgument>(atom.value))
        name += " of argument " + std::to_string(arg.getArgNumber());
    }
    text += (text.empty() ? (coefficient < 0 ? "-" : "") : (coefficient < 0 ? " - " : " + "));
    if (std::abs(coefficient) != 1)
      text += std::to_string(std::abs(coefficient)) + " * ";
    text += name;
  }
  if (constant != 0 || text.empty())
    text += text.empty() ? std::to_string(constant)
                         : (constant < 0 ? " - " : " + ") + std::to_string(std::abs(constant));
  return text;
}

static LinearSize linearIndexAt(Value index, unsigned depth) {
  LinearSize result;
  if (depth < kMaxDimDepth) {
    if (auto add = index.getDefiningOp<arith::AddIOp>()) {
      result = linearIndexAt(add.getLhs(), depth + 1);
      result.add(linearIndexAt(add.getRhs(), depth + 1));
      return result;
    }
    if (auto sub = index.getDefiningOp<arith::SubIOp>()) {
      result = linearIndexAt(sub.getLhs(), depth + 1);
      result.add(linearIndexAt(sub.getRhs(), depth + 1), -1);
      return result;
    }
    // max(x, c) with c <= 0 is x when x is a sum of tensor dims (never
    // negative) with positive coefficients and a non-negative constant: the importer clamps a
    // range's length `max(limit - start, 0)`, which for range(past, past +
    // seq) is seq.
    if (auto max = index.getDefiningOp<arith::MaxSIOp>()) {
      for (auto [x, c] : {std::pair(max.getLhs(), max.getRhs()),
                          std::pair(max.getRhs(), max.getLhs())}) {
        APInt bound;
        if (!matchPattern(c, m_ConstantInt(&bound)) || bound.isStrictlyPositive())
          continue;
        LinearSize clamped = linearIndexAt(x, depth + 1);
        if (clamped.constant >= 0 && llvm::all_of(clamped.terms, [](const auto &term) {
              return term.first.dim >= 0 && term.second > 0;
            }))
          return clamped;
      }
    }
  }
  DimSize size = indexSizeAt(index, depth);
  // A dim that traces to a concat along it is the sum of the inputs' dims.
  if (size.dim >= 0 && depth < kMaxDimDepth)
    return raising::getLinearDim(size.value, size.dim);
  result.addTerm(size, 1);
  return result;
}

LinearSize raising::getLinearIndex(Value index) { return linearIndexAt(index, 0); }

std::optional<LinearSize> raising::getLinearScalar(Value scalar, unsigned depth) {
  auto type = dyn_cast<RankedTensorType>(scalar.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() != 1 ||
      !isa<IntegerType>(type.getElementType()) ||
      depth > kMaxDimDepth)
    return std::nullopt;
  Operation *def = scalar.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (DenseIntElementsAttr attr; matchPattern(scalar, m_Constant(&attr))) {
    LinearSize result;
    result.constant = (*attr.getValues<APInt>().begin()).getSExtValue();
    return result;
  }
  if (auto fromDims = dyn_cast<FromDimsOp>(def)) {
    if (fromDims.getStaticDims().size() != 1)
      return std::nullopt;
    DimSize entry = getMixedEntry(fromDims.getStaticDims(), fromDims.getDims(), 0);
    if (entry.isStatic() || entry.dim >= 0) {
      LinearSize result;
      if (entry.dim >= 0)
        return getLinearDim(entry.value, entry.dim);
      result.addTerm(entry, 1);
      return result;
    }
    return getLinearIndex(entry.value);
  }
  if (isa<AddOp, SubOp>(def)) {
    std::optional<LinearSize> lhs = getLinearScalar(def->getOperand(0), depth + 1);
    std::optional<LinearSize> rhs = getLinearScalar(def->getOperand(1), depth + 1);
    if (!lhs || !rhs)
      return std::nullopt;
    lhs->add(*rhs, isa<AddOp>(def) ? 1 : -1);
    return lhs;
  }
  // Integer casts, unsqueezes and reshapes of one element keep its value.
  if ((isa<CastOp>(def) && isa<IntegerType>(getElementTypeOrSelf(def->getOperand(0).getType())) &&
       !type.getElementType().isInteger(1)) ||
      isa<UnsqueezeOp, ReshapeOp, SqueezeOp>(def))
    return getLinearScalar(def->getOperand(0), depth + 1);
  return std::nullopt;
}

LinearSize raising::getLinearDim(Value tensor, int64_t dim) {
  DimSize size = getDimSize(tensor, dim);
  LinearSize result;
  if (size.dim < 0) {
    if (size.isStatic() || !size.value)
      result.addTerm(size, 1);
    else
      return getLinearIndex(size.value);
    return result;
  }
  Operation *def = size.value.getDefiningOp();
  if (auto concat = dyn_cast_or_null<ConcatOp>(def);
      concat && normalizeAxis(concat.getAxis(), rankOf(concat)) == size.dim) {
    for (Value input : concat.getInputs())
      result.add(getLinearDim(input, size.dim));
    return result;
  }
  // range(start, limit, 1) has limit - start elements (when that is not
  // negative, which a range the graph uses as positions is).
  if (auto range = dyn_cast_or_null<RangeOp>(def)) {
    APInt delta;
    if (matchPattern(range.getDelta(), m_ConstantInt(&delta)) && delta.isOne())
      if (std::optional<LinearSize> limit = getLinearScalar(range.getLimit()))
        if (std::optional<LinearSize> start = getLinearScalar(range.getStart())) {
          limit->add(*start, -1);
          return *limit;
        }
  }
  result.addTerm(size, 1);
  return result;
}
