//===- Npy.cpp - read and write NumPy .npy files --------------------------===//
//
// The format: "\x93NUMPY", a version (1.0: 2-byte header length; 2.0 and 3.0:
// 4-byte), a Python dict literal {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), } padded with spaces and '\n', then the data.
//
//===----------------------------------------------------------------------===//

#include "Tensor.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <variant>

namespace llmrun {

namespace {

struct NpyDType {
  const char *descr; // as written
  llmrt_dtype dtype;
};

// What we write; reading also accepts '=' and '<' / '|' interchangeably for
// one-byte types.
const NpyDType kNpyDTypes[] = {
    {"<f4", LLMRT_FLOAT32}, {"<f2", LLMRT_FLOAT16}, {"<f8", LLMRT_FLOAT64}, {"|i1", LLMRT_INT8},
    {"|u1", LLMRT_UINT8},   {"<i2", LLMRT_INT16},   {"<u2", LLMRT_UINT16},  {"<i4", LLMRT_INT32},
    {"<u4", LLMRT_UINT32},  {"<i8", LLMRT_INT64},   {"<u8", LLMRT_UINT64},  {"|b1", LLMRT_BOOL},
};

const char *descrOf(llmrt_dtype dtype) {
  for (const NpyDType &d : kNpyDTypes)
    if (d.dtype == dtype)
      return d.descr;
  return nullptr;
}

bool dtypeOfDescr(std::string descr, llmrt_dtype &dtype) {
  if (descr.size() == 3 && descr[0] == '=')
    descr[0] = '<';
  for (const NpyDType &d : kNpyDTypes) {
    std::string known = d.descr;
    if (descr == known || (known[0] == '|' && descr == "<" + known.substr(1)) ||
        (known[0] == '|' && descr == known.substr(1))) {
      dtype = d.dtype;
      return true;
    }
  }
  return false;
}

using Value = std::variant<std::string, bool, std::vector<int64_t>>;

/// Parses the header dict: string keys; values are strings, True/False or
/// tuples of integers.
class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &path) : text(text), path(path) {}

  std::map<std::string, Value> parse() {
    std::map<std::string, Value> dict;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') {
        ++pos;
        break;
      }
      std::string key = string();
      expect(':');
      dict[key] = value();
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      expect('}');
      break;
    }
    return dict;
  }

private:
  [[noreturn]] void error(const std::string &message) const {
    throw ToolError(path + ": malformed .npy header (" + message + "): " + text);
  }
  void skipSpace() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  char peek() {
    skipSpace();
    return pos < text.size() ? text[pos] : '\0';
  }
  void expect(char c) {
    if (peek() != c)
      error(std::string("expected '") + c + "'");
    ++pos;
  }
  std::string string() {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      error("expected a string");
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos)
      error("unterminated string");
    std::string s = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return s;
  }
  Value value() {
    char c = peek();
    if (c == '\'' || c == '"')
      return string();
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      return false;
    }
    if (c != '(')
      error("expected a string, True, False or a tuple");
    ++pos;
    std::vector<int64_t> dims;
    while (peek() != ')') {
      size_t start = pos;
      int64_t d = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (d > (std::numeric_limits<int64_t>::max() - 9) / 10)
          error("dim too large");
        d = d * 10 + (text[pos++] - '0');
      }
      if (pos == start)
        error("expected a non-negative integer in the shape");
      if (pos < text.size() && text[pos] == 'L') // Python 2
        ++pos;
      dims.push_back(d);
      if (peek() == ',')
        ++pos;
      else if (peek() != ')')
        error("expected ',' or ')' in the shape");
    }
    ++pos;
    return dims;
  }

  const std::string &text;
  const std::string &path;
  size_t pos = 0;
};

uint32_t readLittleEndian(const std::string &bytes, size_t offset, size_t size) {
  uint32_t value = 0;
  for (size_t i = size; i-- > 0;)
    value = value << 8 | static_cast<uint8_t>(bytes[offset + i]);
  return value;
}

} // namespace

HostTensor readNpy(const std::string &path) {
  std::string bytes = readFile(path, "the .npy file");
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    throw ToolError(path + ": not a .npy file (no \\x93NUMPY magic)");
  int major = static_cast<uint8_t>(bytes[6]);
  int minor = static_cast<uint8_t>(bytes[7]);
  size_t lengthBytes;
  if (major == 1 && minor == 0)
    lengthBytes = 2;
  else if ((major == 2 || major == 3) && minor == 0)
    lengthBytes = 4;
  else
    throw ToolError(path + ": unsupported .npy version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  if (bytes.size() < 8 + lengthBytes)
    throw ToolError(path + ": truncated .npy header");
  size_t headerLength = readLittleEndian(bytes, 8, lengthBytes);
  size_t dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.size())
    throw ToolError(path + ": truncated .npy header (header length " +
                    std::to_string(headerLength) + " runs past the end of the file)");
  std::string header = bytes.substr(8 + lengthBytes, headerLength);
  while (!header.empty() && std::isspace(static_cast<unsigned char>(header.back())))
    header.pop_back();
  std::map<std::string, Value> dict = HeaderParser(header, path).parse();

  auto get = [&](const char *key) -> const Value & {
    auto it = dict.find(key);
    if (it == dict.end())
      throw ToolError(path + ": malformed .npy header (no '" + key + "'): " + header);
    return it->second;
  };
  const auto *descr = std::get_if<std::string>(&get("descr"));
  const auto *fortran = std::get_if<bool>(&get("fortran_order"));
  const auto *shape = std::get_if<std::vector<int64_t>>(&get("shape"));
  if (!descr || !fortran || !shape)
    throw ToolError(path +
                    ": malformed .npy header (descr must be a string, fortran_order a "
                    "bool, shape a tuple): " +
                    header);
  if (*fortran)
    throw ToolError(path + ": Fortran-order arrays are not supported (save a C-order array, "
                           "e.g. np.save(f, np.ascontiguousarray(a)))");
  HostTensor t;
  if (!dtypeOfDescr(*descr, t.dtype))
    throw ToolError(path + ": unsupported dtype '" + *descr +
                    "' (supported: <f4 <f2 <f8 |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8 |b1)");
  t.dims = *shape;
  int64_t n = numElements(t.dims, path);
  size_t elementSize = llmrt_dtype_size(t.dtype);
  if (static_cast<uint64_t>(n) > (bytes.size() - dataStart) / elementSize ||
      static_cast<uint64_t>(n) * elementSize != bytes.size() - dataStart)
    throw ToolError(path + ": shape (" + dimsString(t.dims) + ") of " + *descr + " needs " +
                    std::to_string(static_cast<uint64_t>(n) * elementSize) +
                    " bytes of data, the file has " + std::to_string(bytes.size() - dataStart));
  t.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(dataStart), bytes.end());
  return t;
}

void writeNpy(const std::string &path, const TensorView &tensor) {
  const int64_t n = numElements(tensor.dims, path);
  std::vector<uint8_t> converted;
  const uint8_t *data = tensor.data;
  const char *descr = descrOf(tensor.dtype);
  size_t bytes = static_cast<size_t>(n) * llmrt_dtype_size(tensor.dtype);
  if (tensor.dtype == LLMRT_BFLOAT16) {
    // NumPy has no bfloat16: write the (exact) float32 values.
    converted.resize(static_cast<size_t>(n) * 4);
    for (int64_t i = 0; i < n; ++i) {
      float f = static_cast<float>(elementAsDouble(tensor.dtype, data, i));
      std::memcpy(converted.data() + i * 4, &f, 4);
    }
    data = converted.data();
    descr = "<f4";
    bytes = converted.size();
  }
  std::string shape = "(";
  for (size_t k = 0; k < tensor.dims.size(); ++k)
    shape += std::to_string(tensor.dims[k]) + (tensor.dims.size() == 1      ? ","
                                               : k + 1 < tensor.dims.size() ? ", "
                                                                            : "");
  shape += ")";
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts at a multiple of 64, ending with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 65535)
    throw ToolError(path + ": shape too long for a .npy 1.0 header");

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw ToolError(path + ": cannot write: " + std::strerror(errno ? errno : EACCES));
  char preamble[10] = {'\x93',
                       'N',
                       'U',
                       'M',
                       'P',
                       'Y',
                       1,
                       0,
                       static_cast<char>(header.size() & 0xff),
                       static_cast<char>(header.size() >> 8)};
  out.write(preamble, 10);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(bytes));
  if (!out)
    throw ToolError(path + ": cannot write");
}

} // namespace llmrun
