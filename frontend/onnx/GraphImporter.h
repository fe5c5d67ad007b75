//===- GraphImporter.h - ONNX graph import internals ------------*- C++ -*-===//
//
// Internal to the frontend: this header names protobuf classes, which need
// exceptions, so only the frontend's own sources include it.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_FRONTEND_ONNX_GRAPHIMPORTER_H
#define LLM_FRONTEND_ONNX_GRAPHIMPORTER_H

#include "dialects/LLM/IR/LLMOps.h"
#include "frontend/onnx/ONNXImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>

namespace mlir {
namespace llm {
namespace onnx_import {

class NodeImporter;

/// Thrown (only inside the frontend, which is built with exceptions) to
/// abandon a node whose diagnostic has already been emitted.
struct ImportFailure {};

/// Imports one node; emits a diagnostic through the NodeImporter and fails
/// when the node cannot be imported.
using NodeHandler = std::function<LogicalResult(NodeImporter &)>;

/// An entry of the per-(domain, op type, opset) handler table.
struct OpEntry {
  const char *domain;
  const char *opType;
  int sinceVersion;
  NodeHandler handler;
  const char *notes = "";
};

/// Appends the handlers of the default ONNX domain (ai.onnx).
void addDefaultDomainOps(std::vector<OpEntry> &table);
/// Appends the ai.onnx ops that import as compositions of llm ops.
void addDefaultDomainCompositeOps(std::vector<OpEntry> &table);
/// Appends the handlers of ONNX Runtime's com.microsoft contrib ops.
void addMicrosoftDomainOps(std::vector<OpEntry> &table);

/// Shorthands for the ranked tensor values every handler deals in.
inline RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }
inline int64_t rankOf(Value v) { return typeOf(v).getRank(); }
inline Type elementOf(Value v) { return typeOf(v).getElementType(); }

/// Converts an ONNX TensorProto data type to an MLIR element type; null for
/// types we do not support (strings, complex).
Type convertElementType(MLIRContext *ctx, int32_t onnxType);
/// The name of an ONNX data type, for diagnostics.
std::string elementTypeName(int32_t onnxType);

/// State shared by all nodes of one graph import.
class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef modelPath, const onnx::ModelProto &model,
                const ONNXImportOptions &options);

  /// Imports the whole graph into `module`.
  LogicalResult importGraph(ModuleOp module);

  MLIRContext *getContext() const { return ctx; }
  OpBuilder &getBuilder() { return builder; }

  /// Converts a TensorProto (initializer or attribute) to an elements attr,
  /// reading external data relative to the model's folder. A large
  /// initializer (`isInitializer`) becomes a dense_resource blob named after
  /// it: one of the model's weights, which a checkpoint can replace by name.
  /// Everything else (Constant nodes, bound inputs, small tensors) is a dense
  /// attribute, part of the program (LLMWeightRecipes.h).
  FailureOr<ElementsAttr> convertTensor(const onnx::TensorProto &tensor, Location loc,
                                        bool isInitializer = false);

  /// Symbolic contents of small integer tensors, as index values or
  /// constants: what makes Shape->Gather->Concat->Reshape chains foldable.
  llvm::DenseMap<Value, SmallVector<OpFoldResult>> knownElements;
  /// `llm.dim` ops already built, so equal dims are the same SSA value
  /// (which is what lets reshape inference cancel them).
  llvm::DenseMap<std::pair<Value, int64_t>, Value> dimCache;
  /// The first `llm.dim` of a graph input dim named by each dim_param.
  llvm::StringMap<Value> namedDims;

  /// The opset of `domain` that the model imports; 0 when absent.
  int64_t getOpset(StringRef domain) const;

  /// A copy, so that an importer never outlives its options.
  const ONNXImportOptions options;
  /// ONNX value name -> imported value.
  llvm::StringMap<Value> values;

private:
  friend class NodeImporter;

  LogicalResult importInitializers();
  LogicalResult importBoundInputs();
  FailureOr<func::FuncOp> createFunction(ModuleOp module);
  LogicalResult importNodes();
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  FailureOr<RankedTensorType> convertValueType(const onnx::ValueInfoProto &info, Location loc,
                                               SmallVectorImpl<Attribute> &dimNames);
  Location fileLoc(unsigned line = 0);

  MLIRContext *ctx;
  std::string modelPath;
  const onnx::ModelProto &model;
  OpBuilder builder;
  llvm::StringMap<int64_t> opsets;
  std::vector<OpEntry> table;
};

/// The view of one node that handlers use: typed attribute access with
/// diagnostics, operands, results, and the index arithmetic of shapes.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, int64_t opset, Location loc)
      : graph(graph), node(node), opset(opset), loc(loc), b(graph.getBuilder()) {}

  GraphImporter &graph;
  const onnx::NodeProto &node;
  const int64_t opset;
  const Location loc;
  OpBuilder &b;

  /// Emits an error naming the node and its op type.
  InFlightDiagnostic error();

  //===-- Operands and results ----------------------------------------===//

  size_t numInputs() const { return node.input_size(); }
  size_t numOutputs() const { return node.output_size(); }
  /// True when input `i` is present (ONNX marks absent optionals by "").
  bool hasInput(size_t i) const { return i < numInputs() && !node.input(i).empty(); }
  bool hasOutput(size_t i) const { return i < numOutputs() && !node.output(i).empty(); }
  /// Input `i`; null when absent.
  Value input(size_t i);
  /// Input `i`, failing with a diagnostic when absent.
  FailureOr<Value> requiredInput(size_t i, StringRef what);
  /// Checks the input count is within [min, max].
  LogicalResult checkInputs(size_t min, size_t max);
  /// Binds output `i` to `value` (ignored when the output is absent).
  void setOutput(size_t i, Value value);
  /// Fails when output `i` is requested, naming it as unsupported.
  LogicalResult rejectOutput(size_t i, StringRef what);

  //===-- Attributes --------------------------------------------------===//

  const onnx::AttributeProto *findAttr(StringRef name) const;
  FailureOr<int64_t> intAttr(StringRef name, std::optional<int64_t> dflt = std::nullopt);
  FailureOr<float> floatAttr(StringRef name, std::optional<float> dflt = std::nullopt);
  FailureOr<std::string> stringAttr(StringRef name, std::optional<std::string> dflt = std::nullopt);
  FailureOr<SmallVector<int64_t>> intsAttr(StringRef name,
                                           std::optional<SmallVector<int64_t>> dflt = std::nullopt);
  FailureOr<SmallVector<float>> floatsAttr(StringRef name);
  FailureOr<ElementsAttr> tensorAttr(StringRef name);

  //===-- Constants ---------------------------------------------------===//

  /// The integer contents of `v` if it is a constant.
  std::optional<SmallVector<int64_t>> constantInts(Value v);
  /// The float contents of `v` if it is a constant.
  std::optional<SmallVector<double>> constantFloats(Value v);
  /// The little-endian bytes of a constant (dense or dense_resource), one
  /// element after another; none for splats, booleans and non-constants.
  std::optional<ArrayRef<char>> constantBytes(Value v);
  /// Constant ints of input `i` (e.g. axes, steps), with a diagnostic.
  FailureOr<SmallVector<int64_t>> requireConstantInts(size_t i, StringRef what);
  /// A scalar constant of `elementType` (a rank-0 tensor).
  Value scalar(Type elementType, double value);
  /// A dense constant of the given shape and integer values.
  Value intTensor(ArrayRef<int64_t> values, ArrayRef<int64_t> shape, Type elementType);

  //===-- Symbolic shapes ---------------------------------------------===//

  /// The elements of a rank-0/1 integer tensor as index values or
  /// constants, when the frontend could track them.
  std::optional<SmallVector<OpFoldResult>> knownElements(Value v);
  /// Dim `d` of `v` as a constant or an `llm.dim`.
  OpFoldResult dim(Value v, int64_t d);
  /// All dims of `v`.
  SmallVector<OpFoldResult> dims(Value v);
  /// Index arithmetic that folds constants.
  OpFoldResult add(OpFoldResult a, OpFoldResult c);
  OpFoldResult sub(OpFoldResult a, OpFoldResult c);
  OpFoldResult mul(OpFoldResult a, OpFoldResult c);
  OpFoldResult floorDiv(OpFoldResult a, OpFoldResult c);
  OpFoldResult max(OpFoldResult a, OpFoldResult c);
  OpFoldResult min(OpFoldResult a, OpFoldResult c);
  /// Equality of two tracked elements as 0/1: constant whenever decidable
  /// (dims are never negative, so `dim == -1` is false).
  OpFoldResult eq(OpFoldResult a, OpFoldResult c);
  /// Elementwise select on tracked elements (`cond` is 0/1).
  OpFoldResult select(OpFoldResult cond, OpFoldResult a, OpFoldResult c);
  /// True when `ofr` is provably >= 0.
  bool isNonNegative(OpFoldResult ofr);
  /// An index Value for `ofr` (materializing constants).
  Value indexValue(OpFoldResult ofr);
  /// Splits mixed dims into the static list (kDynamic for values) and the
  /// dynamic operands, as ops with custom<DynamicIndexList> expect them.
  void splitMixed(ArrayRef<OpFoldResult> mixed, SmallVectorImpl<int64_t> &statics,
                  SmallVectorImpl<Value> &dynamics);
  /// A 1-D int64 tensor of `elems`, recording them as known elements.
  Value fromDims(ArrayRef<OpFoldResult> elems, bool scalar = false);

  //===-- Common op builders ------------------------------------------===//

  /// The axis attribute `name` (default `dflt`), normalized for `rank`.
  FailureOr<int64_t> axisAttr(StringRef name, int64_t dflt, int64_t rank);
  /// Normalizes a possibly negative axis; fails with a diagnostic.
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, StringRef what = "axis");
  Value reshape(Value v, ArrayRef<OpFoldResult> shape);
  Value transpose(Value v, ArrayRef<int64_t> perm);
  Value unsqueeze(Value v, ArrayRef<int64_t> axes);
  /// Converts `v` to `elementType` (no op when it already has it).
  Value castTo(Value v, Type elementType);
  /// llm.slice of [start, end) with step 1 along `axis`.
  Value sliceAxis(Value v, int64_t axis, OpFoldResult start, OpFoldResult end);
  /// Reshapes [B, S, H*D] to [B, H, S, D].
  Value splitHeads(Value v, int64_t heads);
  /// Reshapes [B, H, S, D] to [B, S, H*D].
  Value mergeHeads(Value v);

  /// Creates an op whose result type the llm dialect infers from the
  /// operands. Invalid operands (shapes that do not broadcast, ...) raise a
  /// diagnostic naming this node and abort its import (ImportFailure).
  template <typename OpTy, typename... Args> Value build(Args &&...args) {
    auto placeholder = RankedTensorType::get({}, b.getI1Type());
    OpTy op = OpTy::create(b, loc, placeholder, std::forward<Args>(args)...);
    SmallVector<Type> types;
    std::string message;
    {
      ScopedDiagnosticHandler capture(b.getContext(), [&](Diagnostic &diag) {
        message += diag.str();
        return success();
      });
      if (failed(OpTy::inferReturnTypes(b.getContext(), loc, op->getOperands(),
                                        op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                                        op->getRegions(), types)))
        types.clear();
    }
    if (types.empty())
      abortOn(op, message);
    op->getResult(0).setType(types.front());
    check(op);
    return op->getResult(0);
  }

  /// Creates an op from a builder that takes the result types, and verifies it.
  template <typename OpTy, typename... Args> OpTy createOp(Args &&...args) {
    OpTy op = OpTy::create(b, loc, std::forward<Args>(args)...);
    check(op);
    return op;
  }

  /// Verifies a freshly built op; on failure reports and aborts the node.
  void check(Operation *op);

private:
  [[noreturn]] void abortOn(Operation *op, StringRef message);
};

} // namespace onnx_import
} // namespace llm
} // namespace mlir

#endif // LLM_FRONTEND_ONNX_GRAPHIMPORTER_H
