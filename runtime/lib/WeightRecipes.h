//===- WeightRecipes.h - weights the compiler derived, rebuilt at load ----===//
//
// The compiler transforms weights at compile time (q/k/v projections
// concatenated into one GEMM, weights cast to f16/bf16, transposes folded) and
// writes the results into the module's weights.safetensors. To run the module
// with another checkpoint that holds only the model's own tensors (the ONNX
// initializers, by name), the manifest records how each derived weight was
// made ("weight_recipes"), and the runtime rebuilds it from the checkpoint at
// load time:
//
//   {"op": "concat",    "from": [a, b, ...], "axis": k}
//   {"op": "cast",      "from": [a], "dtype": "float16"}
//   {"op": "transpose", "from": [a], "perm": [1, 0]}
//   {"op": "reshape",   "from": [a], "shape": [...]}
//   {"op": "slice",     "from": [a], "starts": [...], "steps": [...], "shape": [...]}
//
// A slice lists every dim: result element i is a[starts + i * steps], so
// ONNX's negative and clamped bounds are resolved by the compiler.
//
// `from` names a checkpoint tensor or another recipe. A float weight stored
// in the checkpoint as another float dtype (an f32 checkpoint for an f16
// module) is converted too.
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_LIB_WEIGHTRECIPES_H
#define LLMRT_LIB_WEIGHTRECIPES_H

#include "llmrt/llmrt.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace llmrt {

struct WeightRecipe {
  std::string op;
  std::vector<std::string> from;
  int64_t axis = 0;
  std::vector<int64_t> perm;
  std::vector<int64_t> shape;
  /// Slices: the first element and the step along each dim.
  std::vector<int64_t> starts, steps;
  llmrt_dtype dtype = LLMRT_FLOAT32;
};

/// A weight in host memory.
struct HostWeight {
  llmrt_dtype dtype = LLMRT_FLOAT32;
  std::vector<int64_t> dims;
  const void *data = nullptr;
  size_t bytes = 0;
};

/// Converts `count` elements between float32, float16 and bfloat16 with the
/// compiler's rounding (llmrt/FloatRounding.h: nearest even, finite values
/// beyond the target's range saturate). Returns false for any other pair.
bool convertFloats(llmrt_dtype from, const void *src, llmrt_dtype to, void *dst, size_t count);

class SafetensorsFile;

/// Finds weights in a checkpoint, rebuilding derived ones by their recipes.
class WeightResolver {
public:
  WeightResolver(const SafetensorsFile &checkpoint, const std::string &checkpointPath,
                 const std::map<std::string, WeightRecipe> &recipes)
      : checkpoint(checkpoint), checkpointPath(checkpointPath), recipes(recipes) {}

  /// The tensor `name` with `dtype`: from the checkpoint as stored, converted
  /// from another float dtype, or built by its recipe. Throws llmrt::Error
  /// (FORMAT) naming what is missing.
  HostWeight resolve(const std::string &name, llmrt_dtype dtype);

  /// Memory of the tensors this resolver made (keep while they are used).
  std::vector<std::shared_ptr<std::vector<uint8_t>>> made;

private:
  HostWeight resolveStored(const std::string &name, int depth);
  HostWeight build(const std::string &name, const WeightRecipe &recipe, int depth);
  HostWeight store(llmrt_dtype dtype, std::vector<int64_t> dims, std::vector<uint8_t> bytes);

  const SafetensorsFile &checkpoint;
  std::string checkpointPath;
  const std::map<std::string, WeightRecipe> &recipes;
  std::map<std::string, HostWeight> built;
};

} // namespace llmrt

#endif // LLMRT_LIB_WEIGHTRECIPES_H
