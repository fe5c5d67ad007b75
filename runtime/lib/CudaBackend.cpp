//===- CudaBackend.cpp - modules compiled for the CUDA target -------------===//
//
// Device memory for weights (uploaded once at load), arenas and outputs; one
// stream, cuBLASLt/cuBLAS handle, workspace and error flag per session
// (LLMCudaContext). A run is captured into a CUDA graph the first time it
// sees a set of input dims and buffer addresses, and replayed while they stay
// the same (static shapes, the common serving case): the launches of a whole
// model then cost one graph launch. LLMRT_CUDA_GRAPHS=0 turns capture off.
//
//===----------------------------------------------------------------------===//

#include "Backend.h"

#include "Status.h"

#include "llmrt/CudaContext.h"

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace llmrt {
namespace {

[[noreturn]] void cudaFail(const char *call, cudaError_t error, int line) {
  fail(LLMRT_ERROR_RUN, std::string("CUDA: ") + call + " failed: " + cudaGetErrorString(error) +
                            " (CudaBackend.cpp:" + std::to_string(line) + ")");
}

#define LLMRT_CUDA(call)                                                                           \
  do {                                                                                             \
    cudaError_t llmrtError = (call);                                                               \
    if (llmrtError != cudaSuccess)                                                                 \
      cudaFail(#call, llmrtError, __LINE__);                                                       \
  } while (0)

#define LLMRT_CUBLAS(call)                                                                         \
  do {                                                                                             \
    auto llmrtStatus = (call);                                                                     \
    if (llmrtStatus != CUBLAS_STATUS_SUCCESS)                                                      \
      fail(LLMRT_ERROR_RUN, std::string("cuBLAS: ") + #call + " failed with status " +             \
                                std::to_string(static_cast<int>(llmrtStatus)));                    \
  } while (0)

/// cuBLASLt's scratch per session: enough for its split-K and stream-K
/// algorithms on Hopper.
constexpr size_t kWorkspaceBytes = 32u << 20;

class CudaExecutor final : public Executor {
public:
  CudaExecutor() {
    LLMRT_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    LLMRT_CUBLAS(cublasLtCreate(&lt));
    LLMRT_CUBLAS(cublasCreate(&blas));
    LLMRT_CUBLAS(cublasSetStream(blas, stream));
    LLMRT_CUDA(cudaMalloc(&workspace, kWorkspaceBytes));
    LLMRT_CUDA(cudaMalloc(&errorFlag, sizeof(int32_t)));
    context.stream = stream;
    context.cublaslt = lt;
    context.cublas = blas;
    context.workspace = workspace;
    context.workspace_bytes = kWorkspaceBytes;
    context.error_flag = static_cast<int32_t *>(errorFlag);
    const char *graphs = std::getenv("LLMRT_CUDA_GRAPHS");
    useGraphs = !(graphs && std::string(graphs) == "0");
  }
  ~CudaExecutor() override {
    // Destructors never throw: errors here only leak.
    if (graph)
      cudaGraphExecDestroy(graph);
    if (stream)
      cudaStreamSynchronize(stream);
    cudaFree(errorFlag);
    cudaFree(workspace);
    if (blas)
      cublasDestroy(blas);
    if (lt)
      cublasLtDestroy(lt);
    if (stream)
      cudaStreamDestroy(stream);
  }

  void upload(void *dst, const void *src, size_t bytes) override {
    if (bytes)
      LLMRT_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream));
  }
  void download(void *dst, const void *src, size_t bytes) override {
    if (!bytes)
      return;
    LLMRT_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream));
    LLMRT_CUDA(cudaStreamSynchronize(stream));
  }

  int32_t run(LLMRunFn run, LLMRunArgs &args, const std::vector<int64_t> &launchKey) override {
    args.device_context = &context;
    LLMRT_CUDA(cudaMemsetAsync(errorFlag, 0, sizeof(int32_t), stream));
    int32_t status = useGraphs ? runGraph(run, args, launchKey) : run(&args);
    if (status != 0) {
      cudaStreamSynchronize(stream);
      return status;
    }
    LLMRT_CUDA(cudaStreamSynchronize(stream));
    LLMRT_CUDA(cudaGetLastError());
    int32_t flag = 0;
    LLMRT_CUDA(cudaMemcpy(&flag, errorFlag, sizeof flag, cudaMemcpyDeviceToHost));
    if (flag == LLM_CUDA_ERROR_INDEX_OUT_OF_RANGE)
      fail(LLMRT_ERROR_RUN, "an index was out of range (gather/scatter): the inputs hold an index "
                            "outside the indexed dim");
    if (flag != 0)
      fail(LLMRT_ERROR_RUN, "the compiled code reported device error " + std::to_string(flag));
    return 0;
  }

private:
  int32_t runGraph(LLMRunFn run, LLMRunArgs &args, const std::vector<int64_t> &key) {
    if (graph && key == graphKeyValue) {
      LLMRT_CUDA(cudaGraphLaunch(graph, stream));
      return 0;
    }
    if (graph) {
      cudaGraphExecDestroy(graph);
      graph = nullptr;
    }
    LLMRT_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    int32_t status = run(&args);
    cudaGraph_t captured = nullptr;
    cudaError_t endStatus = cudaStreamEndCapture(stream, &captured);
    if (status != 0 || endStatus != cudaSuccess) {
      if (captured)
        cudaGraphDestroy(captured);
      if (status != 0)
        return status;
      // Something in the program cannot be captured: run it plainly from now on.
      cudaGetLastError();
      useGraphs = false;
      return run(&args);
    }
    cudaError_t instantiated = cudaGraphInstantiate(&graph, captured, 0);
    cudaGraphDestroy(captured);
    if (instantiated != cudaSuccess) {
      graph = nullptr;
      cudaGetLastError();
      useGraphs = false;
      return run(&args);
    }
    graphKeyValue = key;
    LLMRT_CUDA(cudaGraphLaunch(graph, stream));
    return 0;
  }

private:
  cudaStream_t stream = nullptr;
  cublasLtHandle_t lt = nullptr;
  cublasHandle_t blas = nullptr;
  void *workspace = nullptr;
  void *errorFlag = nullptr;
  LLMCudaContext context = {};
  bool useGraphs = true;
  cudaGraphExec_t graph = nullptr;
  std::vector<int64_t> graphKeyValue;
};

class CudaBackend final : public Backend {
public:
  explicit CudaBackend(const std::string &manifestPath) {
    int count = 0;
    cudaError_t error = cudaGetDeviceCount(&count);
    if (error != cudaSuccess || count == 0)
      fail(LLMRT_ERROR_UNSUPPORTED,
           manifestPath + ": target: the module is compiled for 'cuda', but no CUDA device is "
                          "usable here (" +
               (error != cudaSuccess ? std::string(cudaGetErrorString(error)) : "no device") + ")");
    LLMRT_CUDA(cudaGetDevice(&device));
  }
  ~CudaBackend() override {
    for (void *w : weightMemory)
      cudaFree(w);
  }

  const char *target() const override { return "cuda"; }
  bool hostMemory() const override { return false; }

  void *allocate(size_t bytes, size_t alignment) override {
    // cudaMalloc aligns to at least 256 bytes.
    if (alignment > 256)
      fail(LLMRT_ERROR_RUN, "CUDA: alignment " + std::to_string(alignment) + " is not supported");
    void *memory = nullptr;
    LLMRT_CUDA(cudaSetDevice(device));
    LLMRT_CUDA(cudaMalloc(&memory, bytes ? bytes : 256));
    return memory;
  }
  void deallocate(void *memory) override { cudaFree(memory); }

  std::vector<const void *> prepareWeights(const std::vector<const void *> &host,
                                           const std::vector<size_t> &bytes) override {
    std::vector<const void *> device(host.size());
    for (size_t i = 0; i < host.size(); ++i) {
      void *memory = allocate(bytes[i], 256);
      weightMemory.push_back(memory);
      LLMRT_CUDA(cudaMemcpy(memory, host[i], bytes[i], cudaMemcpyHostToDevice));
      device[i] = memory;
    }
    return device;
  }

  std::unique_ptr<Executor> createExecutor() override {
    LLMRT_CUDA(cudaSetDevice(device));
    return std::make_unique<CudaExecutor>();
  }

private:
  int device = 0;
  std::vector<void *> weightMemory;
};

} // namespace

std::unique_ptr<Backend> createCudaBackend(const std::string &manifestPath) {
  return std::make_unique<CudaBackend>(manifestPath);
}

} // namespace llmrt
