//===- NodeImporter.cpp - what op handlers build with ---------------------===//
//
// Typed attribute access with diagnostics, constants, and the symbolic
// shape arithmetic that turns Shape/Gather/Concat chains into index values.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/GraphImporter.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

InFlightDiagnostic NodeImporter::error() {
  // The location carries the node's name, or `<op type>_<index>` for an
  // unnamed node, as the graph importer's own diagnostics say it.
  std::string name = node.name();
  if (auto nameLoc = dyn_cast<NameLoc>(loc); nameLoc && name.empty())
    name = nameLoc.getName().str();
  return emitError(loc) << "node '" << name << "' (" << node.op_type() << ", opset " << opset
                        << "): ";
}

void NodeImporter::abortOn(Operation *op, StringRef message) {
  std::string name = op->getName().getStringRef().str();
  op->erase();
  error() << "cannot build " << name << ": " << message;
  throw ImportFailure();
}

void NodeImporter::check(Operation *op) {
  std::string message;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler capture(b.getContext(), [&](Diagnostic &diag) {
      if (!message.empty())
        message += "; ";
      message += diag.str();
      return success();
    });
    result = mlir::verify(op, /*verifyRecursively=*/false);
  }
  if (failed(result))
    abortOn(op, message);
}

//===----------------------------------------------------------------------===//
// Operands and results
//===----------------------------------------------------------------------===//

Value NodeImporter::input(size_t i) {
  if (!hasInput(i))
    return {};
  auto it = graph.values.find(node.input(i));
  return it == graph.values.end() ? Value() : it->second;
}

FailureOr<Value> NodeImporter::requiredInput(size_t i, StringRef what) {
  if (Value v = input(i))
    return v;
  return error() << "missing required input " << i << " (" << what << ")";
}

LogicalResult NodeImporter::checkInputs(size_t min, size_t max) {
  size_t n = numInputs();
  while (n > 0 && node.input(n - 1).empty())
    --n; // trailing absent optionals
  if (n < min || n > max)
    return error() << "expected " << min << (min == max ? "" : " to " + std::to_string(max))
                   << " inputs, got " << n;
  for (size_t i = 0; i < min; ++i)
    if (!hasInput(i))
      return error() << "required input " << i << " is empty";
  return success();
}

void NodeImporter::setOutput(size_t i, Value value) {
  if (hasOutput(i))
    graph.values[node.output(i)] = value;
}

LogicalResult NodeImporter::rejectOutput(size_t i, StringRef what) {
  if (hasOutput(i))
    return error() << "output " << i << " (" << what << ") is not supported";
  return success();
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *NodeImporter::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

/// Checks an attribute's declared type. Old exporters leave `type` unset, so
/// an unset type is accepted when the expected field is populated.
static bool hasAttrType(const onnx::AttributeProto &attr, onnx::AttributeProto::AttributeType t,
                        bool fieldPresent) {
  if (attr.type() != onnx::AttributeProto::UNDEFINED)
    return attr.type() == t;
  return fieldPresent;
}

static std::string attrTypeName(const onnx::AttributeProto &attr) {
  return onnx::AttributeProto::AttributeType_Name(attr.type());
}

FailureOr<int64_t> NodeImporter::intAttr(StringRef name, std::optional<int64_t> dflt) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (dflt)
      return *dflt;
    return error() << "missing required attribute '" << name << "'";
  }
  if (!hasAttrType(*attr, onnx::AttributeProto::INT, attr->has_i()))
    return error() << "attribute '" << name << "' must be an INT, got " << attrTypeName(*attr);
  return attr->i();
}

FailureOr<float> NodeImporter::floatAttr(StringRef name, std::optional<float> dflt) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (dflt)
      return *dflt;
    return error() << "missing required attribute '" << name << "'";
  }
  if (!hasAttrType(*attr, onnx::AttributeProto::FLOAT, attr->has_f()))
    return error() << "attribute '" << name << "' must be a FLOAT, got " << attrTypeName(*attr);
  return attr->f();
}

FailureOr<std::string> NodeImporter::stringAttr(StringRef name, std::optional<std::string> dflt) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (dflt)
      return *dflt;
    return error() << "missing required attribute '" << name << "'";
  }
  if (!hasAttrType(*attr, onnx::AttributeProto::STRING, attr->has_s()))
    return error() << "attribute '" << name << "' must be a STRING, got " << attrTypeName(*attr);
  return attr->s();
}

FailureOr<SmallVector<int64_t>> NodeImporter::intsAttr(StringRef name,
                                                       std::optional<SmallVector<int64_t>> dflt) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (dflt)
      return *dflt;
    return error() << "missing required attribute '" << name << "'";
  }
  if (!hasAttrType(*attr, onnx::AttributeProto::INTS, attr->ints_size() > 0))
    return error() << "attribute '" << name << "' must be INTS, got " << attrTypeName(*attr);
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

FailureOr<SmallVector<float>> NodeImporter::floatsAttr(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return error() << "missing required attribute '" << name << "'";
  if (!hasAttrType(*attr, onnx::AttributeProto::FLOATS, attr->floats_size() > 0))
    return error() << "attribute '" << name << "' must be FLOATS, got " << attrTypeName(*attr);
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

FailureOr<ElementsAttr> NodeImporter::tensorAttr(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return error() << "missing required attribute '" << name << "'";
  if (!hasAttrType(*attr, onnx::AttributeProto::TENSOR, attr->has_t()))
    return error() << "attribute '" << name << "' must be a TENSOR, got " << attrTypeName(*attr);
  return graph.convertTensor(attr->t(), loc);
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>> NodeImporter::constantInts(Value v) {
  if (!v)
    return std::nullopt;
  if (auto known = knownElements(v)) {
    SmallVector<int64_t> result;
    for (OpFoldResult ofr : *known) {
      std::optional<int64_t> c = getConstantIntValue(ofr);
      if (!c)
        return std::nullopt;
      result.push_back(*c);
    }
    return result;
  }
  DenseElementsAttr dense;
  if (!matchPattern(v, m_Constant(&dense)) || !isa<IntegerType>(dense.getElementType()))
    return std::nullopt;
  SmallVector<int64_t> result;
  bool isUnsigned = dense.getElementType().isUnsignedInteger();
  for (const APInt &value : dense.getValues<APInt>())
    result.push_back(isUnsigned ? static_cast<int64_t>(value.getZExtValue()) : value.getSExtValue());
  return result;
}

std::optional<SmallVector<double>> NodeImporter::constantFloats(Value v) {
  DenseElementsAttr dense;
  if (!v || !matchPattern(v, m_Constant(&dense)))
    return std::nullopt;
  SmallVector<double> result;
  if (isa<FloatType>(dense.getElementType())) {
    for (const APFloat &value : dense.getValues<APFloat>())
      result.push_back(value.convertToDouble());
    return result;
  }
  if (auto ints = constantInts(v)) {
    for (int64_t i : *ints)
      result.push_back(static_cast<double>(i));
    return result;
  }
  return std::nullopt;
}

std::optional<ArrayRef<char>> NodeImporter::constantBytes(Value v) {
  auto constant = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!constant)
    return std::nullopt;
  Attribute value = constant.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat() || dense.getElementType().isInteger(1))
      return std::nullopt;
    return dense.getRawData();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

FailureOr<SmallVector<int64_t>> NodeImporter::requireConstantInts(size_t i, StringRef what) {
  Value v = input(i);
  if (!v)
    return error() << "missing input " << i << " (" << what << ")";
  if (auto ints = constantInts(v))
    return *ints;
  return error() << "input " << i << " (" << what
                 << ") must be a constant or computable from shapes";
}

Value NodeImporter::scalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (isa<FloatType>(elementType))
    attr = DenseElementsAttr::get(type, FloatAttr::get(elementType, value).getValue());
  else if (elementType.isInteger(1))
    attr = DenseElementsAttr::get(type, value != 0);
  else
    attr = DenseElementsAttr::get(
        type, APInt(elementType.getIntOrFloatBitWidth(), static_cast<int64_t>(value), true));
  return ConstantOp::create(b, loc, cast<ElementsAttr>(attr));
}

Value NodeImporter::intTensor(ArrayRef<int64_t> values, ArrayRef<int64_t> shape,
                              Type elementType) {
  auto type = RankedTensorType::get(shape, elementType);
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(elementType.getIntOrFloatBitWidth(), v, /*isSigned=*/true));
  Value result = ConstantOp::create(b, loc, cast<ElementsAttr>(DenseElementsAttr::get(type, ints)));
  return result;
}

//===----------------------------------------------------------------------===//
// Symbolic shapes
//===----------------------------------------------------------------------===//

std::optional<SmallVector<OpFoldResult>> NodeImporter::knownElements(Value v) {
  if (!v)
    return std::nullopt;
  auto it = graph.knownElements.find(v);
  if (it != graph.knownElements.end())
    return it->second;
  // Small integer constants are known too.
  auto type = dyn_cast<RankedTensorType>(v.getType());
  DenseElementsAttr dense;
  if (!type || type.getRank() > 1 || !isa<IntegerType>(type.getElementType()) ||
      !matchPattern(v, m_Constant(&dense)) || dense.getNumElements() > 64)
    return std::nullopt;
  SmallVector<OpFoldResult> result;
  // Bools and unsigned integers (a uint8 zero point of 128) zero-extend.
  bool zeroExtend = type.getElementType().isInteger(1) || type.getElementType().isUnsignedInteger();
  for (const APInt &value : dense.getValues<APInt>())
    result.push_back(b.getIndexAttr(zeroExtend ? static_cast<int64_t>(value.getZExtValue())
                                               : value.getSExtValue()));
  return result;
}

/// Dim `d` of an op's result in terms of its operands' dims, for the ops the
/// importer builds most; null when the op does not say. This keeps one SSA
/// value per symbolic dim instead of an llm.dim per tensor.
static std::optional<std::pair<Value, int64_t>>
sourceDim(Operation *op, int64_t d, OpFoldResult &direct,
          SmallVectorImpl<std::pair<Value, int64_t>> &broadcastCandidates) {
  auto mixedEntry = [&](ArrayRef<int64_t> statics, ValueRange dynamics) -> bool {
    int64_t index = 0;
    for (int64_t i = 0; i < d; ++i)
      index += ShapedType::isDynamic(statics[i]);
    if (!ShapedType::isDynamic(statics[d]))
      return false;
    direct = dynamics[index];
    return true;
  };
  auto isStaticOne = [](Value v, int64_t i) {
    auto t = cast<RankedTensorType>(v.getType());
    return i >= 0 && i < t.getRank() && t.getDimSize(i) == 1;
  };
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    mixedEntry(reshape.getStaticShape(), reshape.getShape());
    return std::nullopt;
  }
  if (auto full = dyn_cast<FullOp>(op)) {
    mixedEntry(full.getStaticShape(), full.getShape());
    return std::nullopt;
  }
  if (auto expand = dyn_cast<ExpandOp>(op)) {
    int64_t offset = rankOf(expand.getInput()) - rankOf(expand);
    bool inputIsOne = offset + d < 0 || isStaticOne(expand.getInput(), offset + d);
    if (inputIsOne) {
      mixedEntry(expand.getStaticShape(), expand.getShape());
      return std::nullopt;
    }
    if (expand.getStaticShape()[d] == 1)
      return std::make_pair(expand.getInput(), offset + d);
    return std::nullopt;
  }
  if (auto transpose = dyn_cast<TransposeOp>(op))
    return std::make_pair(transpose.getInput(), transpose.getPermutation()[d]);
  if (auto gather = dyn_cast<GatherOp>(op)) {
    int64_t axis = gather.getAxis(), indicesRank = rankOf(gather.getIndices());
    if (d < axis)
      return std::make_pair(gather.getData(), d);
    if (d < axis + indicesRank)
      return std::make_pair(gather.getIndices(), d - axis);
    return std::make_pair(gather.getData(), d - indicesRank + 1);
  }
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(op)) {
    int64_t before = llvm::count_if(unsqueeze.getAxes(), [&](int64_t a) { return a < d; });
    return std::make_pair(unsqueeze.getInput(), d - before);
  }
  if (isa<MatmulOp, LinearOp, QuantizedMatmulOp>(op) && d == rankOf(op->getResult(0)) - 1)
    return std::nullopt;
  if (isa<LinearOp>(op))
    return std::make_pair(op->getOperand(0), d);
  if (isa<AttentionOp>(op))
    return d < 3 ? std::make_optional(std::make_pair(op->getOperand(0), d)) : std::nullopt;
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    if (d == static_cast<int64_t>(concat.getAxis()))
      return std::nullopt;
    return std::make_pair(concat.getInputs().front(), d);
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    if (llvm::is_contained(slice.getAxes(), d))
      return std::nullopt;
    return std::make_pair(slice.getInput(), d);
  }
  if (auto split = dyn_cast<SplitOp>(op)) {
    if (d == static_cast<int64_t>(split.getAxis()))
      return std::nullopt;
    return std::make_pair(split.getInput(), d);
  }
  // Shape-preserving ops: the result has the first operand's shape.
  if (isa<CastOp, LayerNormOp, RmsNormOp, RotaryEmbeddingOp, IsNanOp, SoftmaxOp, LogSoftmaxOp,
          GeluOp, TriluOp, CumSumOp, DequantizeOp, QuantizeOp, StorageCastOp>(op) ||
      op->hasTrait<OpTrait::SameOperandsAndResultType>())
    return std::make_pair(op->getOperand(0), d);
  // Numpy broadcasting (also matmul batch dims): an operand whose aligned
  // dim is not a static 1 decides, when the others are static 1 or absent.
  if (op->getNumResults() == 1 && op->getNumOperands() >= 2 &&
      isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, ModOp, EqOp, LtOp, LeOp, GtOp, GeOp,
          AndOp, OrOp, XorOp, WhereOp, MatmulOp>(op)) {
    int64_t resultRank = rankOf(op->getResult(0));
    bool matmul = isa<MatmulOp>(op);
    if (matmul && d == resultRank - 2) {
      Value lhs = op->getOperand(0);
      if (rankOf(lhs) < 2)
        return std::nullopt;
      return std::make_pair(lhs, rankOf(lhs) - 2);
    }
    SmallVector<std::pair<Value, int64_t>> deciders;
    for (Value operand : op->getOperands()) {
      // For matmul this aligns the batch dims (d < resultRank - 2 here).
      int64_t i = d - (resultRank - rankOf(operand));
      if (i >= 0 && !isStaticOne(operand, i))
        deciders.push_back({operand, i});
    }
    if (deciders.size() == 1)
      return deciders.front();
    // Several operands could decide; the caller checks that they agree.
    broadcastCandidates.append(deciders.begin(), deciders.end());
    return std::nullopt;
  }
  return std::nullopt;
}

OpFoldResult NodeImporter::dim(Value v, int64_t d) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(d))
    return b.getIndexAttr(type.getDimSize(d));
  Value &cached = graph.dimCache[{v, d}];
  if (cached)
    return cached;
  // Graph inputs: dims with the same dim_param name are the same value.
  std::string dimName;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (auto names = func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "llm.dims"))
      if (d < static_cast<int64_t>(names.size()))
        dimName = cast<StringAttr>(names[d]).str();
    if (!dimName.empty())
      if (Value named = graph.namedDims.lookup(dimName))
        return cached = named;
  }
  if (Operation *op = v.getDefiningOp()) {
    OpFoldResult direct;
    SmallVector<std::pair<Value, int64_t>> candidates;
    auto source = sourceDim(op, d, direct, candidates);
    if (!candidates.empty()) {
      OpFoldResult first = dim(candidates.front().first, candidates.front().second);
      if (llvm::all_of(candidates, [&](auto c) { return dim(c.first, c.second) == first; })) {
        if (auto value = dyn_cast<Value>(first))
          graph.dimCache[{v, d}] = value;
        return first;
      }
    }
    if (source) {
      OpFoldResult result = dim(source->first, source->second);
      if (auto value = dyn_cast<Value>(result))
        graph.dimCache[{v, d}] = value;
      return result;
    }
    if (direct) {
      if (auto value = dyn_cast<Value>(direct))
        graph.dimCache[{v, d}] = value;
      return direct;
    }
  }
  Value result = DimOp::create(b, loc, v, d).getResult();
  graph.dimCache[{v, d}] = result;
  if (!dimName.empty())
    graph.namedDims[dimName] = result;
  return result;
}

SmallVector<OpFoldResult> NodeImporter::dims(Value v) {
  SmallVector<OpFoldResult> result;
  for (int64_t d = 0, e = cast<RankedTensorType>(v.getType()).getRank(); d < e; ++d)
    result.push_back(dim(v, d));
  return result;
}

Value NodeImporter::indexValue(OpFoldResult ofr) {
  if (auto value = dyn_cast<Value>(ofr))
    return value;
  return arith::ConstantIndexOp::create(b, loc, *getConstantIntValue(ofr));
}

/// Folds a binary index op on constants, else builds it with arith.
template <typename ArithOp>
static OpFoldResult indexBinary(NodeImporter &n, OpFoldResult a, OpFoldResult c,
                                std::function<std::optional<int64_t>(int64_t, int64_t)> fold) {
  std::optional<int64_t> ca = getConstantIntValue(a), cc = getConstantIntValue(c);
  if (ca && cc)
    if (std::optional<int64_t> folded = fold(*ca, *cc))
      return n.b.getIndexAttr(*folded);
  return ArithOp::create(n.b, n.loc, n.indexValue(a), n.indexValue(c)).getResult();
}

OpFoldResult NodeImporter::add(OpFoldResult a, OpFoldResult c) {
  if (isConstantIntValue(c, 0))
    return a;
  if (isConstantIntValue(a, 0))
    return c;
  return indexBinary<arith::AddIOp>(*this, a, c, [](int64_t x, int64_t y) -> std::optional<int64_t> {
    int64_t r;
    return __builtin_add_overflow(x, y, &r) ? std::nullopt : std::optional<int64_t>(r);
  });
}

OpFoldResult NodeImporter::sub(OpFoldResult a, OpFoldResult c) {
  if (isConstantIntValue(c, 0))
    return a;
  return indexBinary<arith::SubIOp>(*this, a, c, [](int64_t x, int64_t y) -> std::optional<int64_t> {
    int64_t r;
    return __builtin_sub_overflow(x, y, &r) ? std::nullopt : std::optional<int64_t>(r);
  });
}

OpFoldResult NodeImporter::mul(OpFoldResult a, OpFoldResult c) {
  if (isConstantIntValue(c, 1))
    return a;
  if (isConstantIntValue(a, 1))
    return c;
  if (isConstantIntValue(a, 0) || isConstantIntValue(c, 0))
    return b.getIndexAttr(0);
  return indexBinary<arith::MulIOp>(*this, a, c, [](int64_t x, int64_t y) -> std::optional<int64_t> {
    int64_t r;
    return __builtin_mul_overflow(x, y, &r) ? std::nullopt : std::optional<int64_t>(r);
  });
}

OpFoldResult NodeImporter::floorDiv(OpFoldResult a, OpFoldResult c) {
  if (isConstantIntValue(c, 1))
    return a;
  return indexBinary<arith::FloorDivSIOp>(*this, a, c,
                                          [](int64_t x, int64_t y) -> std::optional<int64_t> {
                                            // x / 0 and INT64_MIN / -1 trap.
                                            if (y == 0 || (y == -1 && x == std::numeric_limits<int64_t>::min()))
                                              return std::nullopt;
                                            int64_t q = x / y;
                                            return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1
                                                                                       : q;
                                          });
}

OpFoldResult NodeImporter::max(OpFoldResult a, OpFoldResult c) {
  if (isConstantIntValue(c, 0) && isNonNegative(a))
    return a;
  return indexBinary<arith::MaxSIOp>(*this, a, c,
                                     [](int64_t x, int64_t y) { return std::max(x, y); });
}

OpFoldResult NodeImporter::min(OpFoldResult a, OpFoldResult c) {
  return indexBinary<arith::MinSIOp>(*this, a, c,
                                     [](int64_t x, int64_t y) { return std::min(x, y); });
}

bool NodeImporter::isNonNegative(OpFoldResult ofr) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return *c >= 0;
  Operation *def = cast<Value>(ofr).getDefiningOp();
  if (!def)
    return false;
  if (isa<DimOp>(def))
    return true;
  if (isa<arith::AddIOp, arith::MulIOp, arith::FloorDivSIOp, arith::MaxSIOp, arith::MinSIOp>(def))
    return isNonNegative(def->getOperand(0)) && isNonNegative(def->getOperand(1));
  return false;
}

OpFoldResult NodeImporter::eq(OpFoldResult a, OpFoldResult c) {
  std::optional<int64_t> ca = getConstantIntValue(a), cc = getConstantIntValue(c);
  if (ca && cc)
    return b.getIndexAttr(*ca == *cc);
  if (a == c)
    return b.getIndexAttr(1);
  if ((ca && *ca < 0 && isNonNegative(c)) || (cc && *cc < 0 && isNonNegative(a)))
    return b.getIndexAttr(0);
  Value cmp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, indexValue(a), indexValue(c));
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), cmp).getResult();
}

OpFoldResult NodeImporter::select(OpFoldResult cond, OpFoldResult a, OpFoldResult c) {
  if (std::optional<int64_t> cc = getConstantIntValue(cond))
    return *cc ? a : c;
  Value flag = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, indexValue(cond),
                                     indexValue(b.getIndexAttr(0)));
  return arith::SelectOp::create(b, loc, flag, indexValue(a), indexValue(c)).getResult();
}

void NodeImporter::splitMixed(ArrayRef<OpFoldResult> mixed, SmallVectorImpl<int64_t> &statics,
                              SmallVectorImpl<Value> &dynamics) {
  for (OpFoldResult ofr : mixed) {
    if (std::optional<int64_t> c = getConstantIntValue(ofr)) {
      statics.push_back(*c);
    } else {
      statics.push_back(ShapedType::kDynamic);
      dynamics.push_back(cast<Value>(ofr));
    }
  }
}

Value NodeImporter::fromDims(ArrayRef<OpFoldResult> elems, bool isScalar) {
  SmallVector<int64_t> statics;
  SmallVector<Value> dynamics;
  splitMixed(elems, statics, dynamics);
  Value result;
  if (dynamics.empty()) {
    SmallVector<int64_t> shape;
    if (!isScalar)
      shape.push_back(statics.size());
    result = intTensor(statics, shape, b.getI64Type());
  } else {
    auto type = isScalar ? RankedTensorType::get({}, b.getI64Type())
                         : RankedTensorType::get({static_cast<int64_t>(statics.size())},
                                                 b.getI64Type());
    result = FromDimsOp::create(b, loc, type, dynamics, b.getDenseI64ArrayAttr(statics));
  }
  graph.knownElements[result] = SmallVector<OpFoldResult>(elems);
  return result;
}

//===----------------------------------------------------------------------===//
// Common op builders
//===----------------------------------------------------------------------===//

FailureOr<int64_t> NodeImporter::axisAttr(StringRef name, int64_t dflt, int64_t rank) {
  FailureOr<int64_t> axis = intAttr(name, dflt);
  if (failed(axis))
    return failure();
  return normalizeAxis(*axis, rank);
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank, StringRef what) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank)
    return error() << what << " " << axis << " is out of range for rank " << rank;
  return normalized;
}

Value NodeImporter::reshape(Value v, ArrayRef<OpFoldResult> shape) {
  SmallVector<int64_t> statics;
  SmallVector<Value> dynamics;
  splitMixed(shape, statics, dynamics);
  auto type = RankedTensorType::get(statics, cast<RankedTensorType>(v.getType()).getElementType());
  if (type == v.getType() && type.hasStaticShape())
    return v;
  return ReshapeOp::create(b, loc, type, v, dynamics, b.getDenseI64ArrayAttr(statics));
}

Value NodeImporter::transpose(Value v, ArrayRef<int64_t> perm) {
  return build<TransposeOp>(v, b.getDenseI64ArrayAttr(perm));
}

Value NodeImporter::unsqueeze(Value v, ArrayRef<int64_t> axes) {
  return build<UnsqueezeOp>(v, b.getDenseI64ArrayAttr(axes));
}

Value NodeImporter::castTo(Value v, Type elementType) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  return CastOp::create(b, loc, type.clone(elementType), v);
}

Value NodeImporter::sliceAxis(Value v, int64_t axis, OpFoldResult start, OpFoldResult end) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> starts, ends;
  SmallVector<Value> dynStarts, dynEnds;
  splitMixed({start}, starts, dynStarts);
  splitMixed({end}, ends, dynEnds);
  SmallVector<int64_t> shape(type.getShape());
  std::optional<int64_t> s = getConstantIntValue(start), e = getConstantIntValue(end);
  shape[axis] = (s && e && *s >= 0 && *e >= *s && !type.isDynamicDim(axis) &&
                 *e <= type.getDimSize(axis))
                    ? *e - *s
                    : ShapedType::kDynamic;
  return SliceOp::create(b, loc, type.clone(shape), v, dynStarts, dynEnds,
                         b.getDenseI64ArrayAttr({axis}), b.getDenseI64ArrayAttr(starts),
                         b.getDenseI64ArrayAttr(ends), b.getDenseI64ArrayAttr({1}));
}

Value NodeImporter::splitHeads(Value v, int64_t heads) {
  SmallVector<OpFoldResult> d = dims(v);
  OpFoldResult headDim = floorDiv(d[2], b.getIndexAttr(heads));
  Value r = reshape(v, {d[0], d[1], b.getIndexAttr(heads), headDim});
  return transpose(r, {0, 2, 1, 3});
}

Value NodeImporter::mergeHeads(Value v) {
  Value t = transpose(v, {0, 2, 1, 3});
  SmallVector<OpFoldResult> d = dims(t);
  return reshape(t, {d[0], d[1], mul(d[2], d[3])});
}
