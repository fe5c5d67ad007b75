//===- Session.cpp - bind inputs, plan the arena, run ---------------------===//

#include "DType.h"
#include "Module.h"
#include "Status.h"
#include "llmrt/ArenaPlanner.h"

#include <cstring>
#include <limits>
#include <map>
#include <thread>

using namespace llmrt;

namespace {

constexpr size_t kErrorCapacity = 1024;
constexpr int64_t kAlignment = 64;

std::string dimsString(const int64_t *dims, int32_t rank) {
  std::string s = "[";
  for (int32_t k = 0; k < rank; ++k)
    s += (k ? ", " : "") + std::to_string(dims[k]);
  return s + "]";
}

/// Elements of `dims` times `elementSize`; false on overflow.
bool byteSize(const int64_t *dims, int32_t rank, size_t elementSize, uint64_t &bytes) {
  uint64_t count = 1;
  for (int32_t k = 0; k < rank; ++k) {
    uint64_t d = static_cast<uint64_t>(dims[k]);
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d)
      return false;
    count *= d;
  }
  if (elementSize && count > std::numeric_limits<uint64_t>::max() / elementSize)
    return false;
  bytes = count * elementSize;
  return true;
}

struct Binding {
  bool bound = false;
  const void *data = nullptr;
  size_t bytes = 0;
  int64_t dims[LLMRT_MAX_RANK] = {};
};

} // namespace

struct llmrt_session {
  explicit llmrt_session(const llmrt_module *module)
      : module(module), entry(*module->entry), arena(module->backend.get()),
        executor(module->backend->createExecutor()) {
    inputs.resize(entry.inputs.size());
  }

  /// Output `index` in host memory: the backend's buffer itself on the CPU,
  /// else a copy made on first access after each run.
  const void *hostOutput(size_t index) const;

  void setInput(const char *name, llmrt_dtype dtype, int32_t rank, const int64_t *dims,
                const void *data, size_t bytes);
  void run();
  void plan();

  const llmrt_module *module;
  const EntrySpec &entry;
  int32_t numThreads = 1;
  std::vector<Binding> inputs;

  // The plan for `plannedDims` (cached until the input dims change).
  bool planned = false;
  std::vector<std::vector<int64_t>> plannedDims;
  std::vector<int64_t> bufferBytes;
  std::vector<int64_t> bufferOffsets;
  std::vector<std::vector<int64_t>> outputDims;
  int64_t arenaBytes = 0;

  BackendBuffer arena;
  std::unique_ptr<Executor> executor;
  /// Inputs copied to backend memory (when it is not host memory).
  std::vector<BackendBuffer> stagedInputs;
  std::vector<BackendBuffer> outputs;
  mutable std::vector<std::vector<uint8_t>> hostOutputs;
  mutable std::vector<bool> downloaded;
  std::vector<size_t> outputBytes;
  bool hasOutputs = false;
};

void llmrt_session::setInput(const char *name, llmrt_dtype dtype, int32_t rank, const int64_t *dims,
                             const void *data, size_t bytes) {
  if (!name)
    fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_set_input: the input name is NULL");
  size_t index = 0;
  while (index < entry.inputs.size() && entry.inputs[index].name != name)
    ++index;
  if (index == entry.inputs.size()) {
    std::string known;
    for (const TensorSpec &spec : entry.inputs)
      known += (known.empty() ? "'" : ", '") + spec.name + "'";
    fail(LLMRT_ERROR_INVALID_ARG, std::string("no input named '") + name +
                                      "' (inputs: " + (known.empty() ? "none" : known) + ")");
  }
  const TensorSpec &spec = entry.inputs[index];
  Binding &binding = inputs[index];
  // A failed bind leaves the input unbound, so a run cannot use stale data.
  binding.bound = false;
  std::string where = "input '" + spec.name + "': ";
  if (dtype != spec.dtype)
    fail(LLMRT_ERROR_INVALID_ARG,
         where + "expected dtype " + dtypeName(spec.dtype) + ", got " + dtypeName(dtype));
  if (rank != spec.rank())
    fail(LLMRT_ERROR_INVALID_ARG, where + "expected rank " + std::to_string(spec.rank()) + " " +
                                      spec.shapeString() + ", got rank " + std::to_string(rank));
  if (rank > 0 && !dims)
    fail(LLMRT_ERROR_INVALID_ARG, where + "dims is NULL");
  for (int32_t k = 0; k < rank; ++k) {
    if (dims[k] < 0)
      fail(LLMRT_ERROR_INVALID_ARG,
           where + "dim " + std::to_string(k) + " is negative (" + std::to_string(dims[k]) + ")");
    if (spec.dims[k] >= 0 && dims[k] != spec.dims[k])
      fail(LLMRT_ERROR_INVALID_ARG, where + "dim " + std::to_string(k) + " must be " +
                                        std::to_string(spec.dims[k]) + " " + spec.shapeString() +
                                        ", got " + std::to_string(dims[k]) + " " +
                                        dimsString(dims, rank));
  }
  uint64_t expected = 0;
  if (!byteSize(dims, rank, findDType(dtype)->size, expected))
    fail(LLMRT_ERROR_INVALID_ARG, where + "dims " + dimsString(dims, rank) + " are too large");
  if (bytes != expected)
    fail(LLMRT_ERROR_INVALID_ARG, where + "dims " + dimsString(dims, rank) + " of " +
                                      dtypeName(dtype) + " need " + std::to_string(expected) +
                                      " bytes, got " + std::to_string(bytes));
  if (!data && bytes != 0)
    fail(LLMRT_ERROR_INVALID_ARG, where + "data is NULL");
  std::copy(dims, dims + rank, binding.dims);
  binding.data = data;
  binding.bytes = bytes;
  binding.bound = true;
}

void llmrt_session::plan() {
  const size_t numInputs = entry.inputs.size();
  std::vector<const int64_t *> inputDims(numInputs);
  for (size_t i = 0; i < numInputs; ++i)
    inputDims[i] = inputs[i].dims;

  bufferBytes.assign(entry.buffers.size(), -1);
  outputDims.assign(entry.outputs.size(), {});
  std::vector<int64_t *> outputDimPtrs(entry.outputs.size());
  for (size_t o = 0; o < entry.outputs.size(); ++o) {
    outputDims[o].assign(std::max<int32_t>(entry.outputs[o].rank(), 1), -1);
    outputDimPtrs[o] = outputDims[o].data();
  }
  char error[kErrorCapacity] = {};
  LLMPlanArgs args;
  args.input_dims = inputDims.data();
  args.buffer_bytes = bufferBytes.data();
  args.output_dims = outputDimPtrs.data();
  args.error = error;
  args.error_capacity = kErrorCapacity;
  int32_t status = module->plan(&args);
  error[kErrorCapacity - 1] = '\0';
  if (status != 0)
    fail(LLMRT_ERROR_RUN,
         "entry '" + entry.name + "': planning failed: " +
             (error[0] ? std::string(error) : "code " + std::to_string(status) + ", no message"));

  // What the plan reports is checked: a wrong size here would corrupt memory.
  std::string bug =
      "entry '" + entry.name + "': the module's plan function (" + entry.planSymbol + ") ";
  for (size_t b = 0; b < bufferBytes.size(); ++b)
    if (bufferBytes[b] < 0)
      fail(LLMRT_ERROR_RUN, bug + "gave buffer " + std::to_string(b) + " the size " +
                                std::to_string(bufferBytes[b]));
  std::map<std::string, int64_t> named;
  for (size_t i = 0; i < numInputs; ++i)
    for (int32_t k = 0; k < entry.inputs[i].rank(); ++k)
      if (!entry.inputs[i].dimNames[k].empty())
        named[entry.inputs[i].dimNames[k]] = inputs[i].dims[k];
  for (size_t o = 0; o < entry.outputs.size(); ++o) {
    const TensorSpec &spec = entry.outputs[o];
    for (int32_t k = 0; k < spec.rank(); ++k) {
      int64_t d = outputDims[o][k];
      std::string where = "gave output '" + spec.name + "' dim " + std::to_string(k) + " ";
      if (d < 0)
        fail(LLMRT_ERROR_RUN, bug + where + "the size " + std::to_string(d));
      if (spec.dims[k] >= 0 && d != spec.dims[k])
        fail(LLMRT_ERROR_RUN, bug + where + std::to_string(d) + ", the manifest says " +
                                  std::to_string(spec.dims[k]));
      auto it = spec.dimNames[k].empty() ? named.end() : named.find(spec.dimNames[k]);
      if (it != named.end() && it->second != d)
        fail(LLMRT_ERROR_RUN, bug + where + std::to_string(d) + " but the inputs have '" +
                                  spec.dimNames[k] + "' = " + std::to_string(it->second));
    }
  }

  ArenaPlan arenaPlan = planArena(bufferBytes, entry.buffers, kAlignment);
  bufferOffsets = std::move(arenaPlan.offsets);
  arenaBytes = arenaPlan.peakBytes;
  plannedDims.resize(numInputs);
  for (size_t i = 0; i < numInputs; ++i)
    plannedDims[i].assign(inputs[i].dims, inputs[i].dims + entry.inputs[i].rank());
  planned = true;
}

void llmrt_session::run() {
  const size_t numInputs = entry.inputs.size();
  hasOutputs = false;
  for (size_t i = 0; i < numInputs; ++i)
    if (!inputs[i].bound)
      fail(LLMRT_ERROR_INVALID_ARG, "input '" + entry.inputs[i].name + "' is not bound");

  // Every input dim with the same name must have the same size.
  struct Seen {
    size_t input;
    int32_t dim;
  };
  std::map<std::string, Seen> seen;
  for (size_t i = 0; i < numInputs; ++i) {
    const TensorSpec &spec = entry.inputs[i];
    for (int32_t k = 0; k < spec.rank(); ++k) {
      const std::string &dimName = spec.dimNames[k];
      if (dimName.empty())
        continue;
      auto [it, inserted] = seen.emplace(dimName, Seen{i, k});
      if (inserted)
        continue;
      int64_t a = inputs[it->second.input].dims[it->second.dim];
      int64_t b = inputs[i].dims[k];
      if (a != b)
        fail(LLMRT_ERROR_INVALID_ARG,
             "inputs '" + entry.inputs[it->second.input].name + "' and '" + spec.name +
                 "' disagree on dim '" + dimName + "': '" + entry.inputs[it->second.input].name +
                 "' has " + std::to_string(a) + " (dim " + std::to_string(it->second.dim) + "), '" +
                 spec.name + "' has " + std::to_string(b) + " (dim " + std::to_string(k) + ")");
    }
  }

  bool sameDims = planned;
  for (size_t i = 0; sameDims && i < numInputs; ++i)
    sameDims = std::equal(plannedDims[i].begin(), plannedDims[i].end(), inputs[i].dims);
  if (!sameDims) {
    planned = false;
    plan();
  }

  Backend *backend = module->backend.get();
  arena.reserve(static_cast<size_t>(arenaBytes), kAlignment);
  if (outputs.size() != entry.outputs.size()) {
    outputs.clear();
    for (size_t o = 0; o < entry.outputs.size(); ++o)
      outputs.emplace_back(backend);
  }
  outputBytes.assign(entry.outputs.size(), 0);
  std::vector<void *> outputPtrs(entry.outputs.size());
  for (size_t o = 0; o < entry.outputs.size(); ++o) {
    const TensorSpec &spec = entry.outputs[o];
    uint64_t bytes = 0;
    if (!byteSize(outputDims[o].data(), spec.rank(), findDType(spec.dtype)->size, bytes) ||
        bytes > std::numeric_limits<size_t>::max() / 2)
      fail(LLMRT_ERROR_RUN, "output '" + spec.name + "' of dims " +
                                dimsString(outputDims[o].data(), spec.rank()) + " is too large");
    outputs[o].reserve(static_cast<size_t>(bytes), kAlignment);
    outputBytes[o] = static_cast<size_t>(bytes);
    outputPtrs[o] = outputs[o].data();
  }

  std::vector<const void *> inputPtrs(numInputs);
  std::vector<const int64_t *> inputDims(numInputs);
  const bool hostMemory = backend->hostMemory();
  if (!hostMemory && stagedInputs.size() != numInputs) {
    stagedInputs.clear();
    for (size_t i = 0; i < numInputs; ++i)
      stagedInputs.emplace_back(backend);
  }
  for (size_t i = 0; i < numInputs; ++i) {
    inputPtrs[i] = inputs[i].data;
    inputDims[i] = inputs[i].dims;
    if (!hostMemory) {
      stagedInputs[i].reserve(inputs[i].bytes, kAlignment);
      executor->upload(stagedInputs[i].data(), inputs[i].data, inputs[i].bytes);
      inputPtrs[i] = stagedInputs[i].data();
    }
  }
  // What the launches bake in: dims and addresses (see Executor::run). Only
  // a device backend replays launches; the CPU's run pays nothing for it.
  std::vector<int64_t> launchKey;
  if (!hostMemory) {
    auto address = [](const void *p) { return static_cast<int64_t>(reinterpret_cast<intptr_t>(p)); };
    for (size_t i = 0; i < numInputs; ++i) {
      launchKey.push_back(address(inputPtrs[i]));
      launchKey.insert(launchKey.end(), inputs[i].dims, inputs[i].dims + entry.inputs[i].rank());
    }
    launchKey.push_back(address(arena.data()));
    launchKey.insert(launchKey.end(), bufferOffsets.begin(), bufferOffsets.end());
    for (void *p : outputPtrs)
      launchKey.push_back(address(p));
    launchKey.push_back(address(module->weights.data()));
  }
  char error[kErrorCapacity] = {};
  LLMRunArgs args;
  args.inputs = inputPtrs.data();
  args.input_dims = inputDims.data();
  args.weights = module->weights.data();
  args.arena = static_cast<uint8_t *>(arena.data());
  args.buffer_offsets = bufferOffsets.data();
  args.outputs = outputPtrs.data();
  args.num_threads = numThreads;
  args.error = error;
  args.error_capacity = kErrorCapacity;
  args.device_context = nullptr;
  hasOutputs = false;
  int32_t status = executor->run(module->run, args, launchKey);
  error[kErrorCapacity - 1] = '\0';
  if (status != 0)
    fail(LLMRT_ERROR_RUN,
         "entry '" + entry.name + "' failed: " +
             (error[0] ? std::string(error) : "code " + std::to_string(status) + ", no message"));
  hasOutputs = true;
  downloaded.assign(entry.outputs.size(), false);
  hostOutputs.resize(entry.outputs.size());
}

const void *llmrt_session::hostOutput(size_t index) const {
  if (module->backend->hostMemory())
    return outputs[index].data();
  if (!downloaded[index]) {
    hostOutputs[index].resize(outputBytes[index]);
    executor->download(hostOutputs[index].data(), outputs[index].data(), outputBytes[index]);
    downloaded[index] = true;
  }
  return hostOutputs[index].data();
}

//===----------------------------------------------------------------------===//
// C API: sessions
//===----------------------------------------------------------------------===//

extern "C" {

llmrt_status llmrt_session_create(const llmrt_module *module, const llmrt_session_options *options,
                                  llmrt_session **out) {
  return guard([&] {
    if (!out)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_create: `out` is NULL");
    *out = nullptr;
    if (!module)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_create: `module` is NULL");
    int32_t threads = options ? options->num_threads : 0;
    if (threads < 0)
      fail(LLMRT_ERROR_INVALID_ARG,
           "llmrt_session_create: num_threads must be >= 0, got " + std::to_string(threads));
    if (threads == 0)
      threads = static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
    auto session = std::make_unique<llmrt_session>(module);
    session->numThreads = threads;
    *out = session.release();
  });
}

void llmrt_session_free(llmrt_session *session) { delete session; }

llmrt_status llmrt_session_set_input(llmrt_session *session, const char *name, llmrt_dtype dtype,
                                     int32_t rank, const int64_t *dims, const void *data,
                                     size_t bytes) {
  return guard([&] {
    if (!session)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_set_input: `session` is NULL");
    session->setInput(name, dtype, rank, dims, data, bytes);
  });
}

llmrt_status llmrt_session_run(llmrt_session *session) {
  return guard([&] {
    if (!session)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_run: `session` is NULL");
    session->run();
  });
}

llmrt_status llmrt_session_get_output(const llmrt_session *session, int32_t index,
                                      llmrt_tensor *out) {
  return guard([&] {
    if (!session || !out)
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_get_output: NULL argument");
    const EntrySpec &entry = session->entry;
    if (index < 0 || static_cast<size_t>(index) >= entry.outputs.size())
      fail(LLMRT_ERROR_INVALID_ARG, "llmrt_session_get_output: index " + std::to_string(index) +
                                        " out of range (the module has " +
                                        std::to_string(entry.outputs.size()) + " outputs)");
    if (!session->hasOutputs)
      fail(LLMRT_ERROR_INVALID_ARG,
           "llmrt_session_get_output: no outputs (the session has not run successfully)");
    llmrt_tensor t = describe(entry.outputs[index]);
    for (int32_t k = 0; k < t.rank; ++k)
      t.dims[k] = session->outputDims[index][k];
    t.data = const_cast<void *>(session->hostOutput(static_cast<size_t>(index)));
    t.bytes = session->outputBytes[index];
    *out = t;
  });
}

int64_t llmrt_session_arena_bytes(const llmrt_session *session) {
  return session && session->planned ? session->arenaBytes : 0;
}

} // extern "C"
