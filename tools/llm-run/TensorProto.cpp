//===- TensorProto.cpp - read onnx.TensorProto files (test_data_set) ------===//

#include "Tensor.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <limits>

namespace llmrun {

namespace {

// TensorProto data types newer than the onnx.proto we build with.
constexpr int32_t kUInt4 = 21, kInt4 = 22;

bool dtypeOfProto(int32_t type, llmrt_dtype &dtype) {
  switch (type) {
  case onnx::TensorProto::FLOAT:
    dtype = LLMRT_FLOAT32;
    return true;
  case onnx::TensorProto::FLOAT16:
    dtype = LLMRT_FLOAT16;
    return true;
  case onnx::TensorProto::BFLOAT16:
    dtype = LLMRT_BFLOAT16;
    return true;
  case onnx::TensorProto::DOUBLE:
    dtype = LLMRT_FLOAT64;
    return true;
  case onnx::TensorProto::INT8:
    dtype = LLMRT_INT8;
    return true;
  case onnx::TensorProto::UINT8:
    dtype = LLMRT_UINT8;
    return true;
  case onnx::TensorProto::INT16:
    dtype = LLMRT_INT16;
    return true;
  case onnx::TensorProto::UINT16:
    dtype = LLMRT_UINT16;
    return true;
  case onnx::TensorProto::INT32:
    dtype = LLMRT_INT32;
    return true;
  case onnx::TensorProto::UINT32:
    dtype = LLMRT_UINT32;
    return true;
  case onnx::TensorProto::INT64:
    dtype = LLMRT_INT64;
    return true;
  case onnx::TensorProto::UINT64:
    dtype = LLMRT_UINT64;
    return true;
  case onnx::TensorProto::BOOL:
    dtype = LLMRT_BOOL;
    return true;
  // 4-bit integers: modules hold them unpacked, one per byte.
  case kInt4:
    dtype = LLMRT_INT8;
    return true;
  case kUInt4:
    dtype = LLMRT_UINT8;
    return true;
  default:
    return false;
  }
}

/// Copies `count` typed values, narrowing each to T (the ONNX layout: int32_data
/// holds int8..uint16, bool and the bits of float16/bfloat16; uint64_data
/// holds uint32 and uint64).
template <typename T, typename Field> void copyTyped(const Field &field, HostTensor &t) {
  t.data.resize(static_cast<size_t>(field.size()) * sizeof(T));
  for (int i = 0; i < field.size(); ++i) {
    T value = static_cast<T>(field.Get(i));
    std::memcpy(t.data.data() + static_cast<size_t>(i) * sizeof(T), &value, sizeof(T));
  }
}

/// INT4/UINT4: two values a byte, the first in the low nibble, in raw_data
/// or one byte per int32_data value; unpacked (sign-extended for INT4).
void unpack4Bit(const onnx::TensorProto &proto, int64_t n, const std::string &path,
                HostTensor &t) {
  const bool isSigned = proto.data_type() == kInt4;
  const uint64_t bytes = (static_cast<uint64_t>(n) + 1) / 2;
  std::vector<uint8_t> packed;
  if (proto.has_raw_data()) {
    packed.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    for (int32_t v : proto.int32_data())
      packed.push_back(static_cast<uint8_t>(v));
  }
  if (packed.size() != bytes)
    throw ToolError(path + ": " + (proto.has_raw_data() ? "raw_data" : "int32_data") + " has " +
                    std::to_string(packed.size()) + " packed bytes, shape [" +
                    dimsString(t.dims) + "] of 4-bit integers needs " + std::to_string(bytes));
  t.data.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    uint8_t nibble = (packed[i / 2] >> (i % 2 ? 4 : 0)) & 0xf;
    t.data[i] = isSigned && nibble >= 8 ? static_cast<uint8_t>(nibble | 0xf0) : nibble;
  }
}

} // namespace

HostTensor readTensorProto(const std::string &path) {
  std::string bytes = readFile(path, "the tensor");
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes))
    throw ToolError(path + ": not a valid onnx.TensorProto (the protobuf does not parse)");
  HostTensor t;
  t.name = proto.name();
  if (!dtypeOfProto(proto.data_type(), t.dtype)) {
    std::string type = onnx::TensorProto::DataType_IsValid(proto.data_type())
                           ? onnx::TensorProto::DataType_Name(
                                 static_cast<onnx::TensorProto::DataType>(proto.data_type()))
                           : std::to_string(proto.data_type());
    throw ToolError(path + ": unsupported tensor data_type " + type);
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    throw ToolError(path + ": tensors with external data are not supported");
  if (proto.has_segment())
    throw ToolError(path + ": segmented tensors are not supported");
  for (int64_t d : proto.dims()) {
    if (d < 0)
      throw ToolError(path + ": negative dim " + std::to_string(d));
    t.dims.push_back(d);
  }
  int64_t n = numElements(t.dims, path);
  size_t elementSize = llmrt_dtype_size(t.dtype);
  if (static_cast<uint64_t>(n) > std::numeric_limits<uint64_t>::max() / elementSize)
    throw ToolError(path + ": shape too large");
  uint64_t expected = static_cast<uint64_t>(n) * elementSize;

  if (proto.data_type() == kInt4 || proto.data_type() == kUInt4) {
    unpack4Bit(proto, n, path, t);
    return t;
  }

  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != expected)
      throw ToolError(path + ": raw_data has " + std::to_string(proto.raw_data().size()) +
                      " bytes, shape [" + dimsString(t.dims) + "] of " + llmrt_dtype_name(t.dtype) +
                      " needs " + std::to_string(expected));
    t.data.assign(proto.raw_data().begin(), proto.raw_data().end());
    return t;
  }

  int64_t count = 0;
  const char *field = "";
  switch (t.dtype) {
  case LLMRT_FLOAT32:
    field = "float_data";
    count = proto.float_data_size();
    copyTyped<float>(proto.float_data(), t);
    break;
  case LLMRT_FLOAT64:
    field = "double_data";
    count = proto.double_data_size();
    copyTyped<double>(proto.double_data(), t);
    break;
  case LLMRT_INT64:
    field = "int64_data";
    count = proto.int64_data_size();
    copyTyped<int64_t>(proto.int64_data(), t);
    break;
  case LLMRT_UINT32:
    field = "uint64_data";
    count = proto.uint64_data_size();
    copyTyped<uint32_t>(proto.uint64_data(), t);
    break;
  case LLMRT_UINT64:
    field = "uint64_data";
    count = proto.uint64_data_size();
    copyTyped<uint64_t>(proto.uint64_data(), t);
    break;
  case LLMRT_INT32:
    field = "int32_data";
    count = proto.int32_data_size();
    copyTyped<int32_t>(proto.int32_data(), t);
    break;
  case LLMRT_INT16:
    field = "int32_data";
    count = proto.int32_data_size();
    copyTyped<int16_t>(proto.int32_data(), t);
    break;
  case LLMRT_UINT16:
  case LLMRT_FLOAT16:
  case LLMRT_BFLOAT16:
    field = "int32_data";
    count = proto.int32_data_size();
    copyTyped<uint16_t>(proto.int32_data(), t);
    break;
  case LLMRT_INT8:
    field = "int32_data";
    count = proto.int32_data_size();
    copyTyped<int8_t>(proto.int32_data(), t);
    break;
  case LLMRT_UINT8:
    field = "int32_data";
    count = proto.int32_data_size();
    copyTyped<uint8_t>(proto.int32_data(), t);
    break;
  case LLMRT_BOOL:
    field = "int32_data";
    count = proto.int32_data_size();
    t.data.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
      t.data[i] = proto.int32_data(static_cast<int>(i)) != 0;
    break;
  }
  if (count != n)
    throw ToolError(path + ": " + field + " has " + std::to_string(count) + " values, shape [" +
                    dimsString(t.dims) + "] needs " + std::to_string(n));
  return t;
}

} // namespace llmrun
