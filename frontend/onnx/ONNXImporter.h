//===- ONNXImporter.h - ONNX model to llm dialect ---------------*- C++ -*-===//
//
// The frontend's public API. It names no protobuf type, so that code built
// without exceptions (everything but the frontend itself) can include it.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_FRONTEND_ONNX_ONNXIMPORTER_H
#define LLM_FRONTEND_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace mlir {
namespace llm {

/// How to import an ONNX model.
struct ONNXImportOptions {
  /// Name of the function that holds the graph.
  std::string functionName = "main";
  /// Tensors with at most this many elements become `dense` constants that
  /// folders can read; larger ones become `dense_resource` blobs.
  int64_t denseElementLimit = 64;
  /// Keep graph inputs that have an initializer as function arguments (the
  /// ONNX "overridable initializer"); by default their initializer is used.
  bool keepInitializerInputs = false;
  /// Replace the shapes of named graph inputs (dims < 0 are dynamic).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Specialize named graph inputs to constants read from serialized ONNX
  /// TensorProto files (`input_0.pb`): for operands such as axes or split
  /// sizes that the graph takes as inputs but that fix ranks and shapes.
  std::map<std::string, std::string> boundInputs;
};

/// Imports the ONNX model at `path` into a module holding one function.
/// Diagnostics go to `context`'s handler; they name the file, the node, its
/// op type and what is wrong.
FailureOr<OwningOpRef<ModuleOp>> importONNXFile(llvm::StringRef path, MLIRContext *context,
                                                const ONNXImportOptions &options = {});

/// One row of the importer's op table: `opType` of `domain` is supported
/// from opset `sinceVersion` (up to the next row for the same op).
struct SupportedONNXOp {
  std::string domain;
  std::string opType;
  int sinceVersion;
  std::string notes;
};

/// The importer's own op table, for docs and `llm-opt --list-onnx-ops`.
std::vector<SupportedONNXOp> getSupportedONNXOps();

/// Returns true when `path` names an ONNX model (by extension).
bool isONNXFile(llvm::StringRef path);

} // namespace llm
} // namespace mlir

#endif // LLM_FRONTEND_ONNX_ONNXIMPORTER_H
