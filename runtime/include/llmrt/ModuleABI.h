/*===- ModuleABI.h - the contract between compiled modules and llmrt -------===*
 *
 * A compiled module is a directory:
 *
 *   manifest.json          entry points, their inputs/outputs/buffers, weights
 *   weights.safetensors    the weights, loaded (mmap-ed) at run time
 *   module.so              the compiled code of the target (cpu or cuda)
 *   module.cpp / module.cu the generated source, kept for reading and debugging
 *
 * The code in module.so never owns memory and holds no global state: the
 * runtime hands it input, weight, arena and output pointers on every call, so
 * one loaded module serves any number of sessions on any threads, and any
 * checkpoint of the same architecture (another weights.safetensors with the
 * same names, dtypes and shapes) runs with the same code.
 *
 * Each entry point `E` listed in the manifest exports two C functions, named
 * in the manifest ("plan_symbol", "run_symbol"):
 *
 *   int32_t E_plan(const LLMPlanArgs *args);
 *     From the input dims alone, computes the byte size of every arena buffer
 *     and the dims of every output. Fails (non-zero, with a message) when the
 *     input dims contradict the graph, e.g. two inputs disagree on a shared
 *     dim or a reshape does not preserve the element count.
 *
 *   int32_t E_run(const LLMRunArgs *args);
 *     Runs the graph. Buffer k lives at arena + buffer_offsets[k]; the runtime
 *     chooses the offsets from the sizes E_plan reported and the liveness
 *     intervals in the manifest (see ArenaPlanner.h), so that buffers alive at
 *     the same time never overlap.
 *
 * This header is C so that generated code, the runtime and other languages
 * agree on it; it is included by the generated code of every target.
 *===----------------------------------------------------------------------===*/

#ifndef LLMRT_MODULEABI_H
#define LLMRT_MODULEABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the structs below or the meaning of a manifest field change. */
#define LLM_MODULE_ABI_VERSION 2

/* Exported by every module.so as `llm_module_abi_version`. */
typedef int32_t (*LLMModuleABIVersionFn)(void);

typedef struct LLMPlanArgs {
  /* input_dims[i] points at the rank(i) dims of input i (manifest order). */
  const int64_t *const *input_dims;
  /* Out: one byte size per manifest buffer. */
  int64_t *buffer_bytes;
  /* Out: output_dims[o] has room for rank(o) dims of output o. */
  int64_t *const *output_dims;
  /* Out: a NUL-terminated message when the call fails. */
  char *error;
  size_t error_capacity;
} LLMPlanArgs;

typedef struct LLMRunArgs {
  const void *const *inputs;          /* one per manifest input */
  const int64_t *const *input_dims;   /* as in LLMPlanArgs */
  const void *const *weights;         /* one per manifest weight, manifest order */
  uint8_t *arena;                     /* 64-byte aligned */
  const int64_t *buffer_offsets;      /* one per manifest buffer, multiples of 64 */
  void *const *outputs;               /* one per manifest output, sized from E_plan */
  int32_t num_threads;                /* >= 1 */
  /* The target's execution context: NULL on the CPU; on CUDA an
   * LLMCudaContext (llmrt/CudaContext.h) whose stream the code launches on.
   * Pointers above (inputs, weights, arena, outputs) are device pointers then. */
  void *device_context;
  char *error;
  size_t error_capacity;
} LLMRunArgs;

typedef int32_t (*LLMPlanFn)(const LLMPlanArgs *args);
typedef int32_t (*LLMRunFn)(const LLMRunArgs *args);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LLMRT_MODULEABI_H */
