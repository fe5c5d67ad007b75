//===- Backend.cpp - the CPU backend and the backend registry -------------===//

#include "Backend.h"

#include "Status.h"

#include <cstdlib>
#include <cstring>

namespace llmrt {

void FreeDeleter::operator()(void *memory) const { std::free(memory); }

std::unique_ptr<void, FreeDeleter> allocateHostAligned(size_t bytes, size_t alignment) {
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  // Round up so that 0 bytes still gives a distinct, valid pointer.
  size_t rounded = bytes == 0 ? alignment : (bytes + alignment - 1) / alignment * alignment;
  if (rounded < bytes)
    fail(LLMRT_ERROR_RUN, "out of memory: cannot allocate " + std::to_string(bytes) + " bytes");
  void *memory = nullptr;
  if (::posix_memalign(&memory, alignment, rounded) != 0 || !memory)
    fail(LLMRT_ERROR_RUN, "out of memory: cannot allocate " + std::to_string(bytes) + " bytes");
  return std::unique_ptr<void, FreeDeleter>(memory);
}

namespace {

/// Runs the compiled code in the calling thread (the code spreads its work
/// over LLMRunArgs::num_threads itself).
class CPUExecutor final : public Executor {
public:
  void upload(void *dst, const void *src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void download(void *dst, const void *src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  int32_t run(LLMRunFn run, LLMRunArgs &args, const std::vector<int64_t> &) override {
    args.device_context = nullptr;
    return run(&args);
  }
};

/// Memory is ordinary host memory; weights are used where they are mapped.
class CPUBackend final : public Backend {
public:
  const char *target() const override { return "cpu"; }
  bool hostMemory() const override { return true; }

  void *allocate(size_t bytes, size_t alignment) override {
    return allocateHostAligned(bytes, alignment).release();
  }
  void deallocate(void *memory) override { std::free(memory); }

  std::vector<const void *> prepareWeights(const std::vector<const void *> &host,
                                           const std::vector<size_t> &) override {
    return host;
  }

  std::unique_ptr<Executor> createExecutor() override { return std::make_unique<CPUExecutor>(); }
};

} // namespace

std::unique_ptr<Backend> createBackend(const std::string &target, const std::string &manifestPath) {
  if (target == "cpu")
    return std::make_unique<CPUBackend>();
#ifdef LLMRT_HAS_CUDA
  if (target == "cuda")
    return createCudaBackend(manifestPath);
  const char *supported = "cpu, cuda";
#else
  const char *supported = "cpu; this build has no CUDA backend";
#endif
  fail(LLMRT_ERROR_UNSUPPORTED, manifestPath + ": target: the module is compiled for '" + target +
                                    "', which this runtime cannot run (supported: " + supported +
                                    ")");
}

} // namespace llmrt
