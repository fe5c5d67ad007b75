//===- llm-opt.cpp - the llm-opt compiler driver --------------------------===//
//
// mlir-opt for transformer models: reads an ONNX model or llm IR, runs a
// pass pipeline, prints the result. Every mlir-opt flag works; ONNX inputs
// are imported first and then go through the same pipeline and printer.
//
//===----------------------------------------------------------------------===//

#include "dialects/InitAllDialects.h"
#include "frontend/onnx/ONNXImporter.h"
#include "passes/InitAllPasses.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace {

llvm::cl::OptionCategory onnxCategory("ONNX import options");

llvm::cl::opt<bool> printWeights(
    "print-weights",
    llvm::cl::desc("Print imported weights in full (by default large dense_resource blobs "
                   "are elided so that the IR stays readable)"),
    llvm::cl::init(false), llvm::cl::cat(onnxCategory));

llvm::cl::opt<bool> keepInitializerInputs(
    "keep-initializer-inputs",
    llvm::cl::desc("Keep graph inputs that have an initializer as function arguments"),
    llvm::cl::init(false), llvm::cl::cat(onnxCategory));

llvm::cl::opt<int64_t> denseElementLimit(
    "dense-element-limit",
    llvm::cl::desc("Initializers with at most this many elements become dense constants"),
    llvm::cl::init(64), llvm::cl::cat(onnxCategory));

llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Override a graph input's shape: NAME=DxDx... ('?' for a dynamic dim)"),
    llvm::cl::cat(onnxCategory));

llvm::cl::opt<bool> listONNXOps(
    "list-onnx-ops",
    llvm::cl::desc("Print the importer's supported-op table as Markdown and exit"),
    llvm::cl::init(false), llvm::cl::cat(onnxCategory));

/// Parses `NAME=1x?x768` into the import options.
LogicalResult parseInputShapes(llm::ONNXImportOptions &options) {
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = llvm::StringRef(spec).split('=');
    if (name.empty() || dims.empty()) {
      llvm::errs() << "llm-opt: --input-shape expects NAME=DxD..., got '" << spec << "'\n";
      return failure();
    }
    std::vector<int64_t> shape;
    llvm::SmallVector<llvm::StringRef> parts;
    if (dims != "scalar")
      dims.split(parts, 'x');
    for (llvm::StringRef part : parts) {
      int64_t dim;
      if (part == "?") {
        shape.push_back(-1);
      } else if (!part.getAsInteger(10, dim) && dim >= 0) {
        shape.push_back(dim);
      } else {
        llvm::errs() << "llm-opt: bad dim '" << part << "' in --input-shape '" << spec << "'\n";
        return failure();
      }
    }
    options.inputShapes[name.str()] = shape;
  }
  return success();
}

void printONNXOpTable(llvm::raw_ostream &os) {
  os << "| domain | op | since opset | notes |\n|---|---|---|---|\n";
  for (const llm::SupportedONNXOp &op : llm::getSupportedONNXOps())
    os << "| " << (op.domain.empty() ? "ai.onnx" : op.domain) << " | " << op.opType << " | "
       << op.sinceVersion << " | " << op.notes << " |\n";
}

/// Imports an ONNX model, runs the command line's pipeline and prints.
LogicalResult runOnONNX(llvm::StringRef inputFilename, llvm::raw_ostream &os,
                        DialectRegistry &registry, const MlirOptMainConfig &config) {
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  llm::ONNXImportOptions options;
  options.keepInitializerInputs = keepInitializerInputs;
  options.denseElementLimit = denseElementLimit;
  if (failed(parseInputShapes(options)))
    return failure();
  FailureOr<OwningOpRef<ModuleOp>> module =
      llm::importONNXFile(inputFilename, &context, options);
  if (failed(module))
    return failure();

  PassManager pm(&context, ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)) || failed(config.setupPassPipeline(pm)))
    return failure();
  if (failed(pm.run(**module)))
    return failure();

  OpPrintingFlags flags;
  if (!printWeights)
    flags.elideLargeResourceString(/*largeResourceLimit=*/64);
  (*module)->print(os, flags);
  os << "\n";
  return success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  DialectRegistry registry;
  llm::registerAllDialects(registry);
  llm::registerAllPasses();

  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv, "llm-opt: a compiler for transformer models (ONNX or llm IR in, IR out)",
      registry);
  if (listONNXOps) {
    printONNXOpTable(llvm::outs());
    return 0;
  }
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();

  std::string errorMessage;
  auto output = openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "llm-opt: " << errorMessage << "\n";
    return 1;
  }

  if (llm::isONNXFile(inputFilename)) {
    if (failed(runOnONNX(inputFilename, output->os(), registry, config)))
      return 1;
    output->keep();
    return 0;
  }

  auto file = openInputFile(inputFilename, &errorMessage);
  if (!file) {
    llvm::errs() << "llm-opt: " << errorMessage << "\n";
    return 1;
  }
  if (failed(MlirOptMain(output->os(), std::move(file), registry, config)))
    return 1;
  output->keep();
  return 0;
}
