/*===- CudaContext.h - what CUDA modules receive from llmrt ----------------===*
 *
 * On the CUDA target, LLMRunArgs::device_context points at one of these. The
 * runtime owns everything in it (one per session): the generated code and the
 * CUDA kernel library (runtime/kernels/cuda/llmk) only launch work on
 * `stream` and never synchronize it, so a run can be captured into a CUDA
 * graph and replayed.
 *
 * Plain C with opaque pointers, so that the runtime's C++ (built without
 * nvcc) and the generated CUDA code agree on it without CUDA's headers.
 *===----------------------------------------------------------------------===*/

#ifndef LLMRT_CUDACONTEXT_H
#define LLMRT_CUDACONTEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct LLMCudaContext {
  void *stream;           /* cudaStream_t every kernel and library call goes on */
  void *cublaslt;         /* cublasLtHandle_t, created once per session */
  void *cublas;           /* cublasHandle_t (batched products), bound to `stream` */
  void *workspace;        /* device scratch for cuBLASLt */
  size_t workspace_bytes;
  /* Device int32, zero before a run. A kernel that finds bad data (an index
   * out of range) stores a non-zero code here instead of reading out of
   * bounds; the runtime reads it after the run and reports it. */
  int32_t *error_flag;
} LLMCudaContext;

/* Codes stored in LLMCudaContext::error_flag. */
#define LLM_CUDA_ERROR_INDEX_OUT_OF_RANGE 1

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LLMRT_CUDACONTEXT_H */
