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

class Backend {
public:
  virtual ~Backend() = default;

  /// The manifest's target name ("cpu").
  virtual const char *target() const = 0;

  /// Memory the compiled code reads or writes (arenas, outputs), aligned to
  /// `alignment`; never null, even for 0 bytes. Throws llmrt::Error.
  /// Thread-safe: sessions on several threads allocate at once.
  virtual void *allocate(size_t bytes, size_t alignment) = 0;
  virtual void deallocate(void *memory) = 0;

  /// Makes the (host, mmap-ed) weights visible to the code; returns the
  /// pointers LLMRunArgs::weights receives. The CPU uses them in place.
  virtual std::vector<const void *> prepareWeights(const std::vector<const void *> &host,
                                                   const std::vector<size_t> &bytes) = 0;

  /// Runs `run`; returns its status (non-zero with args.error on failure).
  virtual int32_t launch(LLMRunFn run, const LLMRunArgs &args) = 0;
};

/// The backend of `target`; throws LLMRT_ERROR_UNSUPPORTED (naming
/// `manifestPath`) for a target this build cannot run.
std::unique_ptr<Backend> createBackend(const std::string &target, const std::string &manifestPath);

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
