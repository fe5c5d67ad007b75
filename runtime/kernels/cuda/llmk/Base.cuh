//===- Base.cuh - shapes, element types, errors and the stream of CUDA kernels ===//
//
// The CUDA kernel library is header-only CUDA C++ included by the code
// llm-opt generates for the CUDA target (module.cu, compiled by nvcc with
// --extended-lambda -std=c++17). It implements the functions of the CPU
// library (runtime/kernels/cpu/llmk) with the same names and signatures, but
// every data pointer is a DEVICE pointer and every kernel is launched
// asynchronously on the stream of the current run (llmk::stream()); nothing
// here synchronizes, except clockMs (only used by --profile-ops), so a run can
// be captured into a CUDA graph.
//
// Host-side helpers (dims arithmetic, Shape, In) are __host__ __device__.
// Launch failures are reported once per run by llmk::end (cudaGetLastError);
// runtime API calls that fail throw std::runtime_error (LLMK_CUDA_CHECK),
// which the generated run function catches.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_BASE_CUH
#define LLMK_CUDA_BASE_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <time.h>

#include "llmrt/CudaContext.h"
#include "llmrt/ModuleABI.h"

/// Execution space of the generated elementwise bodies (generic extended
/// device lambdas: `[] LLMK_FN (auto a) { ... }`). Empty on the CPU.
#ifndef LLMK_FN
#define LLMK_FN __device__
#endif

#define LLMK_HD __host__ __device__ inline
#include "../../common/llmk/Dims.h"

#define LLMK_STRINGIFY2(x) #x
#define LLMK_STRINGIFY(x) LLMK_STRINGIFY2(x)

/// Throws std::runtime_error naming the call site when a CUDA runtime call fails.
#define LLMK_CUDA_CHECK(expr)                                                                      \
  do {                                                                                             \
    cudaError_t llmk_err_ = (expr);                                                                \
    if (llmk_err_ != cudaSuccess)                                                                  \
      throw std::runtime_error(std::string(__FILE__ ":" LLMK_STRINGIFY(__LINE__) ": CUDA: ") +     \
                               cudaGetErrorString(llmk_err_));                                     \
  } while (0)

namespace llmk {

using f16 = __half;
using bf16 = __nv_bfloat16;

template <typename T>
constexpr bool is16BitFloat = std::is_same_v<T, f16> || std::is_same_v<T, bf16>;

/// The type elementwise bodies compute in: float for the 16-bit floats.
template <typename T> struct ComputeType { using type = T; };
template <> struct ComputeType<f16> { using type = float; };
template <> struct ComputeType<bf16> { using type = float; };
template <typename T> using compute_t = typename ComputeType<T>::type;

template <typename T> LLMK_HD compute_t<T> load(T v) {
  if constexpr (std::is_same_v<T, f16>)
    return __half2float(v);
  else if constexpr (std::is_same_v<T, bf16>)
    return __bfloat162float(v);
  else
    return v;
}

/// numeric_limits usable in device code (without --expt-relaxed-constexpr).
template <typename T> struct Limits {
  static constexpr T lowest = std::numeric_limits<T>::lowest();
  static constexpr T max = std::numeric_limits<T>::max();
};

template <typename To, typename From> LLMK_HD To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (is16BitFloat<From>) {
    return convert<To>(load(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return static_cast<float>(v) != 0;
  } else if constexpr (std::is_same_v<To, f16>) {
    if constexpr (std::is_same_v<From, double>)
      return __double2half(v);
    else
      return __float2half_rn(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, bf16>) {
    if constexpr (std::is_same_v<From, double>)
      return __double2bfloat16(v);
    else
      return __float2bfloat16_rn(static_cast<float>(v));
  } else if constexpr (std::is_integral_v<To> && !std::is_integral_v<From>) {
    // Float to integer: truncate; NaN and out-of-range values saturate
    // instead of being undefined behaviour (as the CPU library).
    double d = static_cast<double>(static_cast<float>(v));
    if constexpr (std::is_same_v<From, double>)
      d = v;
    if (d != d)
      return 0;
    if (d <= static_cast<double>(Limits<To>::lowest))
      return Limits<To>::lowest;
    if (d >= static_cast<double>(Limits<To>::max))
      return Limits<To>::max;
    return static_cast<To>(d);
  } else {
    return static_cast<To>(v);
  }
}

/// Writes a message for the runtime; generated code returns its result.
inline int32_t fail(char *error, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
inline int32_t fail(char *error, size_t capacity, const char *format, ...) {
  if (error && capacity) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(error, capacity, format, args);
    va_end(args);
  }
  return 1;
}

//===----------------------------------------------------------------------===//
// Operands and broadcasting
//===----------------------------------------------------------------------===//

/// A read-only operand: data (device) and its shape.
template <typename T> struct In {
  const T *p;
  Shape s;
  int64_t rowStride = 0; // > 0: a row-strided view (see the CPU library's In)
};
template <typename T> LLMK_HD In<T> in(const T *p, const Shape &s, int64_t rowStride = 0) {
  return {p, s, rowStride};
}

//===----------------------------------------------------------------------===//
// The run's execution context
//===----------------------------------------------------------------------===//

/// What llmk::begin takes from LLMRunArgs::device_context, per host thread.
struct Context {
  const LLMCudaContext *cuda = nullptr;
  cudaStream_t stream = nullptr;
  int device = 0;
  int numSMs = 0;
};

inline Context &context() {
  thread_local Context c;
  return c;
}

/// The stream every kernel of the current run goes on.
inline cudaStream_t stream() { return context().stream; }
/// The device's SM count (an H100's 132 before llmk::begin, or when the
/// query failed): how grids are sized to fill the GPU.
inline int smCount() { return context().numSMs > 0 ? context().numSMs : 132; }
/// The runtime's context of the current run (cuBLAS handles, workspace).
inline const LLMCudaContext &cudaContext() {
  if (!context().cuda)
    throw std::runtime_error("llmk: no CUDA context (llmk::begin was not called)");
  return *context().cuda;
}
/// The device error flag of the current run (may be null).
inline int32_t *errorFlag() { return context().cuda ? context().cuda->error_flag : nullptr; }

/// Takes the execution context of a run; generated code calls it first.
inline int32_t begin(const LLMRunArgs *args, char *E, size_t EC) {
  if (!args || !args->device_context)
    return fail(E, EC, "CUDA module run without a device context (LLMRunArgs::device_context)");
  Context &c = context();
  c.cuda = static_cast<const LLMCudaContext *>(args->device_context);
  c.stream = static_cast<cudaStream_t>(c.cuda->stream);
  if (cudaGetDevice(&c.device) != cudaSuccess ||
      cudaDeviceGetAttribute(&c.numSMs, cudaDevAttrMultiProcessorCount, c.device) != cudaSuccess)
    c.numSMs = 0;
  return 0;
}

/// Checks that the run's launches were accepted; never synchronizes.
inline int32_t end(char *E, size_t EC) {
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess)
    return fail(E, EC, "CUDA: %s", cudaGetErrorString(err));
  return 0;
}

/// Stores an error code for the runtime (first one wins).
__device__ inline void reportIndexError(int32_t *flag) {
  if (flag)
    atomicCAS(flag, 0, LLM_CUDA_ERROR_INDEX_OUT_OF_RANGE);
}

namespace detail {
constexpr int kThreads = 256;
/// Blocks of a grid-stride loop over n items of `threads` per block.
inline unsigned gridFor(int64_t n, int threads = kThreads) {
  int64_t blocks = (n + threads - 1) / threads;
  const int sms = smCount();
  const int64_t cap = static_cast<int64_t>(sms) * 32;
  if (blocks > cap)
    blocks = cap;
  return static_cast<unsigned>(blocks < 1 ? 1 : blocks);
}

#define LLMK_GRID_STRIDE(i, n)                                                                     \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);           \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

template <typename T> __global__ void fillKernel(T *p, int64_t n, T value) {
  LLMK_GRID_STRIDE(i, n) p[i] = value;
}

template <typename T, typename S, typename D>
__global__ void rangeKernel(T *p, int64_t n, S start, D delta) {
  LLMK_GRID_STRIDE(i, n) {
    auto v = start + i * delta;
    if constexpr (is16BitFloat<T> || std::is_same_v<T, bool>)
      p[i] = convert<T>(v);
    else
      p[i] = static_cast<T>(v);
  }
}

struct Values16 {
  int64_t v[16];
  int n;
};
template <typename T> __global__ void storeValuesKernel(T *p, Values16 values) {
  int i = threadIdx.x;
  if (i < values.n)
    p[i] = convert<T>(values.v[i]);
}
} // namespace detail

/// Device-to-device copy of `bytes` bytes on the stream.
inline void copy(void *dst, const void *src, int64_t bytes) {
  if (bytes <= 0 || dst == src)
    return;
  LLMK_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(bytes), cudaMemcpyDeviceToDevice,
                                  stream()));
}

/// p[i] = value for i < n.
template <typename T> void fill(T *p, int64_t n, T value) {
  if (n <= 0)
    return;
  detail::fillKernel<T><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(p, n, value);
}

/// p[i] = static_cast<T>(start + i * delta) for i < n.
template <typename T, typename S, typename D> void range(T *p, int64_t n, S start, D delta) {
  if (n <= 0)
    return;
  detail::rangeKernel<T, S, D><<<detail::gridFor(n), detail::kThreads, 0, stream()>>>(p, n, start, delta);
}

/// p[i] = T(values[i]): small constant tensors built from dims (at most 16
/// values, passed to the kernel by value so that it can be graph-captured).
template <typename T> void storeValues(T *p, std::initializer_list<int64_t> values) {
  if (values.size() == 0)
    return;
  if (values.size() > 16)
    throw std::runtime_error("llmk::storeValues: more than 16 values");
  detail::Values16 v{};
  v.n = static_cast<int>(values.size());
  int i = 0;
  for (int64_t x : values)
    v.v[i++] = x;
  detail::storeValuesKernel<T><<<1, 16, 0, stream()>>>(p, v);
}

//===----------------------------------------------------------------------===//
// Per-op profiling (modules built with llm-opt --profile-ops): time spent in
// each op of the program, printed to stderr when the process exits. On CUDA
// the clock synchronizes the stream first, so the time of an op is the time
// of its kernels.
//===----------------------------------------------------------------------===//

inline double clockMs() {
  if (context().cuda)
    LLMK_CUDA_CHECK(cudaStreamSynchronize(stream()));
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}


} // namespace llmk

#include "../../common/llmk/OpProfile.h"

#endif // LLMK_CUDA_BASE_CUH
