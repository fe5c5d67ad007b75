//===- RuntimeTest.cpp - llmrt against a hand-written module --------------===//
//
// Each test writes a module directory (manifest.json, weights.safetensors and
// a link to the fake module.so built from FakeModule.cpp) into a fresh
// temporary folder, then loads and runs it through the C API.
//
//===----------------------------------------------------------------------===//

#include "llmrt/llmrt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

//===----------------------------------------------------------------------===//
// Writing module directories
//===----------------------------------------------------------------------===//

struct StTensor {
  std::string name;
  std::string dtype; // "F32"
  std::vector<int64_t> shape;
  std::string data;
};

std::string floatBytes(const std::vector<float> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()), values.size() * 4);
}

/// A safetensors file: header padded with spaces to a multiple of `align`,
/// then `extraPad` more spaces (to misalign the data on purpose).
std::string encodeSafetensors(const std::vector<StTensor> &tensors, size_t align = 8,
                              size_t extraPad = 0) {
  json header = json::object();
  header["__metadata__"] = {{"format", "pt"}};
  size_t offset = 0;
  std::string data;
  for (const StTensor &t : tensors) {
    header[t.name] = {
        {"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.data.size()}}};
    offset += t.data.size();
    data += t.data;
  }
  std::string text = header.dump();
  while ((8 + text.size()) % align)
    text += ' ';
  text.append(extraPad, ' ');
  std::string bytes(8, '\0');
  uint64_t length = text.size();
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return bytes + text + data;
}

void writeFile(const fs::path &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

json defaultManifest() {
  return json::parse(R"({
    "format": "llm-module",
    "abi_version": 2,
    "target": "cpu",
    "library": "module.so",
    "weights_file": "weights.safetensors",
    "producer": "RuntimeTest",
    "weights": [{"name": "w", "dtype": "float32", "shape": [4]}],
    "entries": [{
      "name": "main",
      "plan_symbol": "fake_main_plan",
      "run_symbol": "fake_main_run",
      "inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", 4]},
                 {"name": "y", "dtype": "float32", "shape": ["batch", 4]}],
      "outputs": [{"name": "z", "dtype": "float32", "shape": ["batch", 4]}],
      "buffers": [{"first": 0, "last": 1}, {"first": 1, "last": 2}],
      "static_arena_bytes": null
    }]
  })");
}

struct ModuleDeleter {
  void operator()(llmrt_module *m) const { llmrt_module_free(m); }
};
struct SessionDeleter {
  void operator()(llmrt_session *s) const { llmrt_session_free(s); }
};
using ModulePtr = std::unique_ptr<llmrt_module, ModuleDeleter>;
using SessionPtr = std::unique_ptr<llmrt_session, SessionDeleter>;

std::vector<float> randomFloats(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &f : v)
    f = dist(rng);
  return v;
}

std::vector<float> reference(const std::vector<float> &x, const std::vector<float> &y,
                             const std::vector<float> &w) {
  std::vector<float> z(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    z[i] = (x[i] + y[i]) * w[i % 4] + 1.0f;
  return z;
}

int64_t fakePlanCalls() {
  // The module directory links to the same file, so dlopen shares the handle.
  void *handle = ::dlopen(LLM_FAKE_MODULE, RTLD_NOW | RTLD_NOLOAD);
  if (!handle)
    return -1;
  auto fn = reinterpret_cast<int64_t (*)()>(::dlsym(handle, "fake_plan_calls"));
  int64_t calls = fn ? fn() : -1;
  ::dlclose(handle);
  return calls;
}

class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/llmrt-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir = pattern;
    manifest = defaultManifest();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /// Writes manifest.json, weights.safetensors (w = `weights`) and module.so.
  void writeModule(const char *library = LLM_FAKE_MODULE) {
    writeFile(dir / "manifest.json", manifest.dump(2));
    writeFile(dir / "weights.safetensors",
              encodeSafetensors({{"w", "F32", {4}, floatBytes(weights)}}));
    fs::remove(dir / "module.so");
    fs::create_symlink(library, dir / "module.so");
  }

  /// Loads the directory, expecting `status`; returns the module on success.
  ModulePtr load(llmrt_status expected = LLMRT_OK, const char *weightsPath = nullptr) {
    llmrt_module *module = reinterpret_cast<llmrt_module *>(0x1);
    llmrt_load_options options = {weightsPath};
    llmrt_status status = llmrt_module_load(dir.c_str(), &options, &module);
    EXPECT_EQ(status, expected) << llmrt_last_error();
    if (status != LLMRT_OK) {
      EXPECT_EQ(module, nullptr);
    }
    return ModulePtr(status == LLMRT_OK ? module : nullptr);
  }

  /// Writes the module, expects loading to fail with `status` and returns
  /// the message.
  std::string loadError(llmrt_status status) {
    writeModule();
    ModulePtr module = load(status);
    return llmrt_last_error();
  }

  SessionPtr session(const llmrt_module *module, int32_t threads = 1) {
    llmrt_session *s = nullptr;
    llmrt_session_options options = {threads};
    EXPECT_EQ(llmrt_session_create(module, &options, &s), LLMRT_OK) << llmrt_last_error();
    return SessionPtr(s);
  }

  static llmrt_status bind(llmrt_session *s, const char *name, const std::vector<float> &v,
                           int64_t batch) {
    int64_t dims[2] = {batch, 4};
    return llmrt_session_set_input(s, name, LLMRT_FLOAT32, 2, dims, v.data(), v.size() * 4);
  }

  /// Binds x and y of `batch` rows, runs, and checks z against the reference.
  void runAndCheck(llmrt_session *s, int64_t batch, std::mt19937 &rng,
                   const std::vector<float> &w) {
    std::vector<float> x = randomFloats(batch * 4, rng), y = randomFloats(batch * 4, rng);
    ASSERT_EQ(bind(s, "x", x, batch), LLMRT_OK) << llmrt_last_error();
    ASSERT_EQ(bind(s, "y", y, batch), LLMRT_OK) << llmrt_last_error();
    ASSERT_EQ(llmrt_session_run(s), LLMRT_OK) << llmrt_last_error();
    llmrt_tensor z;
    ASSERT_EQ(llmrt_session_get_output(s, 0, &z), LLMRT_OK) << llmrt_last_error();
    ASSERT_STREQ(z.name, "z");
    ASSERT_EQ(z.rank, 2);
    ASSERT_EQ(z.dims[0], batch);
    ASSERT_EQ(z.dims[1], 4);
    ASSERT_EQ(z.bytes, static_cast<size_t>(batch * 16));
    std::vector<float> expected = reference(x, y, w);
    const float *actual = static_cast<const float *>(z.data);
    for (size_t i = 0; i < expected.size(); ++i)
      ASSERT_FLOAT_EQ(actual[i], expected[i]) << "element " << i;
  }

  fs::path dir;
  json manifest;
  std::vector<float> weights = {1.5f, -2.0f, 0.25f, 3.0f};
};

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, LoadDescribesInputsAndOutputs) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  EXPECT_STREQ(llmrt_module_target(module.get()), "cpu");
  ASSERT_EQ(llmrt_module_num_inputs(module.get()), 2);
  ASSERT_EQ(llmrt_module_num_outputs(module.get()), 1);

  llmrt_tensor x, y, z;
  ASSERT_EQ(llmrt_module_input(module.get(), 0, &x), LLMRT_OK);
  ASSERT_EQ(llmrt_module_input(module.get(), 1, &y), LLMRT_OK);
  ASSERT_EQ(llmrt_module_output(module.get(), 0, &z), LLMRT_OK);
  EXPECT_STREQ(x.name, "x");
  EXPECT_STREQ(y.name, "y");
  EXPECT_STREQ(z.name, "z");
  for (const llmrt_tensor *t : {&x, &y, &z}) {
    EXPECT_EQ(t->dtype, LLMRT_FLOAT32);
    EXPECT_EQ(t->rank, 2);
    EXPECT_EQ(t->dims[0], -1);
    EXPECT_EQ(t->dims[1], 4);
    EXPECT_STREQ(t->dim_names[0], "batch");
    EXPECT_EQ(t->dim_names[1], nullptr);
    EXPECT_EQ(t->data, nullptr);
    EXPECT_EQ(t->bytes, 0u);
  }
  EXPECT_EQ(llmrt_module_input(module.get(), 2, &x), LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("index 2 out of range"));
  EXPECT_EQ(llmrt_module_output(module.get(), -1, &z), LLMRT_ERROR_INVALID_ARG);
}

TEST_F(RuntimeTest, UnnamedDynamicDim) {
  manifest["entries"][0]["outputs"][0]["shape"] = {nullptr, 4};
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  llmrt_tensor z;
  ASSERT_EQ(llmrt_module_output(module.get(), 0, &z), LLMRT_OK);
  EXPECT_EQ(z.dims[0], -1);
  EXPECT_EQ(z.dim_names[0], nullptr);
}

TEST_F(RuntimeTest, DTypeNamesAndSizes) {
  EXPECT_STREQ(llmrt_dtype_name(LLMRT_FLOAT32), "float32");
  EXPECT_STREQ(llmrt_dtype_name(LLMRT_BFLOAT16), "bfloat16");
  EXPECT_STREQ(llmrt_dtype_name(LLMRT_BOOL), "bool");
  EXPECT_EQ(llmrt_dtype_size(LLMRT_FLOAT16), 2u);
  EXPECT_EQ(llmrt_dtype_size(LLMRT_INT64), 8u);
  EXPECT_EQ(llmrt_dtype_size(LLMRT_BOOL), 1u);
  EXPECT_EQ(llmrt_dtype_size(static_cast<llmrt_dtype>(99)), 0u);
}

TEST_F(RuntimeTest, MissingDirectory) {
  std::string missing = (dir / "nope").string();
  llmrt_module *module = nullptr;
  EXPECT_EQ(llmrt_module_load(missing.c_str(), nullptr, &module), LLMRT_ERROR_IO);
  EXPECT_EQ(module, nullptr);
  EXPECT_THAT(llmrt_last_error(), HasSubstr(missing));
  EXPECT_THAT(llmrt_last_error(), HasSubstr("No such file or directory"));
}

TEST_F(RuntimeTest, NotADirectory) {
  writeFile(dir / "file", "x");
  std::string file = (dir / "file").string();
  llmrt_module *module = nullptr;
  EXPECT_EQ(llmrt_module_load(file.c_str(), nullptr, &module), LLMRT_ERROR_IO);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("is not a module directory"));
}

TEST_F(RuntimeTest, NullArguments) {
  llmrt_module *module = nullptr;
  EXPECT_EQ(llmrt_module_load(nullptr, nullptr, &module), LLMRT_ERROR_INVALID_ARG);
  EXPECT_EQ(llmrt_module_load(dir.c_str(), nullptr, nullptr), LLMRT_ERROR_INVALID_ARG);
  llmrt_session *session = nullptr;
  EXPECT_EQ(llmrt_session_create(nullptr, nullptr, &session), LLMRT_ERROR_INVALID_ARG);
  EXPECT_EQ(llmrt_session_run(nullptr), LLMRT_ERROR_INVALID_ARG);
  EXPECT_EQ(llmrt_module_num_inputs(nullptr), 0);
  llmrt_module_free(nullptr);
  llmrt_session_free(nullptr);
}

TEST_F(RuntimeTest, MissingManifest) {
  writeModule();
  fs::remove(dir / "manifest.json");
  ModulePtr module = load(LLMRT_ERROR_IO);
  EXPECT_THAT(llmrt_last_error(), HasSubstr((dir / "manifest.json").string()));
}

TEST_F(RuntimeTest, MalformedJSON) {
  writeModule();
  writeFile(dir / "manifest.json", "{\"format\": \"llm-module\",\n \"abi_version\": }");
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("manifest.json: malformed JSON"));
  EXPECT_THAT(llmrt_last_error(), HasSubstr("line 2"));
}

TEST_F(RuntimeTest, EmptyManifest) {
  writeModule();
  writeFile(dir / "manifest.json", "");
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("manifest.json: malformed JSON"));
}

TEST_F(RuntimeTest, MissingFields) {
  // (JSON pointer to remove, the field the message must name)
  std::vector<std::pair<std::string, std::string>> cases = {
      {"/format", "format"},
      {"/abi_version", "abi_version"},
      {"/target", "target"},
      {"/library", "library"},
      {"/weights_file", "weights_file"},
      {"/weights", "weights"},
      {"/entries", "entries"},
      {"/weights/0/dtype", "weights[0].dtype"},
      {"/weights/0/shape", "weights[0].shape"},
      {"/entries/0/name", "entries[0].name"},
      {"/entries/0/plan_symbol", "entries[0].plan_symbol"},
      {"/entries/0/run_symbol", "entries[0].run_symbol"},
      {"/entries/0/inputs", "entries[0].inputs"},
      {"/entries/0/outputs", "entries[0].outputs"},
      {"/entries/0/buffers", "entries[0].buffers"},
      {"/entries/0/inputs/1/name", "entries[0].inputs[1].name"},
      {"/entries/0/outputs/0/shape", "entries[0].outputs[0].shape"},
      {"/entries/0/buffers/1/last", "entries[0].buffers[1].last"},
  };
  for (const auto &[pointer, field] : cases) {
    SCOPED_TRACE(pointer);
    manifest = defaultManifest();
    json::json_pointer p(pointer);
    manifest[p.parent_pointer()].erase(p.back());
    std::string message = loadError(LLMRT_ERROR_FORMAT);
    EXPECT_THAT(message, HasSubstr("manifest.json: " + field + ": missing required field"));
  }
}

TEST_F(RuntimeTest, WrongFieldTypes) {
  std::vector<std::tuple<std::string, json, std::string>> cases = {
      {"/target", 3, "target: expected a string, got the integer 3"},
      {"/abi_version", "1", "abi_version: expected an integer, got the string \"1\""},
      {"/weights", json::object(), "weights: expected an array, got an object"},
      {"/entries/0/inputs/0/shape/0", true,
       "entries[0].inputs[0].shape[0]: expected an integer, a dim name or null, got true"},
      {"/entries/0/inputs/0/shape/1", -4,
       "entries[0].inputs[0].shape[1]: a static dim must not be negative"},
      {"/entries/0/inputs/0/shape/1", 4.5, "entries[0].inputs[0].shape[1]: expected an integer"},
      {"/weights/0/shape/0", "n", "weights[0].shape[0]: a weight's dims must be static"},
      {"/entries/0/buffers/0/first", 2,
       "entries[0].buffers[0]: live interval [2, 1] has first > last"},
      {"/entries/0/inputs/1/name", "x", "entries[0].inputs[1].name: duplicate input name 'x'"},
      {"/entries", json::array(), "entries: a module needs at least one entry"},
      {"/format", "onnx", "format: expected \"llm-module\""},
      {"/library", "", "library: must not be empty"},
      {"", json::array(), "expected an object, got an array"},
  };
  for (const auto &[pointer, value, message] : cases) {
    SCOPED_TRACE(pointer);
    manifest = defaultManifest();
    manifest[json::json_pointer(pointer)] = value;
    EXPECT_THAT(loadError(LLMRT_ERROR_FORMAT), HasSubstr(message));
  }
}

TEST_F(RuntimeTest, RankTooLarge) {
  manifest["entries"][0]["inputs"][0]["shape"] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_THAT(loadError(LLMRT_ERROR_FORMAT),
              HasSubstr("entries[0].inputs[0].shape: rank 9 exceeds the maximum of 8"));
}

TEST_F(RuntimeTest, UnknownDType) {
  manifest["entries"][0]["inputs"][1]["dtype"] = "float8";
  EXPECT_THAT(loadError(LLMRT_ERROR_FORMAT),
              HasSubstr("manifest.json: entries[0].inputs[1].dtype: unknown dtype 'float8'"));
}

TEST_F(RuntimeTest, OtherABIVersionInManifest) {
  manifest["abi_version"] = 3;
  EXPECT_THAT(loadError(LLMRT_ERROR_UNSUPPORTED),
              HasSubstr("abi_version: the module has ABI version 3"));
}

TEST_F(RuntimeTest, UnsupportedTarget) {
  manifest["target"] = "tpu";
  EXPECT_THAT(loadError(LLMRT_ERROR_UNSUPPORTED), HasSubstr("compiled for 'tpu'"));
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, MissingWeightsFile) {
  writeModule();
  fs::remove(dir / "weights.safetensors");
  ModulePtr module = load(LLMRT_ERROR_IO);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("weights.safetensors: cannot open the weights"));
}

TEST_F(RuntimeTest, TruncatedWeights) {
  writeModule();
  std::string bytes = encodeSafetensors({{"w", "F32", {4}, floatBytes(weights)}});
  writeFile(dir / "weights.safetensors", bytes.substr(0, bytes.size() - 4));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("weights.safetensors: tensor 'w': data_offsets"));
  EXPECT_THAT(llmrt_last_error(), HasSubstr("truncated"));
}

TEST_F(RuntimeTest, HeaderLengthPastEnd) {
  writeModule();
  std::string bytes = encodeSafetensors({{"w", "F32", {4}, floatBytes(weights)}});
  bytes[0] = '\xff';
  bytes[1] = '\xff';
  writeFile(dir / "weights.safetensors", bytes);
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("header length"));
  EXPECT_THAT(llmrt_last_error(), HasSubstr("runs past the end of the file"));

  writeFile(dir / "weights.safetensors", "abc");
  module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("shorter than the 8-byte header length"));
}

TEST_F(RuntimeTest, MalformedWeightsHeader) {
  writeModule();
  std::string header = "{\"w\": [1, 2";
  std::string bytes(8, '\0');
  bytes[0] = static_cast<char>(header.size());
  writeFile(dir / "weights.safetensors", bytes + header);
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("weights.safetensors: malformed JSON header"));
}

TEST_F(RuntimeTest, WeightsWrongSizeForShape) {
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"w", "F32", {5}, floatBytes(weights)}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("tensor 'w': data_offsets cover 16 bytes"));
}

TEST_F(RuntimeTest, WeightMissing) {
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"v", "F32", {4}, floatBytes(weights)}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("weights.safetensors: no tensor 'w'"));
}

TEST_F(RuntimeTest, WeightDTypeMismatch) {
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"w", "I32", {4}, std::string(16, '\0')}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(),
              HasSubstr("tensor 'w' (" + (dir / "manifest.json").string() + " weights[0])"));
  EXPECT_THAT(llmrt_last_error(), HasSubstr("has dtype int32, the manifest says float32"));
}

// A checkpoint in another float dtype (an f16 checkpoint here, an f32 one for
// an f16 module) is converted at load time.
TEST_F(RuntimeTest, FloatWeightConvertedAtLoad) {
  weights = {0.5f, -1.25f, 2.0f, 0.125f}; // exact in f16
  writeModule();
  const uint16_t f16[] = {0x3800, 0xbd00, 0x4000, 0x3000};
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"w", "F16", {4}, std::string(reinterpret_cast<const char *>(f16), 8)}}));
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::mt19937 rng(3);
  runAndCheck(s.get(), 2, rng, weights);
}

// Weights the compiler derived are rebuilt from a checkpoint of originals by
// the manifest's recipes, recipes of recipes included.
TEST_F(RuntimeTest, DerivedWeightsRebuiltFromRecipes) {
  weights = {1.0f, 3.0f, 2.0f, 4.0f};
  manifest["weight_recipes"] = json::parse(R"({
    "w": {"op": "reshape", "from": ["m.T"], "shape": [4]},
    "m.T": {"op": "transpose", "from": ["m"], "perm": [1, 0]},
    "m": {"op": "concat", "from": ["row0", "row1"], "axis": 0}
  })");
  writeModule();
  // m = [[1, 2], [3, 4]], so w = flatten(m^T) = [1, 3, 2, 4].
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"row0", "F32", {1, 2}, floatBytes({1.0f, 2.0f})},
                               {"row1", "F32", {1, 2}, floatBytes({3.0f, 4.0f})}}));
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::mt19937 rng(4);
  runAndCheck(s.get(), 2, rng, weights);
}

// A folded slice: every dim's start and step, resolved by the compiler (a
// negative step reverses).
TEST_F(RuntimeTest, DerivedWeightSliced) {
  weights = {7.0f, 6.0f, 5.0f, 4.0f};
  manifest["weight_recipes"] = json::parse(R"({
    "w": {"op": "reshape", "from": ["s"], "shape": [4]},
    "s": {"op": "slice", "from": ["big"], "starts": [1, 3], "steps": [1, -1], "shape": [1, 4]}
  })");
  writeModule();
  // big = [[0, 1, 2, 3], [4, 5, 6, 7]]: row 1 reversed.
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"big", "F32", {2, 4},
                                floatBytes({0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f})}}));
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::mt19937 rng(5);
  runAndCheck(s.get(), 2, rng, weights);
}

TEST_F(RuntimeTest, DerivedWeightSliceOutOfRange) {
  manifest["weight_recipes"] = json::parse(R"({
    "w": {"op": "slice", "from": ["a"], "starts": [2], "steps": [1], "shape": [4]}
  })");
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"a", "F32", {4}, floatBytes({1.0f, 2.0f, 3.0f, 4.0f})}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("weight recipe of 'w' (slice): dim 0 of [4] has no "
                                            "elements 2 to 5"));
}

TEST_F(RuntimeTest, DerivedWeightMissingInput) {
  manifest["weight_recipes"] = json::parse(R"({
    "w": {"op": "concat", "from": ["a", "b"], "axis": 0}
  })");
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"a", "F32", {2}, floatBytes({1.0f, 2.0f})}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(),
              HasSubstr("weights.safetensors: no tensor 'b' (nor a recipe in the manifest"));
}

TEST_F(RuntimeTest, MalformedWeightRecipe) {
  manifest["weight_recipes"] = json::parse(R"({"w": {"op": "shuffle", "from": ["a"]}})");
  EXPECT_THAT(loadError(LLMRT_ERROR_FORMAT),
              HasSubstr("weight_recipes.w.op: unknown recipe op 'shuffle'"));
}

TEST_F(RuntimeTest, WeightShapeMismatch) {
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"w", "F32", {2, 2}, floatBytes(weights)}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("has shape [2, 2], the manifest says [4]"));
}

TEST_F(RuntimeTest, UnsupportedSafetensorsDType) {
  writeModule();
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"w", "F32", {4}, floatBytes(weights)},
                               {"q", "F8_E4M3", {4}, std::string(4, '\0')}}));
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("tensor 'q': unsupported dtype 'F8_E4M3'"));
}

TEST_F(RuntimeTest, ExtraTensorsAndMisalignedDataAreFine) {
  writeModule();
  // The data starts at an odd offset: the runtime copies w to aligned memory.
  writeFile(dir / "weights.safetensors",
            encodeSafetensors({{"w", "F32", {4}, floatBytes(weights)},
                               {"unused", "I64", {2}, std::string(16, '\0')}},
                              /*align=*/8, /*extraPad=*/1));
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::mt19937 rng(1);
  runAndCheck(s.get(), 3, rng, weights);
}

//===----------------------------------------------------------------------===//
// The library
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, ABIVersionMismatch) {
  writeModule(LLM_FAKE_MODULE_BAD_ABI);
  ModulePtr module = load(LLMRT_ERROR_UNSUPPORTED);
  EXPECT_THAT(llmrt_last_error(), HasSubstr((dir / "module.so").string()));
  EXPECT_THAT(llmrt_last_error(), HasSubstr("module ABI version 99"));
}

TEST_F(RuntimeTest, MissingSymbol) {
  manifest["entries"][0]["run_symbol"] = "fake_main_walk";
  std::string message = loadError(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(message, HasSubstr("module.so: missing symbol 'fake_main_walk'"));
  EXPECT_THAT(message, HasSubstr("entries[0].run_symbol"));
}

TEST_F(RuntimeTest, MissingLibrary) {
  writeModule();
  fs::remove(dir / "module.so");
  ModulePtr module = load(LLMRT_ERROR_IO);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("module.so: cannot open the module library"));
}

TEST_F(RuntimeTest, LibraryNotASharedObject) {
  writeModule();
  fs::remove(dir / "module.so");
  writeFile(dir / "module.so", "not an ELF file");
  ModulePtr module = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("module.so: cannot load the module library"));
}

//===----------------------------------------------------------------------===//
// Sessions
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, SetInputErrors) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::vector<float> data(8);
  int64_t dims[2] = {2, 4};

  EXPECT_EQ(llmrt_session_set_input(s.get(), "q", LLMRT_FLOAT32, 2, dims, data.data(), 32),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("no input named 'q' (inputs: 'x', 'y')"));

  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT16, 2, dims, data.data(), 16),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("input 'x': expected dtype float32, got float16"));

  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 1, dims, data.data(), 8),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("input 'x': expected rank 2 [batch, 4], got rank 1"));

  int64_t badDims[2] = {4, 2};
  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 2, badDims, data.data(), 32),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("input 'x': dim 1 must be 4 [batch, 4], got 2"));

  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 2, dims, data.data(), 31),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("need 32 bytes, got 31"));

  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 2, dims, nullptr, 32),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("data is NULL"));

  int64_t negative[2] = {-1, 4};
  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 2, negative, data.data(), 0),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("dim 0 is negative"));

  EXPECT_EQ(llmrt_session_set_input(s.get(), nullptr, LLMRT_FLOAT32, 2, dims, data.data(), 32),
            LLMRT_ERROR_INVALID_ARG);

  // A good bind followed by a bad one leaves the input unbound.
  EXPECT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 2, dims, data.data(), 32),
            LLMRT_OK);
  EXPECT_EQ(llmrt_session_set_input(s.get(), "y", LLMRT_FLOAT32, 2, dims, data.data(), 32),
            LLMRT_OK);
  EXPECT_EQ(llmrt_session_set_input(s.get(), "y", LLMRT_FLOAT32, 2, dims, data.data(), 3),
            LLMRT_ERROR_INVALID_ARG);
  EXPECT_EQ(llmrt_session_run(s.get()), LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("input 'y' is not bound"));
}

TEST_F(RuntimeTest, UnboundInput) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::vector<float> x(8);
  ASSERT_EQ(bind(s.get(), "x", x, 2), LLMRT_OK);
  EXPECT_EQ(llmrt_session_run(s.get()), LLMRT_ERROR_INVALID_ARG);
  EXPECT_STREQ(llmrt_last_error(), "input 'y' is not bound");
  llmrt_tensor z;
  EXPECT_EQ(llmrt_session_get_output(s.get(), 0, &z), LLMRT_ERROR_INVALID_ARG);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("has not run"));
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 0);
}

TEST_F(RuntimeTest, SymbolicDimMismatch) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::vector<float> x(8), y(12);
  ASSERT_EQ(bind(s.get(), "x", x, 2), LLMRT_OK);
  ASSERT_EQ(bind(s.get(), "y", y, 3), LLMRT_OK);
  EXPECT_EQ(llmrt_session_run(s.get()), LLMRT_ERROR_INVALID_ARG);
  EXPECT_STREQ(llmrt_last_error(), "inputs 'x' and 'y' disagree on dim 'batch': 'x' has 2 "
                                   "(dim 0), 'y' has 3 (dim 0)");
}

TEST_F(RuntimeTest, PlanFailureIsReported) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  const int64_t batch = 1000001;
  std::vector<float> big(batch * 4);
  ASSERT_EQ(bind(s.get(), "x", big, batch), LLMRT_OK);
  ASSERT_EQ(bind(s.get(), "y", big, batch), LLMRT_OK);
  EXPECT_EQ(llmrt_session_run(s.get()), LLMRT_ERROR_RUN);
  EXPECT_STREQ(llmrt_last_error(),
               "entry 'main': planning failed: batch 1000001 is larger than 1000000");
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 0);
  // The session recovers with good dims.
  std::mt19937 rng(7);
  runAndCheck(s.get(), 2, rng, weights);
}

TEST_F(RuntimeTest, CorrectOutputs) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get(), 0);
  std::mt19937 rng(42);
  for (int64_t batch : {1, 3, 17, 64})
    runAndCheck(s.get(), batch, rng, weights);
  llmrt_tensor z;
  EXPECT_EQ(llmrt_session_get_output(s.get(), 1, &z), LLMRT_ERROR_INVALID_ARG);
}

TEST_F(RuntimeTest, ReplansOnlyWhenDimsChange) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  std::mt19937 rng(3);
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 0);

  int64_t calls = fakePlanCalls();
  ASSERT_GE(calls, 0);
  runAndCheck(s.get(), 2, rng, weights);
  // t0 and t1 (32 bytes each) are alive together at step 1: two 64-byte slots.
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 128);
  EXPECT_EQ(fakePlanCalls(), calls + 1);

  runAndCheck(s.get(), 2, rng, weights);
  runAndCheck(s.get(), 2, rng, weights);
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 128);
  EXPECT_EQ(fakePlanCalls(), calls + 1);

  runAndCheck(s.get(), 10, rng, weights);
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 2 * 192);
  EXPECT_EQ(fakePlanCalls(), calls + 2);

  // Smaller again: re-planned, the bigger arena is reused.
  runAndCheck(s.get(), 1, rng, weights);
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 128);
  EXPECT_EQ(fakePlanCalls(), calls + 3);
}

TEST_F(RuntimeTest, ZeroElementTensors) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  int64_t dims[2] = {0, 4};
  ASSERT_EQ(llmrt_session_set_input(s.get(), "x", LLMRT_FLOAT32, 2, dims, nullptr, 0), LLMRT_OK)
      << llmrt_last_error();
  ASSERT_EQ(llmrt_session_set_input(s.get(), "y", LLMRT_FLOAT32, 2, dims, nullptr, 0), LLMRT_OK);
  ASSERT_EQ(llmrt_session_run(s.get()), LLMRT_OK) << llmrt_last_error();
  llmrt_tensor z;
  ASSERT_EQ(llmrt_session_get_output(s.get(), 0, &z), LLMRT_OK);
  EXPECT_EQ(z.dims[0], 0);
  EXPECT_EQ(z.dims[1], 4);
  EXPECT_EQ(z.bytes, 0u);
  // Zero-sized buffers still get distinct slots.
  EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 128);
}

TEST_F(RuntimeTest, NoInputsNoBuffers) {
  json entry = {{"name", "const"},
                {"plan_symbol", "fake_const_plan"},
                {"run_symbol", "fake_const_run"},
                {"inputs", json::array()},
                {"outputs", {{{"name", "c"}, {"dtype", "float32"}, {"shape", {4}}}}},
                {"buffers", json::array()},
                {"static_arena_bytes", 0}};
  manifest["entries"] = {entry};
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  EXPECT_EQ(llmrt_module_num_inputs(module.get()), 0);
  SessionPtr s = session(module.get());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(llmrt_session_run(s.get()), LLMRT_OK) << llmrt_last_error();
    llmrt_tensor c;
    ASSERT_EQ(llmrt_session_get_output(s.get(), 0, &c), LLMRT_OK);
    ASSERT_EQ(c.rank, 1);
    ASSERT_EQ(c.dims[0], 4);
    const float *data = static_cast<const float *>(c.data);
    for (int k = 0; k < 4; ++k)
      EXPECT_EQ(data[k], 2 * weights[k]);
    EXPECT_EQ(llmrt_session_arena_bytes(s.get()), 0);
  }
}

TEST_F(RuntimeTest, AlternateWeightsFile) {
  writeModule();
  std::vector<float> other = {-1.0f, 0.5f, 4.0f, -0.125f};
  std::string otherPath = (dir / "other.safetensors").string();
  writeFile(otherPath, encodeSafetensors({{"w", "F32", {4}, floatBytes(other)}}));
  ModulePtr module = load(LLMRT_OK, otherPath.c_str());
  ModulePtr original = load();
  ASSERT_TRUE(module && original);
  std::mt19937 rng(5);
  SessionPtr s = session(module.get());
  runAndCheck(s.get(), 4, rng, other);
  SessionPtr t = session(original.get());
  runAndCheck(t.get(), 4, rng, weights);

  // A checkpoint of another architecture is rejected, naming its file.
  std::string wrongPath = (dir / "wrong.safetensors").string();
  writeFile(wrongPath, encodeSafetensors({{"w", "F32", {3}, std::string(12, '\0')}}));
  ModulePtr wrong = load(LLMRT_ERROR_FORMAT, wrongPath.c_str());
  EXPECT_THAT(llmrt_last_error(), HasSubstr(wrongPath + ": tensor 'w'"));
}

// Constants the compiler made live in the module's constants file, which a
// checkpoint of the model's own weights does not replace.
TEST_F(RuntimeTest, ConstantsFileKeptWithCheckpoint) {
  manifest["weights"] = json::parse(R"([{"name": "llm.constant.0", "dtype": "float32", "shape": [4]}])");
  manifest["weight_recipes"] = json::parse(R"({})");
  manifest["constants_file"] = "constants.safetensors";
  writeModule();
  writeFile(dir / "weights.safetensors", encodeSafetensors({}));
  writeFile(dir / "constants.safetensors",
            encodeSafetensors({{"llm.constant.0", "F32", {4}, floatBytes(weights)}}));
  std::string checkpoint = (dir / "checkpoint.safetensors").string();
  writeFile(checkpoint, encodeSafetensors({{"unrelated", "F32", {1}, floatBytes({2.0f})}}));
  for (const char *weightsPath : {static_cast<const char *>(nullptr), checkpoint.c_str()}) {
    ModulePtr module = load(LLMRT_OK, weightsPath);
    ASSERT_TRUE(module);
    SessionPtr s = session(module.get());
    std::mt19937 rng(6);
    runAndCheck(s.get(), 3, rng, weights);
  }

  // A constants file that disagrees with the manifest is rejected, naming it.
  writeFile(dir / "constants.safetensors",
            encodeSafetensors({{"llm.constant.0", "F32", {2}, floatBytes({1.0f, 2.0f})}}));
  ModulePtr bad = load(LLMRT_ERROR_FORMAT);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("constants.safetensors: tensor 'llm.constant.0' does not match"));
  fs::remove(dir / "constants.safetensors");
  ModulePtr missing = load(LLMRT_ERROR_IO);
  EXPECT_THAT(llmrt_last_error(), HasSubstr("constants.safetensors"));
}

TEST_F(RuntimeTest, ConcurrentSessions) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      llmrt_session *raw = nullptr;
      llmrt_session_options options = {1};
      if (llmrt_session_create(module.get(), &options, &raw) != LLMRT_OK) {
        failures[t] = -1;
        return;
      }
      SessionPtr s(raw);
      std::mt19937 rng(100 + t);
      for (int i = 0; i < 50; ++i) {
        int64_t batch = 1 + (i + t) % 7;
        std::vector<float> x = randomFloats(batch * 4, rng), y = randomFloats(batch * 4, rng);
        int64_t dims[2] = {batch, 4};
        llmrt_tensor z;
        if (llmrt_session_set_input(raw, "x", LLMRT_FLOAT32, 2, dims, x.data(), x.size() * 4) ||
            llmrt_session_set_input(raw, "y", LLMRT_FLOAT32, 2, dims, y.data(), y.size() * 4) ||
            llmrt_session_run(raw) || llmrt_session_get_output(raw, 0, &z) ||
            z.bytes != x.size() * 4) {
          ++failures[t];
          continue;
        }
        std::vector<float> expected = reference(x, y, weights);
        if (std::memcmp(z.data, expected.data(), z.bytes) != 0)
          ++failures[t];
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST_F(RuntimeTest, ErrorsAreThreadLocal) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  SessionPtr s = session(module.get());
  EXPECT_EQ(llmrt_session_run(s.get()), LLMRT_ERROR_INVALID_ARG);
  std::string mine = llmrt_last_error();
  std::string theirs = "unset";
  std::thread([&] { theirs = llmrt_last_error(); }).join();
  EXPECT_EQ(theirs, "");
  EXPECT_EQ(std::string(llmrt_last_error()), mine);
}

TEST_F(RuntimeTest, NegativeThreadCount) {
  writeModule();
  ModulePtr module = load();
  ASSERT_TRUE(module);
  llmrt_session *s = nullptr;
  llmrt_session_options options = {-2};
  EXPECT_EQ(llmrt_session_create(module.get(), &options, &s), LLMRT_ERROR_INVALID_ARG);
  EXPECT_EQ(s, nullptr);
}

} // namespace
