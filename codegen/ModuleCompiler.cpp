//===- ModuleCompiler.cpp - ONNX model to a runnable module directory -----===//

#include "codegen/ModuleCompiler.h"

#include "codegen/ModuleWriter.h"
#include "dialects/InitAllDialects.h"
#include "frontend/onnx/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

bool mlir::llm::compileONNXModelToModule(const std::string &onnxPath,
                                   const ModuleCompileOptions &options,
                                   std::string &diagnostics) {
  mlir::DialectRegistry registry;
  mlir::llm::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics name the ONNX node; a dump of the whole module would bury it.
  context.printOpOnDiagnostic(false);
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Remark)
      return mlir::success();
    os << diag.getLocation() << ": "
       << (diag.getSeverity() == mlir::DiagnosticSeverity::Error ? "error: " : "warning: ")
       << diag << "\n";
    return mlir::success();
  });

  mlir::llm::ONNXImportOptions importOptions;
  for (const auto &[name, shape] : options.inputShapes)
    importOptions.inputShapes[name] = shape;
  auto module = mlir::llm::importONNXFile(onnxPath, &context, importOptions);
  if (mlir::failed(module))
    return false;
  mlir::llm::ModuleWriteOptions writeOptions;
  writeOptions.target = options.target;
  writeOptions.outputDir = options.outputDir;
  writeOptions.optimize = options.optimize;
  writeOptions.precision = options.precision;
  writeOptions.source = onnxPath;
  return mlir::succeeded(mlir::llm::writeModuleDirectory(**module, writeOptions));
}
