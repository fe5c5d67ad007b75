//===- ModuleWriter.h - lower, generate and build a module directory -*- C++ -*-===//
//
// The back half of the compiler: from llm IR (imported, optionally
// optimized) to the module directory of docs/module-format.md.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_CODEGEN_MODULEWRITER_H
#define LLM_CODEGEN_MODULEWRITER_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir {
namespace llm {

struct ModuleWriteOptions {
  std::string target = "cpu";
  std::string outputDir;
  /// Run the optimization pipeline before planning memory.
  bool optimize = true;
  /// The pipeline's `precision` option: f32 (unchanged), f16 or bf16.
  std::string precision = "f32";
  /// The pipeline's `keep-io-types` option: with f16/bf16, false makes the
  /// f32 inputs and outputs f16/bf16 too.
  bool keepIOTypes = true;
  /// Host C++ compiler; empty = $LLM_CXX, else the compiler llm-opt was built with.
  std::string cxx;
  /// Time every op and print a profile at exit (llm-opt --profile-ops).
  bool profileOps = false;
  /// Where the ONNX model came from, recorded in the manifest.
  std::string source;
};

/// Runs the passes codegen needs on `module`: the optimization pipeline
/// (when `optimize`, computing in `precision`) and memory planning.
LogicalResult prepareForCodegen(ModuleOp module, bool optimize, StringRef precision = "f32",
                                bool keepIOTypes = true);

/// The generated source of a prepared module, for --emit=cpp.
FailureOr<std::string> emitModuleSource(ModuleOp module, StringRef target);

/// Prepares `module`, generates its code, builds it and writes the module
/// directory (manifest.json, weights.safetensors, module.cpp or module.cu, module.so).
LogicalResult writeModuleDirectory(ModuleOp module, const ModuleWriteOptions &options);

} // namespace llm
} // namespace mlir

#endif // LLM_CODEGEN_MODULEWRITER_H
