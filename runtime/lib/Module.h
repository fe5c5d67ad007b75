//===- Module.h - a loaded module (internal) ------------------------------===//

#ifndef LLMRT_LIB_MODULE_H
#define LLMRT_LIB_MODULE_H

#include "Backend.h"
#include "Manifest.h"
#include "Safetensors.h"
#include "llmrt/ModuleABI.h"
#include "llmrt/llmrt.h"

#include <memory>
#include <string>
#include <vector>

/// Immutable once loaded, so any number of sessions on any threads share it.
struct llmrt_module {
  llmrt_module() = default;
  ~llmrt_module();
  llmrt_module(const llmrt_module &) = delete;
  llmrt_module &operator=(const llmrt_module &) = delete;

  /// Loads `dir`; `weightsPath` (may be null) overrides the weights file.
  void load(const std::string &dir, const char *weightsPath);

  std::string dir;
  llmrt::Manifest manifest;
  const llmrt::EntrySpec *entry = nullptr; // the first entry ("main")
  std::unique_ptr<llmrt::Backend> backend;

  std::unique_ptr<llmrt::SafetensorsFile> weightsFile;
  std::unique_ptr<llmrt::SafetensorsFile> constantsFile; // manifest.constantsFile
  std::vector<std::unique_ptr<void, llmrt::FreeDeleter>> weightCopies; // realigned
  std::vector<std::shared_ptr<std::vector<uint8_t>>> derivedWeights;  // WeightRecipes.h
  std::vector<const void *> weights; // LLMRunArgs::weights, manifest order

  void *library = nullptr; // dlopen handle
  LLMPlanFn plan = nullptr;
  LLMRunFn run = nullptr;

  /// Descriptions returned by llmrt_module_input/output.
  std::vector<llmrt_tensor> inputDescs;
  std::vector<llmrt_tensor> outputDescs;

private:
  std::string path(const std::string &name) const;
  void loadLibrary();
  void loadWeights(const std::string &weightsPath);
  /// `data`, or an aligned copy kept in weightCopies when a safetensors file
  /// left it misaligned for its element type.
  const void *alignedHostData(const void *data, size_t bytes, size_t elementSize);
};

namespace llmrt {
/// The description of `spec` (pointers into `spec`).
llmrt_tensor describe(const TensorSpec &spec);
} // namespace llmrt

#endif // LLMRT_LIB_MODULE_H
