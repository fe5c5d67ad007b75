//===- Safetensors.cpp - map and validate a safetensors file --------------===//

#include "Safetensors.h"

#include "DType.h"
#include "Status.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using nlohmann::json;

namespace llmrt {

SafetensorsFile::SafetensorsFile(const std::string &path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail(LLMRT_ERROR_IO, path + ": cannot open the weights: " + errnoMessage(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    fail(LLMRT_ERROR_IO, path + ": cannot stat the weights: " + errnoMessage(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(LLMRT_ERROR_IO, path + ": the weights are not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    fail(LLMRT_ERROR_FORMAT, path + ": not a safetensors file: " + std::to_string(size_) +
                                 " bytes, shorter than the 8-byte header length");
  }
  void *mapping = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  ::close(fd);
  if (mapping == MAP_FAILED)
    fail(LLMRT_ERROR_IO, path + ": cannot map the weights: " + errnoMessage(err));
  mapping_ = mapping;
  try {
    parse();
  } catch (...) {
    ::munmap(mapping_, size_);
    mapping_ = nullptr;
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_)
    ::munmap(mapping_, size_);
}

const SafetensorsTensor *SafetensorsFile::find(const std::string &name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

void SafetensorsFile::error(const std::string &message) const {
  fail(LLMRT_ERROR_FORMAT, path_ + ": " + message);
}

void SafetensorsFile::parse() {
  const uint8_t *base = static_cast<const uint8_t *>(mapping_);
  uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i)
    headerBytes = headerBytes << 8 | base[i];
  if (headerBytes > size_ - 8)
    error("header length " + std::to_string(headerBytes) + " runs past the end of the file (" +
          std::to_string(size_) + " bytes)");
  const char *headerBegin = reinterpret_cast<const char *>(base + 8);
  json header;
  try {
    header = json::parse(headerBegin, headerBegin + headerBytes);
  } catch (const json::exception &e) {
    error(std::string("malformed JSON header: ") + e.what());
  }
  if (!header.is_object())
    error("the JSON header is not an object");

  const uint8_t *data = base + 8 + headerBytes;
  const uint64_t dataBytes = size_ - 8 - headerBytes;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string &name = it.key();
    if (name == "__metadata__")
      continue;
    std::string where = "tensor '" + name + "': ";
    const json &info = it.value();
    if (!info.is_object())
      error(where + "expected an object");
    auto dtypeIt = info.find("dtype");
    auto shapeIt = info.find("shape");
    auto offsetsIt = info.find("data_offsets");
    if (dtypeIt == info.end() || !dtypeIt->is_string())
      error(where + "missing or non-string 'dtype'");
    if (shapeIt == info.end() || !shapeIt->is_array())
      error(where + "missing or non-array 'shape'");
    if (offsetsIt == info.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
      error(where + "'data_offsets' must be an array [begin, end]");

    SafetensorsTensor tensor;
    std::string dtypeName = dtypeIt->get<std::string>();
    const DTypeInfo *dtype = findSafetensorsDType(dtypeName);
    if (!dtype)
      error(where + "unsupported dtype '" + dtypeName +
            "' (supported: F32 F16 BF16 F64 I8 U8 I16 U16 I32 U32 I64 U64 BOOL)");
    tensor.dtype = dtype->dtype;

    // Element count, checking for overflow against the file size.
    uint64_t elements = 1;
    bool tooLarge = false;
    for (const json &dim : *shapeIt) {
      if (!dim.is_number_unsigned() && !(dim.is_number_integer() && dim.get<int64_t>() >= 0))
        error(where + "shape has a dim that is not a non-negative integer: " + dim.dump());
      uint64_t d = dim.get<uint64_t>();
      if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        error(where + "dim " + dim.dump() + " is too large");
      tensor.shape.push_back(static_cast<int64_t>(d));
      if (d != 0 && elements > std::numeric_limits<uint64_t>::max() / d)
        tooLarge = true;
      else
        elements *= d;
    }
    uint64_t offsets[2];
    for (int k = 0; k < 2; ++k) {
      const json &v = (*offsetsIt)[k];
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
        error(where + "data_offsets has a value that is not a non-negative integer: " + v.dump());
      offsets[k] = v.get<uint64_t>();
    }
    if (offsets[0] > offsets[1])
      error(where + "data_offsets [" + std::to_string(offsets[0]) + ", " +
            std::to_string(offsets[1]) + "] has begin > end");
    if (offsets[1] > dataBytes)
      error(where + "data_offsets [" + std::to_string(offsets[0]) + ", " +
            std::to_string(offsets[1]) + "] run past the end of the data (" +
            std::to_string(dataBytes) + " bytes; is the file truncated?)");
    uint64_t bytes = offsets[1] - offsets[0];
    if (tooLarge || elements > std::numeric_limits<uint64_t>::max() / dtype->size ||
        elements * dtype->size != bytes)
      error(where + "data_offsets cover " + std::to_string(bytes) + " bytes but the shape and " +
            "dtype need " +
            (tooLarge ? std::string("more than 2^64")
                      : std::to_string(elements) + " x " + std::to_string(dtype->size)));
    tensor.data = data + offsets[0];
    tensor.bytes = static_cast<size_t>(bytes);
    tensors_.emplace(name, std::move(tensor));
  }
}

} // namespace llmrt
