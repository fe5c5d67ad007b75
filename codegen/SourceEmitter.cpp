//===- SourceEmitter.cpp - llm IR to C++ / CUDA C++ source -----------------===//
//
// Each function becomes:
//
//   computeDims_F(input_dims, D, error)  every dynamic dim and index value of
//                                        the program, in op order, into D[k],
//                                        with the shape checks the verifier
//                                        could not do statically;
//   F_plan(args)                         computeDims + buffer sizes + output
//                                        dims;
//   F_run(args)                          computeDims + one kernel call per op.
//
// A dim is a C++ expression: a literal for static dims, `D[k]` otherwise.
// Dims are always host values; tensor data is only touched by library calls
// (llmk::copy, fill, range, storeValues included), so the same program runs
// on host memory (cpu) or launches on a stream over device memory (cuda).
//
//===----------------------------------------------------------------------===//

#include "codegen/SourceEmitter.h"

#include "dialects/LLM/IR/LLMOps.h"
#include "passes/MemoryPlanning/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

#include <map>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::codegen;

namespace {

using Dims = SmallVector<std::string>;

/// Dense constants larger than this live in the weights file, not the code.
constexpr int64_t kInlineConstantBytes = 4096;

std::string lit(int64_t v) {
  if (v == std::numeric_limits<int64_t>::min())
    return "INT64_MIN";
  return v < 0 ? fmt::format("({}LL)", v) : fmt::format("{}LL", v);
}

bool isLiteral(const std::string &expr) {
  return !expr.empty() && expr.find("D[") == std::string::npos &&
         expr.find('(') == std::string::npos;
}

std::string product(ArrayRef<std::string> dims) {
  if (dims.empty())
    return "1LL";
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? " * " : "") + dims[i];
  return s + ")";
}

std::string hexFloat(double v) {
  if (std::isnan(v))
    return "NAN";
  if (std::isinf(v))
    return v > 0 ? "INFINITY" : "(-INFINITY)";
  return fmt::format("{:a}", v);
}

Type storageType(Type type) {
  if (auto quantType = dyn_cast<quant::QuantizedType>(type))
    return quantType.getStorageType();
  return type;
}

/// The C++ element type of a tensor element type.
std::string cppType(Type type) {
  type = storageType(type);
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isF16())
    return "llmk::f16";
  if (type.isBF16())
    return "llmk::bf16";
  if (auto intType = dyn_cast<IntegerType>(type)) {
    unsigned width = intType.getWidth();
    if (width == 1)
      return "bool";
    bool isUnsigned = intType.isUnsigned();
    unsigned bits = width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64;
    return fmt::format("{}int{}_t", isUnsigned ? "u" : "", bits);
  }
  return "";
}

std::string escape(StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '%') {
      out += "%%";
      continue;
    }
    if (c == '\n') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}

std::string locationOf(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc().print(os);
  return escape(text);
}

/// Emits one function.
class FunctionEmitter {
public:
  FunctionEmitter(func::FuncOp func, EmittedModule &module, std::string &globals,
                  DenseMap<Attribute, int64_t> &weightIndex, const EmitOptions &options)
      : func(func), module(module), globals(globals), weightIndex(weightIndex),
        cuda(options.target == Target::CUDA), profileOps(options.profileOps) {}

  LogicalResult emit(EmittedEntry &entry);

private:
  // Dims and index values.
  std::string newSlot(const std::string &expr) {
    std::string slot = fmt::format("D[{}]", numSlots++);
    dimsCode += fmt::format("  {} = {};\n", slot, expr);
    return slot;
  }
  void check(const std::string &condition, Operation *op, const std::string &what) {
    dimsCode += fmt::format("  if (!({})) return llmk::fail(E, EC, \"{}: {}\");\n", condition,
                            locationOf(op), escape(what));
  }
  /// Checks `a == b` at run time, reporting both values when they differ.
  void checkEq(const std::string &a, const std::string &b, Operation *op, const std::string &what) {
    if (a == b)
      return;
    dimsCode += fmt::format("  if (({0}) != ({1})) return llmk::fail(E, EC, \"{2}: {3} (%lld vs %lld)\", "
                            "(long long)({0}), (long long)({1}));\n",
                            a, b, locationOf(op), escape(what));
  }
  /// Records the dims of `result`: a static dim stays a literal (and is
  /// checked against the computed one when that one is dynamic).
  void setDims(Value result, const Dims &computed, Operation *op) {
    auto type = cast<RankedTensorType>(result.getType());
    Dims dims;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (!type.isDynamicDim(i)) {
        std::string expr = lit(type.getDimSize(i));
        if (i < (int64_t)computed.size() && !isLiteral(computed[i]))
          checkEq(computed[i], expr, op,
                  fmt::format("dim {} of the result differs from the graph's static size", i));
        dims.push_back(expr);
      } else {
        dims.push_back(isLiteral(computed[i]) || computed[i].rfind("D[", 0) == 0
                           ? computed[i]
                           : newSlot(computed[i]));
      }
    }
    dimsOf[result] = dims;
  }
  /// The dims of `v`. References stay valid while setDims adds entries (a
  /// std::map's nodes never move), so callers may hold several at once.
  const Dims &dims(Value v) const {
    static const Dims none;
    auto it = dimsOf.find(v);
    return it == dimsOf.end() ? none : it->second;
  }
  std::string shape(Value v) {
    Dims d = dims(v);
    std::string s = fmt::format("llmk::Shape{{{}, {{", d.size());
    for (size_t i = 0; i < d.size(); ++i)
      s += (i ? ", " : "") + d[i];
    return s + "}}";
  }
  std::string numel(Value v) { return product(dims(v)); }
  std::string span(Value v, int64_t from, int64_t to) {
    Dims d = dims(v);
    return product(ArrayRef<std::string>(d).slice(from, to - from));
  }
  std::string ptr(Value v) { return names.lookup(v); }
  std::string in(Value v) {
    auto view = rowStrides.find(v);
    if (view != rowStrides.end())
      return fmt::format("llmk::in({}, {}, {})", ptr(v), shape(v), view->second);
    return fmt::format("llmk::in({}, {})", ptr(v), shape(v));
  }
  std::string elt(Value v) {
    return cppType(cast<RankedTensorType>(v.getType()).getElementType());
  }

  /// Defines the data pointer of a result: its planned buffer in the arena,
  /// or, for a returned value, the output buffer the runtime allocated from
  /// the plan (saves a copy of the whole output, the logits say, at the end).
  LogicalResult defineResult(Operation *op, unsigned index) {
    Value result = op->getResult(index);
    if (auto slot = returnedAt.find(result); slot != returnedAt.end()) {
      std::string name = fmt::format("v{}", numValues++);
      run += fmt::format("  auto *{} = static_cast<{} *>(args->outputs[{}]);\n", name,
                         elt(result), slot->second);
      names[result] = name;
      writtenToOutput.insert(result);
      return success();
    }
    auto buffers = op->getAttrOfType<DenseI64ArrayAttr>(kBuffersAttr);
    if (!buffers || buffers.size() <= (int64_t)index || buffers[index] < 0)
      return op->emitError("codegen: result has no planned buffer (run llm-plan-memory first)");
    std::string name = fmt::format("v{}", numValues++);
    run += fmt::format("  auto *{} = reinterpret_cast<{} *>(A + O[{}]);\n", name, elt(result),
                       buffers[index]);
    names[result] = name;
    return success();
  }
  void alias(Value result, Value source) {
    std::string name = fmt::format("v{}", numValues++);
    run += fmt::format("  auto *{} = reinterpret_cast<{} *>({});\n", name, elt(result), ptr(source));
    names[result] = name;
    // A row-strided split piece is only ever reshaped into [B, S, H, D] for
    // "bshd" rotary and attention (isStridedSplitView), whose rows are then
    // each position's heads, the same row stride apart.
    auto view = rowStrides.find(source);
    if (view != rowStrides.end())
      rowStrides[result] = view->second;
  }

  /// Row-strided operands reach rotary and attention only as [B, S, H, D]
  /// "bshd" tensors (the planner's isStridedSplitView); anything else would
  /// be read wrongly, so it is refused rather than emitted.
  LogicalResult checkHeadsView(Operation *op, ValueRange operands, bool bshd) {
    for (Value v : operands)
      if (v && rowStrides.count(v) && (!bshd || dims(v).size() != 4))
        return op->emitError("codegen: a row-strided view reaches this op in a layout it "
                             "cannot read in place");
    return success();
  }

  /// A scalar known at dims time: an integer/float constant, or an index
  /// value turned into a tensor by from_dims.
  std::optional<std::string> scalarOf(Value v) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return std::nullopt;
    if (auto constant = dyn_cast<ConstantOp>(def)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense || dense.getNumElements() != 1)
        return std::nullopt;
      Type elementType = dense.getElementType();
      if (isa<FloatType>(elementType))
        return hexFloat((*dense.getValues<APFloat>().begin()).convertToDouble());
      if (elementType.isInteger(1))
        return *dense.getValues<bool>().begin() ? "1LL" : "0LL";
      if (isa<IntegerType>(elementType)) {
        APInt value = *dense.getValues<APInt>().begin();
        return lit(elementType.isUnsignedInteger() ? (int64_t)value.getZExtValue()
                                                   : value.getSExtValue());
      }
      return std::nullopt;
    }
    if (auto fromDims = dyn_cast<FromDimsOp>(def)) {
      SmallVector<std::string> values = indexList(fromDims.getDims(), fromDims.getStaticDims());
      if (values.size() != 1)
        return std::nullopt;
      return values[0];
    }
    if (auto castOp = dyn_cast<CastOp>(def))
      if (isa<IntegerType>(getElementTypeOrSelf(castOp.getInput().getType())) &&
          isa<IntegerType>(getElementTypeOrSelf(castOp.getType())))
        return scalarOf(castOp.getInput());
    return std::nullopt;
  }
  /// A 1-D integer tensor known at dims time.
  std::optional<Dims> vectorOf(Value v) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return std::nullopt;
    if (auto constant = dyn_cast<ConstantOp>(def)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense || !isa<IntegerType>(dense.getElementType()))
        return std::nullopt;
      Dims values;
      for (const APInt &value : dense.getValues<APInt>())
        values.push_back(lit(value.getSExtValue()));
      return values;
    }
    if (auto fromDims = dyn_cast<FromDimsOp>(def))
      return indexList(fromDims.getDims(), fromDims.getStaticDims());
    return std::nullopt;
  }
  /// Mixed static/dynamic index lists (custom<DynamicIndexList>).
  Dims indexList(ValueRange dynamic, ArrayRef<int64_t> staticValues) {
    Dims out;
    unsigned next = 0;
    for (int64_t value : staticValues)
      out.push_back(ShapedType::isDynamic(value) ? indexExpr.lookup(dynamic[next++]) : lit(value));
    return out;
  }

  Dims broadcastDims(Operation *op, ArrayRef<Value> operands) {
    int64_t rank = 0;
    for (Value v : operands)
      rank = std::max<int64_t>(rank, dims(v).size());
    Dims out(rank, "1LL");
    for (Value v : operands) {
      const Dims &d = dims(v);
      int64_t offset = rank - d.size();
      for (size_t i = 0; i < d.size(); ++i) {
        std::string &o = out[offset + i];
        if (d[i] == "1LL")
          continue;
        if (o == "1LL" || o == d[i]) {
          o = d[i];
          continue;
        }
        std::string merged = fmt::format("llmk::broadcastDim({}, {})", o, d[i]);
        o = newSlot(merged);
        check(fmt::format("{} >= 0", o), op, "operand shapes do not broadcast");
      }
    }
    return out;
  }

  /// Numpy matmul result dims, with the run-time checks.
  Dims matmulDims(Operation *op, Value lhs, Value rhs) {
    const Dims &a = dims(lhs), &b = dims(rhs);
    std::string k = a.back(), kb = b.size() == 1 ? b[0] : b[b.size() - 2];
    checkEq(k, kb, op, "the contraction dims differ");
    Dims batchA(a.begin(), a.size() > 2 ? a.end() - 2 : a.begin());
    Dims batchB(b.begin(), b.size() > 2 ? b.end() - 2 : b.begin());
    int64_t rank = std::max(batchA.size(), batchB.size());
    Dims out;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t ia = i - (rank - batchA.size()), ib = i - (rank - batchB.size());
      std::string x = ia >= 0 ? batchA[ia] : "1LL", y = ib >= 0 ? batchB[ib] : "1LL";
      if (x == y || y == "1LL")
        out.push_back(x);
      else if (x == "1LL")
        out.push_back(y);
      else {
        out.push_back(newSlot(fmt::format("llmk::broadcastDim({}, {})", x, y)));
        check(fmt::format("{} >= 0", out.back()), op, "the batch dims do not broadcast");
      }
    }
    if (a.size() > 1)
      out.push_back(a[a.size() - 2]);
    if (b.size() > 1)
      out.push_back(b.back());
    return out;
  }

  LogicalResult emitFused(FusedOp op);
  LogicalResult emitQuantization(Operation *op);
  LogicalResult emitQuantizedMatmul(QuantizedMatmulOp op);
  /// Declares the quantization parameters of `op` (operands or a !quant
  /// type) and returns the C++ expression of an llmk::QuantLayout.
  FailureOr<std::string> quantParams(Operation *op, Value quantized, Type quantType, Value scale,
                                     Value zeroPoint, int64_t axis, int64_t blockSize,
                                     std::string &scalePtr, std::string &zeroPtr);
  LogicalResult emitOp(Operation *op);
  LogicalResult emitIndexOp(Operation *op);
  LogicalResult emitElementwise(Operation *op);
  LogicalResult emitConstant(ConstantOp op);

  func::FuncOp func;
  EmittedModule &module;
  std::string &globals;
  DenseMap<Attribute, int64_t> &weightIndex;
  /// Device code: every constant lives in the weights file (device memory),
  /// and ops the CUDA library lacks are refused.
  bool cuda;
  bool profileOps;
  int64_t numProfiled = 0;
  std::string dimsCode, run;
  int64_t numSlots = 0, numValues = 0;
  struct ValueOrder {
    bool operator()(Value a, Value b) const {
      return a.getAsOpaquePointer() < b.getAsOpaquePointer();
    }
  };
  std::map<Value, Dims, ValueOrder> dimsOf;
  DenseMap<Value, std::string> indexExpr;
  DenseMap<Value, std::string> names;
  /// Values read in place as row-strided views: their row pitch (elements).
  DenseMap<Value, std::string> rowStrides;
  /// Results the function returns, each with the first output slot it goes
  /// to: their producers write straight into the caller's output buffer.
  DenseMap<Value, unsigned> returnedAt;
  /// Those whose producer did (no copy into the output at the end).
  DenseSet<Value> writtenToOutput;
};

} // namespace

std::string mlir::llm::codegen::manifestDType(Type type) {
  type = storageType(type);
  if (type.isF32()) return "float32";
  if (type.isF64()) return "float64";
  if (type.isF16()) return "float16";
  if (type.isBF16()) return "bfloat16";
  if (auto intType = dyn_cast<IntegerType>(type)) {
    unsigned width = intType.getWidth();
    if (width == 1)
      return "bool";
    // Sub-byte integers (int4) are stored unpacked, one per byte.
    unsigned bits = width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64;
    return fmt::format("{}int{}", intType.isUnsigned() ? "u" : "", bits);
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

LogicalResult FunctionEmitter::emitConstant(ConstantOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  Value result = op.getResult();
  dimsOf[result] = {};
  for (int64_t d : type.getShape())
    dimsOf[result].push_back(lit(d));
  std::string name = fmt::format("v{}", numValues++);
  names[result] = name;

  if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op.emitError("codegen: the weights of '")
             << resource.getRawHandle().getKey()
             << "' are not in the module (elided when it was printed?)";
    auto [it, inserted] = weightIndex.try_emplace(resource, module.weights.size());
    if (inserted)
      module.weights.push_back(
          {resource.getRawHandle().getKey().str(), type, blob->getData()});
    run += fmt::format("  auto *{} = static_cast<{} *>(const_cast<void *>(W[{}])); // {}\n", name,
                       elt(result), it->second, resource.getRawHandle().getKey().str());
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense)
    return op.emitError("codegen: unsupported constant attribute");
  std::vector<uint8_t> bytes;
  int64_t count = type.getNumElements();
  if (type.getElementType().isInteger(1)) {
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b);
  } else if (dense.isSplat()) {
    // A large splat is filled once, on first use, instead of spelled out
    // (on the CPU; CUDA code reads every constant from the weights file).
    ArrayRef<char> raw = dense.getRawData();
    if (!cuda && count * (int64_t)raw.size() > kInlineConstantBytes) {
      std::string t = elt(result);
      std::string value = fmt::format("{}", (int)(unsigned char)raw[0]);
      for (size_t i = 1; i < raw.size(); ++i)
        value += fmt::format(", {}", (int)(unsigned char)raw[i]);
      run += fmt::format(
          "  static const std::vector<{0}> {1}_fill = [] {{\n"
          "    const unsigned char bytes[] = {{{2}}};\n    {0} v;\n    std::memcpy(&v, bytes, sizeof v);\n"
          "    return std::vector<{0}>({3}, v);\n  }}();\n"
          "  auto *{1} = const_cast<{0} *>({1}_fill.data());\n",
          t, name, value, count);
      return success();
    }
    for (int64_t i = 0; i < count; ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.end());
  } else {
    ArrayRef<char> raw = dense.getRawData();
    bytes.assign(raw.begin(), raw.end());
  }
  // Large dense constants (a causal-mask table, say) go to the weights file
  // like initializers; small ones are part of the program's text, except on
  // CUDA, where the code's data is device memory the runtime fills.
  if (cuda || (int64_t)bytes.size() > kInlineConstantBytes) {
    if (bytes.empty())
      bytes.push_back(0);
    auto storage = std::make_shared<std::vector<char>>(bytes.begin(), bytes.end());
    int64_t index = module.weights.size();
    module.weights.push_back({fmt::format("llm.constant.{}", index), type,
                              ArrayRef<char>(storage->data(), storage->size()), storage});
    run += fmt::format("  auto *{} = static_cast<{} *>(const_cast<void *>(W[{}])); // {}\n", name,
                       elt(result), index, module.weights.back().name);
    return success();
  }
  if (bytes.empty())
    bytes.push_back(0);
  std::string array = fmt::format("alignas(64) const unsigned char c{}[{}] = {{", name, bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i)
    array += fmt::format("{}{}{}", i ? "," : "", i % 32 ? "" : "\n  ", bytes[i]);
  globals += array + "};\n";
  run += fmt::format("  auto *{0} = reinterpret_cast<{1} *>(const_cast<unsigned char *>(c{0}));\n",
                     name, elt(result));
  return success();
}

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

LogicalResult FunctionEmitter::emitIndexOp(Operation *op) {
  auto e = [&](unsigned i) { return indexExpr.lookup(op->getOperand(i)); };
  std::string expr;
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    auto value = dyn_cast<IntegerAttr>(constant.getValue());
    if (!value)
      return op->emitError("codegen: unsupported arith.constant");
    expr = lit(value.getType().isInteger(1) ? (int64_t)value.getValue().getZExtValue()
                                            : value.getValue().getSExtValue());
    indexExpr[op->getResult(0)] = expr;
    return success();
  }
  if (isa<arith::AddIOp>(op)) expr = fmt::format("{} + {}", e(0), e(1));
  else if (isa<arith::SubIOp>(op)) expr = fmt::format("{} - {}", e(0), e(1));
  else if (isa<arith::MulIOp>(op)) expr = fmt::format("{} * {}", e(0), e(1));
  else if (isa<arith::DivSIOp>(op)) expr = fmt::format("llmk::divTrunc({}, {})", e(0), e(1));
  else if (isa<arith::RemSIOp>(op)) expr = fmt::format("llmk::remTrunc({}, {})", e(0), e(1));
  else if (isa<arith::FloorDivSIOp>(op)) expr = fmt::format("llmk::divFloor({}, {})", e(0), e(1));
  else if (isa<arith::CeilDivSIOp>(op)) expr = fmt::format("llmk::divCeil({}, {})", e(0), e(1));
  else if (isa<arith::MaxSIOp>(op)) expr = fmt::format("std::max({}, {})", e(0), e(1));
  else if (isa<arith::MinSIOp>(op)) expr = fmt::format("std::min({}, {})", e(0), e(1));
  else if (isa<arith::SelectOp>(op)) expr = fmt::format("({} ? {} : {})", e(0), e(1), e(2));
  else if (isa<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(op)) expr = e(0);
  else if (isa<arith::AndIOp>(op)) expr = fmt::format("({} & {})", e(0), e(1));
  else if (isa<arith::OrIOp>(op)) expr = fmt::format("({} | {})", e(0), e(1));
  else if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    const char *symbol = nullptr;
    switch (cmp.getPredicate()) {
    case arith::CmpIPredicate::eq: symbol = "=="; break;
    case arith::CmpIPredicate::ne: symbol = "!="; break;
    case arith::CmpIPredicate::slt: symbol = "<"; break;
    case arith::CmpIPredicate::sle: symbol = "<="; break;
    case arith::CmpIPredicate::sgt: symbol = ">"; break;
    case arith::CmpIPredicate::sge: symbol = ">="; break;
    default: return op->emitError("codegen: unsupported unsigned index comparison");
    }
    expr = fmt::format("({} {} {} ? 1LL : 0LL)", e(0), symbol, e(1));
  } else if (auto dim = dyn_cast<DimOp>(op)) {
    indexExpr[dim.getResult()] = dims(dim.getInput())[dim.getIndex()];
    return success();
  } else {
    return op->emitError("codegen: unsupported index op '") << op->getName() << "'";
  }
  indexExpr[op->getResult(0)] = newSlot(expr);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops: one llmk::elementwise loop each, with the scalar body as a
// lambda the host compiler inlines.
//===----------------------------------------------------------------------===//

static std::optional<std::string> scalarBody(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<std::string>>(op)
      .Case([](AddOp) { return "a + b"; })
      .Case([](SubOp) { return "a - b"; })
      .Case([](MulOp) { return "a * b"; })
      .Case([](DivOp) { return "llmk::safeDiv(a, b)"; })
      .Case([](PowOp) { return "llmk::power(a, b)"; })
      .Case([](MaxOp) { return "(a > b || a != a) ? a : b"; })
      .Case([](MinOp) { return "(a < b || a != a) ? a : b"; })
      .Case([](ModOp) { return "llmk::floorMod(a, b)"; })
      .Case([](EqOp) { return "a == b"; })
      .Case([](LtOp) { return "a < b"; })
      .Case([](LeOp) { return "a <= b"; })
      .Case([](GtOp) { return "a > b"; })
      .Case([](GeOp) { return "a >= b"; })
      .Case([](AndOp) { return "a && b"; })
      .Case([](OrOp) { return "a || b"; })
      .Case([](XorOp) { return "a != b"; })
      .Case([](SqrtOp) { return "llmk::sqrt(a)"; })
      .Case([](RsqrtOp) { return "1 / llmk::sqrt(a)"; })
      .Case([](ReciprocalOp) { return "1 / a"; })
      .Case([](ExpOp) { return "llmk::vexp(a)"; })
      .Case([](LogOp) { return "llmk::log(a)"; })
      .Case([](TanhOp) { return "llmk::vtanh(a)"; })
      .Case([](ErfOp) { return "llmk::verf(a)"; })
      .Case([](SigmoidOp) { return "llmk::sigmoid(a)"; })
      .Case([](SinOp) { return "llmk::sin(a)"; })
      .Case([](CosOp) { return "llmk::cos(a)"; })
      .Case([](FloorOp) { return "llmk::floor(a)"; })
      .Case([](CeilOp) { return "llmk::ceil(a)"; })
      .Case([](RoundOp) { return "llmk::nearbyint(a)"; })
      .Case([](SiluOp) { return "a * llmk::sigmoid(a)"; })
      .Case([](SwiGluOp) { return "llmk::sigmoid(a) * a * b"; })
      .Case([](ReluOp) { return "a > 0 ? a : decltype(a)(0)"; })
      .Case([](NegOp) { return "-a"; })
      .Case([](AbsOp) { return "a < 0 ? -a : a"; })
      .Case([](NotOp) { return "!a"; })
      .Case([](IsNanOp) { return "a != a"; })
      .Case([](CastOp cast) -> std::string {
        // Integers narrower than a byte (int4, uint4) are stored one per
        // byte; a cast wraps the value to its low bits, as ONNX Cast does.
        auto intType = dyn_cast<IntegerType>(getElementTypeOrSelf(cast.getType()));
        if (intType && intType.getWidth() > 1 && intType.getWidth() < 8)
          return fmt::format("llmk::wrapInt<{}, {}>(a)", intType.getWidth(),
                             intType.isUnsigned() ? "false" : "true");
        return "a";
      })
      .Case([](ExpandOp) { return "a"; })
      .Case([](WhereOp) { return "a ? b : c"; })
      .Case([](GeluOp gelu) {
        return gelu.getApproximate() == "tanh" ? "llmk::geluTanh(a)" : "llmk::gelu(a)";
      })
      .Default([](Operation *) { return std::nullopt; });
}

LogicalResult FunctionEmitter::emitElementwise(Operation *op) {
  std::optional<std::string> body = scalarBody(op);
  Value result = op->getResult(0);
  SmallVector<Value> operands(op->getOperands());
  if (auto expand = dyn_cast<ExpandOp>(op)) {
    operands = {expand.getInput()};
    // The target shape broadcasts with the input (ONNX Expand).
    Dims target = indexList(expand.getShape(), expand.getStaticShape());
    const Dims &input = dims(expand.getInput());
    int64_t rank = std::max(target.size(), input.size());
    Dims out(rank);
    for (int64_t i = 0; i < rank; ++i) {
      int64_t ti = i - (rank - target.size()), ii = i - (rank - input.size());
      std::string t = ti >= 0 ? target[ti] : "1LL", x = ii >= 0 ? input[ii] : "1LL";
      if (t == "1LL" || t == x)
        out[i] = x;
      else if (x == "1LL")
        out[i] = t;
      else {
        out[i] = newSlot(fmt::format("llmk::broadcastDim({}, {})", x, t));
        check(fmt::format("{} >= 0", out[i]), op, "the input does not broadcast to the shape");
      }
    }
    setDims(result, out, op);
  } else if (operands.size() == 1) {
    setDims(result, dims(operands[0]), op);
  } else {
    setDims(result, broadcastDims(op, operands), op);
  }
  if (failed(defineResult(op, 0)))
    return failure();
  static const char *params[] = {"auto a", "auto b", "auto c"};
  std::string lambda = "[] LLMK_FN (";
  std::string args;
  for (size_t i = 0; i < operands.size(); ++i) {
    lambda += (i ? ", " : "") + std::string(params[i]);
    args += ", " + in(operands[i]);
  }
  lambda += fmt::format(") {{ return {}; }}", *body);
  run += fmt::format("  llmk::elementwise({}, {}, {}{});\n", shape(result), ptr(result), lambda,
                     args);
  return success();
}

//===----------------------------------------------------------------------===//
// Everything else
//===----------------------------------------------------------------------===//

static int64_t normalizeAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

LogicalResult FunctionEmitter::emitOp(Operation *op) {
  if (isa<arith::ArithDialect>(op->getDialect()) || isa<DimOp>(op))
    return emitIndexOp(op);
  if (auto constant = dyn_cast<ConstantOp>(op))
    return emitConstant(constant);
  if (scalarBody(op))
    return emitElementwise(op);
  std::string loc = locationOf(op);

  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      // Views: same memory, new dims.
      .Case([&](ReshapeOp reshape) {
        Dims target = indexList(reshape.getShape(), reshape.getStaticShape());
        checkEq(numel(reshape.getInput()), product(target), op,
                "reshape changes the number of elements");
        setDims(reshape.getResult(), target, op);
        alias(reshape.getResult(), reshape.getInput());
        return success();
      })
      .Case([&](DynamicReshapeOp reshape) -> LogicalResult {
        std::optional<Dims> target = vectorOf(reshape.getShape());
        if (!target)
          return op->emitError("codegen: reshape to a shape computed from tensor data is not "
                               "supported");
        const Dims &input = dims(reshape.getInput());
        Dims out;
        int64_t inferred = -1;
        for (size_t i = 0; i < target->size(); ++i) {
          const std::string &t = (*target)[i];
          if (t == "0LL" && !reshape.getAllowzero() && i < input.size())
            out.push_back(input[i]);
          else if (t == "(-1LL)") {
            inferred = i;
            out.push_back("1LL");
          } else
            out.push_back(t);
        }
        if (inferred >= 0) {
          Dims others = out;
          others.erase(others.begin() + inferred);
          out[inferred] = newSlot(fmt::format("llmk::divTrunc({}, {})", numel(reshape.getInput()),
                                              product(others)));
        }
        checkEq(numel(reshape.getInput()), product(out), op,
                "reshape changes the number of elements");
        setDims(reshape.getResult(), out, op);
        alias(reshape.getResult(), reshape.getInput());
        return success();
      })
      .Case([&](SqueezeOp squeeze) {
        const Dims &input = dims(squeeze.getInput());
        int64_t rank = input.size();
        SmallVector<bool> drop(rank, false);
        for (int64_t axis : squeeze.getAxes())
          drop[normalizeAxis(axis, rank)] = true;
        Dims out;
        for (int64_t i = 0; i < rank; ++i) {
          if (drop[i])
            check(fmt::format("{} == 1", input[i]), op, fmt::format("squeezed dim {} is not 1", i));
          else
            out.push_back(input[i]);
        }
        setDims(squeeze.getResult(), out, op);
        alias(squeeze.getResult(), squeeze.getInput());
        return success();
      })
      .Case([&](UnsqueezeOp unsqueeze) {
        const Dims &input = dims(unsqueeze.getInput());
        int64_t rank = input.size() + unsqueeze.getAxes().size();
        SmallVector<bool> inserted(rank, false);
        for (int64_t axis : unsqueeze.getAxes())
          inserted[normalizeAxis(axis, rank)] = true;
        Dims out;
        size_t next = 0;
        for (int64_t i = 0; i < rank; ++i)
          out.push_back(inserted[i] ? "1LL" : input[next++]);
        setDims(unsqueeze.getResult(), out, op);
        alias(unsqueeze.getResult(), unsqueeze.getInput());
        return success();
      })
      .Case([&](StorageCastOp castOp) {
        setDims(castOp.getResult(), dims(castOp.getInput()), op);
        alias(castOp.getResult(), castOp.getInput());
        return success();
      })
      // Products.
      .Case([&](MatmulOp matmul) -> LogicalResult {
        setDims(matmul.getResult(), matmulDims(op, matmul.getLhs(), matmul.getRhs()), op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  llmk::matmul({}, {}, {});\n", in(matmul.getLhs()),
                           in(matmul.getRhs()), ptr(matmul.getResult()));
        return success();
      })
      .Case([&](LinearOp linear) -> LogicalResult {
        const Dims &x = dims(linear.getInput()), &w = dims(linear.getWeight());
        bool transposed = linear.getTransposeWeight();
        std::string k = transposed ? w[1] : w[0], n = transposed ? w[0] : w[1];
        checkEq(x.back(), k, op, "the contraction dims differ");
        Dims out(x.begin(), x.end() - 1);
        out.push_back(n);
        setDims(linear.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string bias = linear.getBias() ? ptr(linear.getBias()) : "nullptr";
        std::string residual = linear.getResidual() ? ptr(linear.getResidual()) : "nullptr";
        if (linear.getBias())
          checkEq(numel(linear.getBias()), n, op,
                  "the bias does not have one element per output feature");
        if (linear.getResidual())
          checkEq(numel(linear.getResidual()), numel(linear.getResult()), op,
                  "the residual does not have the result's shape");
        StringRef act = linear.getActivation();
        std::string activation = act == "gelu"        ? "Gelu"
                                 : act == "gelu_tanh" ? "GeluTanh"
                                 : act == "silu"      ? "Silu"
                                 : act == "relu"      ? "Relu"
                                                      : "None";
        std::string t = elt(linear.getResult());
        run += fmt::format("  llmk::linear<{}>({}, {}, {}, {}, {}, {}, {}, {}, {}, "
                           "llmk::Activation::{});\n",
                           t, ptr(linear.getInput()), ptr(linear.getWeight()), bias, residual,
                           ptr(linear.getResult()), span(linear.getInput(), 0, x.size() - 1), n, k,
                           transposed ? "true" : "false", activation);
        return success();
      })
      // Reductions and normalizations.
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp>(
          [&](auto reduce) -> LogicalResult {
            const Dims &x = dims(reduce.getInput());
            int64_t rank = x.size();
            // Empty axes reduce every axis (the dialect's definition).
            SmallVector<bool> reduced(rank, reduce.getAxes().empty());
            for (int64_t axis : reduce.getAxes())
              reduced[normalizeAxis(axis, rank)] = true;
            Dims out;
            for (int64_t i = 0; i < rank; ++i)
              if (!reduced[i])
                out.push_back(x[i]);
              else if (reduce.getKeepdims())
                out.push_back("1LL");
            setDims(reduce.getResult(), out, op);
            if (failed(defineResult(op, 0)))
              return failure();
            std::string flags;
            for (int64_t i = 0; i < rank; ++i)
              flags += std::string(i ? ", " : "") + (reduced[i] ? "true" : "false");
            const char *kind = isa<ReduceSumOp>(op)    ? "Sum"
                               : isa<ReduceMeanOp>(op) ? "Mean"
                               : isa<ReduceMaxOp>(op)  ? "Max"
                               : isa<ReduceMinOp>(op)  ? "Min"
                                                       : "Prod";
            run += fmt::format("  {{ static const bool reduced[] = {{{}}};\n"
                               "    llmk::reduce({}, {}, reduced, llmk::ReduceKind::{}); }}\n",
                               rank ? flags : "false", in(reduce.getInput()),
                               ptr(reduce.getResult()), kind);
            return success();
          })
      .Case([&](ArgMaxOp argmax) -> LogicalResult {
        const Dims &x = dims(argmax.getInput());
        int64_t axis = normalizeAxis(argmax.getAxis(), x.size());
        Dims out;
        for (int64_t i = 0; i < (int64_t)x.size(); ++i)
          if (i != axis)
            out.push_back(x[i]);
          else if (argmax.getKeepdims())
            out.push_back("1LL");
        setDims(argmax.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  llmk::argmax({}, {}, {}, {});\n", in(argmax.getInput()),
                           ptr(argmax.getResult()), axis,
                           argmax.getSelectLastIndex() ? "true" : "false");
        return success();
      })
      .Case<SoftmaxOp, LogSoftmaxOp>([&](auto softmax) -> LogicalResult {
        Value x = softmax.getInput();
        int64_t rank = dims(x).size();
        int64_t axis = normalizeAxis(softmax.getAxis(), rank);
        setDims(softmax.getResult(), dims(x), op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  llmk::softmax({}, {}, {}, {}, {}, {});\n", ptr(x),
                           ptr(softmax.getResult()), span(x, 0, axis), dims(x)[axis],
                           span(x, axis + 1, rank), isa<LogSoftmaxOp>(op) ? "true" : "false");
        return success();
      })
      .Case<LayerNormOp, RmsNormOp>([&](auto norm) -> LogicalResult {
        Value x = norm.getInput();
        int64_t rank = dims(x).size();
        int64_t axis = normalizeAxis(norm.getAxis(), rank);
        setDims(norm.getResult(), dims(x), op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string cols = span(x, axis, rank);
        std::string t = elt(norm.getResult());
        // Scale and bias broadcast to the normalized dims [axis, rank). One
        // element per normalized element (or a single one) is read as is;
        // another shape ([1, C] for dims [R, C], say) is expanded first.
        Dims xDims = dims(x);
        Dims normDims(xDims.begin() + axis, xDims.end());
        auto withoutLeadingOnes = [](Dims d) {
          while (!d.empty() && d.front() == "1LL")
            d.erase(d.begin());
          return d;
        };
        std::string expand;
        auto operand = [&](Value v) -> std::pair<std::string, std::string> {
          if (!v)
            return {"nullptr", "0"};
          Dims d = dims(v);
          if (withoutLeadingOnes(d).empty() ||
              withoutLeadingOnes(d) == withoutLeadingOnes(normDims)) {
            check(fmt::format("{} == {} || {} == 1", numel(v), cols, numel(v)), op,
                  "scale/bias must have one element per normalized element");
            return {ptr(v), numel(v)};
          }
          int64_t extra = (int64_t)d.size() - (int64_t)normDims.size();
          Dims aligned;
          for (int64_t i = 0; i < (int64_t)d.size(); ++i) {
            if (i < extra) {
              check(fmt::format("{} == 1", d[i]), op,
                    "scale/bias do not broadcast to the normalized dims");
              continue;
            }
            const std::string &n = normDims[i - extra];
            check(fmt::format("{0} == 1 || {0} == {1}", d[i], n), op,
                  "scale/bias do not broadcast to the normalized dims");
            aligned.push_back(d[i]);
          }
          std::string full = fmt::format("bcast{}", numValues++);
          auto shapeOf = [](const Dims &ds) {
            std::string s = fmt::format("llmk::Shape{{{}, {{", ds.size());
            for (size_t i = 0; i < ds.size(); ++i)
              s += (i ? ", " : "") + ds[i];
            return s + "}}";
          };
          expand += fmt::format("    llmk::Scratch<{0}> {1}({2});\n"
                                "    llmk::elementwise({3}, {1}.data(), [] LLMK_FN (auto a) {{ return a; }}, "
                                "llmk::in({4}, {5}));\n",
                                t, full, cols, shapeOf(normDims), ptr(v), shapeOf(aligned));
          return {full + ".data()", cols};
        };
        auto [scale, scaleN] = operand(norm.getScale());
        std::pair<std::string, std::string> bias{"nullptr", "0"};
        bool subtractMean = false;
        if constexpr (std::is_same_v<decltype(norm), LayerNormOp>) {
          bias = operand(norm.getBias());
          subtractMean = true;
        }
        run += fmt::format("  {{\n{}    llmk::layerNorm<{}>({}, {}, {}, {}, {}, {}, {}, {}, {}, {});\n  }}\n",
                           expand, t, ptr(x), scale, scaleN, bias.first, bias.second,
                           ptr(norm.getResult()), span(x, 0, axis), cols,
                           hexFloat(norm.getEpsilon().convertToFloat()),
                           subtractMean ? "true" : "false");
        return success();
      })
      .Case([&](CumSumOp cumsum) -> LogicalResult {
        Value x = cumsum.getInput();
        int64_t rank = dims(x).size();
        int64_t axis = normalizeAxis(cumsum.getAxis(), rank);
        setDims(cumsum.getResult(), dims(x), op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  llmk::cumsum({}, {}, {}, {}, {}, {}, {});\n", ptr(x),
                           ptr(cumsum.getResult()), span(x, 0, axis), dims(x)[axis],
                           span(x, axis + 1, rank), cumsum.getExclusive() ? "true" : "false",
                           cumsum.getReverse() ? "true" : "false");
        return success();
      })
      // Attention.
      .Case([&](AttentionOp attention) -> LogicalResult {
        Dims q = dims(attention.getQuery()), k = dims(attention.getKey()),
             v = dims(attention.getValue());
        const int64_t hd = attention.getHeadsDim(), sd = attention.getSeqDim();
        // Packed: q, k and v are heads of one [B, S, Hq + Hk + Hv, D] tensor.
        std::string packedHeads;
        if (auto packed = attention.getPackedHeads()) {
          const int64_t hq = (*packed)[0], hk = (*packed)[1], hv = (*packed)[2];
          check(fmt::format("{} == {}", q[hd], hq + hk + hv), op,
                "the packed q/k/v tensor's heads differ from packed_heads");
          q[hd] = lit(hq), k[hd] = lit(hk), v[hd] = lit(hv);
          packedHeads = fmt::format(", llmk::PackedHeads{{{}, {}, {}}}", hq, hk, hv);
        }
        check(fmt::format("{} == {} && {} == {} && {} == {}", q[3], k[3], k[sd], v[sd], k[hd],
                          v[hd]),
              op, "query/key/value dims are inconsistent");
        check(fmt::format("{} > 0 && {} % {} == 0", k[hd], q[hd], k[hd]), op,
              "query heads are not a multiple of key/value heads");
        setDims(attention.getResult(), {q[0], q[1], q[2], v[3]}, op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string scale = attention.getScale()
                                ? hexFloat(attention.getScale()->convertToFloat())
                                : fmt::format("1.0f / std::sqrt(static_cast<float>({}))", q[3]);
        std::string maskPtr = "nullptr", maskShape = "llmk::Shape{}", maskKind = "None";
        if (Value mask = attention.getMask()) {
          maskPtr = ptr(mask);
          maskShape = shape(mask);
          maskKind = getElementTypeOrSelf(mask.getType()).isInteger(1) ? "Bool" : "Additive";
        }
        StringRef causal = attention.getCausal();
        StringRef causalName = causal == "upper_left"    ? "UpperLeft"
                               : causal == "lower_right" ? "LowerRight"
                                                         : "None";
        StringRef layout = attention.getLayout() == "bshd" ? "BSHD" : "BHSD";
        if (failed(checkHeadsView(op,
                                  {attention.getQuery(), attention.getKey(), attention.getValue()},
                                  layout == "BSHD" && !attention.getPackedHeads())) ||
            failed(checkHeadsView(op, attention.getMask(), false)))
          return failure();
        run += fmt::format(
            "  llmk::attention({}, {}, {}, {}, {}, llmk::MaskKind::{}, {}, {}, llmk::Causal::{}, "
            "{}, llmk::HeadLayout::{}{});\n",
            in(attention.getQuery()), in(attention.getKey()), in(attention.getValue()), maskPtr,
            maskShape, maskKind, ptr(attention.getResult()), scale, causalName,
            hexFloat(attention.getSoftcap().convertToFloat()), layout, packedHeads);
        if (attention.getMaskedRows() == "uniform" && maskKind == "Bool")
          run += fmt::format("  llmk::attentionUniformMaskedRows({}, {}, {}, {}, {}, "
                             "llmk::Causal::{}, llmk::HeadLayout::{}{});\n",
                             in(attention.getQuery()), in(attention.getValue()), maskPtr,
                             maskShape, ptr(attention.getResult()), causalName, layout,
                             packedHeads);
        return success();
      })
      .Case([&](RotaryEmbeddingOp rotary) -> LogicalResult {
        const Dims &x = dims(rotary.getInput());
        setDims(rotary.getResult(), x, op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string rotaryDim =
            rotary.getRotaryDim() ? lit(*rotary.getRotaryDim()) : x[3];
        if (failed(checkHeadsView(op, rotary.getInput(), rotary.getLayout() == "bshd")) ||
            failed(checkHeadsView(op, {rotary.getCos(), rotary.getSin()}, false)))
          return failure();
        run += fmt::format("  llmk::rotaryEmbedding({}, {}, {}, {}, {}, {}, llmk::HeadLayout::{});\n",
                           in(rotary.getInput()), in(rotary.getCos()), in(rotary.getSin()),
                           ptr(rotary.getResult()), rotaryDim,
                           rotary.getInterleaved() ? "true" : "false",
                           rotary.getLayout() == "bshd" ? "BSHD" : "BHSD");
        return success();
      })
      // Data movement.
      .Case([&](GatherOp gather) -> LogicalResult {
        Value data = gather.getData(), indices = gather.getIndices();
        const Dims &d = dims(data);
        int64_t rank = d.size();
        int64_t axis = normalizeAxis(gather.getAxis(), rank);
        Dims out(d.begin(), d.begin() + axis);
        Dims idx = dims(indices);
        out.append(idx.begin(), idx.end());
        out.append(d.begin() + axis + 1, d.end());
        setDims(gather.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  if (!llmk::gather({}, {}, {}, {}, {}, {}, {}))\n"
                           "    return llmk::fail(E, EC, \"{}: gather index out of range\");\n",
                           ptr(data), span(data, 0, axis), d[axis], span(data, axis + 1, rank),
                           ptr(indices), numel(indices), ptr(gather.getResult()), loc);
        return success();
      })
      .Case([&](GatherElementsOp gather) -> LogicalResult {
        setDims(gather.getResult(), dims(gather.getIndices()), op);
        if (failed(defineResult(op, 0)))
          return failure();
        int64_t axis = normalizeAxis(gather.getAxis(), dims(gather.getData()).size());
        run += fmt::format("  if (!llmk::gatherElements({}, {}, {}, {}))\n"
                           "    return llmk::fail(E, EC, \"{}: gather index out of range\");\n",
                           in(gather.getData()), in(gather.getIndices()), ptr(gather.getResult()),
                           axis, loc);
        return success();
      })
      .Case([&](GatherNdOp gather) -> LogicalResult {
        const Dims &d = dims(gather.getData()), &idx = dims(gather.getIndices());
        int64_t batchDims = gather.getBatchDims();
        auto idxType = cast<RankedTensorType>(gather.getIndices().getType());
        if (idxType.isDynamicDim(idxType.getRank() - 1))
          return op->emitError("codegen: gather_nd needs a static index-tuple length");
        int64_t q = idxType.getShape().back();
        Dims out(idx.begin(), idx.end() - 1);
        out.append(d.begin() + batchDims + q, d.end());
        setDims(gather.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  if (!llmk::gatherNd({}, {}, {}, {}))\n"
                           "    return llmk::fail(E, EC, \"{}: gather_nd index out of range\");\n",
                           in(gather.getData()), in(gather.getIndices()), ptr(gather.getResult()),
                           batchDims, loc);
        return success();
      })
      .Case([&](ScatterNdOp scatter) -> LogicalResult {
        setDims(scatter.getResult(), dims(scatter.getData()), op);
        if (failed(defineResult(op, 0)))
          return failure();
        StringRef reduction = scatter.getReduction();
        std::string kind = reduction == "add"   ? "Add"
                           : reduction == "mul" ? "Mul"
                           : reduction == "max" ? "Max"
                           : reduction == "min" ? "Min"
                                                : "None";
        run += fmt::format(
            "  if (!llmk::scatterNd({}, {}, {}, {}, llmk::ScatterReduction::{}))\n"
            "    return llmk::fail(E, EC, \"{}: scatter_nd index out of range\");\n",
            in(scatter.getData()), in(scatter.getIndices()), ptr(scatter.getUpdates()),
            ptr(scatter.getResult()), kind, loc);
        return success();
      })
      .Case([&](TopKOp topk) -> LogicalResult {
        Value x = topk.getInput();
        const Dims &d = dims(x);
        int64_t rank = d.size();
        int64_t axis = normalizeAxis(topk.getAxis(), rank);
        int64_t k = topk.getK();
        check(fmt::format("{} <= {}", lit(k), d[axis]), op, "k is larger than the axis");
        Dims out = d;
        out[axis] = lit(k);
        setDims(topk.getValues(), out, op);
        setDims(topk.getIndices(), out, op);
        if (failed(defineResult(op, 0)) || failed(defineResult(op, 1)))
          return failure();
        run += fmt::format("  llmk::topk({}, {}, {}, {}, {}, {}, {}, {});\n", ptr(x),
                           span(x, 0, axis), d[axis], span(x, axis + 1, rank), lit(k),
                           topk.getLargest() ? "true" : "false", ptr(topk.getValues()),
                           ptr(topk.getIndices()));
        return success();
      })
      .Case([&](TransposeOp transpose) -> LogicalResult {
        const Dims &x = dims(transpose.getInput());
        Dims out;
        std::string perm;
        for (int64_t p : transpose.getPermutation()) {
          out.push_back(x[p]);
          perm += fmt::format("{}{}", perm.empty() ? "" : ", ", p);
        }
        setDims(transpose.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  {{ static const int64_t perm[] = {{{}}};\n"
                           "    llmk::transpose({}, {}, perm); }}\n",
                           perm.empty() ? "0" : perm, in(transpose.getInput()),
                           ptr(transpose.getResult()));
        return success();
      })
      .Case([&](ConcatOp concat) -> LogicalResult {
        ValueRange inputs = concat.getInputs();
        int64_t rank = dims(inputs[0]).size();
        int64_t axis = normalizeAxis(concat.getAxis(), rank);
        Dims out = dims(inputs[0]);
        SmallVector<std::string> lengths;
        for (Value v : inputs) {
          for (int64_t i = 0; i < rank; ++i)
            if (i != axis && dims(v)[i] != out[i])
              checkEq(dims(v)[i], out[i], op, fmt::format("inputs differ in dim {}", i));
          lengths.push_back(dims(v)[axis]);
        }
        std::string sum;
        for (const std::string &len : lengths)
          sum += (sum.empty() ? "" : " + ") + len;
        out[axis] = lengths.size() == 1 ? lengths[0] : "(" + sum + ")";
        setDims(concat.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string offset = "0LL";
        std::string total = dims(concat.getResult())[axis];
        for (Value v : inputs) {
          run += fmt::format("  llmk::concatPiece({}, {}, {}, {}, {}, {}, {});\n", ptr(v),
                             span(v, 0, axis), dims(v)[axis], span(v, axis + 1, rank),
                             ptr(concat.getResult()), total, offset);
          offset += " + " + dims(v)[axis];
        }
        return success();
      })
      .Case([&](SliceOp slice) -> LogicalResult {
        Value x = slice.getInput();
        const Dims &d = dims(x);
        int64_t rank = d.size();
        Dims starts = indexList(slice.getStarts(), slice.getStaticStarts());
        Dims ends = indexList(slice.getEnds(), slice.getStaticEnds());
        Dims out = d, first(rank, "0LL"), steps(rank, "1LL");
        for (auto [i, axisAttr] : llvm::enumerate(slice.getAxes())) {
          int64_t axis = normalizeAxis(axisAttr, rank);
          std::string step = lit(slice.getSteps()[i]);
          out[axis] = newSlot(
              fmt::format("llmk::sliceLength({}, {}, {}, {})", d[axis], starts[i], ends[i], step));
          first[axis] = newSlot(fmt::format("llmk::sliceStart({}, {}, {})", d[axis], starts[i], step));
          steps[axis] = step;
        }
        setDims(slice.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        auto join = [](const Dims &values) {
          std::string s;
          for (const std::string &v : values)
            s += (s.empty() ? "" : ", ") + v;
          return s.empty() ? std::string("0") : s;
        };
        run += fmt::format("  {{ const int64_t starts[] = {{{}}}, steps[] = {{{}}};\n"
                           "    llmk::slice({}, {}, {}, starts, steps); }}\n",
                           join(first), join(steps), in(x), shape(slice.getResult()),
                           ptr(slice.getResult()));
        return success();
      })
      .Case([&](SplitOp split) -> LogicalResult {
        Value x = split.getInput();
        const Dims &d = dims(x);
        int64_t rank = d.size();
        int64_t axis = normalizeAxis(split.getAxis(), rank);
        int64_t total = 0;
        for (int64_t size : split.getSizes())
          total += size;
        checkEq(d[axis], lit(total), op, "the split sizes do not add up");
        int64_t offset = 0;
        for (auto [i, size] : llvm::enumerate(split.getSizes())) {
          Value result = split.getResult(i);
          Dims out = d;
          out[axis] = lit(size);
          setDims(result, out, op);
          auto buffers = op->getAttrOfType<DenseI64ArrayAttr>(kBuffersAttr);
          if (buffers && buffers[i] < 0) {
            // Planned as a view (isStridedSplitView): its elementwise users
            // read it in place, its rows the input's, d[axis] elements apart.
            std::string name = fmt::format("v{}", numValues++);
            run += fmt::format("  auto *{} = {} + {};\n", name, ptr(x), offset);
            names[result] = name;
            rowStrides[result] = d[axis];
            offset += size;
            continue;
          }
          if (failed(defineResult(op, i)))
            return failure();
          std::string starts, steps;
          for (int64_t j = 0; j < rank; ++j) {
            starts += fmt::format("{}{}", j ? ", " : "", j == axis ? offset : 0);
            steps += std::string(j ? ", " : "") + "1";
          }
          run += fmt::format("  {{ const int64_t starts[] = {{{}}}, steps[] = {{{}}};\n"
                             "    llmk::slice({}, {}, {}, starts, steps); }}\n",
                             starts, steps, in(x), shape(result), ptr(result));
          offset += size;
        }
        return success();
      })
      .Case([&](TileOp tile) -> LogicalResult {
        const Dims &x = dims(tile.getInput());
        Dims repeats = indexList(tile.getRepeats(), tile.getStaticRepeats());
        Dims out;
        for (size_t i = 0; i < x.size(); ++i)
          out.push_back(repeats[i] == "1LL" ? x[i] : fmt::format("{} * {}", x[i], repeats[i]));
        setDims(tile.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  llmk::tile({}, {}, {});\n", in(tile.getInput()),
                           shape(tile.getResult()), ptr(tile.getResult()));
        return success();
      })
      .Case([&](TriluOp trilu) -> LogicalResult {
        setDims(trilu.getResult(), dims(trilu.getInput()), op);
        if (failed(defineResult(op, 0)))
          return failure();
        run += fmt::format("  llmk::trilu({}, {}, {}, {});\n", in(trilu.getInput()),
                           ptr(trilu.getResult()), trilu.getUpper() ? "true" : "false",
                           lit(trilu.getK()));
        return success();
      })
      // Tensors made from dims and scalars.
      .Case([&](RangeOp range) -> LogicalResult {
        std::optional<std::string> start = scalarOf(range.getStart()),
                                   limit = scalarOf(range.getLimit()),
                                   delta = scalarOf(range.getDelta());
        if (!start || !limit || !delta)
          return op->emitError("codegen: range bounds computed from tensor data are not supported");
        setDims(range.getResult(), {newSlot(fmt::format("llmk::rangeLength({}, {}, {})", *start,
                                                        *limit, *delta))},
                op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string t = elt(range.getResult());
        run += fmt::format("  llmk::range<{}>({}, {}, {}, {});\n", t, ptr(range.getResult()),
                           dims(range.getResult())[0], *start, *delta);
        return success();
      })
      .Case([&](FullOp full) -> LogicalResult {
        setDims(full.getResult(), indexList(full.getShape(), full.getStaticShape()), op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string value;
        Attribute attr = full.getValue();
        if (auto f = dyn_cast<FloatAttr>(attr))
          value = hexFloat(f.getValueAsDouble());
        else if (auto i = dyn_cast<IntegerAttr>(attr))
          value = i.getType().isInteger(1) ? (i.getValue().isZero() ? "0" : "1")
                                           : lit(i.getValue().getSExtValue());
        else
          return op->emitError("codegen: unsupported fill value");
        std::string t = elt(full.getResult());
        run += fmt::format("  llmk::fill({0}, {1}, llmk::convert<{2}>({3}));\n",
                           ptr(full.getResult()), numel(full.getResult()), t, value);
        return success();
      })
      .Case([&](FromDimsOp fromDims) -> LogicalResult {
        Dims values = indexList(fromDims.getDims(), fromDims.getStaticDims());
        auto type = cast<RankedTensorType>(fromDims.getType());
        Dims out;
        for (int64_t d : type.getShape())
          out.push_back(lit(d));
        setDims(fromDims.getResult(), out, op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string list;
        for (const std::string &value : values)
          list += (list.empty() ? "" : ", ") + value;
        run += fmt::format("  llmk::storeValues({}, {{{}}});\n", ptr(fromDims.getResult()), list);
        return success();
      })
      .Case([&](ShapeOp shapeOp) -> LogicalResult {
        const Dims &x = dims(shapeOp.getInput());
        int64_t rank = x.size();
        int64_t start = std::clamp<int64_t>(normalizeAxis(shapeOp.getStart(), rank), 0, rank);
        int64_t end = shapeOp.getEnd() ? std::clamp<int64_t>(normalizeAxis(*shapeOp.getEnd(), rank), 0, rank) : rank;
        setDims(shapeOp.getResult(), {lit(std::max<int64_t>(end - start, 0))}, op);
        if (failed(defineResult(op, 0)))
          return failure();
        std::string list;
        for (int64_t i = start; i < end; ++i)
          list += (list.empty() ? "" : ", ") + x[i];
        run += fmt::format("  llmk::storeValues({}, {{{}}});\n", ptr(shapeOp.getResult()), list);
        return success();
      })
      .Case([&](FusedOp fused) { return emitFused(fused); })
      .Case<QuantizeOp, DequantizeOp>([&](Operation *) { return emitQuantization(op); })
      .Case([&](QuantizedMatmulOp matmul) { return emitQuantizedMatmul(matmul); })
      .Default([&](Operation *) {
        return op->emitError("codegen: the ")
               << (cuda ? "CUDA" : "CPU") << " target does not support '" << op->getName()
               << "' yet";
      });
}

//===----------------------------------------------------------------------===//
// Fusion regions: one elementwise loop whose body computes the region's ops
// one after the other, each as the unfused op's scalar body, rounded to the
// op's element type so that results match the unfused program.
//===----------------------------------------------------------------------===//

LogicalResult FunctionEmitter::emitFused(FusedOp op) {
  Operation *norm = op.getRowNormalization();
  Block &body = op.getBody().front();
  // The inputs the elementwise code reads; a norm's scale and bias are
  // passed to the kernel as pointers instead.
  SmallVector<BlockArgument> args;
  for (BlockArgument arg : body.getArguments())
    if (llvm::any_of(arg.getUsers(), [&](Operation *user) { return user != norm; }) ||
        (norm && norm->getOperand(0) == arg))
      args.push_back(arg);
  SmallVector<Value> inputs;
  for (BlockArgument arg : args)
    inputs.push_back(op.getInputs()[arg.getArgNumber()]);
  Dims shapeDims = inputs.empty() ? dims(op->getResult(0)) : broadcastDims(op, inputs);
  for (unsigned i = 0; i < op->getNumResults(); ++i) {
    setDims(op->getResult(i), shapeDims, op);
    if (failed(defineResult(op, i)))
      return failure();
  }
  DenseMap<Value, std::string> scalar;
  std::string params, inArgs, code;
  for (auto [i, arg] : llvm::enumerate(args)) {
    scalar[arg] = fmt::format("x{}", i);
    params += fmt::format("{}auto x{}", i ? ", " : "", i);
    inArgs += ", " + in(inputs[i]);
  }
  int64_t next = 0;
  for (Operation &inner : body.without_terminator()) {
    if (&inner == norm)
      continue;
    std::optional<std::string> fn = scalarBody(&inner);
    if (!fn)
      return inner.emitError("codegen: unsupported op in a fused region");
    static const char *names[] = {"auto a", "auto b", "auto c"};
    std::string lambdaParams, operands;
    for (auto [i, operand] : llvm::enumerate(inner.getOperands())) {
      lambdaParams += (i ? ", " : "") + std::string(names[i]);
      operands += (i ? ", " : "") + scalar.lookup(operand);
    }
    std::string name = fmt::format("t{}", next++);
    code += fmt::format("      const auto {} = llmk::load(llmk::convert<{}>([]({}) {{ return {}; }}({})));\n",
                        name, elt(inner.getResult(0)), lambdaParams, *fn, operands);
    scalar[inner.getResult(0)] = name;
  }
  if (!norm) {
    Value yielded = cast<YieldOp>(body.getTerminator()).getValues()[0];
    run += fmt::format("  llmk::elementwise({}, {}, [] LLMK_FN ({}) {{\n{}      return {};\n    }}{});\n",
                       shape(op->getResult(0)), ptr(op->getResult(0)), params, code,
                       scalar.lookup(yielded), inArgs);
    return success();
  }
  // One row kernel: the lambda computes the norm's input element by element
  // (rounded to its type, as the unfused program stores it), the kernel
  // normalizes each row and writes the prologue's value too when the region
  // returns it.
  std::string t = elt(op->getResult(0));
  std::string cols = shapeDims.back();
  auto param = [&](Value v) -> std::pair<std::string, std::string> {
    if (!v)
      return {"nullptr", "0"};
    Value outer = op.getInputs()[cast<BlockArgument>(v).getArgNumber()];
    check(fmt::format("{} == {} || {} == 1", numel(outer), cols, numel(outer)), op,
          "scale/bias must have one element per normalized element");
    return {ptr(outer), numel(outer)};
  };
  std::pair<std::string, std::string> scale, bias{"nullptr", "0"};
  float epsilon;
  bool subtractMean = false;
  if (auto layerNorm = dyn_cast<LayerNormOp>(norm)) {
    scale = param(layerNorm.getScale());
    bias = param(layerNorm.getBias());
    epsilon = layerNorm.getEpsilon().convertToFloat();
    subtractMean = true;
  } else {
    auto rmsNorm = cast<RmsNormOp>(norm);
    scale = param(rmsNorm.getScale());
    epsilon = rmsNorm.getEpsilon().convertToFloat();
  }
  std::string prologueOut = op->getNumResults() > 1
                                ? ptr(op->getResult(1))
                                : fmt::format("static_cast<{} *>(nullptr)", t);
  run += fmt::format("  llmk::fusedLayerNorm<{}>({}, {}, {}, [] LLMK_FN ({}) {{\n{}      return {};\n    }}, "
                     "{}, {}, {}, {}, {}, {}{});\n",
                     t, shape(op->getResult(0)), ptr(op->getResult(0)), prologueOut, params, code,
                     scalar.lookup(norm->getOperand(0)), scale.first, scale.second, bias.first,
                     bias.second, hexFloat(epsilon), subtractMean ? "true" : "false", inArgs);
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

FailureOr<std::string> FunctionEmitter::quantParams(Operation *op, Value quantized, Type quantType,
                                                    Value scale, Value zeroPoint, int64_t axis,
                                                    int64_t blockSize, std::string &scalePtr,
                                                    std::string &zeroPtr) {
  const Dims &d = dims(quantized);
  int64_t rank = d.size();
  axis = rank ? normalizeAxis(axis, rank) : 0;
  std::string name = fmt::format("q{}", numValues++);
  zeroPtr = "static_cast<const int64_t *>(nullptr)";
  std::string count = "1LL", block = "0LL";
  if (cuda && isa_and_nonnull<quant::QuantizedType>(quantType))
    return op->emitError("codegen: the CUDA target does not support quantized element types (")
           << quantType << ") yet; quantize with scale/zero-point tensors";
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(quantType)) {
    globals += fmt::format("const float {0}_scale[] = {{{1}}};\nconst int64_t {0}_zp[] = {{{2}}};\n",
                           name, hexFloat(uniform.getScale()), uniform.getZeroPoint());
    scalePtr = name + "_scale";
    zeroPtr = name + "_zp";
  } else if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType)) {
    std::string scales, zps;
    for (double v : perAxis.getScales())
      scales += (scales.empty() ? "" : ", ") + hexFloat(v);
    for (int64_t v : perAxis.getZeroPoints())
      zps += (zps.empty() ? "" : ", ") + lit(v);
    globals += fmt::format("const float {0}_scale[] = {{{1}}};\nconst int64_t {0}_zp[] = {{{2}}};\n",
                           name, scales, zps);
    scalePtr = name + "_scale";
    zeroPtr = name + "_zp";
    axis = perAxis.getQuantizedDimension();
    count = lit(perAxis.getScales().size());
  } else if (isa_and_nonnull<quant::QuantizedType>(quantType)) {
    return op->emitError("codegen: unsupported quantized type ") << quantType;
  } else {
    if (!scale)
      return op->emitError("codegen: quantization without parameters");
    scalePtr = ptr(scale);
    if (zeroPoint)
      zeroPtr = ptr(zeroPoint);
    auto scaleType = cast<RankedTensorType>(scale.getType());
    bool perTensor = scaleType.getRank() == 0 ||
                     (scaleType.hasStaticShape() && scaleType.getNumElements() == 1);
    if (!perTensor) {
      count = numel(scale);
      block = lit(blockSize);
      if (blockSize == 0)
        checkEq(numel(scale), d[axis], op, "one scale per element of the axis expected");
    }
  }
  if (rank == 0)
    return std::string("llmk::QuantLayout{1, 1, 1, 1LL, 0LL}");
  return fmt::format("llmk::QuantLayout{{{}, {}, {}, {}, {}}}", span(quantized, 0, axis), d[axis],
                     span(quantized, axis + 1, rank), count, block);
}

static std::pair<int64_t, int64_t> storageRange(Type type) {
  if (auto quantType = dyn_cast<quant::QuantizedType>(type))
    return {quantType.getStorageTypeMin(), quantType.getStorageTypeMax()};
  auto intType = cast<IntegerType>(type);
  unsigned w = intType.getWidth();
  if (intType.isUnsigned())
    return {0, w >= 63 ? INT64_MAX : (int64_t(1) << w) - 1};
  return {w >= 64 ? INT64_MIN : -(int64_t(1) << (w - 1)), w >= 64 ? INT64_MAX : (int64_t(1) << (w - 1)) - 1};
}

LogicalResult FunctionEmitter::emitQuantization(Operation *op) {
  Value input = op->getOperand(0), result = op->getResult(0);
  auto quantize = dyn_cast<QuantizeOp>(op);
  auto dequantize = dyn_cast<DequantizeOp>(op);
  Value scale = quantize ? quantize.getScale() : dequantize.getScale();
  Value zeroPoint = quantize ? quantize.getZeroPoint() : dequantize.getZeroPoint();
  int64_t axis = quantize ? quantize.getAxis() : dequantize.getAxis();
  int64_t blockSize = quantize ? quantize.getBlockSize() : dequantize.getBlockSize();
  Type quantType = getElementTypeOrSelf(quantize ? result.getType() : input.getType());
  setDims(result, dims(input), op);
  if (failed(defineResult(op, 0)))
    return failure();
  std::string scalePtr, zeroPtr;
  FailureOr<std::string> layout =
      quantParams(op, input, quantType, scale, zeroPoint, axis, blockSize, scalePtr, zeroPtr);
  if (failed(layout))
    return failure();
  if (dequantize) {
    run += fmt::format("  llmk::dequantize({}, {}, {}, {}, {});\n", ptr(input), scalePtr, zeroPtr,
                       ptr(result), *layout);
    return success();
  }
  auto [qmin, qmax] = storageRange(quantType);
  run += fmt::format("  llmk::quantize({}, {}, {}, {}, {}, {}, {});\n", ptr(input), scalePtr,
                     zeroPtr, ptr(result), *layout, lit(qmin), lit(qmax));
  return success();
}

LogicalResult FunctionEmitter::emitQuantizedMatmul(QuantizedMatmulOp op) {
  setDims(op.getResult(), matmulDims(op, op.getLhs(), op.getRhs()), op);
  if (failed(defineResult(op, 0)))
    return failure();
  // Dequantize the quantized operands into temporaries, then one float
  // matmul: the reference lowering, not yet an integer GEMM.
  std::string t = elt(op.getResult());
  std::string code = "  {\n";
  std::string operands[2];
  for (auto [i, v] : llvm::enumerate(SmallVector<Value>{op.getLhs(), op.getRhs()})) {
    Type eltType = getElementTypeOrSelf(v.getType());
    if (!isa<quant::QuantizedType>(eltType)) {
      operands[i] = in(v);
      continue;
    }
    std::string scalePtr, zeroPtr;
    FailureOr<std::string> layout =
        quantParams(op, v, eltType, Value(), Value(), 0, 0, scalePtr, zeroPtr);
    if (failed(layout))
      return failure();
    std::string tmp = fmt::format("deq{}", i);
    code += fmt::format("    llmk::Scratch<{0}> {1}({2});\n"
                        "    llmk::dequantize({3}, {4}, {5}, {1}.data(), {6});\n",
                        t, tmp, numel(v), ptr(v), scalePtr, zeroPtr, *layout);
    operands[i] = fmt::format("llmk::in<{}>({}.data(), {})", t, tmp, shape(v));
  }
  run += code + fmt::format("    llmk::matmul({}, {}, {});\n  }}\n", operands[0], operands[1],
                            ptr(op.getResult()));
  return success();
}

//===----------------------------------------------------------------------===//
// Functions and modules
//===----------------------------------------------------------------------===//

static std::vector<std::string> dimNamesOf(DictionaryAttr attrs, int64_t rank) {
  std::vector<std::string> names(rank);
  if (!attrs)
    return names;
  if (auto list = attrs.getAs<ArrayAttr>("llm.dims"))
    for (auto [i, name] : llvm::enumerate(list))
      if (auto s = dyn_cast<StringAttr>(name); s && (int64_t)i < rank)
        names[i] = s.str();
  return names;
}

LogicalResult FunctionEmitter::emit(EmittedEntry &entry) {
  std::string fn = func.getSymName().str();
  entry.name = fn;
  entry.planSymbol = "llm_" + fn + "_plan";
  entry.runSymbol = "llm_" + fn + "_run";
  FunctionType type = func.getFunctionType();

  // Inputs: their dims come from the caller.
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto tensorType = dyn_cast<RankedTensorType>(arg.getType());
    if (!tensorType || cppType(tensorType.getElementType()).empty())
      return func.emitError("codegen: argument ") << i << " has an unsupported type " << arg.getType();
    DictionaryAttr attrs = func.getArgAttrDict(i);
    std::string name = fmt::format("input{}", i);
    if (attrs)
      if (auto n = attrs.getAs<StringAttr>("llm.name"))
        name = n.str();
    entry.inputs.push_back({name, tensorType, dimNamesOf(attrs, tensorType.getRank())});
    Dims d;
    for (int64_t k = 0; k < tensorType.getRank(); ++k)
      d.push_back(tensorType.isDynamicDim(k) ? newSlot(fmt::format("in[{}][{}]", i, k))
                                              : lit(tensorType.getDimSize(k)));
    dimsOf[arg] = d;
    std::string var = fmt::format("v{}", numValues++);
    names[arg] = var;
    run += fmt::format("  auto *{} = static_cast<{} *>(const_cast<void *>(args->inputs[{}]));\n",
                       var, cppType(tensorType.getElementType()), i);
  }
  for (auto [i, resultType] : llvm::enumerate(type.getResults())) {
    auto tensorType = dyn_cast<RankedTensorType>(resultType);
    if (!tensorType || cppType(tensorType.getElementType()).empty())
      return func.emitError("codegen: result ") << i << " has an unsupported type " << resultType;
    DictionaryAttr attrs = func.getResultAttrDict(i);
    std::string name = fmt::format("output{}", i);
    if (attrs)
      if (auto n = attrs.getAs<StringAttr>("llm.name"))
        name = n.str();
    entry.outputs.push_back({name, tensorType, dimNamesOf(attrs, tensorType.getRank())});
  }

  std::string outputs;
  std::string outputDims;
  if (auto ret = dyn_cast<func::ReturnOp>(func.getBody().front().getTerminator()))
    for (auto [i, value] : llvm::enumerate(ret.getOperands()))
      returnedAt.try_emplace(value, i);
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
        if (!writtenToOutput.contains(value) || returnedAt.lookup(value) != i)
          outputs += fmt::format("  llmk::copy(args->outputs[{}], {}, {} * (int64_t)sizeof({}));\n",
                                 i, ptr(value), numel(value), elt(value));
        for (auto [k, d] : llvm::enumerate(dims(value)))
          outputDims += fmt::format("  args->output_dims[{}][{}] = {};\n", i, k, d);
      }
      continue;
    }
    for (Type t : op.getResultTypes())
      if (auto tensorType = dyn_cast<RankedTensorType>(t); tensorType && cppType(tensorType.getElementType()).empty())
        return op.emitError("codegen: unsupported element type ") << tensorType.getElementType();
    std::string where;
    llvm::raw_string_ostream(where) << op.getLoc();
    run += fmt::format("  // {} {}\n", op.getName().getStringRef().str(), where);
    bool timed = profileOps && !isa<ConstantOp, DimOp>(op) &&
                 !isa<arith::ArithDialect>(op.getDialect());
    if (timed)
      run += fmt::format("  const double t{} = llmk::clockMs();\n", numProfiled);
    if (failed(emitOp(&op)))
      return failure();
    if (timed) {
      run += fmt::format("  llmk::OpProfile::get().add({0}, \"{1} {2}\", t{0});\n", numProfiled,
                         op.getName().getStringRef().str(), locationOf(&op));
      ++numProfiled;
    }
  }

  // Buffer sizes come from the dims of the values that own them.
  std::string bufferBytes;
  auto intervals = func->getAttrOfType<DenseI64ArrayAttr>(kBufferIntervalsAttr);
  if (!intervals)
    return func.emitError("codegen: run llm-plan-memory first");
  for (int64_t i = 0; i + 1 < intervals.size(); i += 2)
    entry.bufferIntervals.push_back({intervals[i], intervals[i + 1]});
  if (auto bytes = func->getAttrOfType<IntegerAttr>(kArenaBytesAttr))
    entry.staticArenaBytes = bytes.getInt();
  std::vector<std::string> sizeOf(entry.bufferIntervals.size(), "0");
  func.walk([&](Operation *op) {
    if (auto buffers = op->getAttrOfType<DenseI64ArrayAttr>(kBuffersAttr))
      for (auto [i, id] : llvm::enumerate(buffers.asArrayRef()))
        if (id >= 0 && id < (int64_t)sizeOf.size())
          sizeOf[id] = fmt::format("{} * (int64_t)sizeof({})", numel(op->getResult(i)),
                                   elt(op->getResult(i)));
  });
  for (auto [i, size] : llvm::enumerate(sizeOf))
    bufferBytes += fmt::format("  args->buffer_bytes[{}] = {};\n", i, size);

  std::string slots = fmt::format("{}", std::max<int64_t>(numSlots, 1));
  module.source += fmt::format(
      "\n//===- {0} ---===//\n\n"
      "static int32_t computeDims_{0}(const int64_t *const *in, int64_t *D, char *E, size_t EC) {{\n"
      "  (void)in; (void)D; (void)E; (void)EC;\n"
      "{1}  return 0;\n}}\n\n"
      "extern \"C\" int32_t {2}(const LLMPlanArgs *args) {{\n"
      "  int64_t D[{3}];\n"
      "  if (int32_t rc = computeDims_{0}(args->input_dims, D, args->error, args->error_capacity))\n"
      "    return rc;\n"
      "{4}{5}  return 0;\n}}\n\n"
      "extern \"C\" int32_t {6}(const LLMRunArgs *args) {{\n"
      "  int64_t D[{3}];\n"
      "  char *E = args->error;\n  size_t EC = args->error_capacity;\n"
      "  if (int32_t rc = computeDims_{0}(args->input_dims, D, E, EC))\n"
      "    return rc;\n"
      "  if (int32_t rc = llmk::begin(args, E, EC))\n    return rc;\n"
      "  uint8_t *A = args->arena;\n  const int64_t *O = args->buffer_offsets;\n"
      "  const void *const *W = args->weights;\n"
      "  (void)A; (void)O; (void)W;\n"
      "  try {{\n{7}{8}  }} catch (const std::exception &e) {{\n"
      "    return llmk::fail(E, EC, \"{0}: %s\", e.what());\n  }}\n"
      "  return llmk::end(E, EC);\n}}\n",
      fn, dimsCode, entry.planSymbol, slots, bufferBytes, outputDims, entry.runSymbol, run,
      outputs);
  return success();
}

std::optional<Target> mlir::llm::codegen::parseTarget(StringRef name) {
  if (name == "cpu")
    return Target::CPU;
  if (name == "cuda")
    return Target::CUDA;
  return std::nullopt;
}

FailureOr<EmittedModule> mlir::llm::codegen::emitModule(ModuleOp moduleOp,
                                                        const EmitOptions &options) {
  EmittedModule module;
  std::string globals;
  DenseMap<Attribute, int64_t> weightIndex;
  for (auto func : moduleOp.getOps<func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    EmittedEntry entry;
    FunctionEmitter emitter(func, module, globals, weightIndex, options);
    if (failed(emitter.emit(entry)))
      return failure();
    module.entries.push_back(std::move(entry));
  }
  if (module.entries.empty())
    return moduleOp.emitError("codegen: the module has no public function to compile");
  bool cuda = options.target == Target::CUDA;
  std::string body = std::move(module.source);
  module.source = fmt::format(
      "// Generated by llm-opt ({} target). Read docs/module-format.md; do not edit.\n"
      "#include \"llmk/{}\"\n#include \"llmrt/ModuleABI.h\"\n\n#include <exception>\n\n"
      "extern \"C\" int32_t llm_module_abi_version(void) {{ return LLM_MODULE_ABI_VERSION; }}\n\n"
      "// Small constants of the program (weights are in weights.safetensors).\n"
      "namespace {{\n{}}} // namespace\n{}",
      cuda ? "CUDA" : "CPU", cuda ? "llmk.cuh" : "llmk.h", globals, body);
  return module;
}
