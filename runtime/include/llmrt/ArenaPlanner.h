//===- ArenaPlanner.h - place buffers in one arena by liveness -----------===//
//
// The one placement algorithm of the project: the compiler's memory-planning
// pass uses it for static shapes (and to report the planned peak), and the
// runtime re-runs it whenever a session sees new input dims. Header-only and
// free of MLIR so that both sides share it.
//
// Greedy by size (as in TFLite's arena planner): buffers are placed largest
// first, each at the lowest aligned offset where it overlaps no buffer already
// placed whose live interval intersects its own. Intervals are inclusive step
// numbers: a buffer written at step 3 and last read at step 7 is [3, 7].
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_ARENAPLANNER_H
#define LLMRT_ARENAPLANNER_H

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace llmrt {

struct LiveInterval {
  int64_t first = 0;
  int64_t last = 0;
  bool overlaps(const LiveInterval &other) const {
    return first <= other.last && other.first <= last;
  }
};

struct ArenaPlan {
  std::vector<int64_t> offsets; // one per buffer, multiples of the alignment
  int64_t peakBytes = 0;        // arena size needed
  int64_t totalBytes = 0;       // sum of the (aligned) sizes, i.e. with no reuse
};

inline int64_t alignUp(int64_t bytes, int64_t alignment) {
  return (bytes + alignment - 1) / alignment * alignment;
}

inline ArenaPlan planArena(const std::vector<int64_t> &sizes,
                           const std::vector<LiveInterval> &live,
                           int64_t alignment = 64) {
  const size_t n = sizes.size();
  ArenaPlan plan;
  plan.offsets.assign(n, 0);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier definition so the plan is deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (sizes[a] != sizes[b])
      return sizes[a] > sizes[b];
    return live[a].first < live[b].first;
  });

  std::vector<size_t> placed;
  placed.reserve(n);
  for (size_t id : order) {
    int64_t size = alignUp(std::max<int64_t>(sizes[id], 1), alignment);
    plan.totalBytes += size;
    // Occupied ranges of the placed buffers alive at the same time, by offset.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t other : placed)
      if (live[id].overlaps(live[other]))
        busy.push_back({plan.offsets[other],
                        plan.offsets[other] + alignUp(std::max<int64_t>(sizes[other], 1), alignment)});
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    plan.offsets[id] = offset;
    plan.peakBytes = std::max(plan.peakBytes, offset + size);
    placed.push_back(id);
  }
  return plan;
}

} // namespace llmrt

#endif // LLMRT_ARENAPLANNER_H
