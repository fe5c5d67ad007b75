//===- GraphImporter.cpp - ONNX model loading and graph import ------------===//
//
// Reads the protobuf (with size checks and external data), builds the
// function signature from the graph's inputs and outputs (keeping dim_param
// names), orders the nodes topologically and dispatches each to the handler
// registered for its (domain, op type, opset).
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/GraphImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>

#include <queue>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

Type onnx_import::convertElementType(MLIRContext *ctx, int32_t onnxType) {
  using TP = onnx::TensorProto;
  auto intType = [&](unsigned width, bool isUnsigned) -> Type {
    return IntegerType::get(ctx, width,
                            isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  };
  switch (onnxType) {
  case TP::FLOAT: return Float32Type::get(ctx);
  case TP::FLOAT16: return Float16Type::get(ctx);
  case TP::BFLOAT16: return BFloat16Type::get(ctx);
  case TP::DOUBLE: return Float64Type::get(ctx);
  case TP::BOOL: return IntegerType::get(ctx, 1);
  case TP::INT8: return intType(8, false);
  case TP::INT16: return intType(16, false);
  case TP::INT32: return intType(32, false);
  case TP::INT64: return intType(64, false);
  case TP::UINT8: return intType(8, true);
  case TP::UINT16: return intType(16, true);
  case TP::UINT32: return intType(32, true);
  case TP::UINT64: return intType(64, true);
  case 17 /*FLOAT8E4M3FN*/: return Float8E4M3FNType::get(ctx);
  case 18 /*FLOAT8E4M3FNUZ*/: return Float8E4M3FNUZType::get(ctx);
  case 19 /*FLOAT8E5M2*/: return Float8E5M2Type::get(ctx);
  case 20 /*FLOAT8E5M2FNUZ*/: return Float8E5M2FNUZType::get(ctx);
  case 21 /*UINT4*/: return intType(4, true);
  case 22 /*INT4*/: return intType(4, false);
  default: return {};
  }
}

std::string onnx_import::elementTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(onnxType));
  switch (onnxType) {
  case 21: return "UINT4";
  case 22: return "INT4";
  case 23: return "FLOAT4E2M1";
  case 24: return "FLOAT8E8M0";
  case 25: return "UINT2";
  case 26: return "INT2";
  default: return "data type " + std::to_string(onnxType);
  }
}

/// Bytes per element in our unpacked in-memory layout (sub-byte types take
/// one byte each, as MLIR's dense attributes store them).
static int64_t unpackedElementBytes(Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  return width < 8 ? 1 : width / 8;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext *ctx, StringRef modelPath,
                             const onnx::ModelProto &model, const ONNXImportOptions &options)
    : options(options), ctx(ctx), modelPath(modelPath.str()), model(model), builder(ctx) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
    opsets[domain] = opset.version();
  }
  addDefaultDomainOps(table);
  addDefaultDomainCompositeOps(table);
  addMicrosoftDomainOps(table);
}

int64_t GraphImporter::getOpset(StringRef domain) const {
  auto it = opsets.find(domain == "ai.onnx" ? "" : domain);
  return it == opsets.end() ? 0 : it->second;
}

Location GraphImporter::fileLoc(unsigned line) {
  return FileLineColLoc::get(ctx, modelPath, line, 0);
}

/// Reads the bytes of an external-data tensor, checking that the file is
/// inside the model's folder and holds `expectedBytes` at the offset.
static FailureOr<std::unique_ptr<llvm::MemoryBuffer>>
readExternalData(const onnx::TensorProto &tensor, StringRef modelPath, int64_t expectedBytes,
                 Location loc) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef value = entry.value();
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t parsed;
      if (value.getAsInteger(10, parsed) || parsed < 0)
        return emitError(loc) << "tensor '" << tensor.name() << "': external data "
                              << entry.key() << " '" << value << "' is not a non-negative integer";
      (entry.key() == "offset" ? offset : length) = parsed;
    }
  }
  if (location.empty())
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': external data has no 'location' entry";
  if (llvm::sys::path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](StringRef part) { return part == ".."; }))
    return emitError(loc) << "tensor '" << tensor.name() << "': external data location '"
                          << location << "' must be a relative path inside the model's folder";
  SmallString<256> path(llvm::sys::path::parent_path(modelPath));
  llvm::sys::path::append(path, location);
  uint64_t fileSize;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
    return emitError(loc) << "tensor '" << tensor.name() << "': cannot open external data file '"
                          << path << "': " << ec.message();
  if (length >= 0 && length != expectedBytes)
    return emitError(loc) << "tensor '" << tensor.name() << "': external data length " << length
                          << " does not match the " << expectedBytes
                          << " bytes its type and shape need";
  if (static_cast<uint64_t>(offset) + expectedBytes > fileSize)
    return emitError(loc) << "tensor '" << tensor.name() << "': external data file '" << path
                          << "' has " << fileSize << " bytes, but the tensor needs bytes ["
                          << offset << ", " << offset + expectedBytes << ")";
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, expectedBytes, offset,
                                                 /*IsVolatile=*/false);
  if (!buffer)
    return emitError(loc) << "tensor '" << tensor.name() << "': cannot read '" << path
                          << "': " << buffer.getError().message();
  return std::move(*buffer);
}

FailureOr<ElementsAttr> GraphImporter::convertTensor(const onnx::TensorProto &tensor,
                                                     Location loc, bool isInitializer) {
  using TP = onnx::TensorProto;
  int32_t dataType = tensor.data_type();
  Type elementType = convertElementType(ctx, dataType);
  if (!elementType)
    return emitError(loc) << "tensor '" << tensor.name() << "' has unsupported element type "
                          << elementTypeName(dataType);
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return emitError(loc) << "tensor '" << tensor.name() << "' has negative dim " << dim;
    if (__builtin_mul_overflow(numElements, dim, &numElements) || numElements > (1LL << 40))
      return emitError(loc) << "tensor '" << tensor.name() << "' is too large";
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, elementType);
  unsigned width = elementType.getIntOrFloatBitWidth();
  bool subByte = width == 4;
  // Bytes in ONNX's serialized layout: sub-byte types are packed two a byte.
  int64_t storedBytes = subByte ? (numElements + 1) / 2 : numElements * unpackedElementBytes(elementType);

  // Gather the serialized bytes, from wherever they live.
  std::vector<char> bytes;
  auto fail = [&](StringRef what) {
    return emitError(loc) << "tensor '" << tensor.name() << "' of type "
                          << elementTypeName(dataType) << " and " << numElements
                          << " elements " << what;
  };
  if (tensor.data_location() == TP::EXTERNAL) {
    FailureOr<std::unique_ptr<llvm::MemoryBuffer>> data =
        readExternalData(tensor, modelPath, storedBytes, loc);
    if (failed(data))
      return failure();
    bytes.assign((*data)->getBufferStart(), (*data)->getBufferEnd());
  } else if (tensor.has_raw_data()) {
    if (static_cast<int64_t>(tensor.raw_data().size()) != storedBytes)
      return fail("has " + std::to_string(tensor.raw_data().size()) + " bytes of raw_data, "
                  "expected " + std::to_string(storedBytes));
    bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
  } else {
    // Typed fields: append each value little-endian in `bytesEach` bytes.
    std::string mismatch;
    auto appendValues = [&](const auto &field, StringRef fieldName, int64_t count,
                            int64_t bytesEach) {
      if (static_cast<int64_t>(field.size()) != count) {
        mismatch = "has " + std::to_string(field.size()) + " values in " + fieldName.str() +
                   ", expected " + std::to_string(count);
        return;
      }
      for (auto value : field) {
        char buf[8];
        std::memcpy(buf, &value, sizeof(value));
        bytes.insert(bytes.end(), buf, buf + bytesEach);
      }
    };
    switch (dataType) {
    case TP::FLOAT: appendValues(tensor.float_data(), "float_data", numElements, 4); break;
    case TP::DOUBLE: appendValues(tensor.double_data(), "double_data", numElements, 8); break;
    case TP::INT64: appendValues(tensor.int64_data(), "int64_data", numElements, 8); break;
    case TP::UINT32: appendValues(tensor.uint64_data(), "uint64_data", numElements, 4); break;
    case TP::UINT64: appendValues(tensor.uint64_data(), "uint64_data", numElements, 8); break;
    case TP::INT32: appendValues(tensor.int32_data(), "int32_data", numElements, 4); break;
    case TP::INT16: case TP::UINT16: case TP::FLOAT16: case TP::BFLOAT16:
      appendValues(tensor.int32_data(), "int32_data", numElements, 2); break;
    // Sub-byte types: one packed byte (two values) per int32_data entry.
    case 21: case 22: appendValues(tensor.int32_data(), "int32_data", storedBytes, 1); break;
    default: appendValues(tensor.int32_data(), "int32_data", numElements, 1); break;
    }
    if (!mismatch.empty())
      return fail(mismatch);
  }

  // Sub-byte types: unpack two values a byte, low nibble first.
  if (subByte) {
    std::vector<char> unpacked(numElements);
    bool isSigned = !elementType.isUnsignedInteger();
    for (int64_t i = 0; i < numElements; ++i) {
      int v = (static_cast<unsigned char>(bytes[i / 2]) >> (4 * (i % 2))) & 0xF;
      if (isSigned && v >= 8)
        v -= 16;
      unpacked[i] = static_cast<char>(v);
    }
    bytes.swap(unpacked);
  }

  // Booleans, small tensors and non-initializers stay dense: folders can
  // read them, and they are the program's, not the checkpoint's.
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  if (numElements <= options.denseElementLimit || !isInitializer) {
    bool detectedSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, bytes, detectedSplat))
      return fail("has a malformed buffer");
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes));
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(bytes), alignof(std::max_align_t));
  StringRef name = tensor.name().empty() ? StringRef("tensor") : StringRef(tensor.name());
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(type, name, std::move(blob)));
}

FailureOr<RankedTensorType>
GraphImporter::convertValueType(const onnx::ValueInfoProto &info, Location loc,
                                SmallVectorImpl<Attribute> &dimNames) {
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph value '" << info.name()
                          << "' is not a tensor (sequences, maps and optionals are not supported)";
  const onnx::TypeProto::Tensor &tensorType = info.type().tensor_type();
  Type elementType = convertElementType(ctx, tensorType.elem_type());
  if (!elementType)
    return emitError(loc) << "graph value '" << info.name() << "' has unsupported element type "
                          << elementTypeName(tensorType.elem_type());
  auto override = options.inputShapes.find(info.name());
  bool hasOverride = override != options.inputShapes.end();
  if (!tensorType.has_shape() && !hasOverride)
    return emitError(loc) << "graph value '" << info.name()
                          << "' has no shape (unknown rank); give one with --input-shape";
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensorType.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      shape.push_back(dim.dim_value());
      dimNames.push_back(StringAttr::get(ctx, ""));
    } else {
      shape.push_back(ShapedType::kDynamic);
      dimNames.push_back(StringAttr::get(ctx, dim.has_dim_param() ? dim.dim_param() : ""));
    }
  }
  if (!hasOverride)
    return RankedTensorType::get(shape, elementType);

  // An override may fix dynamic dims (or give a shape where the model has
  // none), but not contradict what the model declares.
  const std::vector<int64_t> &given = override->second;
  if (tensorType.has_shape() && given.size() != shape.size())
    return emitError(loc) << "--input-shape gives '" << info.name() << "' rank " << given.size()
                          << ", but the model declares rank " << shape.size();
  SmallVector<int64_t> result;
  for (auto [d, dim] : llvm::enumerate(given)) {
    if (tensorType.has_shape() && !ShapedType::isDynamic(shape[d]) && dim >= 0 &&
        dim != shape[d])
      return emitError(loc) << "--input-shape gives '" << info.name() << "' dim " << d << " = "
                            << dim << ", but the model declares " << shape[d];
    result.push_back(dim >= 0 ? dim : tensorType.has_shape() ? shape[d] : ShapedType::kDynamic);
    // A name is kept only for a dim that stays dynamic.
    if (tensorType.has_shape() && dim >= 0)
      dimNames[d] = StringAttr::get(ctx, "");
  }
  if (!tensorType.has_shape())
    dimNames.assign(given.size(), StringAttr::get(ctx, ""));
  return RankedTensorType::get(result, elementType);
}

LogicalResult GraphImporter::importInitializers() {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input())
    inputNames.insert(input.name());
  llvm::StringSet<> seen;
  for (const onnx::TensorProto &init : graph.initializer()) {
    Location loc = NameLoc::get(StringAttr::get(ctx, init.name()), fileLoc());
    if (!seen.insert(init.name()).second)
      return emitError(loc) << "initializer '" << init.name() << "' is declared twice";
    if (options.keepInitializerInputs && inputNames.contains(init.name()))
      continue; // stays an overridable function argument
    FailureOr<ElementsAttr> value = convertTensor(init, loc, /*isInitializer=*/true);
    if (failed(value))
      return failure();
    values[init.name()] = ConstantOp::create(builder, loc, *value).getResult();
  }
  return success();
}

LogicalResult GraphImporter::importBoundInputs() {
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    auto bound = options.boundInputs.find(input.name());
    if (bound == options.boundInputs.end())
      continue;
    Location loc = NameLoc::get(StringAttr::get(ctx, input.name()), fileLoc());
    auto buffer = llvm::MemoryBuffer::getFile(bound->second, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return emitError(loc) << "cannot read the value bound to input '" << input.name()
                            << "' from '" << bound->second << "': "
                            << buffer.getError().message();
    onnx::TensorProto tensor;
    StringRef data = (*buffer)->getBuffer();
    if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
        !tensor.ParseFromArray(data.data(), static_cast<int>(data.size())))
      return emitError(loc) << "'" << bound->second << "' is not a serialized ONNX TensorProto";
    tensor.set_name(input.name());
    FailureOr<ElementsAttr> value = convertTensor(tensor, loc);
    if (failed(value))
      return failure();
    // The value must be one the graph input could have taken.
    SmallVector<Attribute> dimNames;
    FailureOr<RankedTensorType> declared = convertValueType(input, loc, dimNames);
    if (failed(declared))
      return failure();
    auto actual = cast<RankedTensorType>(value->getType());
    if (actual.getElementType() != declared->getElementType() ||
        failed(verifyCompatibleShape(actual, *declared)))
      return emitError(loc) << "the value bound to input '" << input.name() << "' has type "
                            << actual << " but the input is declared " << *declared;
    values[input.name()] = ConstantOp::create(builder, loc, *value).getResult();
  }
  return success();
}

FailureOr<func::FuncOp> GraphImporter::createFunction(ModuleOp module) {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &init : graph.initializer())
    initializerNames.insert(init.name());

  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<const onnx::ValueInfoProto *> args;
  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (!inputNames.insert(input.name()).second)
      return emitError(fileLoc()) << "graph input '" << input.name() << "' is declared twice";
    if (!options.keepInitializerInputs && initializerNames.contains(input.name()))
      continue;
    if (options.boundInputs.count(input.name()))
      continue; // becomes a constant in importBoundInputs
    SmallVector<Attribute> dimNames;
    FailureOr<RankedTensorType> type = convertValueType(input, fileLoc(), dimNames);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    SmallVector<NamedAttribute> attrs = {
        builder.getNamedAttr("llm.name", builder.getStringAttr(input.name()))};
    if (llvm::any_of(dimNames, [](Attribute a) { return !cast<StringAttr>(a).empty(); }))
      attrs.push_back(builder.getNamedAttr("llm.dims", builder.getArrayAttr(dimNames)));
    argAttrs.push_back(builder.getDictionaryAttr(attrs));
    args.push_back(&input);
  }
  for (const auto &[name, shape] : options.inputShapes)
    if (!inputNames.contains(name))
      return emitError(fileLoc()) << "--input-shape names '" << name
                                  << "', which is not a graph input";
  for (const auto &[name, path] : options.boundInputs)
    if (!inputNames.contains(name))
      return emitError(fileLoc()) << "--bind-input names '" << name
                                  << "', which is not a graph input";
  builder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(builder, fileLoc(), options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  Block *entry = func.addEntryBlock();
  for (auto [arg, info] : llvm::zip(entry->getArguments(), args))
    values[info->name()] = arg;
  builder.setInsertionPointToStart(entry);
  return func;
}

/// The name diagnostics use for a node: its own, or `<op type>_<index>` for
/// the unnamed nodes some exporters write.
static std::string displayName(const onnx::NodeProto &node, size_t index) {
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
}

LogicalResult GraphImporter::importNodes() {
  const onnx::GraphProto &graph = model.graph();
  // Kahn's algorithm over value names: a node is ready once every input it
  // names has a value. Exporters usually emit topological order, but the
  // spec does not require it.
  size_t numNodes = graph.node_size();
  llvm::StringMap<SmallVector<size_t>> consumers;
  SmallVector<size_t> missing(numNodes, 0);
  // Each value is written once (ONNX graphs are SSA): by a graph input, an
  // initializer or one node output.
  llvm::StringMap<size_t> producer;
  auto nodeError = [&](size_t i) {
    const onnx::NodeProto &node = graph.node(i);
    std::string name = displayName(node, i);
    return emitError(NameLoc::get(StringAttr::get(ctx, name), fileLoc(i + 1)))
           << "node '" << name << "' (" << node.op_type() << "): ";
  };
  for (size_t i = 0; i < numNodes; ++i) {
    for (const std::string &output : graph.node(i).output()) {
      if (output.empty())
        continue;
      if (values.count(output))
        return nodeError(i) << "output '" << output
                            << "' redefines a graph input or initializer of that name";
      auto [it, inserted] = producer.try_emplace(output, i);
      if (!inserted)
        return nodeError(i) << "output '" << output << "' is also an output of node '"
                            << displayName(graph.node(it->second), it->second) << "' ("
                            << graph.node(it->second).op_type()
                            << "); each value must have one producer";
    }
  }
  for (size_t i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    llvm::StringSet<> counted;
    for (const std::string &input : node.input()) {
      if (input.empty() || values.count(input) || !counted.insert(input).second)
        continue;
      if (!producer.count(input))
        return nodeError(i) << "input '" << input
                            << "' is not a graph input, an initializer or any node's output";
      consumers[input].push_back(i);
      ++missing[i];
    }
  }
  // Ready nodes go in file order, so a sorted graph keeps its order and an
  // unsorted one moves only what it must.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < numNodes; ++i)
    if (missing[i] == 0)
      ready.push(i);
  size_t done = 0;
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    if (failed(importNode(graph.node(i), i)))
      return failure();
    ++done;
    for (const std::string &output : graph.node(i).output()) {
      auto it = consumers.find(output);
      if (it == consumers.end())
        continue;
      for (size_t consumer : it->second)
        if (--missing[consumer] == 0)
          ready.push(consumer);
      consumers.erase(it);
    }
  }
  if (done != numNodes) {
    // Every node left waits for a value of another node left: walk those
    // producers from the first one until a node repeats, which is on a cycle.
    size_t i = 0;
    while (missing[i] == 0)
      ++i;
    SmallVector<size_t> path;
    SmallVector<int64_t> seenAt(numNodes, -1);
    while (seenAt[i] < 0) {
      seenAt[i] = path.size();
      path.push_back(i);
      for (const std::string &input : graph.node(i).input()) {
        auto it = producer.find(input);
        if (!input.empty() && !values.count(input) && it != producer.end() &&
            missing[it->second] != 0) {
          i = it->second;
          break;
        }
      }
    }
    std::string cycle;
    for (size_t k = seenAt[i]; k < path.size(); ++k)
      cycle += displayName(graph.node(path[k]), path[k]) + " -> ";
    cycle += displayName(graph.node(i), i);
    return nodeError(i) << "its inputs depend on its own outputs through the cycle " << cycle;
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node, size_t index) {
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  std::string name = displayName(node, index);
  Location loc = NameLoc::get(StringAttr::get(ctx, name), fileLoc(index + 1));
  auto opsetIt = opsets.find(domain);
  if (opsetIt == opsets.end())
    return emitError(loc) << "node '" << name << "' (" << node.op_type()
                          << "): domain '" << domain << "' is not in the model's opset_import";
  int64_t opset = opsetIt->second;

  const OpEntry *best = nullptr;
  int earliest = -1;
  for (const OpEntry &entry : table) {
    if (entry.domain != domain || entry.opType != node.op_type())
      continue;
    if (earliest < 0 || entry.sinceVersion < earliest)
      earliest = entry.sinceVersion;
    if (entry.sinceVersion <= opset && (!best || entry.sinceVersion > best->sinceVersion))
      best = &entry;
  }
  if (!best) {
    InFlightDiagnostic diag = emitError(loc) << "node '" << name << "' (" << node.op_type();
    if (earliest < 0)
      return diag << "): op '" << node.op_type() << "' of domain '"
                  << (domain.empty() ? "ai.onnx" : domain) << "' is not supported";
    return diag << ", opset " << opset << "): supported from opset " << earliest << " only";
  }

  NodeImporter importer(*this, node, opset, loc);
  try {
    if (failed(best->handler(importer)))
      return failure();
  } catch (const ImportFailure &) {
    return failure();
  }
  for (auto [i, output] : llvm::enumerate(node.output())) {
    if (!output.empty() && !values.count(output))
      return emitError(loc) << "node '" << name << "' (" << node.op_type()
                            << "): output " << i << " ('" << output
                            << "') is not supported by the importer";
  }
  return success();
}

LogicalResult GraphImporter::importGraph(ModuleOp module) {
  const onnx::GraphProto &graph = model.graph();
  FailureOr<func::FuncOp> func = createFunction(module);
  if (failed(func))
    return failure();
  if (failed(importInitializers()) || failed(importBoundInputs()) || failed(importNodes()))
    return failure();

  // " of node 'n' (Op)" for the node that computes `name`, for diagnostics.
  auto source = [&](const std::string &name) -> std::string {
    for (int i = 0, e = graph.node_size(); i < e; ++i)
      for (const std::string &out : graph.node(i).output())
        if (out == name)
          return " of node '" + displayName(graph.node(i), i) + "' (" + graph.node(i).op_type() +
                 ")";
    return "";
  };
  SmallVector<Value> results;
  SmallVector<DictionaryAttr> resultAttrs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return emitError(fileLoc()) << "graph output '" << output.name()
                                  << "' is not produced by any node, initializer or input";
    Value value = it->second;
    SmallVector<NamedAttribute> attrs = {
        builder.getNamedAttr("llm.name", builder.getStringAttr(output.name()))};
    // Cross-check the declared type where the graph gives one.
    if (output.type().has_tensor_type()) {
      SmallVector<Attribute> dimNames;
      const auto &declared = output.type().tensor_type();
      auto actual = cast<RankedTensorType>(value.getType());
      Type declaredElement = convertElementType(ctx, declared.elem_type());
      if (declared.elem_type() != 0 && declaredElement &&
          declaredElement != actual.getElementType())
        return emitError(value.getLoc())
               << "graph output '" << output.name() << "'" << source(output.name())
               << " is declared " << elementTypeName(declared.elem_type()) << " but computes "
               << actual.getElementType();
      if (declared.has_shape()) {
        if (declared.shape().dim_size() != actual.getRank())
          return emitError(value.getLoc())
                 << "graph output '" << output.name() << "'" << source(output.name())
                 << " is declared with rank "
                 << declared.shape().dim_size() << " but computes " << actual;
        for (auto [d, dim] : llvm::enumerate(declared.shape().dim())) {
          if (dim.has_dim_value() && !actual.isDynamicDim(d) &&
              dim.dim_value() != actual.getDimSize(d))
            return emitError(value.getLoc())
                   << "graph output '" << output.name() << "'" << source(output.name())
                   << " is declared with dim " << d
                   << " = " << dim.dim_value() << " but computes " << actual;
          // A name is kept only for a dim that is still dynamic.
          bool named = dim.has_dim_param() && actual.isDynamicDim(d);
          dimNames.push_back(builder.getStringAttr(named ? dim.dim_param() : ""));
        }
        if (llvm::any_of(dimNames, [](Attribute a) { return !cast<StringAttr>(a).empty(); }))
          attrs.push_back(builder.getNamedAttr("llm.dims", builder.getArrayAttr(dimNames)));
      }
    }
    results.push_back(value);
    resultAttrs.push_back(builder.getDictionaryAttr(attrs));
  }
  func::ReturnOp::create(builder, fileLoc(), results);
  func->setType(builder.getFunctionType(func->getArgumentTypes(), ValueRange(results).getTypes()));
  func->setAllResultAttrs(resultAttrs);

  // Shape tracking leaves behind llm.dim and arith ops nobody ended up
  // using; drop every op without uses or side effects, last to first.
  Block &body = func->getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

bool mlir::llm::isONNXFile(StringRef path) {
  return llvm::sys::path::extension(path).equals_insensitive(".onnx");
}

FailureOr<OwningOpRef<ModuleOp>> mlir::llm::importONNXFile(StringRef path, MLIRContext *context,
                                                           const ONNXImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(fileLoc) << "cannot open ONNX model: " << buffer.getError().message();
  StringRef data = (*buffer)->getBuffer();
  if (data.empty())
    return emitError(fileLoc) << "file is empty, not an ONNX model";
  if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return emitError(fileLoc) << "model file is larger than 2 GiB, the protobuf limit; save "
                                 "its weights as external data";

  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(data.data()), static_cast<int>(data.size()));
  stream.SetRecursionLimit(100);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return emitError(fileLoc) << "not a valid ONNX model: the protobuf does not parse "
                                 "(truncated or not an ONNX file)";
  if (!model.has_graph())
    return emitError(fileLoc) << "not a valid ONNX model: it has no graph";
  if (model.ir_version() < 3)
    return emitError(fileLoc) << "IR version " << model.ir_version()
                              << " is not supported (need 3 or newer)";
  // IR 12 (ONNX 1.19) and 13 (1.20) only added element types (FLOAT8E8M0,
  // INT2/UINT2), which get their own diagnostics where they appear.
  constexpr int64_t newestIRVersion = 13;
  if (model.ir_version() > newestIRVersion)
    emitWarning(fileLoc) << "IR version " << model.ir_version() << " is newer than "
                         << newestIRVersion << ", the newest this importer knows";

  GraphImporter importer(context, path, model, options);
  int64_t opset = importer.getOpset("");
  if (opset == 0 && model.opset_import_size() == 0)
    return emitError(fileLoc) << "model has no opset_import";
  constexpr int64_t minOpset = 7, maxOpset = 27;
  if (opset != 0 && (opset < minOpset || opset > maxOpset))
    return emitError(fileLoc) << "ai.onnx opset " << opset << " is not supported (supported: "
                              << minOpset << " to " << maxOpset << ")";

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (!model.graph().name().empty())
    (*module)->setAttr("llm.graph_name", StringAttr::get(context, model.graph().name()));
  (*module)->setAttr("llm.opset", IntegerAttr::get(IntegerType::get(context, 64), opset));
  if (failed(importer.importGraph(*module)))
    return failure();
  if (failed(verify(*module)))
    return emitError(fileLoc) << "the imported module does not verify (an importer bug)";
  return module;
}

std::vector<SupportedONNXOp> mlir::llm::getSupportedONNXOps() {
  std::vector<OpEntry> table;
  addDefaultDomainOps(table);
  addDefaultDomainCompositeOps(table);
  addMicrosoftDomainOps(table);
  std::vector<SupportedONNXOp> result;
  for (const OpEntry &entry : table)
    result.push_back({entry.domain, entry.opType, entry.sinceVersion, entry.notes});
  llvm::sort(result, [](const SupportedONNXOp &a, const SupportedONNXOp &b) {
    return std::tie(a.domain, a.opType, a.sinceVersion) <
           std::tie(b.domain, b.opType, b.sinceVersion);
  });
  return result;
}
