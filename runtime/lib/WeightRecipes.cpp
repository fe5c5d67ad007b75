//===- WeightRecipes.cpp - weights the compiler derived, rebuilt at load --===//

#include "WeightRecipes.h"

#include "DType.h"
#include "Safetensors.h"
#include "Status.h"

#include "llmrt/FloatRounding.h"

#include <cstring>

namespace llmrt {

namespace {

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

float fromBF16(uint16_t h) { return bitsFloat(static_cast<uint32_t>(h) << 16); }

float fromF16(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0)
    return bitsFloat(sign) + (sign ? -1.0f : 1.0f) * static_cast<float>(mantissa) * 5.9604645e-8f;
  if (exponent == 31)
    return bitsFloat(sign | 0x7f800000u | (mantissa << 13));
  return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

bool isFloat(llmrt_dtype t) {
  return t == LLMRT_FLOAT32 || t == LLMRT_FLOAT16 || t == LLMRT_BFLOAT16;
}

int64_t numel(const std::vector<int64_t> &dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

std::string dimsText(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

} // namespace

bool convertFloats(llmrt_dtype from, const void *src, llmrt_dtype to, void *dst, size_t count) {
  if (!isFloat(from) || !isFloat(to))
    return false;
  for (size_t i = 0; i < count; ++i) {
    float f;
    if (from == LLMRT_FLOAT32)
      std::memcpy(&f, static_cast<const uint8_t *>(src) + 4 * i, 4);
    else {
      uint16_t h;
      std::memcpy(&h, static_cast<const uint8_t *>(src) + 2 * i, 2);
      f = from == LLMRT_FLOAT16 ? fromF16(h) : fromBF16(h);
    }
    if (to == LLMRT_FLOAT32)
      std::memcpy(static_cast<uint8_t *>(dst) + 4 * i, &f, 4);
    else {
      // The compiler's rounding (saturating, as llm-convert-precision does).
      bool overflow = false;
      uint16_t h = to == LLMRT_FLOAT16 ? roundF32ToF16(floatBits(f), overflow)
                                       : roundF32ToBF16(floatBits(f), overflow);
      std::memcpy(static_cast<uint8_t *>(dst) + 2 * i, &h, 2);
    }
  }
  return true;
}

HostWeight WeightResolver::store(llmrt_dtype dtype, std::vector<int64_t> dims,
                                 std::vector<uint8_t> bytes) {
  auto memory = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  made.push_back(memory);
  HostWeight w;
  w.dtype = dtype;
  w.dims = std::move(dims);
  w.data = memory->data();
  w.bytes = memory->size();
  return w;
}

HostWeight WeightResolver::resolve(const std::string &name, llmrt_dtype dtype) {
  HostWeight w = resolveStored(name, 0);
  if (w.dtype == dtype)
    return w;
  std::vector<uint8_t> bytes(static_cast<size_t>(numel(w.dims)) * findDType(dtype)->size);
  if (!convertFloats(w.dtype, w.data, dtype, bytes.data(), static_cast<size_t>(numel(w.dims))))
    fail(LLMRT_ERROR_FORMAT, checkpointPath + ": tensor '" + name + "' has dtype " +
                                 dtypeName(w.dtype) + ", the module needs " + dtypeName(dtype));
  return store(dtype, w.dims, std::move(bytes));
}

HostWeight WeightResolver::resolveStored(const std::string &name, int depth) {
  if (const SafetensorsTensor *t = checkpoint.find(name)) {
    HostWeight w;
    w.dtype = t->dtype;
    w.dims = t->shape;
    w.data = t->data;
    w.bytes = t->bytes;
    return w;
  }
  auto done = built.find(name);
  if (done != built.end())
    return done->second;
  auto recipe = recipes.find(name);
  if (recipe == recipes.end())
    fail(LLMRT_ERROR_FORMAT, checkpointPath + ": no tensor '" + name +
                                 "' (nor a recipe in the manifest to build it from others)");
  if (depth > 32)
    fail(LLMRT_ERROR_FORMAT, "weight recipe of '" + name + "' is circular");
  HostWeight w = build(name, recipe->second, depth);
  built[name] = w;
  return w;
}

HostWeight WeightResolver::build(const std::string &name, const WeightRecipe &r, int depth) {
  std::string where = "weight recipe of '" + name + "' (" + r.op + "): ";
  std::vector<HostWeight> in;
  for (const std::string &from : r.from)
    in.push_back(resolveStored(from, depth + 1));
  if (in.empty())
    fail(LLMRT_ERROR_FORMAT, where + "no inputs");
  const HostWeight &a = in[0];
  const size_t elt = findDType(a.dtype)->size;
  if (r.op == "cast") {
    std::vector<uint8_t> bytes(static_cast<size_t>(numel(a.dims)) * findDType(r.dtype)->size);
    if (!convertFloats(a.dtype, a.data, r.dtype, bytes.data(), static_cast<size_t>(numel(a.dims))))
      fail(LLMRT_ERROR_FORMAT, where + "cannot cast " + dtypeName(a.dtype) + " to " +
                                   dtypeName(r.dtype));
    return store(r.dtype, a.dims, std::move(bytes));
  }
  if (r.op == "reshape") {
    if (numel(r.shape) != numel(a.dims))
      fail(LLMRT_ERROR_FORMAT, where + dimsText(a.dims) + " cannot become " + dimsText(r.shape));
    HostWeight w = a;
    w.dims = r.shape;
    return w;
  }
  if (r.op == "transpose") {
    const size_t rank = a.dims.size();
    if (r.perm.size() != rank)
      fail(LLMRT_ERROR_FORMAT, where + "perm does not match rank " + std::to_string(rank));
    std::vector<int64_t> dims(rank), strides(rank, 1);
    for (size_t i = rank; i-- > 1;)
      strides[i - 1] = strides[i] * a.dims[i];
    for (size_t i = 0; i < rank; ++i) {
      if (r.perm[i] < 0 || static_cast<size_t>(r.perm[i]) >= rank)
        fail(LLMRT_ERROR_FORMAT, where + "perm entry out of range");
      dims[i] = a.dims[r.perm[i]];
    }
    int64_t n = numel(dims);
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * elt);
    std::vector<int64_t> index(rank, 0);
    for (int64_t o = 0; o < n; ++o) {
      int64_t src = 0;
      for (size_t i = 0; i < rank; ++i)
        src += index[i] * strides[r.perm[i]];
      std::memcpy(bytes.data() + o * elt, static_cast<const uint8_t *>(a.data) + src * elt, elt);
      for (size_t i = rank; i-- > 0;) {
        if (++index[i] < dims[i])
          break;
        index[i] = 0;
      }
    }
    return store(a.dtype, dims, std::move(bytes));
  }
  if (r.op == "slice") {
    const size_t rank = a.dims.size();
    if (r.starts.size() != rank || r.steps.size() != rank || r.shape.size() != rank)
      fail(LLMRT_ERROR_FORMAT, where + "starts, steps and shape must each have " +
                                   std::to_string(rank) + " entries");
    std::vector<int64_t> strides(rank, 1);
    for (size_t i = rank; i-- > 1;)
      strides[i - 1] = strides[i] * a.dims[i];
    int64_t n = numel(r.shape);
    for (size_t i = 0; i < rank && n > 0; ++i) {
      int64_t last = r.starts[i] + (r.shape[i] - 1) * r.steps[i];
      if (r.shape[i] < 0 || r.starts[i] < 0 || r.starts[i] >= a.dims[i] || last < 0 ||
          last >= a.dims[i])
        fail(LLMRT_ERROR_FORMAT, where + "dim " + std::to_string(i) + " of " +
                                     dimsText(a.dims) + " has no elements " +
                                     std::to_string(r.starts[i]) + " to " + std::to_string(last));
    }
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * elt);
    std::vector<int64_t> index(rank, 0);
    for (int64_t o = 0; o < n; ++o) {
      int64_t src = 0;
      for (size_t i = 0; i < rank; ++i)
        src += (r.starts[i] + index[i] * r.steps[i]) * strides[i];
      std::memcpy(bytes.data() + o * elt, static_cast<const uint8_t *>(a.data) + src * elt, elt);
      for (size_t i = rank; i-- > 0;) {
        if (++index[i] < r.shape[i])
          break;
        index[i] = 0;
      }
    }
    return store(a.dtype, r.shape, std::move(bytes));
  }
  if (r.op == "concat") {
    const int64_t rank = static_cast<int64_t>(a.dims.size());
    int64_t axis = r.axis < 0 ? r.axis + rank : r.axis;
    if (axis < 0 || axis >= rank)
      fail(LLMRT_ERROR_FORMAT, where + "axis out of range");
    std::vector<int64_t> dims = a.dims;
    dims[axis] = 0;
    for (const HostWeight &w : in) {
      if (w.dtype != a.dtype || w.dims.size() != a.dims.size())
        fail(LLMRT_ERROR_FORMAT, where + "inputs differ in dtype or rank");
      for (int64_t i = 0; i < rank; ++i)
        if (i != axis && w.dims[i] != a.dims[i])
          fail(LLMRT_ERROR_FORMAT, where + "inputs " + dimsText(a.dims) + " and " +
                                       dimsText(w.dims) + " differ off the axis");
      dims[axis] += w.dims[axis];
    }
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i)
      outer *= dims[i];
    for (int64_t i = axis + 1; i < rank; ++i)
      inner *= dims[i];
    std::vector<uint8_t> bytes(static_cast<size_t>(numel(dims)) * elt);
    int64_t offset = 0;
    for (const HostWeight &w : in) {
      int64_t chunk = w.dims[axis] * inner * static_cast<int64_t>(elt);
      for (int64_t o = 0; o < outer; ++o)
        std::memcpy(bytes.data() + (o * dims[axis] * inner) * elt + offset,
                    static_cast<const uint8_t *>(w.data) + o * chunk, static_cast<size_t>(chunk));
      offset += chunk;
    }
    return store(a.dtype, dims, std::move(bytes));
  }
  fail(LLMRT_ERROR_FORMAT, where + "unknown op");
}

} // namespace llmrt
