//===- Tensor.cpp - host tensors: sizes, element conversion, random data --===//

#include "Tensor.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace llmrun {

int64_t numElements(const std::vector<int64_t> &dims, const std::string &what) {
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0)
      throw ToolError(what + ": negative dim " + std::to_string(d));
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / d)
      throw ToolError(what + ": shape [" + dimsString(dims) + "] is too large");
    count *= d;
  }
  return count;
}

std::string dimsString(const std::vector<int64_t> &dims) {
  std::string s;
  for (size_t k = 0; k < dims.size(); ++k)
    s += (k ? "x" : "") + std::to_string(dims[k]);
  return s;
}

std::string indexString(const std::vector<int64_t> &dims, int64_t index) {
  std::vector<int64_t> position(dims.size());
  for (size_t k = dims.size(); k-- > 0;) {
    if (dims[k] > 0) {
      position[k] = index % dims[k];
      index /= dims[k];
    }
  }
  std::string s = "[";
  for (size_t k = 0; k < position.size(); ++k)
    s += (k ? ", " : "") + std::to_string(position[k]);
  return s + "]";
}

bool isFloating(llmrt_dtype dtype) {
  return dtype == LLMRT_FLOAT32 || dtype == LLMRT_FLOAT16 || dtype == LLMRT_BFLOAT16 ||
         dtype == LLMRT_FLOAT64;
}

static float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

static uint32_t floatToBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  if (exponent == 0) {
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31)
    return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
  return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t floatToHalf(float value) {
  uint32_t x = floatToBits(value);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  uint32_t magnitude = x & 0x7fffffffu;
  if (magnitude > 0x7f800000u) // NaN: keep it quiet
    return sign | 0x7e00;
  if (magnitude >= 0x477ff000u) // 65520 and up round to infinity
    return sign | 0x7c00;
  if (magnitude < 0x38800000u) {                         // below 2^-14: a subnormal half (or zero)
    float scaled = bitsToFloat(magnitude) * 16777216.0f; // exact: a power of two
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  uint32_t exponent = (magnitude >> 23) - 112;
  uint32_t mantissa = magnitude & 0x7fffff;
  uint32_t h = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
    ++h; // round to nearest even; a carry moves into the exponent correctly
  return sign | static_cast<uint16_t>(h);
}

float bfloat16ToFloat(uint16_t bits) { return bitsToFloat(static_cast<uint32_t>(bits) << 16); }

uint16_t floatToBFloat16(float value) {
  uint32_t x = floatToBits(value);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((x >> 16) | 0x40);
  x += 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

template <typename T> static T load(const uint8_t *data, int64_t index) {
  T value;
  std::memcpy(&value, data + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return value;
}

double elementAsDouble(llmrt_dtype dtype, const uint8_t *data, int64_t i) {
  switch (dtype) {
  case LLMRT_FLOAT32:
    return load<float>(data, i);
  case LLMRT_FLOAT16:
    return halfToFloat(load<uint16_t>(data, i));
  case LLMRT_BFLOAT16:
    return bfloat16ToFloat(load<uint16_t>(data, i));
  case LLMRT_FLOAT64:
    return load<double>(data, i);
  case LLMRT_INT8:
    return load<int8_t>(data, i);
  case LLMRT_UINT8:
    return load<uint8_t>(data, i);
  case LLMRT_INT16:
    return load<int16_t>(data, i);
  case LLMRT_UINT16:
    return load<uint16_t>(data, i);
  case LLMRT_INT32:
    return load<int32_t>(data, i);
  case LLMRT_UINT32:
    return load<uint32_t>(data, i);
  case LLMRT_INT64:
    return static_cast<double>(load<int64_t>(data, i));
  case LLMRT_UINT64:
    return static_cast<double>(load<uint64_t>(data, i));
  case LLMRT_BOOL:
    return load<uint8_t>(data, i) ? 1.0 : 0.0;
  }
  return 0.0;
}

template <typename T> static void store(uint8_t *data, int64_t index, T value) {
  std::memcpy(data + index * static_cast<int64_t>(sizeof(T)), &value, sizeof(T));
}

/// The largest value of an integer dtype, as an exclusive upper bound for
/// random data (int64/uint64 saturate at INT64_MAX).
static int64_t integerLimit(llmrt_dtype dtype) {
  switch (dtype) {
  case LLMRT_INT8:
    return 128;
  case LLMRT_UINT8:
    return 256;
  case LLMRT_INT16:
    return 32768;
  case LLMRT_UINT16:
    return 65536;
  case LLMRT_INT32:
    return int64_t(1) << 31;
  case LLMRT_UINT32:
    return int64_t(1) << 32;
  default:
    return std::numeric_limits<int64_t>::max();
  }
}

HostTensor randomTensor(const std::string &name, llmrt_dtype dtype,
                        const std::vector<int64_t> &dims, std::mt19937_64 &rng, int64_t intMax) {
  HostTensor t;
  t.name = name;
  t.dtype = dtype;
  t.dims = dims;
  int64_t n = numElements(dims, "input '" + name + "'");
  t.data.resize(static_cast<size_t>(n) * llmrt_dtype_size(dtype));
  uint8_t *p = t.data.data();
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::uniform_real_distribution<double> uniform64(-1.0, 1.0);
  std::uniform_int_distribution<int64_t> integer(0, std::min(intMax, integerLimit(dtype)) - 1);
  std::uniform_int_distribution<int> boolean(0, 1);
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
    case LLMRT_FLOAT32:
      store(p, i, uniform(rng));
      break;
    case LLMRT_FLOAT16:
      store(p, i, floatToHalf(uniform(rng)));
      break;
    case LLMRT_BFLOAT16:
      store(p, i, floatToBFloat16(uniform(rng)));
      break;
    case LLMRT_FLOAT64:
      store(p, i, uniform64(rng));
      break;
    case LLMRT_INT8:
      store(p, i, static_cast<int8_t>(integer(rng)));
      break;
    case LLMRT_UINT8:
      store(p, i, static_cast<uint8_t>(integer(rng)));
      break;
    case LLMRT_INT16:
      store(p, i, static_cast<int16_t>(integer(rng)));
      break;
    case LLMRT_UINT16:
      store(p, i, static_cast<uint16_t>(integer(rng)));
      break;
    case LLMRT_INT32:
      store(p, i, static_cast<int32_t>(integer(rng)));
      break;
    case LLMRT_UINT32:
      store(p, i, static_cast<uint32_t>(integer(rng)));
      break;
    case LLMRT_INT64:
      store(p, i, static_cast<int64_t>(integer(rng)));
      break;
    case LLMRT_UINT64:
      store(p, i, static_cast<uint64_t>(integer(rng)));
      break;
    case LLMRT_BOOL:
      store(p, i, static_cast<uint8_t>(boolean(rng)));
      break;
    }
  }
  return t;
}

std::string readFile(const std::string &path, const char *what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ToolError(path + ": cannot open " + what + ": it is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ToolError(path + ": cannot open " + what + ": " + std::strerror(errno ? errno : ENOENT));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw ToolError(path + ": cannot read " + what);
  return text.str();
}

} // namespace llmrun
