//===- Tensor.h - host tensors of llm-run: files, random data, errors -----===//

#ifndef LLM_TOOLS_LLM_RUN_TENSOR_H
#define LLM_TOOLS_LLM_RUN_TENSOR_H

#include "llmrt/llmrt.h"

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace llmrun {

/// A failure reported as "llm-run: error: <message>" with exit code 1.
struct ToolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// A malformed command line: the same message, exit code 2.
struct UsageError : ToolError {
  using ToolError::ToolError;
};

/// A tensor in host memory, owning its data.
struct HostTensor {
  std::string name;
  llmrt_dtype dtype = LLMRT_FLOAT32;
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// A borrowed view (a module output, or a HostTensor).
struct TensorView {
  llmrt_dtype dtype = LLMRT_FLOAT32;
  std::vector<int64_t> dims;
  const uint8_t *data = nullptr;
};

inline TensorView view(const HostTensor &t) { return {t.dtype, t.dims, t.data.data()}; }

/// Product of dims; throws ToolError on overflow (`what` names the tensor).
int64_t numElements(const std::vector<int64_t> &dims, const std::string &what);

/// "2x13x50257" ("" for a scalar).
std::string dimsString(const std::vector<int64_t> &dims);
/// "[0, 3, 5]": the multi-index of flat element `index`.
std::string indexString(const std::vector<int64_t> &dims, int64_t index);

bool isFloating(llmrt_dtype dtype);
float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBFloat16(float value);

/// Element `index` of `data` as a double (exact for every integer up to 2^53).
double elementAsDouble(llmrt_dtype dtype, const uint8_t *data, int64_t index);

/// Random data: floats uniform in [-1, 1), integers uniform in [0, intMax)
/// (capped at the type's maximum), bools 0/1.
HostTensor randomTensor(const std::string &name, llmrt_dtype dtype,
                        const std::vector<int64_t> &dims, std::mt19937_64 &rng, int64_t intMax);

/// Reads a .npy file (versions 1.0, 2.0, 3.0; little-endian, C order).
HostTensor readNpy(const std::string &path);
/// Writes `tensor` as .npy version 1.0 (bfloat16 is written as float32).
void writeNpy(const std::string &path, const TensorView &tensor);

/// Reads a serialized onnx.TensorProto (raw_data or the typed fields).
HostTensor readTensorProto(const std::string &path);

/// Reads a whole file; throws ToolError naming it.
std::string readFile(const std::string &path, const char *what);

} // namespace llmrun

#endif // LLM_TOOLS_LLM_RUN_TENSOR_H
