//===- ArenaPlannerTest.cpp - the greedy arena planner --------------------===//

#include "llmrt/ArenaPlanner.h"

#include <gtest/gtest.h>

#include <random>

using namespace llmrt;

namespace {

int64_t alignedSize(int64_t size, int64_t alignment) {
  return alignUp(std::max<int64_t>(size, 1), alignment);
}

/// Checks every property a plan must have; returns false with a gtest failure.
void checkPlan(const std::vector<int64_t> &sizes, const std::vector<LiveInterval> &live,
               int64_t alignment, const ArenaPlan &plan) {
  ASSERT_EQ(plan.offsets.size(), sizes.size());
  int64_t total = 0, end = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_GE(plan.offsets[i], 0);
    EXPECT_EQ(plan.offsets[i] % alignment, 0) << "buffer " << i;
    total += alignedSize(sizes[i], alignment);
    end = std::max(end, plan.offsets[i] + alignedSize(sizes[i], alignment));
  }
  EXPECT_EQ(plan.totalBytes, total);
  EXPECT_EQ(plan.peakBytes, end);
  EXPECT_LE(plan.peakBytes, plan.totalBytes);
  for (size_t i = 0; i < sizes.size(); ++i)
    for (size_t j = i + 1; j < sizes.size(); ++j) {
      if (!live[i].overlaps(live[j]))
        continue;
      int64_t iEnd = plan.offsets[i] + alignedSize(sizes[i], alignment);
      int64_t jEnd = plan.offsets[j] + alignedSize(sizes[j], alignment);
      EXPECT_TRUE(iEnd <= plan.offsets[j] || jEnd <= plan.offsets[i])
          << "buffers " << i << " [" << live[i].first << ", " << live[i].last << "] and " << j
          << " [" << live[j].first << ", " << live[j].last << "] are alive together but share "
          << "memory: [" << plan.offsets[i] << ", " << iEnd << ") and [" << plan.offsets[j] << ", "
          << jEnd << ")";
    }
}

TEST(ArenaPlanner, Empty) {
  ArenaPlan plan = planArena({}, {});
  EXPECT_TRUE(plan.offsets.empty());
  EXPECT_EQ(plan.peakBytes, 0);
  EXPECT_EQ(plan.totalBytes, 0);
}

TEST(ArenaPlanner, DisjointIntervalsReuseMemory) {
  // A chain t0 -> t1 -> t2 -> t3 where each buffer dies as the next is made:
  // only neighbours are alive together, so two slots suffice.
  std::vector<int64_t> sizes = {1000, 1000, 1000, 1000};
  std::vector<LiveInterval> live = {{0, 1}, {1, 2}, {2, 3}, {3, 4}};
  ArenaPlan plan = planArena(sizes, live);
  checkPlan(sizes, live, 64, plan);
  EXPECT_EQ(plan.peakBytes, 2 * alignUp(1000, 64));
  EXPECT_EQ(plan.totalBytes, 4 * alignUp(1000, 64));
  EXPECT_EQ(plan.offsets[0], plan.offsets[2]);
  EXPECT_EQ(plan.offsets[1], plan.offsets[3]);

  // Fully disjoint buffers all sit at offset 0.
  ArenaPlan disjoint = planArena({100, 300, 200}, {{0, 0}, {1, 1}, {2, 2}});
  EXPECT_EQ(disjoint.offsets, (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(disjoint.peakBytes, alignUp(300, 64));
}

TEST(ArenaPlanner, OverlappingIntervalsGetSeparateMemory) {
  std::vector<int64_t> sizes = {64, 128, 1};
  std::vector<LiveInterval> live = {{0, 5}, {2, 3}, {3, 9}};
  ArenaPlan plan = planArena(sizes, live);
  checkPlan(sizes, live, 64, plan);
  EXPECT_EQ(plan.peakBytes, 64 + 128 + 64);
}

TEST(ArenaPlanner, ZeroSizedBuffersStillGetAlignedSlots) {
  std::vector<int64_t> sizes = {0, 0};
  std::vector<LiveInterval> live = {{0, 1}, {1, 2}};
  ArenaPlan plan = planArena(sizes, live);
  checkPlan(sizes, live, 64, plan);
  EXPECT_NE(plan.offsets[0], plan.offsets[1]);
}

TEST(ArenaPlanner, OtherAlignments) {
  std::vector<int64_t> sizes = {5, 17, 3};
  std::vector<LiveInterval> live = {{0, 2}, {1, 2}, {2, 2}};
  for (int64_t alignment : {1, 8, 16, 256}) {
    ArenaPlan plan = planArena(sizes, live, alignment);
    checkPlan(sizes, live, alignment, plan);
  }
}

TEST(ArenaPlanner, RandomizedPlansNeverOverlapLiveBuffers) {
  std::mt19937_64 rng(12345);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    size_t n = std::uniform_int_distribution<size_t>(0, 40)(rng);
    int64_t steps = std::uniform_int_distribution<int64_t>(1, 60)(rng);
    int64_t alignment = int64_t(1) << std::uniform_int_distribution<int>(0, 8)(rng);
    std::vector<int64_t> sizes(n);
    std::vector<LiveInterval> live(n);
    for (size_t i = 0; i < n; ++i) {
      // Mostly small sizes, with ties and zeros, and now and then a big one.
      int kind = std::uniform_int_distribution<int>(0, 9)(rng);
      sizes[i] = kind == 0  ? 0
                 : kind < 4 ? 64 * std::uniform_int_distribution<int64_t>(1, 4)(rng)
                 : kind < 9 ? std::uniform_int_distribution<int64_t>(1, 5000)(rng)
                            : std::uniform_int_distribution<int64_t>(1, 1 << 20)(rng);
      int64_t first = std::uniform_int_distribution<int64_t>(0, steps - 1)(rng);
      int64_t last = std::uniform_int_distribution<int64_t>(first, steps - 1)(rng);
      live[i] = {first, last};
    }
    ArenaPlan plan = planArena(sizes, live, alignment);
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    checkPlan(sizes, live, alignment, plan);
    if (::testing::Test::HasFailure())
      return;

    // The peak is at least what the busiest step needs.
    for (int64_t step = 0; step < steps; ++step) {
      int64_t alive = 0;
      for (size_t i = 0; i < n; ++i)
        if (live[i].first <= step && step <= live[i].last)
          alive += alignedSize(sizes[i], alignment);
      EXPECT_GE(plan.peakBytes, alive);
    }
    // Deterministic.
    EXPECT_EQ(planArena(sizes, live, alignment).offsets, plan.offsets);
  }
}

} // namespace
