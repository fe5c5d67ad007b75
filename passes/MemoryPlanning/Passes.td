//===- Passes.td - memory planning -------------------------*- tablegen -*-===//

#ifndef LLM_PASSES_MEMORYPLANNING_PASSES_TD
#define LLM_PASSES_MEMORYPLANNING_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanMemoryPass : Pass<"llm-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Assign every intermediate tensor a buffer of one arena, by liveness";
  let description = [{
    Every op of the function body is one step of the program, numbered in
    order. Each tensor an op produces gets a buffer whose live interval runs
    from its step to the last step that reads it (or an alias of it); results
    returned by the function stay alive to the end. Views do not get a
    buffer of their own: `llm.reshape`, `llm.squeeze`, `llm.unsqueeze` and
    `llm.storage_cast` reinterpret their operand's memory (all tensors are
    dense and row-major), so they extend the liveness of the buffer they
    view. With `split-views`, so is a piece of an `llm.split` along the last
    axis whose every user is elementwise (Llama's merged gate/up), or a
    reshape into heads `[B, S, H, D]` read only by "bshd" rotary embeddings
    and attention (Llama's merged q/k/v): codegen hands those users a
    row-strided view (`llmk::In::rowStride`). Constants live in the weights or in the code, and function
    arguments in memory the caller owns.

    The plan is stored as attributes that codegen reads:

    * `llm.buffers = array<i64: ...>` on each op with tensor results: the
      buffer of each result, or -1 (constant or view);
    * `llm.buffer_intervals = array<i64: first0, last0, first1, ...>` on the
      function.

    Buffer sizes may depend on dynamic dims, so offsets are chosen by
    `llmrt::planArena` (runtime/include/llmrt/ArenaPlanner.h), the same
    greedy-by-size placement the runtime runs when it sees new input dims.
    When every buffer has a static size the pass places them here too and
    records `llm.arena_bytes` (the planned peak) and
    `llm.arena_bytes_without_reuse` on the function; `report` prints both
    as a remark.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "emit a remark with the number of buffers and the planned peak">,
    Option<"splitViews", "split-views", "bool", /*default=*/"true",
           "pieces of a last-axis llm.split read only elementwise, or as bshd "
           "rotary/attention heads, are row-strided views of its input "
           "(llm.buffers -1), not copies">,
  ];
}

#endif // LLM_PASSES_MEMORYPLANNING_PASSES_TD
