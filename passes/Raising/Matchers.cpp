//===- Matchers.cpp - shared helpers of the raising patterns --------------===//

#include "passes/Raising/Matchers.h"

#include "mlir/IR/Matchers.h"
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
