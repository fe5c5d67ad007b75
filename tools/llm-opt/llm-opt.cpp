//===- llm-opt.cpp - the llm-opt compiler driver --------------------------===//
//
// mlir-opt for transformer models: reads an ONNX model or llm IR, runs a
// pass pipeline, prints the result. Every mlir-opt flag works; ONNX inputs
// are imported first and then go through the same pipeline and printer.
//
//===----------------------------------------------------------------------===//

#include "codegen/ModuleWriter.h"
#include "dialects/InitAllDialects.h"
#include "frontend/onnx/ONNXImporter.h"
#include "passes/InitAllPasses.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
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

llvm::cl::list<std::string> boundInputs(
    "bind-input",
    llvm::cl::desc("Specialize a graph input to a constant: NAME=FILE.pb (a serialized ONNX "
                   "TensorProto, e.g. a test_data_set input)"),
    llvm::cl::cat(onnxCategory));

llvm::cl::opt<bool> listONNXOps(
    "list-onnx-ops",
    llvm::cl::desc("Print the importer's supported-op table as Markdown and exit"),
    llvm::cl::init(false), llvm::cl::cat(onnxCategory));

llvm::cl::OptionCategory codegenCategory("Code generation options");

enum class EmitKind { MLIR, Cpp, Module };

llvm::cl::opt<EmitKind> emitKind(
    "emit", llvm::cl::desc("What to produce"), llvm::cl::init(EmitKind::MLIR),
    llvm::cl::values(
        clEnumValN(EmitKind::MLIR, "mlir", "the IR after the pass pipeline (default)"),
        clEnumValN(EmitKind::Cpp, "cpp", "the generated source of the target, to -o FILE"),
        clEnumValN(EmitKind::Module, "module",
                   "a runnable module directory at -o DIR (docs/module-format.md)")),
    llvm::cl::cat(codegenCategory));

llvm::cl::opt<std::string> target("target", llvm::cl::desc("Code generation target (cpu)"),
                                  llvm::cl::init("cpu"), llvm::cl::cat(codegenCategory));

llvm::cl::opt<bool> noOptimize(
    "no-optimize",
    llvm::cl::desc("With --emit=cpp/module: skip the optimization pipeline (plan memory only)"),
    llvm::cl::init(false), llvm::cl::cat(codegenCategory));

llvm::cl::opt<std::string> precision(
    "precision",
    llvm::cl::desc("With --emit=cpp/module: compute the f32 model in f16 or bf16 "
                   "(llm-optimize's precision option; the interface stays f32 unless "
                   "--keep-io-types=false)"),
    llvm::cl::init("f32"), llvm::cl::cat(codegenCategory));

llvm::cl::opt<bool> keepIOTypes(
    "keep-io-types",
    llvm::cl::desc("With --precision=f16/bf16: keep the model's f32 inputs and outputs f32 "
                   "(default); false makes them f16/bf16, as a PyTorch .half() model's are"),
    llvm::cl::init(true), llvm::cl::cat(codegenCategory));

llvm::cl::opt<bool> profileOps(
    "profile-ops",
    llvm::cl::desc("With --emit=module: the code times every op and prints a profile to "
                   "stderr when the process exits"),
    llvm::cl::init(false), llvm::cl::cat(codegenCategory));

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
  for (const std::string &spec : boundInputs) {
    auto [name, file] = llvm::StringRef(spec).split('=');
    if (name.empty() || file.empty()) {
      llvm::errs() << "llm-opt: --bind-input expects NAME=FILE.pb, got '" << spec << "'\n";
      return failure();
    }
    options.boundInputs[name.str()] = file.str();
  }
  return success();
}

void printONNXOpTable(llvm::raw_ostream &os) {
  os << "<!-- Generated by `llm-opt --list-onnx-ops` (scripts/update-docs.sh); don't edit -->\n\n"
     << "# Supported ONNX ops\n\n"
     << "Each row is one entry of the importer's handler table: the op imports from\n"
     << "`since opset` of its domain up to the next row of the same op (or any newer\n"
     << "opset). Models may import ai.onnx opsets 7 to 27.\n\n"
     << "| domain | op | since opset | notes |\n|---|---|---|---|\n";
  for (const llm::SupportedONNXOp &op : llm::getSupportedONNXOps())
    os << "| " << (op.domain.empty() ? "ai.onnx" : op.domain) << " | " << op.opType << " | "
       << op.sinceVersion << " | " << op.notes << " |\n";
}

/// After the command line's pipeline: print the IR, or generate code.
LogicalResult finish(ModuleOp module, llvm::StringRef inputFilename,
                     llvm::StringRef outputFilename) {
  if (precision != "f32" && precision != "f16" && precision != "bf16") {
    llvm::errs() << "llm-opt: --precision must be f32, f16 or bf16, got '" << precision << "'\n";
    return failure();
  }
  if (emitKind == EmitKind::Module) {
    if (outputFilename == "-") {
      llvm::errs() << "llm-opt: --emit=module needs an output directory: -o DIR\n";
      return failure();
    }
    llm::ModuleWriteOptions options;
    options.target = target;
    options.outputDir = outputFilename.str();
    options.optimize = !noOptimize;
    options.precision = precision;
    options.keepIOTypes = keepIOTypes;
    options.profileOps = profileOps;
    options.source = inputFilename.str();
    return llm::writeModuleDirectory(module, options);
  }
  std::string errorMessage;
  auto output = openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "llm-opt: " << errorMessage << "\n";
    return failure();
  }
  if (emitKind == EmitKind::Cpp) {
    if (failed(llm::prepareForCodegen(module, !noOptimize, precision, keepIOTypes)))
      return failure();
    FailureOr<std::string> source = llm::emitModuleSource(module, target);
    if (failed(source))
      return failure();
    output->os() << *source;
  } else {
    OpPrintingFlags flags;
    if (!printWeights)
      flags.elideLargeResourceString(/*largeResourceLimit=*/64);
    module->print(output->os(), flags);
    output->os() << "\n";
  }
  output->keep();
  return success();
}

/// Imports an ONNX model (or parses llm IR), runs the command line's
/// pipeline, then prints or generates code.
LogicalResult runToCodegen(llvm::StringRef inputFilename, llvm::StringRef outputFilename,
                           DialectRegistry &registry, const MlirOptMainConfig &config) {
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics name the ONNX node; a dump of the whole module would bury it.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  OwningOpRef<ModuleOp> module;
  if (llm::isONNXFile(inputFilename)) {
    llm::ONNXImportOptions options;
    options.keepInitializerInputs = keepInitializerInputs;
    options.denseElementLimit = denseElementLimit;
    if (failed(parseInputShapes(options)))
      return failure();
    FailureOr<OwningOpRef<ModuleOp>> imported =
        llm::importONNXFile(inputFilename, &context, options);
    if (failed(imported))
      return failure();
    module = std::move(*imported);
  } else {
    std::string errorMessage;
    auto file = openInputFile(inputFilename, &errorMessage);
    if (!file) {
      llvm::errs() << "llm-opt: " << errorMessage << "\n";
      return failure();
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return failure();
  }

  // Implicit nesting, as in mlir-opt: a func.func pass given on the command
  // line runs on every function of the module.
  PassManager pm(&context, ModuleOp::getOperationName(), OpPassManager::Nesting::Implicit);
  if (failed(applyPassManagerCLOptions(pm)) || failed(config.setupPassPipeline(pm)))
    return failure();
  if (failed(pm.run(*module)))
    return failure();
  return finish(*module, inputFilename, outputFilename);
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

  // ONNX models, and anything bound for code generation, take llm-opt's own
  // path; IR in and IR out is plain mlir-opt.
  if (llm::isONNXFile(inputFilename) || emitKind != EmitKind::MLIR)
    return failed(runToCodegen(inputFilename, outputFilename, registry, config)) ? 1 : 0;

  std::string errorMessage;
  auto output = openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "llm-opt: " << errorMessage << "\n";
    return 1;
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
