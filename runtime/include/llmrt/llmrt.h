/*===- llmrt.h - the llm-opt runtime: load and run compiled modules --------===*
 *
 * A small C API with no MLIR dependency. Typical use:
 *
 *   llmrt_module *m;   llmrt_module_load("out/gpt2", NULL, &m);
 *   llmrt_session *s;  llmrt_session_create(m, NULL, &s);
 *   llmrt_session_set_input(s, "input_ids", LLMRT_INT64, 2, dims, ids, bytes);
 *   llmrt_session_run(s);
 *   llmrt_tensor out;  llmrt_session_get_output(s, 0, &out);
 *   llmrt_session_free(s); llmrt_module_free(m);
 *
 * Every function returns LLMRT_OK or an error code; llmrt_last_error() then
 * gives a message naming what was wrong and where (file, input name, dim).
 * The message is thread-local, so threads never see each other's errors.
 *
 * Threading: a loaded module is immutable and may be shared; each session
 * owns its arena and outputs, so separate sessions may run concurrently. One
 * session must not be used from two threads at once.
 *===----------------------------------------------------------------------===*/

#ifndef LLMRT_LLMRT_H
#define LLMRT_LLMRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum llmrt_status {
  LLMRT_OK = 0,
  LLMRT_ERROR_IO = 1,           /* missing or unreadable file */
  LLMRT_ERROR_FORMAT = 2,       /* malformed manifest, weights or library */
  LLMRT_ERROR_INVALID_ARG = 3,  /* wrong name, dtype, rank, dims or size */
  LLMRT_ERROR_RUN = 4,          /* the compiled code reported a failure */
  LLMRT_ERROR_UNSUPPORTED = 5,  /* e.g. a target this build cannot run */
} llmrt_status;

typedef enum llmrt_dtype {
  LLMRT_FLOAT32 = 0,
  LLMRT_FLOAT16 = 1,
  LLMRT_BFLOAT16 = 2,
  LLMRT_FLOAT64 = 3,
  LLMRT_INT8 = 4,
  LLMRT_UINT8 = 5,
  LLMRT_INT16 = 6,
  LLMRT_UINT16 = 7,
  LLMRT_INT32 = 8,
  LLMRT_UINT32 = 9,
  LLMRT_INT64 = 10,
  LLMRT_UINT64 = 11,
  LLMRT_BOOL = 12,
} llmrt_dtype;

#define LLMRT_MAX_RANK 8

/* A tensor's description, or a view of its data. Dims of -1 are dynamic (in
 * an input/output description); dim_names[k] is the symbolic name of a
 * dynamic dim ("batch") or NULL. */
typedef struct llmrt_tensor {
  const char *name;
  llmrt_dtype dtype;
  int32_t rank;
  int64_t dims[LLMRT_MAX_RANK];
  const char *dim_names[LLMRT_MAX_RANK];
  void *data;       /* NULL in descriptions */
  size_t bytes;     /* 0 in descriptions */
} llmrt_tensor;

typedef struct llmrt_module llmrt_module;
typedef struct llmrt_session llmrt_session;

typedef struct llmrt_load_options {
  /* Weights to use instead of the module's weights.safetensors: any
   * safetensors file with the same names, dtypes and shapes. NULL = default. */
  const char *weights_path;
} llmrt_load_options;

typedef struct llmrt_session_options {
  int32_t num_threads; /* 0 = all cores */
} llmrt_session_options;

const char *llmrt_last_error(void);
const char *llmrt_dtype_name(llmrt_dtype dtype);
size_t llmrt_dtype_size(llmrt_dtype dtype);

/* Loads a module directory (see ModuleABI.h for its layout). */
llmrt_status llmrt_module_load(const char *dir, const llmrt_load_options *options,
                               llmrt_module **out);
void llmrt_module_free(llmrt_module *module);

int32_t llmrt_module_num_inputs(const llmrt_module *module);
int32_t llmrt_module_num_outputs(const llmrt_module *module);
/* Descriptions, valid while the module is loaded. */
llmrt_status llmrt_module_input(const llmrt_module *module, int32_t index, llmrt_tensor *out);
llmrt_status llmrt_module_output(const llmrt_module *module, int32_t index, llmrt_tensor *out);
const char *llmrt_module_target(const llmrt_module *module);

llmrt_status llmrt_session_create(const llmrt_module *module,
                                  const llmrt_session_options *options,
                                  llmrt_session **out);
void llmrt_session_free(llmrt_session *session);

/* Binds input `name`. The data is borrowed, not copied: it must stay valid
 * until llmrt_session_run returns. Checks the dtype, the rank, static dims and
 * that `bytes` matches the dims; symbolic dims shared between inputs are
 * checked by llmrt_session_run. */
llmrt_status llmrt_session_set_input(llmrt_session *session, const char *name,
                                     llmrt_dtype dtype, int32_t rank, const int64_t *dims,
                                     const void *data, size_t bytes);

/* Runs with the bound inputs (all must be bound). Re-plans the arena when the
 * input dims changed since the last run. */
llmrt_status llmrt_session_run(llmrt_session *session);

/* The output of the last run; the data belongs to the session and stays valid
 * until the next run or llmrt_session_free. */
llmrt_status llmrt_session_get_output(const llmrt_session *session, int32_t index,
                                      llmrt_tensor *out);

/* Bytes of the arena planned for the last run (0 before the first run). */
int64_t llmrt_session_arena_bytes(const llmrt_session *session);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LLMRT_LLMRT_H */
