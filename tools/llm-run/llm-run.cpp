//===- llm-run.cpp - compile, run and check a model ------------------------===//
//
//   llm-run MODEL.onnx|MODULE_DIR [options]
//
// Runs a compiled module directory (docs/module-format.md), or compiles an
// ONNX model into one first; binds inputs from an ONNX test_data_set
// (--data), .npy files (--inputs) or random data (--shape); compares the
// outputs with the test_data_set's expected outputs, times runs (--bench) and
// prints or saves the outputs. Errors are one line, "llm-run: error: ...",
// with exit code 1 (2 for a malformed command line).
//
//===----------------------------------------------------------------------===//

#include "Compare.h"
#include "Tensor.h"

#include "llmrt/llmrt.h"

#ifdef LLM_RUN_HAS_COMPILER
#include "codegen/ModuleCompiler.h"
#endif

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace llmrun;

namespace {

const char *kUsage = R"(usage: llm-run MODEL.onnx|MODULE_DIR [options]

Runs a compiled module directory, or compiles an ONNX model and runs it.

Compiling (MODEL.onnx only):
  --module-dir DIR        keep the compiled module in DIR (default: a temporary dir)
  --input-shape NAME=DxD  pin an input's shape for compiling ('?' = dynamic)
  --precision f16|bf16    compute the model's f32 ops in f16 or bf16 (default f32;
                          the inputs and outputs stay f32)

Inputs (any input not given gets random data):
  --data DIR              an ONNX test_data_set: input_K.pb bind the inputs (by
                          name, else by position K; one named after no input, in
                          a set of another size than the inputs, is skipped: a
                          graph input bound at compile time) and output_K.pb are
                          compared with the outputs
  --inputs NAME=FILE.npy  an input from a .npy file (repeatable)
  --shape NAME=DxD        the shape of a random input (repeatable)
  --seed N                random seed (default 0)
  --int-max N             random integers are in [0, N) (default 100)

Running:
  --weights FILE          another safetensors checkpoint of the same architecture
  --threads N             threads per run (default 0 = all cores)
  --bench                 time the runs: --warmup N (default 3) untimed, then
                          --iterations N (default 20) timed
Outputs:
  --rtol X, --atol X      tolerance of --data comparisons, as numpy.allclose
                          (default 1e-4, 1e-5)
  --metric logits         compare float outputs by relative L2 error (at most
                          --rtol) and argmax agreement over the last dim (at
                          least --argmax-agreement, default 0.99), for f16/bf16
                          modules checked against f32 references
  --print-outputs         print each output's shape and first values
  --dump-outputs DIR      write DIR/output_K.npy
  -h, --help              this text
)";

struct Options {
  std::string model;
  std::string moduleDir;
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::string precision = "f32";
  std::string dataDir;
  std::vector<std::pair<std::string, std::string>> npyInputs;
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  uint64_t seed = 0;
  int64_t intMax = 100;
  int32_t threads = 0;
  std::string weights;
  bool bench = false;
  int64_t warmup = 3;
  int64_t iterations = 20;
  std::string dumpDir;
  bool printOutputs = false;
  double rtol = 1e-4;
  double atol = 1e-5;
  bool logitsMetric = false;
  double argmaxAgreement = 0.99;
};

int64_t parseInteger(const std::string &option, const std::string &text, int64_t min, int64_t max) {
  errno = 0;
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) || *end != '\0')
    throw UsageError(option + ": '" + text + "' is not an integer");
  if (errno == ERANGE || value < min || value > max)
    throw UsageError(option + ": " + text + " is out of range (" + std::to_string(min) + " to " +
                     std::to_string(max) + ")");
  return value;
}

double parseTolerance(const std::string &option, const std::string &text) {
  errno = 0;
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) || *end != '\0')
    throw UsageError(option + ": '" + text + "' is not a number");
  if (errno == ERANGE || !std::isfinite(value) || value < 0)
    throw UsageError(option + ": " + text + " must be a finite number >= 0");
  return value;
}

/// "1x128" -> {1, 128}; "" -> {} (a scalar); '?' -> -1 where allowed.
std::vector<int64_t> parseShape(const std::string &option, const std::string &text,
                                bool allowDynamic) {
  std::vector<int64_t> dims;
  if (text.empty())
    return dims;
  size_t start = 0;
  while (true) {
    size_t x = text.find('x', start);
    std::string part = text.substr(start, x == std::string::npos ? x : x - start);
    if (allowDynamic && part == "?")
      dims.push_back(-1);
    else {
      errno = 0;
      char *end = nullptr;
      long long d = std::strtoll(part.c_str(), &end, 10);
      if (part.empty() || !std::isdigit(static_cast<unsigned char>(part[0])) || *end != '\0' ||
          errno == ERANGE)
        throw UsageError(option + ": '" + text + "' is not a shape like 1x128" +
                         (allowDynamic ? " (? for a dynamic dim)" : "") + ": bad dim '" + part +
                         "'");
      dims.push_back(d);
    }
    if (x == std::string::npos)
      break;
    start = x + 1;
  }
  return dims;
}

/// "NAME=VALUE" split at the first '=' (or the last, for shapes).
std::pair<std::string, std::string> splitAssignment(const std::string &option,
                                                    const std::string &text, bool last) {
  size_t eq = last ? text.rfind('=') : text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(option + ": expected NAME=VALUE, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Options parseArgs(int argc, char **argv) {
  Options o;
  std::vector<std::string> positional;
  const std::vector<std::string> flags = {"--bench", "--print-outputs"};
  const std::vector<std::string> valued = {
      "--module-dir", "--input-shape",  "--data",    "--inputs",  "--shape",
      "--seed",       "--int-max",      "--threads", "--weights", "--warmup",
      "--iterations", "--dump-outputs", "--rtol",    "--atol", "--metric", "--argmax-agreement",
      "--precision"};
  bool onlyPositional = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (onlyPositional || arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyPositional = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    std::string name = arg, value;
    bool hasValue = false;
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasValue = true;
    }
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      if (hasValue)
        throw UsageError("option '" + name + "' takes no value");
      if (name == "--bench")
        o.bench = true;
      else
        o.printOutputs = true;
      continue;
    }
    if (std::find(valued.begin(), valued.end(), name) == valued.end())
      throw UsageError("unknown option '" + name + "' (see llm-run --help)");
    if (!hasValue) {
      if (i + 1 >= argc)
        throw UsageError("option '" + name + "' needs a value");
      value = argv[++i];
    }
    if (name == "--module-dir") {
      o.moduleDir = value;
    } else if (name == "--input-shape") {
      auto [input, shape] = splitAssignment(name, value, /*last=*/true);
      o.inputShapes[input] = parseShape(name + " " + value, shape, /*allowDynamic=*/true);
    } else if (name == "--precision") {
      if (value != "f32" && value != "f16" && value != "bf16")
        throw UsageError("--precision: expected f32, f16 or bf16, got '" + value + "'");
      o.precision = value;
    } else if (name == "--data") {
      o.dataDir = value;
    } else if (name == "--inputs") {
      o.npyInputs.push_back(splitAssignment(name, value, /*last=*/false));
    } else if (name == "--shape") {
      auto [input, shape] = splitAssignment(name, value, /*last=*/true);
      o.shapes.push_back({input, parseShape(name + " " + value, shape, false)});
    } else if (name == "--seed") {
      o.seed =
          static_cast<uint64_t>(parseInteger(name, value, 0, std::numeric_limits<int64_t>::max()));
    } else if (name == "--int-max") {
      o.intMax = parseInteger(name, value, 1, std::numeric_limits<int64_t>::max());
    } else if (name == "--threads") {
      o.threads = static_cast<int32_t>(parseInteger(name, value, 0, 1 << 16));
    } else if (name == "--weights") {
      o.weights = value;
    } else if (name == "--warmup") {
      o.warmup = parseInteger(name, value, 0, 1 << 30);
    } else if (name == "--iterations") {
      o.iterations = parseInteger(name, value, 1, 1 << 30);
    } else if (name == "--dump-outputs") {
      o.dumpDir = value;
    } else if (name == "--rtol") {
      o.rtol = parseTolerance(name, value);
    } else if (name == "--atol") {
      o.atol = parseTolerance(name, value);
    } else if (name == "--metric") {
      if (value != "logits" && value != "allclose")
        throw UsageError("--metric expects 'allclose' or 'logits', got '" + value + "'");
      o.logitsMetric = value == "logits";
    } else if (name == "--argmax-agreement") {
      o.argmaxAgreement = parseTolerance(name, value);
      if (o.argmaxAgreement > 1)
        throw UsageError("--argmax-agreement is a fraction in [0, 1], got '" + value + "'");
    }
  }
  if (positional.empty())
    throw UsageError("no model or module directory given (usage: llm-run MODEL.onnx|MODULE_DIR "
                     "[options]; see --help)");
  if (positional.size() > 1)
    throw UsageError("more than one model given: '" + positional[0] + "' and '" + positional[1] +
                     "'");
  o.model = positional[0];
  return o;
}

/// A temporary directory, removed with everything in it at the end.
class TempDir {
public:
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const std::string &create() {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/llm-run-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
      throw ToolError("cannot create a temporary directory " + pattern + ": " +
                      std::strerror(errno));
    path_ = buffer.data();
    return path_;
  }

private:
  std::string path_;
};

struct ModuleDeleter {
  void operator()(llmrt_module *m) const { llmrt_module_free(m); }
};
struct SessionDeleter {
  void operator()(llmrt_session *s) const { llmrt_session_free(s); }
};

std::string tensorLine(const char *kind, int index, const char *name,
                       const std::vector<int64_t> &dims, llmrt_dtype dtype) {
  return std::string(kind) + " " + std::to_string(index) + " '" + name + "' [" + dimsString(dims) +
         "] " + llmrt_dtype_name(dtype);
}

/// The file names input_K.pb / output_K.pb of a test_data_set, by K.
std::map<int, std::string> dataFiles(const std::string &dir, const std::string &prefix) {
  std::map<int, std::string> files;
  std::error_code ec;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir, ec)) {
    // prefix_K.pb with K of 1 to 8 digits.
    std::string file = entry.path().filename().string();
    if (file.size() <= prefix.size() + 4 || file.compare(0, prefix.size() + 1, prefix + "_") ||
        file.compare(file.size() - 3, 3, ".pb"))
      continue;
    std::string k = file.substr(prefix.size() + 1, file.size() - prefix.size() - 4);
    if (k.size() <= 8 && std::all_of(k.begin(), k.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        }))
      files[std::stoi(k)] = entry.path().string();
  }
  if (ec)
    throw ToolError("--data: cannot read directory '" + dir + "': " + ec.message());
  return files;
}

std::string moduleInputNames(const std::vector<llmrt_tensor> &inputs) {
  std::string names;
  for (const llmrt_tensor &t : inputs)
    names += (names.empty() ? "" : ", ") + std::string(t.name);
  return names.empty() ? "none" : names;
}

int findInput(const std::vector<llmrt_tensor> &inputs, const std::string &name) {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (name == inputs[i].name)
      return static_cast<int>(i);
  return -1;
}

/// Converts float32 data to bfloat16 (NumPy has no bfloat16 .npy files).
void toBFloat16(HostTensor &t) {
  int64_t n = numElements(t.dims, t.name);
  std::vector<uint8_t> data(static_cast<size_t>(n) * 2);
  for (int64_t i = 0; i < n; ++i) {
    float f;
    std::memcpy(&f, t.data.data() + i * 4, 4);
    uint16_t h = floatToBFloat16(f);
    std::memcpy(data.data() + i * 2, &h, 2);
  }
  t.data = std::move(data);
  t.dtype = LLMRT_BFLOAT16;
}

std::string compileModel(const Options &o, TempDir &temp) {
#ifdef LLM_RUN_HAS_COMPILER
  std::string outDir = o.moduleDir;
  if (outDir.empty()) {
    outDir = temp.create();
  } else {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec)
      throw ToolError("--module-dir: cannot create '" + outDir + "': " + ec.message());
  }
  mlir::llm::ModuleCompileOptions options;
  options.outputDir = outDir;
  options.inputShapes = o.inputShapes;
  options.precision = o.precision;
  std::string diagnostics;
  bool ok = mlir::llm::compileONNXModelToModule(o.model, options, diagnostics);
  if (!diagnostics.empty()) {
    std::fflush(stdout);
    std::fputs(diagnostics.c_str(), stderr);
    if (diagnostics.back() != '\n')
      std::fputc('\n', stderr);
  }
  if (!ok)
    throw ToolError("cannot compile '" + o.model + "'");
  return outDir;
#else
  (void)temp;
  throw ToolError("'" + o.model +
                  "' is not a module directory, and this llm-run was built "
                  "without the compiler");
#endif
}

int run(const Options &o) {
  // The module: a directory, or an ONNX model to compile first.
  TempDir temp;
  std::error_code ec;
  fs::file_status status = fs::status(o.model, ec);
  if (!fs::exists(status))
    throw ToolError("cannot open '" + o.model + "': No such file or directory");
  std::string moduleDir;
  if (fs::is_directory(status)) {
    if (!fs::exists(fs::path(o.model) / "manifest.json"))
      throw ToolError("'" + o.model + "' is a directory without manifest.json, not a module");
    if (!o.moduleDir.empty() || !o.inputShapes.empty() || o.precision != "f32")
      throw UsageError(
          "--module-dir, --input-shape and --precision apply only when compiling an ONNX model");
    moduleDir = o.model;
  } else {
    moduleDir = compileModel(o, temp);
  }

  llmrt_load_options loadOptions = {o.weights.empty() ? nullptr : o.weights.c_str()};
  llmrt_module *rawModule = nullptr;
  if (llmrt_module_load(moduleDir.c_str(), &loadOptions, &rawModule) != LLMRT_OK)
    throw ToolError(llmrt_last_error());
  std::unique_ptr<llmrt_module, ModuleDeleter> module(rawModule);
  llmrt_session_options sessionOptions = {o.threads};
  llmrt_session *rawSession = nullptr;
  if (llmrt_session_create(module.get(), &sessionOptions, &rawSession) != LLMRT_OK)
    throw ToolError(llmrt_last_error());
  std::unique_ptr<llmrt_session, SessionDeleter> session(rawSession);
  int32_t threads = o.threads
                        ? o.threads
                        : static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));

  std::vector<llmrt_tensor> inputs(llmrt_module_num_inputs(module.get()));
  for (size_t i = 0; i < inputs.size(); ++i)
    llmrt_module_input(module.get(), static_cast<int32_t>(i), &inputs[i]);
  std::vector<llmrt_tensor> outputDescs(llmrt_module_num_outputs(module.get()));
  for (size_t i = 0; i < outputDescs.size(); ++i)
    llmrt_module_output(module.get(), static_cast<int32_t>(i), &outputDescs[i]);

  // Inputs: --data, then --inputs, then random data.
  std::vector<std::optional<HostTensor>> values(inputs.size());
  std::vector<std::string> sources(inputs.size());
  std::map<int, std::string> expectedFiles;
  if (!o.dataDir.empty()) {
    if (!fs::is_directory(o.dataDir, ec))
      throw ToolError("--data: '" + o.dataDir + "' is not a directory");
    std::map<int, std::string> inputFiles = dataFiles(o.dataDir, "input");
    expectedFiles = dataFiles(o.dataDir, "output");
    if (inputFiles.empty() && expectedFiles.empty())
      throw ToolError("--data: '" + o.dataDir + "' has no input_K.pb or output_K.pb files");
    for (const auto &[k, file] : inputFiles) {
      HostTensor t = readTensorProto(file);
      int index = findInput(inputs, t.name);
      if (index < 0 && !t.name.empty() && inputFiles.size() != inputs.size()) {
        // A graph input that is no module input: one bound to a constant at
        // compile time (llm-opt --bind-input) has left the signature.
        std::printf("note: %s: tensor '%s' is no module input (bound at compile time?); "
                    "skipped\n",
                    file.c_str(), t.name.c_str());
        continue;
      }
      if (index < 0) {
        if (static_cast<size_t>(k) >= inputs.size())
          throw ToolError(file + ": tensor '" + t.name +
                          "' is no module input and the module "
                          "has only " +
                          std::to_string(inputs.size()) + " inputs (" + moduleInputNames(inputs) +
                          ")");
        index = k;
      }
      if (values[index])
        throw ToolError(file + ": input '" + inputs[index].name + "' is already bound by " +
                        sources[index]);
      values[index] = std::move(t);
      sources[index] = file;
    }
  }
  for (const auto &[name, file] : o.npyInputs) {
    int index = findInput(inputs, name);
    if (index < 0)
      throw ToolError("--inputs " + name + "=" + file + ": the module has no input named '" + name +
                      "' (inputs: " + moduleInputNames(inputs) + ")");
    HostTensor t = readNpy(file);
    if (inputs[index].dtype == LLMRT_BFLOAT16 && t.dtype == LLMRT_FLOAT32)
      toBFloat16(t);
    values[index] = std::move(t);
    sources[index] = file;
  }
  std::map<int, std::vector<int64_t>> randomShapes;
  for (const auto &[name, dims] : o.shapes) {
    int index = findInput(inputs, name);
    if (index < 0)
      throw ToolError("--shape " + name + "=" + dimsString(dims) +
                      ": the module has no input named '" + name +
                      "' (inputs: " + moduleInputNames(inputs) + ")");
    if (values[index])
      throw ToolError("--shape " + name + "=" + dimsString(dims) + ": input '" + name +
                      "' already comes from " + sources[index]);
    randomShapes[index] = dims;
  }
  // Inputs from files are bound (and so checked) before random data is made.
  auto bind = [&](size_t i) {
    const HostTensor &t = *values[i];
    if (t.dims.size() > LLMRT_MAX_RANK)
      throw ToolError(sources[i] + ": rank " + std::to_string(t.dims.size()) +
                      " is more than any module input has");
    if (llmrt_session_set_input(session.get(), inputs[i].name, t.dtype,
                                static_cast<int32_t>(t.dims.size()), t.dims.data(), t.data.data(),
                                t.data.size()) != LLMRT_OK)
      throw ToolError(sources[i] + ": " + llmrt_last_error());
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    if (values[i])
      bind(i);
  std::vector<bool> random(inputs.size(), false);
  std::mt19937_64 rng(o.seed);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (values[i])
      continue;
    const llmrt_tensor &desc = inputs[i];
    std::vector<int64_t> dims;
    auto it = randomShapes.find(static_cast<int>(i));
    if (it != randomShapes.end()) {
      dims = it->second;
      sources[i] = "--shape " + std::string(desc.name) + "=" + dimsString(dims);
    } else {
      std::string dynamic;
      for (int32_t k = 0; k < desc.rank; ++k) {
        if (desc.dims[k] < 0)
          dynamic += (dynamic.empty() ? "" : ", ") +
                     std::string(desc.dim_names[k] ? desc.dim_names[k] : "?");
        dims.push_back(desc.dims[k]);
      }
      if (!dynamic.empty())
        throw ToolError("input '" + std::string(desc.name) + "' has dynamic dims [" + dynamic +
                        "]; give --shape " + desc.name + "=...");
      sources[i] = "input '" + std::string(desc.name) + "'";
    }
    if (dims.size() > LLMRT_MAX_RANK)
      throw ToolError(sources[i] + ": input '" + desc.name + "' has rank " +
                      std::to_string(desc.rank) + ", not " + std::to_string(dims.size()));
    values[i] = randomTensor(desc.name, desc.dtype, dims, rng, o.intMax);
    random[i] = true;
    bind(i);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const HostTensor &t = *values[i];
    std::printf("%s %s%s\n",
                tensorLine("input", static_cast<int>(i), inputs[i].name, t.dims, t.dtype).c_str(),
                random[i] ? "random" : "from ", random[i] ? "" : sources[i].c_str());
  }

  // Run (and time).
  auto runOnce = [&] {
    if (llmrt_session_run(session.get()) != LLMRT_OK)
      throw ToolError(std::string("run failed: ") + llmrt_last_error());
  };
  if (o.bench) {
    for (int64_t i = 0; i < o.warmup; ++i)
      runOnce();
    std::vector<double> ms;
    for (int64_t i = 0; i < o.iterations; ++i) {
      auto start = std::chrono::steady_clock::now();
      runOnce();
      auto end = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    std::printf("bench: median %.3f ms, min %.3f ms, %lld iterations, %d threads\n", median,
                sorted.front(), static_cast<long long>(o.iterations), threads);
  } else {
    runOnce();
  }
  std::printf("arena: %lld bytes\n",
              static_cast<long long>(llmrt_session_arena_bytes(session.get())));

  // Outputs.
  std::vector<llmrt_tensor> outputs(outputDescs.size());
  std::vector<TensorView> views(outputs.size());
  for (size_t o2 = 0; o2 < outputs.size(); ++o2) {
    if (llmrt_session_get_output(session.get(), static_cast<int32_t>(o2), &outputs[o2]) != LLMRT_OK)
      throw ToolError(llmrt_last_error());
    const llmrt_tensor &t = outputs[o2];
    views[o2] = {t.dtype, std::vector<int64_t>(t.dims, t.dims + t.rank),
                 static_cast<const uint8_t *>(t.data)};
  }
  if (o.printOutputs) {
    for (size_t k = 0; k < outputs.size(); ++k) {
      const TensorView &v = views[k];
      int64_t n = numElements(v.dims, outputs[k].name);
      std::string line =
          tensorLine("output", static_cast<int>(k), outputs[k].name, v.dims, v.dtype) + ":";
      const int64_t shown = std::min<int64_t>(n, 8);
      for (int64_t i = 0; i < shown; ++i) {
        char buffer[40];
        std::snprintf(buffer, sizeof(buffer), " %.6g", elementAsDouble(v.dtype, v.data, i));
        line += buffer;
      }
      if (n > shown)
        line += " ... (" + std::to_string(n) + " values)";
      std::printf("%s\n", line.c_str());
    }
  }
  if (!o.dumpDir.empty()) {
    fs::create_directories(o.dumpDir, ec);
    if (ec || !fs::is_directory(o.dumpDir))
      throw ToolError("--dump-outputs: cannot create directory '" + o.dumpDir + "'" +
                      (ec ? ": " + ec.message() : ""));
    for (size_t k = 0; k < outputs.size(); ++k)
      writeNpy((fs::path(o.dumpDir) / ("output_" + std::to_string(k) + ".npy")).string(), views[k]);
  }

  // Comparison with the test_data_set.
  if (expectedFiles.empty())
    return 0;
  size_t failed = 0;
  for (const auto &[k, file] : expectedFiles) {
    if (static_cast<size_t>(k) >= outputs.size()) {
      std::printf("output %d: MISMATCH: %s has no module output to compare with (the module "
                  "has %zu outputs)\n",
                  k, file.c_str(), outputs.size());
      ++failed;
      continue;
    }
    HostTensor expected = readTensorProto(file);
    Comparison c = o.logitsMetric
                       ? compareLogits(views[k], view(expected), o.rtol, o.argmaxAgreement)
                       : compare(views[k], view(expected), o.rtol, o.atol);
    std::printf("%s: %s\n",
                tensorLine("output", k, outputs[k].name, views[k].dims, views[k].dtype).c_str(),
                c.summary.c_str());
    if (!c.ok)
      ++failed;
  }
  if (failed == 0)
    std::printf("llm-run: %zu outputs match\n", expectedFiles.size());
  else
    std::printf("llm-run: %zu of %zu outputs outside tolerance\n", failed, expectedFiles.size());
  return failed ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    Options options = parseArgs(argc, argv);
    int code = run(options);
    std::fflush(stdout);
    return code;
  } catch (const UsageError &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "llm-run: error: %s\n", e.what());
    return 2;
  } catch (const ToolError &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "llm-run: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    std::fflush(stdout);
    std::fprintf(stderr, "llm-run: error: out of memory\n");
    return 1;
  } catch (const std::exception &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "llm-run: error: %s\n", e.what());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "llm-run: error: unknown internal error\n");
    return 1;
  }
}
