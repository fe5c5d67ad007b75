//===- Module.cpp - load a module directory -------------------------------===//

#include "Module.h"

#include "DType.h"
#include "Status.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <sys/stat.h>

using namespace llmrt;

llmrt_module::~llmrt_module() {
  if (library)
    ::dlclose(library);
}

std::string llmrt_module::path(const std::string &name) const {
  if (!name.empty() && name[0] == '/')
    return name;
  return dir + "/" + name;
}

void llmrt_module::load(const std::string &directory, const char *weightsPath) {
  dir = directory;
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();

  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    fail(LLMRT_ERROR_IO, "cannot open module directory '" + dir + "': " + errnoMessage(errno));
  if (!S_ISDIR(st.st_mode))
    fail(LLMRT_ERROR_IO, "'" + dir +
                             "' is not a module directory (a directory with "
                             "manifest.json, module.so and weights.safetensors)");

  manifest = readManifest(path("manifest.json"));
  entry = &manifest.entries.front();
  backend = createBackend(manifest.target, manifest.path);
  loadLibrary();
  loadWeights(weightsPath ? std::string(weightsPath) : path(manifest.weightsFile));

  for (const TensorSpec &spec : entry->inputs)
    inputDescs.push_back(describe(spec));
  for (const TensorSpec &spec : entry->outputs)
    outputDescs.push_back(describe(spec));
}

void llmrt_module::loadLibrary() {
  std::string file = path(manifest.library);
  struct stat st;
  if (::stat(file.c_str(), &st) != 0)
    fail(LLMRT_ERROR_IO, file + ": cannot open the module library: " + errnoMessage(errno));
  ::dlerror();
  // RTLD_NODELETE: the library and what it links (the OpenMP runtime, BLAS)
  // stay mapped after llmrt_module_free. Unloading an OpenMP runtime whose
  // worker threads are still alive crashes them, and the code that leak
  // checkers report would have no symbols.
  library = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!library) {
    const char *why = ::dlerror();
    fail(LLMRT_ERROR_FORMAT,
         file + ": cannot load the module library: " + (why ? why : "unknown dlopen error"));
  }
  auto symbol = [&](const std::string &name, const std::string &field) -> void * {
    ::dlerror();
    void *address = ::dlsym(library, name.c_str());
    if (!address || ::dlerror())
      fail(LLMRT_ERROR_FORMAT, file + ": missing symbol '" + name + "'" +
                                   (field.empty() ? std::string(" (not an llm-opt module?)")
                                                  : " (" + field + " in " + manifest.path + ")"));
    return address;
  };
  auto version = reinterpret_cast<LLMModuleABIVersionFn>(symbol("llm_module_abi_version", ""));
  int32_t abi = version();
  if (abi != LLM_MODULE_ABI_VERSION)
    fail(LLMRT_ERROR_UNSUPPORTED, file + ": the library has module ABI version " +
                                      std::to_string(abi) + ", this runtime supports version " +
                                      std::to_string(LLM_MODULE_ABI_VERSION) +
                                      " (recompile the module with a matching llm-opt)");
  plan = reinterpret_cast<LLMPlanFn>(symbol(entry->planSymbol, "entries[0].plan_symbol"));
  run = reinterpret_cast<LLMRunFn>(symbol(entry->runSymbol, "entries[0].run_symbol"));
}

const void *llmrt_module::alignedHostData(const void *data, size_t bytes, size_t elementSize) {
  if (reinterpret_cast<uintptr_t>(data) % elementSize == 0)
    return data;
  weightCopies.push_back(allocateHostAligned(bytes, 64));
  std::memcpy(weightCopies.back().get(), data, bytes);
  return weightCopies.back().get();
}

void llmrt_module::loadWeights(const std::string &weightsPath) {
  weightsFile = std::make_unique<SafetensorsFile>(weightsPath);
  if (!manifest.constantsFile.empty())
    constantsFile = std::make_unique<SafetensorsFile>(path(manifest.constantsFile));
  // Weights the compiler derived (merged, cast, transposed) are rebuilt from
  // a checkpoint that holds only the originals (WeightRecipes.h).
  WeightResolver resolver(*weightsFile, weightsPath, manifest.recipes);
  auto isFloat = [](llmrt_dtype t) {
    return t == LLMRT_FLOAT32 || t == LLMRT_FLOAT16 || t == LLMRT_BFLOAT16;
  };
  std::vector<const void *> host;
  std::vector<size_t> bytes;
  for (size_t i = 0; i < manifest.weights.size(); ++i) {
    const TensorSpec &spec = manifest.weights[i];
    std::string where = weightsPath + ": tensor '" + spec.name + "' (" + manifest.path +
                        " weights[" + std::to_string(i) + "])";
    // The compiler's own constants come from the module, whatever checkpoint
    // supplies the model's weights.
    const SafetensorsTensor *constant = constantsFile ? constantsFile->find(spec.name) : nullptr;
    if (constant) {
      if (constant->dtype != spec.dtype || constant->shape != spec.dims)
        fail(LLMRT_ERROR_FORMAT, path(manifest.constantsFile) + ": tensor '" + spec.name +
                                     "' does not match " + manifest.path + " weights[" +
                                     std::to_string(i) + "]");
      host.push_back(alignedHostData(constant->data, constant->bytes, findDType(spec.dtype)->size));
      bytes.push_back(constant->bytes);
      continue;
    }
    const SafetensorsTensor *tensor = weightsFile->find(spec.name);
    if (!tensor && !manifest.recipes.count(spec.name))
      fail(LLMRT_ERROR_FORMAT, weightsPath + ": no tensor '" + spec.name + "', which " +
                                   manifest.path + " lists as weights[" + std::to_string(i) + "]");
    if (tensor && tensor->dtype != spec.dtype && !(isFloat(tensor->dtype) && isFloat(spec.dtype)))
      fail(LLMRT_ERROR_FORMAT, where + " has dtype " + dtypeName(tensor->dtype) +
                                   ", the manifest says " + dtypeName(spec.dtype));
    HostWeight weight = resolver.resolve(spec.name, spec.dtype);
    if (weight.dims != spec.dims) {
      TensorSpec actual;
      actual.dims = weight.dims;
      actual.dimNames.resize(actual.dims.size());
      fail(LLMRT_ERROR_FORMAT, where + " has shape " + actual.shapeString() +
                                   ", the manifest says " + spec.shapeString());
    }
    host.push_back(alignedHostData(weight.data, weight.bytes, findDType(spec.dtype)->size));
    bytes.push_back(weight.bytes);
  }
  derivedWeights = std::move(resolver.made);
  weights = backend->prepareWeights(host, bytes);
}

llmrt_tensor llmrt::describe(const TensorSpec &spec) {
  llmrt_tensor t;
  std::memset(&t, 0, sizeof(t));
  t.name = spec.name.c_str();
  t.dtype = spec.dtype;
  t.rank = spec.rank();
  for (int32_t k = 0; k < t.rank; ++k) {
    t.dims[k] = spec.dims[k];
    t.dim_names[k] = spec.dimNames[k].empty() ? nullptr : spec.dimNames[k].c_str();
  }
  return t;
}

//===----------------------------------------------------------------------===//
// C API: modules and dtypes
//===----------------------------------------------------------------------===//

extern "C" {

const char *llmrt_dtype_name(llmrt_dtype dtype) {
  const DTypeInfo *info = findDType(dtype);
  return info ? info->name : "invalid";
}

size_t llmrt_dtype_size(llmrt_dtype dtype) {
  const DTypeInfo *info = findDType(dtype);
  return info ? info->size : 0;
}

llmrt_status llmrt_module_load(const char *dir, const llmrt_load_options *options,
                               llmrt_module **out) {
  return guard([&] {
    if (!out)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_module_load: `out` is NULL");
    *out = nullptr;
    if (!dir || !*dir)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_module_load: no module directory given");
    auto module = std::make_unique<llmrt_module>();
    module->load(dir, options ? options->weights_path : nullptr);
    *out = module.release();
  });
}

void llmrt_module_free(llmrt_module *module) { delete module; }

int32_t llmrt_module_num_inputs(const llmrt_module *module) {
  return module ? static_cast<int32_t>(module->inputDescs.size()) : 0;
}

int32_t llmrt_module_num_outputs(const llmrt_module *module) {
  return module ? static_cast<int32_t>(module->outputDescs.size()) : 0;
}

static llmrt_status describeAt(const llmrt_module *module, int32_t index, llmrt_tensor *out,
                               bool input) {
  return guard([&] {
    const char *fn = input ? "llmrt_module_input" : "llmrt_module_output";
    if (!module || !out)
      fail(LLMRT_ERROR_INVALID_ARG, std::string(fn) + ": NULL argument");
    const auto &descs = input ? module->inputDescs : module->outputDescs;
    if (index < 0 || static_cast<size_t>(index) >= descs.size())
      fail(LLMRT_ERROR_INVALID_ARG,
           std::string(fn) + ": index " + std::to_string(index) + " out of range (the module has " +
               std::to_string(descs.size()) + (input ? " inputs)" : " outputs)"));
    *out = descs[index];
  });
}

llmrt_status llmrt_module_input(const llmrt_module *module, int32_t index, llmrt_tensor *out) {
  return describeAt(module, index, out, /*input=*/true);
}

llmrt_status llmrt_module_output(const llmrt_module *module, int32_t index, llmrt_tensor *out) {
  return describeAt(module, index, out, /*input=*/false);
}

const char *llmrt_module_target(const llmrt_module *module) {
  return module ? module->manifest.target.c_str() : nullptr;
}

} // extern "C"
