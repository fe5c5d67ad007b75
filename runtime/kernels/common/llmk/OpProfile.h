//===- OpProfile.h - the per-op profile of modules built with --profile-ops ===//
//
// Time spent in each op of the program, printed to stderr when the process
// exits. The including library defines llmk::clockMs() first: a host clock on
// the CPU; on CUDA one that synchronizes the stream, so an op's time is its
// kernels' time.
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_COMMON_OPPROFILE_H
#define LLMK_COMMON_OPPROFILE_H

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace llmk {

class OpProfile {
public:
  static OpProfile &get() {
    static OpProfile profile;
    return profile;
  }
  void add(int index, const char *what, double startMs) {
    double ms = clockMs() - startMs;
    if (index >= (int)entries.size())
      entries.resize(index + 1);
    entries[index].what = what;
    entries[index].ms += ms;
    entries[index].calls += 1;
  }
  ~OpProfile() {
    std::vector<Entry> sorted;
    double total = 0;
    for (const Entry &e : entries)
      if (e.calls) {
        sorted.push_back(e);
        total += e.ms;
      }
    std::sort(sorted.begin(), sorted.end(), [](const Entry &a, const Entry &b) { return a.ms > b.ms; });
    std::fprintf(stderr, "llm op profile: %.3f ms in %zu ops\n", total, sorted.size());
    for (size_t i = 0; i < sorted.size() && i < (getenv("LLM_PROFILE_ALL") ? sorted.size() : 40); ++i)
      std::fprintf(stderr, "  %9.3f ms %5.1f%%  %s\n", sorted[i].ms, 100 * sorted[i].ms / total,
                   sorted[i].what);
  }

private:
  struct Entry {
    const char *what = "";
    double ms = 0;
    int64_t calls = 0;
  };
  std::vector<Entry> entries;
};

} // namespace llmk

#endif // LLMK_COMMON_OPPROFILE_H
