//===- Safetensors.h - a memory-mapped safetensors file -------------------===//
//
// The format: an 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
// "__metadata__": {..}}), then the data; offsets are relative to its start.
// The file is mmap-ed read-only and every entry checked to lie inside it.
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_LIB_SAFETENSORS_H
#define LLMRT_LIB_SAFETENSORS_H

#include "llmrt/llmrt.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmrt {

struct SafetensorsTensor {
  llmrt_dtype dtype = LLMRT_FLOAT32;
  std::vector<int64_t> shape;
  const uint8_t *data = nullptr; // into the mapping
  size_t bytes = 0;
};

class SafetensorsFile {
public:
  /// Maps and validates `path`. Throws llmrt::Error: IO when the file cannot
  /// be opened or mapped, FORMAT when it is not valid safetensors.
  explicit SafetensorsFile(const std::string &path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;

  const std::string &path() const { return path_; }
  const std::map<std::string, SafetensorsTensor> &tensors() const { return tensors_; }
  /// Null when there is no tensor `name`.
  const SafetensorsTensor *find(const std::string &name) const;

private:
  [[noreturn]] void error(const std::string &message) const;
  void parse();

  std::string path_;
  void *mapping_ = nullptr;
  size_t size_ = 0;
  std::map<std::string, SafetensorsTensor> tensors_;
};

} // namespace llmrt

#endif // LLMRT_LIB_SAFETENSORS_H
