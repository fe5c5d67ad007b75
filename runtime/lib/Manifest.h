//===- Manifest.h - manifest.json of a module directory -------------------===//
//
// Parses and validates manifest.json (docs/module-format.md). Every error
// names the file and the JSON field, e.g.
//   out/manifest.json: entries[0].inputs[1].dtype: unknown dtype 'float8'
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_LIB_MANIFEST_H
#define LLMRT_LIB_MANIFEST_H

#include "llmrt/ArenaPlanner.h"
#include "llmrt/llmrt.h"
#include "WeightRecipes.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmrt {

/// An input, output or weight. dims[k] is -1 for a dynamic dim; dimNames[k]
/// is its name ("batch") or empty for a static or unnamed dim.
struct TensorSpec {
  std::string name;
  llmrt_dtype dtype = LLMRT_FLOAT32;
  std::vector<int64_t> dims;
  std::vector<std::string> dimNames;

  int32_t rank() const { return static_cast<int32_t>(dims.size()); }
  bool isStatic() const;
  /// "[batch, 4, ?]"
  std::string shapeString() const;
};

struct EntrySpec {
  std::string name;
  std::string planSymbol;
  std::string runSymbol;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  std::vector<LiveInterval> buffers;
  std::optional<int64_t> staticArenaBytes;
};

struct Manifest {
  std::string path; // the file it was read from, for messages
  std::string format;
  int64_t abiVersion = 0;
  std::string target;
  std::string library;
  std::string weightsFile;
  /// Constants the compiler made (not model weights, so never in a user's
  /// checkpoint); "" when the module has none. Read even when a checkpoint
  /// replaces the weights file.
  std::string constantsFile;
  std::string producer;
  std::vector<TensorSpec> weights;
  /// How derived weights are rebuilt from a checkpoint (WeightRecipes.h).
  std::map<std::string, WeightRecipe> recipes;
  std::vector<EntrySpec> entries;
};

/// Reads and validates the manifest at `path`. Throws llmrt::Error: IO when
/// the file cannot be read, FORMAT when it is malformed, UNSUPPORTED for
/// another abi_version.
Manifest readManifest(const std::string &path);

/// Parses manifest text; `path` is only used in messages.
Manifest parseManifest(const std::string &text, const std::string &path);

} // namespace llmrt

#endif // LLMRT_LIB_MANIFEST_H
