//===- ModuleCompiler.h - ONNX model to a runnable module directory ------===//
//
// The whole compiler behind one call, for tools that should not see MLIR
// (llm-run compiles an ONNX model before running it): import, optimize,
// plan memory, generate code for the target and build it into OUTDIR.
// (The namespace is the project's; the header includes nothing of MLIR.)
//
//===----------------------------------------------------------------------===//

#ifndef LLM_CODEGEN_MODULECOMPILER_H
#define LLM_CODEGEN_MODULECOMPILER_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir {
namespace llm {

struct ModuleCompileOptions {
  std::string target = "cpu";
  std::string outputDir;
  /// Overrides of graph input shapes (-1 = dynamic), as --input-shape.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Run the optimization pipeline before codegen.
  bool optimize = true;
  /// Compute type of the model's f32 ops: f32 (unchanged), f16 or bf16.
  std::string precision = "f32";
};

/// Compiles the ONNX model at `onnxPath` into `options.outputDir`. Returns
/// true on success; on failure `diagnostics` holds the messages.
bool compileONNXModelToModule(const std::string &onnxPath, const ModuleCompileOptions &options,
                              std::string &diagnostics);

} // namespace llm
} // namespace mlir

#endif // LLM_CODEGEN_MODULECOMPILER_H
