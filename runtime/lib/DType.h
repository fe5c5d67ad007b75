//===- DType.h - element types: names, sizes, safetensors spellings -------===//

#ifndef LLMRT_LIB_DTYPE_H
#define LLMRT_LIB_DTYPE_H

#include "llmrt/llmrt.h"

#include <cstddef>
#include <string>

namespace llmrt {

/// Every dtype, in enum order, with its manifest and safetensors spellings.
struct DTypeInfo {
  llmrt_dtype dtype;
  const char *name;        // manifest.json: "float32"
  const char *safetensors; // safetensors header: "F32"
  size_t size;
};

inline constexpr DTypeInfo kDTypes[] = {
    {LLMRT_FLOAT32, "float32", "F32", 4},    {LLMRT_FLOAT16, "float16", "F16", 2},
    {LLMRT_BFLOAT16, "bfloat16", "BF16", 2}, {LLMRT_FLOAT64, "float64", "F64", 8},
    {LLMRT_INT8, "int8", "I8", 1},           {LLMRT_UINT8, "uint8", "U8", 1},
    {LLMRT_INT16, "int16", "I16", 2},        {LLMRT_UINT16, "uint16", "U16", 2},
    {LLMRT_INT32, "int32", "I32", 4},        {LLMRT_UINT32, "uint32", "U32", 4},
    {LLMRT_INT64, "int64", "I64", 8},        {LLMRT_UINT64, "uint64", "U64", 8},
    {LLMRT_BOOL, "bool", "BOOL", 1},
};

inline const DTypeInfo *findDType(llmrt_dtype dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return &info;
  return nullptr;
}

/// The dtype spelled `name` in a manifest, or null.
inline const DTypeInfo *findDTypeByName(const std::string &name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return &info;
  return nullptr;
}

/// The dtype spelled `name` in a safetensors header, or null.
inline const DTypeInfo *findSafetensorsDType(const std::string &name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.safetensors)
      return &info;
  return nullptr;
}

/// "float32", or "dtype(42)" for a value outside the enum.
inline std::string dtypeName(llmrt_dtype dtype) {
  if (const DTypeInfo *info = findDType(dtype))
    return info->name;
  return "dtype(" + std::to_string(static_cast<int>(dtype)) + ")";
}

} // namespace llmrt

#endif // LLMRT_LIB_DTYPE_H
