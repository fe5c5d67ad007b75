//===- Program.h - what generated programs call besides the kernels -------===//
//
// The generated code never touches tensor data itself: entry and exit, the
// copies to the outputs, fills, ranges, the few values it computes from dims,
// and scratch buffers all go through these calls, which the CUDA library
// (runtime/kernels/cuda/llmk) implements with the same names over device
// memory. One emitter then serves both targets.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_PROGRAM_H
#define LLMK_PROGRAM_H

#include "llmk/Base.h"
#include "llmk/Linalg.h"
#include "llmrt/ModuleABI.h"

#include <initializer_list>

namespace llmk {

/// Called first by every entry point: the session's thread count.
inline int32_t begin(const LLMRunArgs *args, char *, size_t) {
  setThreads(args->num_threads);
  return 0;
}
/// Called last: nothing is pending on the CPU.
inline int32_t end(char *, size_t) { return 0; }

inline void copy(void *dst, const void *src, int64_t bytes) {
  if (bytes > 0)
    std::memcpy(dst, src, static_cast<size_t>(bytes));
}

template <typename T> void fill(T *p, int64_t n, T value) { std::fill(p, p + n, value); }

/// p[i] = start + i * delta (ONNX Range).
template <typename T, typename S, typename D> void range(T *p, int64_t n, S start, D delta) {
  for (int64_t i = 0; i < n; ++i)
    p[i] = static_cast<T>(start + i * delta);
}

/// Values the program computed from dims (a shape tensor, say).
template <typename T> void storeValues(T *p, std::initializer_list<int64_t> values) {
  for (int64_t v : values)
    *p++ = static_cast<T>(v);
}

/// A temporary buffer of `n` elements for the duration of one op.
template <typename T> class Scratch {
public:
  explicit Scratch(int64_t n) : storage(static_cast<size_t>(std::max<int64_t>(n, 0))) {}
  T *data() { return storage.data(); }

private:
  std::vector<T> storage;
};

} // namespace llmk

#endif // LLMK_PROGRAM_H
