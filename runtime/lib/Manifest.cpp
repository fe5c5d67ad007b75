//===- Manifest.cpp - read and validate manifest.json ---------------------===//

#include "Manifest.h"

#include "DType.h"
#include "Status.h"
#include "llmrt/ModuleABI.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

using nlohmann::json;

namespace llmrt {

bool TensorSpec::isStatic() const {
  for (int64_t d : dims)
    if (d < 0)
      return false;
  return true;
}

std::string TensorSpec::shapeString() const {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k) {
    if (k)
      s += ", ";
    if (dims[k] >= 0)
      s += std::to_string(dims[k]);
    else if (!dimNames[k].empty())
      s += dimNames[k];
    else
      s += "?";
  }
  return s + "]";
}

namespace {

/// Reads typed fields out of the JSON tree; every error names the file and
/// the field's path ("entries[0].inputs[1].dtype").
class Reader {
public:
  explicit Reader(const std::string &file) : file(file) {}

  [[noreturn]] void error(const std::string &field, const std::string &message,
                          llmrt_status status = LLMRT_ERROR_FORMAT) const {
    fail(status, file + ": " + (field.empty() ? "" : field + ": ") + message);
  }

  static std::string join(const std::string &path, const std::string &key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string index(const std::string &path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

  static std::string describe(const json &value) {
    switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::string:
      return "the string \"" + value.get<std::string>() + "\"";
    case json::value_t::number_float:
      return "the number " + value.dump();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "the integer " + value.dump();
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a value of another kind";
    }
  }

  void expectObject(const json &value, const std::string &path) const {
    if (!value.is_object())
      error(path, "expected an object, got " + describe(value));
  }

  const json &member(const json &object, const std::string &path, const char *key) const {
    expectObject(object, path);
    auto it = object.find(key);
    if (it == object.end())
      error(join(path, key), "missing required field");
    return *it;
  }

  std::string string(const json &object, const std::string &path, const char *key) const {
    const json &value = member(object, path, key);
    if (!value.is_string())
      error(join(path, key), "expected a string, got " + describe(value));
    std::string s = value.get<std::string>();
    if (s.empty())
      error(join(path, key), "must not be empty");
    return s;
  }

  int64_t integer(const json &value, const std::string &path) const {
    if (value.is_number_unsigned()) {
      if (value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        error(path, "integer " + value.dump() + " is too large");
      return static_cast<int64_t>(value.get<uint64_t>());
    }
    if (!value.is_number_integer())
      error(path, "expected an integer, got " + describe(value));
    return value.get<int64_t>();
  }

  int64_t integer(const json &object, const std::string &path, const char *key) const {
    return integer(member(object, path, key), join(path, key));
  }

  const json &array(const json &object, const std::string &path, const char *key) const {
    const json &value = member(object, path, key);
    if (!value.is_array())
      error(join(path, key), "expected an array, got " + describe(value));
    return value;
  }

  llmrt_dtype dtype(const json &object, const std::string &path) const {
    const json &value = member(object, path, "dtype");
    std::string field = join(path, "dtype");
    if (!value.is_string())
      error(field, "expected a dtype name, got " + describe(value));
    std::string name = value.get<std::string>();
    const DTypeInfo *info = findDTypeByName(name);
    if (!info)
      error(field, "unknown dtype '" + name +
                       "' (known: float32 float16 bfloat16 float64 int8 uint8 int16 uint16 "
                       "int32 uint32 int64 uint64 bool)");
    return info->dtype;
  }

  /// A tensor {name, dtype, shape}; `staticOnly` for weights.
  TensorSpec tensor(const json &value, const std::string &path, bool staticOnly) const {
    TensorSpec spec;
    spec.name = string(value, path, "name");
    spec.dtype = dtype(value, path);
    const json &shape = array(value, path, "shape");
    std::string shapePath = join(path, "shape");
    if (shape.size() > LLMRT_MAX_RANK)
      error(shapePath, "rank " + std::to_string(shape.size()) + " exceeds the maximum of " +
                           std::to_string(LLMRT_MAX_RANK));
    for (size_t k = 0; k < shape.size(); ++k) {
      const json &dim = shape[k];
      std::string dimPath = index(shapePath, k);
      if (dim.is_number_integer() || dim.is_number_unsigned()) {
        int64_t d = integer(dim, dimPath);
        if (d < 0)
          error(dimPath, "a static dim must not be negative, got " + std::to_string(d));
        spec.dims.push_back(d);
        spec.dimNames.emplace_back();
      } else if (staticOnly) {
        error(dimPath, "a weight's dims must be static integers, got " + describe(dim));
      } else if (dim.is_string()) {
        std::string name = dim.get<std::string>();
        if (name.empty())
          error(dimPath, "a dim name must not be empty");
        spec.dims.push_back(-1);
        spec.dimNames.push_back(name);
      } else if (dim.is_null()) {
        spec.dims.push_back(-1);
        spec.dimNames.emplace_back();
      } else {
        error(dimPath, "expected an integer, a dim name or null, got " + describe(dim));
      }
    }
    return spec;
  }

  std::vector<TensorSpec> tensors(const json &object, const std::string &path, const char *key,
                                  bool staticOnly, const char *what) const {
    const json &list = array(object, path, key);
    std::vector<TensorSpec> specs;
    std::set<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string itemPath = index(join(path, key), i);
      specs.push_back(tensor(list[i], itemPath, staticOnly));
      if (!names.insert(specs.back().name).second)
        error(join(itemPath, "name"),
              std::string("duplicate ") + what + " name '" + specs.back().name + "'");
    }
    return specs;
  }

  EntrySpec entry(const json &value, const std::string &path) const {
    EntrySpec entry;
    entry.name = string(value, path, "name");
    entry.planSymbol = string(value, path, "plan_symbol");
    entry.runSymbol = string(value, path, "run_symbol");
    entry.inputs = tensors(value, path, "inputs", /*staticOnly=*/false, "input");
    entry.outputs = tensors(value, path, "outputs", /*staticOnly=*/false, "output");
    const json &buffers = array(value, path, "buffers");
    for (size_t i = 0; i < buffers.size(); ++i) {
      std::string bufferPath = index(join(path, "buffers"), i);
      LiveInterval live;
      live.first = integer(buffers[i], bufferPath, "first");
      live.last = integer(buffers[i], bufferPath, "last");
      if (live.first > live.last)
        error(bufferPath, "live interval [" + std::to_string(live.first) + ", " +
                              std::to_string(live.last) + "] has first > last");
      entry.buffers.push_back(live);
    }
    auto it = value.find("static_arena_bytes");
    if (it != value.end() && !it->is_null()) {
      int64_t bytes = integer(*it, join(path, "static_arena_bytes"));
      if (bytes < 0)
        error(join(path, "static_arena_bytes"), "must not be negative");
      entry.staticArenaBytes = bytes;
    }
    return entry;
  }

  WeightRecipe recipe(const json &value, const std::string &path) const {
    expectObject(value, path);
    WeightRecipe r;
    r.op = string(value, path, "op");
    const json &from = array(value, path, "from");
    for (size_t i = 0; i < from.size(); ++i) {
      if (!from[i].is_string())
        error(index(join(path, "from"), i), "expected a weight name, got " + describe(from[i]));
      r.from.push_back(from[i].get<std::string>());
    }
    auto integers = [&](const char *key) {
      std::vector<int64_t> out;
      const json &list = array(value, path, key);
      for (size_t i = 0; i < list.size(); ++i)
        out.push_back(integer(list[i], index(join(path, key), i)));
      return out;
    };
    if (r.op == "concat")
      r.axis = integer(value, path, "axis");
    else if (r.op == "cast")
      r.dtype = dtype(value, path);
    else if (r.op == "transpose")
      r.perm = integers("perm");
    else if (r.op == "reshape")
      r.shape = integers("shape");
    else if (r.op == "slice") {
      r.starts = integers("starts");
      r.steps = integers("steps");
      r.shape = integers("shape");
    } else
      error(join(path, "op"),
            "unknown recipe op '" + r.op + "' (known: concat cast transpose reshape slice)");
    return r;
  }

  Manifest manifest(const json &root) const {
    Manifest m;
    m.path = file;
    expectObject(root, "");
    m.format = string(root, "", "format");
    if (m.format != "llm-module")
      error("format", "expected \"llm-module\", got \"" + m.format + "\"");
    m.abiVersion = integer(root, "", "abi_version");
    if (m.abiVersion != LLM_MODULE_ABI_VERSION)
      error("abi_version",
            "the module has ABI version " + std::to_string(m.abiVersion) +
                ", this runtime supports version " + std::to_string(LLM_MODULE_ABI_VERSION),
            LLMRT_ERROR_UNSUPPORTED);
    m.target = string(root, "", "target");
    m.library = string(root, "", "library");
    m.weightsFile = string(root, "", "weights_file");
    if (root.contains("constants_file"))
      m.constantsFile = string(root, "", "constants_file");
    auto producer = root.find("producer");
    if (producer != root.end()) {
      if (!producer->is_string())
        error("producer", "expected a string, got " + describe(*producer));
      m.producer = producer->get<std::string>();
    }
    m.weights = tensors(root, "", "weights", /*staticOnly=*/true, "weight");
    auto recipes = root.find("weight_recipes");
    if (recipes != root.end()) {
      expectObject(*recipes, "weight_recipes");
      for (auto it = recipes->begin(); it != recipes->end(); ++it)
        m.recipes[it.key()] = recipe(*it, join("weight_recipes", it.key().c_str()));
    }
    const json &entries = array(root, "", "entries");
    if (entries.empty())
      error("entries", "a module needs at least one entry");
    std::set<std::string> names;
    for (size_t i = 0; i < entries.size(); ++i) {
      m.entries.push_back(entry(entries[i], index("entries", i)));
      if (!names.insert(m.entries.back().name).second)
        error(index("entries", i) + ".name",
              "duplicate entry name '" + m.entries.back().name + "'");
    }
    return m;
  }

private:
  const std::string &file;
};

} // namespace

Manifest parseManifest(const std::string &text, const std::string &path) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception &e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    std::string what = e.what();
    size_t bracket = what.find("] ");
    if (what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos)
      what = what.substr(bracket + 2);
    fail(LLMRT_ERROR_FORMAT, path + ": malformed JSON: " + what);
  }
  return Reader(path).manifest(root);
}

Manifest readManifest(const std::string &path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(LLMRT_ERROR_IO,
         path + ": cannot open the manifest: " + errnoMessage(errno ? errno : ENOENT));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    fail(LLMRT_ERROR_IO, path + ": cannot read the manifest");
  return parseManifest(text.str(), path);
}

} // namespace llmrt
