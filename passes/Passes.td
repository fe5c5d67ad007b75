//===- Passes.td - every pass of llm-opt, for the reference docs -*- tablegen -*-===//
//
// Each pass group declares its passes in its own Passes.td (and generates
// its own registration); this file only gathers them so that
// scripts/update-docs.sh writes one reference page.
//
//===----------------------------------------------------------------------===//

include "passes/Raising/Passes.td"
include "passes/Folding/Passes.td"
include "passes/Fusion/Passes.td"
include "passes/Precision/Passes.td"
include "passes/MemoryPlanning/Passes.td"
