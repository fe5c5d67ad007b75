//===- Backend.h - where a module's code runs and its memory lives --------===//
//
// The small interface between the target-independent runtime (manifest,
// weights, sessions, planning) and a target. The CPU backend is the only one
// today; a CUDA backend adds device allocation, weight upload and launch on a
// stream behind the same calls.
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_LIB_BACKEND_H
#define LLMRT_LIB_BACKEND_H

#include "llmrt/ModuleABI.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace llmrt {

/// One session's way of running code on a backend: its stream and library
/// handles on CUDA. Sessions own one each, so sessions on different threads
/// never share one.
class Executor {
public:
  virtual ~Executor() = default;

  /// Host memory to backend memory (the inputs). Throws llmrt::Error.
  virtual void upload(void *dst, const void *src, size_t bytes) = 0;
  /// Backend memory to host memory (the outputs). Throws llmrt::Error.
  virtual void download(void *dst, const void *src, size_t bytes) = 0;

  /// Runs `run` to completion (its results are in backend memory when this
  /// returns); returns its status (non-zero with args.error on failure).
  /// Sets args.device_context. `launchKey` changes whenever something the
  /// launches depend on changes (input dims, any address): CUDA replays a
  /// captured graph while it stays the same.
  virtual int32_t run(LLMRunFn run, LLMRunArgs &args, const std::vector<int64_t> &launchKey) = 0;
};

class Backend {
public:
  virtual ~Backend() = default;

  /// The manifest's target name ("cpu", "cuda").
  virtual const char *target() const = 0;

  /// Whether the memory below is host memory (the CPU): then inputs are read
  /// in place and outputs handed out directly, with no copies.
  virtual bool hostMemory() const = 0;

  /// Memory the compiled code reads or writes (arenas, outputs), aligned to
  /// `alignment`; never null, even for 0 bytes. Throws llmrt::Error.
  /// Thread-safe: sessions on several threads allocate at once.
  virtual void *allocate(size_t bytes, size_t alignment) = 0;
  virtual void deallocate(void *memory) = 0;

  /// Makes the (host, mmap-ed) weights visible to the code; returns the
  /// pointers LLMRunArgs::weights receives. The CPU uses them in place; CUDA
  /// copies them to device memory the backend owns.
  virtual std::vector<const void *> prepareWeights(const std::vector<const void *> &host,
                                                   const std::vector<size_t> &bytes) = 0;

  virtual std::unique_ptr<Executor> createExecutor() = 0;
};

/// The backend of `target`; throws LLMRT_ERROR_UNSUPPORTED (naming
/// `manifestPath`) for a target this build cannot run.
std::unique_ptr<Backend> createBackend(const std::string &target, const std::string &manifestPath);

#ifdef LLMRT_HAS_CUDA
/// The CUDA backend (CudaBackend.cpp) on the current device; throws
/// LLMRT_ERROR_UNSUPPORTED when there is no usable GPU.
std::unique_ptr<Backend> createCudaBackend(const std::string &manifestPath);
#endif

/// Host memory aligned to `alignment` (a power of two), for weight copies.
struct FreeDeleter {
  void operator()(void *memory) const;
};
std::unique_ptr<void, FreeDeleter> allocateHostAligned(size_t bytes, size_t alignment);

/// A block of backend memory that grows on demand (arenas, outputs).
class BackendBuffer {
public:
  BackendBuffer() = default;
  explicit BackendBuffer(Backend *backend) : backend_(backend) {}
  ~BackendBuffer() { release(); }
  BackendBuffer(const BackendBuffer &) = delete;
  BackendBuffer &operator=(const BackendBuffer &) = delete;
  BackendBuffer(BackendBuffer &&other) noexcept { *this = std::move(other); }
  BackendBuffer &operator=(BackendBuffer &&other) noexcept {
    if (this != &other) {
      release();
      backend_ = other.backend_;
      data_ = other.data_;
      capacity_ = other.capacity_;
      other.data_ = nullptr;
      other.capacity_ = 0;
    }
    return *this;
  }

  /// Makes room for `bytes`, reusing the current block when it is big enough
  /// (the contents are not kept).
  void reserve(size_t bytes, size_t alignment = 64) {
    if (data_ && capacity_ >= bytes)
      return;
    release();
    data_ = backend_->allocate(bytes, alignment);
    capacity_ = bytes;
  }
  void release() {
    if (data_)
      backend_->deallocate(data_);
    data_ = nullptr;
    capacity_ = 0;
  }
  void *data() const { return data_; }
  size_t capacity() const { return capacity_; }

private:
  Backend *backend_ = nullptr;
  void *data_ = nullptr;
  size_t capacity_ = 0;
};

} // namespace llmrt

#endif // LLMRT_LIB_BACKEND_H
