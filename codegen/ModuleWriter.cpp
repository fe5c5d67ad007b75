//===- ModuleWriter.cpp - lower, generate and build a module directory ----===//

#include "codegen/ModuleWriter.h"

#include "codegen/SourceEmitter.h"
#include "dialects/LLM/IR/LLMWeightRecipes.h"
#include "passes/Pipelines/Pipelines.h"
#include "passes/MemoryPlanning/Passes.h"
#include "runtime/include/llmrt/ModuleABI.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

using namespace mlir;
using namespace mlir::llm;

#ifndef LLM_HOST_CXX
#define LLM_HOST_CXX "c++"
#endif
#ifndef LLM_NVCC
#define LLM_NVCC "nvcc"
#endif
#ifndef LLM_CUDA_KERNEL_INCLUDE_DIR
#define LLM_CUDA_KERNEL_INCLUDE_DIR ""
#endif
#ifndef LLM_KERNEL_INCLUDE_DIR
#define LLM_KERNEL_INCLUDE_DIR ""
#endif
#ifndef LLM_RUNTIME_INCLUDE_DIR
#define LLM_RUNTIME_INCLUDE_DIR ""
#endif

LogicalResult mlir::llm::prepareForCodegen(ModuleOp module, bool optimize, StringRef precision,
                                           bool keepIOTypes) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  if (optimize) {
    LLMOptimizeOptions optimizeOptions;
    optimizeOptions.precision = precision.str();
    optimizeOptions.keepIOTypes = keepIOTypes;
    buildLLMOptimizePipeline(pm, optimizeOptions);
  }
  pm.addNestedPass<func::FuncOp>(createPlanMemoryPass());
  return pm.run(module);
}

FailureOr<std::string> mlir::llm::emitModuleSource(ModuleOp module, StringRef target) {
  std::optional<codegen::Target> parsed = codegen::parseTarget(target);
  if (!parsed)
    return module.emitError("unknown target '") << target << "' (supported: cpu, cuda)";
  codegen::EmitOptions options;
  options.target = *parsed;
  FailureOr<codegen::EmittedModule> emitted = codegen::emitModule(module, options);
  if (failed(emitted))
    return failure();
  return emitted->source;
}

namespace {

std::string safetensorsDType(const std::string &dtype) {
  static const std::pair<const char *, const char *> table[] = {
      {"float32", "F32"}, {"float16", "F16"}, {"bfloat16", "BF16"}, {"float64", "F64"},
      {"int8", "I8"},     {"uint8", "U8"},    {"int16", "I16"},     {"uint16", "U16"},
      {"int32", "I32"},   {"uint32", "U32"},  {"int64", "I64"},     {"uint64", "U64"},
      {"bool", "BOOL"}};
  for (auto [ours, theirs] : table)
    if (dtype == ours)
      return theirs;
  return "";
}

llvm::json::Array shapeJSON(RankedTensorType type, const std::vector<std::string> &names) {
  llvm::json::Array shape;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (!type.isDynamicDim(i))
      shape.push_back(type.getDimSize(i));
    else if (i < (int64_t)names.size() && !names[i].empty())
      shape.push_back(names[i]);
    else
      shape.push_back(nullptr);
  }
  return shape;
}

LogicalResult writeFile(Operation *anchor, const std::string &path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return anchor->emitError("cannot write '") << path << "': " << ec.message();
  os << contents;
  os.close();
  if (os.has_error())
    return anchor->emitError("cannot write '") << path << "': " << os.error().message();
  return success();
}

/// safetensors: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the data. Entries are laid
/// out by decreasing element size so every tensor is aligned to its element
/// (the header is padded to a multiple of 8).
LogicalResult writeSafetensors(ModuleOp module, const std::string &path,
                               const std::vector<codegen::WeightEntry> &weights) {
  std::vector<size_t> order(weights.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  auto eltBytes = [&](size_t i) {
    Type t = weights[i].type.getElementType();
    return std::max<unsigned>(1, (t.getIntOrFloatBitWidth() + 7) / 8);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return eltBytes(a) > eltBytes(b); });
  llvm::json::Object header;
  uint64_t offset = 0;
  for (size_t i : order) {
    const codegen::WeightEntry &w = weights[i];
    std::string dtype = safetensorsDType(codegen::manifestDType(w.type.getElementType()));
    if (dtype.empty())
      return module.emitError("weight '") << w.name << "' has an unsupported element type";
    uint64_t expected = w.type.getNumElements() * eltBytes(i);
    if (w.data.size() != expected)
      return module.emitError("weight '") << w.name << "' holds " << w.data.size()
                                          << " bytes, its type needs " << expected;
    llvm::json::Array shape;
    for (int64_t d : w.type.getShape())
      shape.push_back(d);
    header[w.name] = llvm::json::Object{{"dtype", dtype},
                                        {"shape", std::move(shape)},
                                        {"data_offsets", llvm::json::Array{offset, offset + expected}}};
    offset += expected;
  }
  std::string headerText;
  llvm::raw_string_ostream(headerText) << llvm::json::Value(std::move(header));
  while (headerText.size() % 8)
    headerText += ' ';
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError("cannot write '") << path << "': " << ec.message();
  uint64_t length = headerText.size();
  char lengthBytes[8];
  for (int i = 0; i < 8; ++i)
    lengthBytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  os.write(lengthBytes, 8);
  os << headerText;
  for (size_t i : order)
    os.write(weights[i].data.data(), weights[i].data.size());
  os.close();
  if (os.has_error())
    return module.emitError("cannot write '") << path << "': " << os.error().message();
  return success();
}

/// The module's llm.weight_recipes as the manifest's "weight_recipes".
llvm::json::Object recipesJSON(ModuleOp module) {
  llvm::json::Object recipes;
  auto dict = module->getAttrOfType<DictionaryAttr>(kWeightRecipesAttr);
  if (!dict)
    return recipes;
  for (NamedAttribute entry : dict) {
    auto recipe = dyn_cast<DictionaryAttr>(entry.getValue());
    if (!recipe)
      continue;
    llvm::json::Object out;
    for (NamedAttribute field : recipe) {
      Attribute value = field.getValue();
      if (auto s = dyn_cast<StringAttr>(value))
        out[field.getName().str()] = s.str();
      else if (auto i = dyn_cast<IntegerAttr>(value))
        out[field.getName().str()] = i.getInt();
      else if (auto t = dyn_cast<TypeAttr>(value))
        out[field.getName().str()] = codegen::manifestDType(t.getValue());
      else if (auto ints = dyn_cast<DenseI64ArrayAttr>(value))
        out[field.getName().str()] = llvm::json::Array(ints.asArrayRef());
      else if (auto list = dyn_cast<ArrayAttr>(value)) {
        llvm::json::Array items;
        for (Attribute item : list) {
          if (auto s = dyn_cast<StringAttr>(item))
            items.push_back(s.str());
          else if (auto i = dyn_cast<IntegerAttr>(item))
            items.push_back(i.getInt());
        }
        out[field.getName().str()] = std::move(items);
      }
    }
    recipes[entry.getName().str()] = std::move(out);
  }
  return recipes;
}

/// `constantsFile`: where the compiler's constants went (empty: none).
std::string manifestJSON(const codegen::EmittedModule &emitted, const ModuleWriteOptions &options,
                         llvm::json::Object recipes, StringRef constantsFile) {
  llvm::json::Array weights;
  for (const codegen::WeightEntry &w : emitted.weights) {
    llvm::json::Array shape;
    for (int64_t d : w.type.getShape())
      shape.push_back(d);
    weights.push_back(llvm::json::Object{{"name", w.name},
                                         {"dtype", codegen::manifestDType(w.type.getElementType())},
                                         {"shape", std::move(shape)}});
  }
  auto signatures = [](const std::vector<codegen::TensorSignature> &list) {
    llvm::json::Array out;
    for (const codegen::TensorSignature &s : list)
      out.push_back(llvm::json::Object{{"name", s.name},
                                       {"dtype", codegen::manifestDType(s.type.getElementType())},
                                       {"shape", shapeJSON(s.type, s.dimNames)}});
    return out;
  };
  llvm::json::Array entries;
  for (const codegen::EmittedEntry &e : emitted.entries) {
    llvm::json::Array buffers;
    for (auto [first, last] : e.bufferIntervals)
      buffers.push_back(llvm::json::Object{{"first", first}, {"last", last}});
    llvm::json::Value arena = nullptr;
    if (e.staticArenaBytes)
      arena = *e.staticArenaBytes;
    entries.push_back(llvm::json::Object{{"name", e.name},
                                         {"plan_symbol", e.planSymbol},
                                         {"run_symbol", e.runSymbol},
                                         {"inputs", signatures(e.inputs)},
                                         {"outputs", signatures(e.outputs)},
                                         {"buffers", std::move(buffers)},
                                         {"static_arena_bytes", std::move(arena)}});
  }
  llvm::json::Object manifest{{"format", "llm-module"},
                              {"abi_version", LLM_MODULE_ABI_VERSION},
                              {"target", options.target},
                              {"library", "module.so"},
                              {"weights_file", "weights.safetensors"},
                              {"producer", "llm-opt"},
                              {"source", options.source},
                              {"weights", std::move(weights)},
                              {"weight_recipes", std::move(recipes)},
                              {"entries", std::move(entries)}};
  if (!constantsFile.empty())
    manifest["constants_file"] = constantsFile.str();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest))) << "\n";
  return text;
}

/// Runs `args` (args[0] is the program), its output going to DIR/build.log,
/// which is kept only when the build fails (its head is in the error).
LogicalResult runBuild(ModuleOp module, const std::string &dir, const std::string &what,
                       const std::vector<std::string> &args) {
  std::string library = dir + "/module.so", log = dir + "/build.log";
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(args[0], argRefs, std::nullopt, redirects, 0, 0, &error);
  if (rc != 0) {
    std::string output;
    if (auto buffer = llvm::MemoryBuffer::getFile(log))
      output = (*buffer)->getBuffer().take_front(4000).str();
    return module.emitError("building ") << library << " failed (" << what << " exit " << rc
                                         << (error.empty() ? "" : ", " + error) << "):\n"
                                         << output;
  }
  llvm::sys::fs::remove(log);
  return success();
}

/// Builds module.cu into module.so with nvcc, for Hopper (sm_90a: the
/// tensor-core kernels use its instructions), linking cuBLASLt and cuBLAS.
LogicalResult buildCUDALibrary(ModuleOp module, const std::string &dir) {
  std::string nvcc;
  if (const char *env = std::getenv("LLM_NVCC"))
    nvcc = env;
  if (nvcc.empty())
    nvcc = LLM_NVCC;
  auto program = llvm::sys::findProgramByName(nvcc);
  if (!program)
    return module.emitError("cannot find nvcc '") << nvcc << "' (install the CUDA Toolkit or set LLM_NVCC)";
  return runBuild(module, dir, nvcc,
                  {*program, "-std=c++17", "-O3", "--extended-lambda", "--expt-relaxed-constexpr",
                   "-gencode=arch=compute_90a,code=sm_90a", "-cudart", "shared", "-Xcompiler",
                   "-fPIC", "-shared", "-w",
                   std::string("-I") + LLM_CUDA_KERNEL_INCLUDE_DIR,
                   std::string("-I") + LLM_RUNTIME_INCLUDE_DIR, dir + "/module.cu", "-o",
                   dir + "/module.so", "-lcublasLt", "-lcublas"});
}

/// Builds module.cpp into module.so with the host compiler.
LogicalResult buildSharedLibrary(ModuleOp module, const std::string &dir,
                                 const ModuleWriteOptions &options) {
  std::string cxx = options.cxx;
  if (cxx.empty())
    if (const char *env = std::getenv("LLM_CXX"))
      cxx = env;
  if (cxx.empty())
    cxx = LLM_HOST_CXX;
  auto program = llvm::sys::findProgramByName(cxx);
  if (!program)
    return module.emitError("cannot find the host C++ compiler '") << cxx << "' (set LLM_CXX)";
  return runBuild(module, dir, cxx,
                  {*program, "-std=c++17", "-O3", "-march=native", "-fno-math-errno", "-fopenmp",
                   "-fPIC", "-shared", "-w", std::string("-I") + LLM_KERNEL_INCLUDE_DIR,
                   std::string("-I") + LLM_RUNTIME_INCLUDE_DIR, dir + "/module.cpp", "-o",
                   dir + "/module.so", "-ldnnl", "-lopenblas"});
}

} // namespace

LogicalResult mlir::llm::writeModuleDirectory(ModuleOp module, const ModuleWriteOptions &options) {
  std::optional<codegen::Target> target = codegen::parseTarget(options.target);
  if (!target)
    return module.emitError("unknown target '") << options.target << "' (supported: cpu, cuda)";
  if (options.outputDir.empty())
    return module.emitError("--emit=module needs an output directory (-o DIR)");
  if (failed(prepareForCodegen(module, options.optimize, options.precision, options.keepIOTypes)))
    return failure();
  codegen::EmitOptions emitOptions;
  emitOptions.target = *target;
  emitOptions.profileOps = options.profileOps;
  FailureOr<codegen::EmittedModule> emitted = codegen::emitModule(module, emitOptions);
  if (failed(emitted))
    return failure();
  const std::string &dir = options.outputDir;
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return module.emitError("cannot create '") << dir << "': " << ec.message();
  bool cuda = *target == codegen::Target::CUDA;
  // The model's weights (initializers and what the compiler derived from
  // them, with recipes) go to weights.safetensors, which a user's checkpoint
  // can replace; constants codegen moved out of the code go to their own
  // file, which always travels with module.so.
  std::vector<codegen::WeightEntry> modelWeights, constants;
  for (const codegen::WeightEntry &w : emitted->weights)
    (w.storage ? constants : modelWeights).push_back(w);
  const std::string kConstantsName = "constants.safetensors";
  const std::string constantsFile = constants.empty() ? "" : kConstantsName;
  if (constants.empty()) // a stale one from an earlier compile into DIR
    llvm::sys::fs::remove(dir + "/" + kConstantsName);
  if (failed(writeFile(module, dir + (cuda ? "/module.cu" : "/module.cpp"), emitted->source)) ||
      failed(writeSafetensors(module, dir + "/weights.safetensors", modelWeights)) ||
      (!constants.empty() &&
       failed(writeSafetensors(module, dir + "/" + constantsFile, constants))) ||
      failed(cuda ? buildCUDALibrary(module, dir) : buildSharedLibrary(module, dir, options)) ||
      failed(writeFile(module, dir + "/manifest.json", manifestJSON(*emitted, options, recipesJSON(module), constantsFile))))
    return failure();
  return success();
}
