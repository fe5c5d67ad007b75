//===- MovementTest.cpp - gather, scatter, transpose, slice, tile... -------===//
//
// Data movement copies values, so every comparison here is exact, against
// references that walk the output one multi-index at a time.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace llmk_test;

namespace {

std::vector<int64_t> randomIndices(std::mt19937 &rng, int64_t n, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> v(n);
  for (auto &x : v)
    x = dist(rng);
  return v;
}

int64_t wrap(int64_t i, int64_t dim) { return i < 0 ? i + dim : i; }

} // namespace

TEST(Gather, MiddleAxisNegativeIndices) {
  // data [3, 7, 4], indices [2, 5] along axis 1 -> [3, 2, 5, 4].
  std::mt19937 rng(1);
  const int64_t outer = 3, len = 7, inner = 4, count = 10;
  std::vector<float> data = randomFloats(rng, outer * len * inner);
  std::vector<int64_t> idx = randomIndices(rng, count, -len, len - 1);
  std::vector<float> out(outer * count * inner, 12345.f), want(out.size());
  ASSERT_TRUE(llmk::gather(data.data(), outer, len, inner, idx.data(), count, out.data()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < count; ++i)
      for (int64_t n = 0; n < inner; ++n)
        want[(o * count + i) * inner + n] = data[(o * len + wrap(idx[i], len)) * inner + n];
  EXPECT_TRUE(allEqual(out, want));

  // int32 indices along axis 0 (an embedding lookup: [7, 12] rows).
  std::vector<int32_t> idx32 = {6, 0, -1, 3, -7, 3};
  std::vector<float> table = randomFloats(rng, 7 * 12), rows(6 * 12), wantRows(6 * 12);
  ASSERT_TRUE(llmk::gather(table.data(), 1, 7, 12, idx32.data(), 6, rows.data()));
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t n = 0; n < 12; ++n)
      wantRows[i * 12 + n] = table[wrap(idx32[i], 7) * 12 + n];
  EXPECT_TRUE(allEqual(rows, wantRows));

  // Out of range on either side is reported, not read.
  for (int64_t bad : {int64_t(7), int64_t(-8)}) {
    std::vector<int64_t> badIdx = {0, bad};
    EXPECT_FALSE(llmk::gather(data.data(), outer, len, inner, badIdx.data(), 2, out.data())) << bad;
  }
}

TEST(GatherElements, EveryAxis) {
  std::mt19937 rng(2);
  const std::vector<int64_t> xd = {4, 5, 6};
  std::vector<float> x = randomFloats(rng, numelOf(xd));
  const std::vector<int64_t> xs = stridesOf(xd);
  struct Case {
    int axis;
    std::vector<int64_t> idxDims; // may be smaller than x off the axis
  } cases[] = {{1, {4, 3, 6}}, {0, {3, 5, 2}}, {2, {4, 5, 8}}, {2, {2, 1, 3}}};
  for (const Case &c : cases) {
    SCOPED_TRACE(testing::Message() << "axis " << c.axis);
    const int64_t dim = xd[c.axis];
    std::vector<int64_t> idx = randomIndices(rng, numelOf(c.idxDims), -dim, dim - 1);
    std::vector<float> out(idx.size(), 12345.f), want(idx.size());
    ASSERT_TRUE(llmk::gatherElements(llmk::in(x.data(), shapeOf(xd)),
                                     llmk::in(idx.data(), shapeOf(c.idxDims)), out.data(), c.axis));
    for (int64_t e = 0; e < numelOf(c.idxDims); ++e) {
      std::vector<int64_t> at = unflatten(e, c.idxDims);
      at[c.axis] = wrap(idx[e], dim);
      want[e] = x[at[0] * xs[0] + at[1] * xs[1] + at[2] * xs[2]];
    }
    EXPECT_TRUE(allEqual(out, want));
    idx[idx.size() / 2] = dim; // one past the end
    EXPECT_FALSE(llmk::gatherElements(llmk::in(x.data(), shapeOf(xd)),
                                      llmk::in(idx.data(), shapeOf(c.idxDims)), out.data(), c.axis));
  }
}

TEST(GatherNd, BatchDims) {
  std::mt19937 rng(3);
  const std::vector<int64_t> xd = {2, 3, 4, 5};
  std::vector<float> x = randomFloats(rng, numelOf(xd));
  const std::vector<int64_t> xs = stridesOf(xd);
  struct Case {
    int batchDims;
    std::vector<int64_t> idxDims;
  } cases[] = {{0, {6, 2}}, {0, {2, 3, 3}}, {0, {5, 4}}, {0, {3, 1}},
               {1, {2, 6, 1}}, {1, {2, 2, 3}}, {2, {2, 3, 2, 2}}};
  for (const Case &c : cases) {
    SCOPED_TRACE(testing::Message() << "batch_dims " << c.batchDims << " indices "
                                    << testing::PrintToString(c.idxDims));
    const int64_t q = c.idxDims.back(), b = c.batchDims;
    const int64_t tuples = numelOf(c.idxDims) / q;
    std::vector<int64_t> idx(numelOf(c.idxDims));
    std::uniform_int_distribution<int> coin(0, 1);
    for (int64_t t = 0; t < tuples; ++t)
      for (int64_t k = 0; k < q; ++k) {
        const int64_t dim = xd[b + k];
        int64_t v = std::uniform_int_distribution<int64_t>(0, dim - 1)(rng);
        idx[t * q + k] = coin(rng) ? v - dim : v; // negative half the time
      }
    // Output: idx dims without the last, then x's dims after batch + q.
    std::vector<int64_t> od(c.idxDims.begin(), c.idxDims.end() - 1);
    od.insert(od.end(), xd.begin() + b + q, xd.end());
    const int64_t slice = numelOf(std::vector<int64_t>(xd.begin() + b + q, xd.end()));
    std::vector<float> out(numelOf(od), 12345.f), want(out.size());
    ASSERT_TRUE(llmk::gatherNd(llmk::in(x.data(), shapeOf(xd)),
                               llmk::in(idx.data(), shapeOf(c.idxDims)), out.data(), c.batchDims));
    for (int64_t t = 0; t < tuples; ++t) {
      // The batch coordinates are the leading coordinates of the tuple's
      // position in the index tensor.
      std::vector<int64_t> pos =
          unflatten(t, std::vector<int64_t>(c.idxDims.begin(), c.idxDims.end() - 1));
      int64_t base = 0;
      for (int64_t i = 0; i < b; ++i)
        base += pos[i] * xs[i];
      for (int64_t k = 0; k < q; ++k)
        base += wrap(idx[t * q + k], xd[b + k]) * xs[b + k];
      for (int64_t e = 0; e < slice; ++e)
        want[t * slice + e] = x[base + e];
    }
    EXPECT_TRUE(allEqual(out, want));
    idx[0] = -xd[b] - 1;
    EXPECT_FALSE(llmk::gatherNd(llmk::in(x.data(), shapeOf(xd)),
                                llmk::in(idx.data(), shapeOf(c.idxDims)), out.data(), c.batchDims));
  }
}

TEST(ScatterNd, ReplaceAndReductions) {
  std::mt19937 rng(4);
  const std::vector<int64_t> xd = {4, 5, 6};
  std::vector<float> x = randomFloats(rng, numelOf(xd));
  using R = llmk::ScatterReduction;
  // Replace: distinct rows (one negative), slices of [5, 6].
  {
    std::vector<int64_t> idx = {2, 0, -1};
    std::vector<float> upd = randomFloats(rng, 3 * 30), out(x.size(), 12345.f), want = x;
    ASSERT_TRUE(llmk::scatterNd(llmk::in(x.data(), shapeOf(xd)), llmk::in(idx.data(), shapeOf({3, 1})),
                                upd.data(), out.data(), R::None));
    for (int t = 0; t < 3; ++t)
      std::copy(upd.begin() + t * 30, upd.begin() + (t + 1) * 30,
                want.begin() + wrap(idx[t], 4) * 30);
    EXPECT_TRUE(allEqual(out, want));
  }
  // Reductions: 12 (row, col) pairs with duplicates, slices of [6].
  for (R r : {R::Add, R::Mul, R::Max, R::Min}) {
    SCOPED_TRACE(static_cast<int>(r));
    std::vector<int64_t> idx;
    for (int t = 0; t < 12; ++t) {
      idx.push_back(std::uniform_int_distribution<int64_t>(-4, 3)(rng) % 2); // rows -1, 0, 1
      idx.push_back(std::uniform_int_distribution<int64_t>(0, 2)(rng));      // cols 0..2
    }
    std::vector<float> upd = randomFloats(rng, 12 * 6), out(x.size(), 12345.f);
    std::vector<double> want(x.begin(), x.end());
    ASSERT_TRUE(llmk::scatterNd(llmk::in(x.data(), shapeOf(xd)),
                                llmk::in(idx.data(), shapeOf({12, 2})), upd.data(), out.data(), r));
    for (int t = 0; t < 12; ++t)
      for (int e = 0; e < 6; ++e) {
        double &w = want[(wrap(idx[2 * t], 4) * 5 + idx[2 * t + 1]) * 6 + e];
        const double u = upd[t * 6 + e];
        // Sequential float arithmetic, as in the kernel: exact here.
        w = r == R::Add   ? static_cast<float>(static_cast<float>(w) + static_cast<float>(u))
            : r == R::Mul ? static_cast<float>(static_cast<float>(w) * static_cast<float>(u))
            : r == R::Max ? std::max(w, u)
                          : std::min(w, u);
      }
    EXPECT_TRUE(allEqual(out, want));
  }
  std::vector<int64_t> bad = {4};
  std::vector<float> upd(30), out(x.size());
  EXPECT_FALSE(llmk::scatterNd(llmk::in(x.data(), shapeOf(xd)), llmk::in(bad.data(), shapeOf({1, 1})),
                               upd.data(), out.data(), R::None));
}

namespace {

void checkTranspose(const std::vector<int64_t> &xd, const std::vector<int64_t> &perm, uint32_t seed) {
  SCOPED_TRACE(testing::Message() << "x " << testing::PrintToString(xd) << " perm "
                                  << testing::PrintToString(perm));
  std::mt19937 rng(seed);
  std::vector<float> x = randomFloats(rng, numelOf(xd));
  std::vector<int64_t> od(xd.size());
  for (size_t i = 0; i < xd.size(); ++i)
    od[i] = xd[perm[i]];
  std::vector<float> out(x.size(), 12345.f), want(x.size());
  llmk::transpose(llmk::in(x.data(), shapeOf(xd)), out.data(), perm.data());
  const std::vector<int64_t> xs = stridesOf(xd);
  for (int64_t e = 0; e < numelOf(od); ++e) {
    std::vector<int64_t> idx = unflatten(e, od);
    int64_t off = 0;
    for (size_t i = 0; i < od.size(); ++i)
      off += idx[i] * xs[perm[i]];
    want[e] = x[off];
  }
  EXPECT_TRUE(allEqual(out, want));
}

} // namespace

TEST(Transpose, Permutations) {
  checkTranspose({2, 3, 4, 5}, {0, 2, 1, 3}, 5); // keeps the last dim: row copies
  checkTranspose({2, 3, 4, 5}, {3, 1, 0, 2}, 6);
  checkTranspose({2, 3, 4, 5}, {0, 1, 3, 2}, 7);
  checkTranspose({2, 3, 4, 5}, {3, 2, 1, 0}, 8);
  checkTranspose({7, 9}, {1, 0}, 9);
  checkTranspose({64, 48, 16}, {1, 0, 2}, 10); // threaded
  checkTranspose({64, 48, 16}, {2, 1, 0}, 11);
}

namespace {

/// The indices ONNX Slice visits on one axis, by walking them (the spec:
/// negative start/end count from the end, then clamp to [0, dim] for a
/// positive step and [-1, dim - 1] for a negative one).
std::vector<int64_t> sliceIndices(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
  } else {
    start = std::clamp<int64_t>(start, -1, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
  }
  std::vector<int64_t> out;
  for (int64_t i = start; step > 0 ? i < end : i > end; i += step)
    out.push_back(i);
  return out;
}

struct AxisSlice {
  int64_t start, end, step;
};

void checkSlice(const std::vector<int64_t> &xd, const std::vector<AxisSlice> &axes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> x = randomFloats(rng, numelOf(xd));
  const int rank = static_cast<int>(xd.size());
  std::vector<std::vector<int64_t>> picks(rank);
  std::vector<int64_t> od(rank), starts(rank), steps(rank);
  for (int i = 0; i < rank; ++i) {
    const AxisSlice &a = axes[i];
    picks[i] = sliceIndices(xd[i], a.start, a.end, a.step);
    od[i] = llmk::sliceLength(xd[i], a.start, a.end, a.step);
    starts[i] = llmk::sliceStart(xd[i], a.start, a.step);
    steps[i] = a.step;
    ASSERT_EQ(od[i], static_cast<int64_t>(picks[i].size()))
        << "sliceLength of axis " << i << " (dim " << xd[i] << ", " << a.start << ":" << a.end
        << ":" << a.step << ")";
    if (!picks[i].empty()) {
      ASSERT_EQ(starts[i], picks[i][0]) << "sliceStart of axis " << i;
    }
  }
  std::vector<float> out(numelOf(od), 12345.f), want(out.size());
  llmk::slice(llmk::in(x.data(), shapeOf(xd)), shapeOf(od), out.data(), starts.data(), steps.data());
  const std::vector<int64_t> xs = stridesOf(xd);
  for (int64_t e = 0; e < numelOf(od); ++e) {
    std::vector<int64_t> idx = unflatten(e, od);
    int64_t off = 0;
    for (int i = 0; i < rank; ++i)
      off += picks[i][idx[i]] * xs[i];
    want[e] = x[off];
  }
  EXPECT_TRUE(allEqual(out, want));
}

} // namespace

TEST(Slice, NegativeStepsAndClamping) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  // Hand-checked index lists first.
  EXPECT_EQ(sliceIndices(5, -1, kMin, -2), (std::vector<int64_t>{4, 2, 0}));
  EXPECT_EQ(sliceIndices(9, 100, 0, -3), (std::vector<int64_t>{8, 5, 2}));
  EXPECT_EQ(sliceIndices(7, -2, -8, -1), (std::vector<int64_t>{5, 4, 3, 2, 1, 0}));
  checkSlice({5, 7, 9}, {{-1, kMin, -2}, {1, 6, 2}, {100, 0, -3}}, 20);
  checkSlice({5, 7, 9}, {{0, kMax, 1}, {-2, -8, -1}, {-100, 4, 3}}, 21);
  checkSlice({5, 7, 9}, {{4, -6, -1}, {kMax, kMin, -3}, {-1, -10, -1}}, 22); // reverse every axis
  checkSlice({6, 8}, {{kMin, kMax, 4}, {7, 2, -5}}, 23);
  checkSlice({6, 8}, {{3, 3, 1}, {0, 8, 1}}, 24);   // empty
  checkSlice({6, 8}, {{2, 5, -1}, {0, 8, 1}}, 25);  // empty: negative step going up
  checkSlice({300, 130}, {{-1, kMin, -1}, {5, 125, 1}}, 26); // threaded, contiguous rows
  checkSlice({300, 130}, {{10, 290, 3}, {-1, 0, -2}}, 27);   // threaded, strided rows
}

TEST(Tile, Repeats) {
  std::mt19937 rng(30);
  for (auto [xd, reps] : {std::pair<std::vector<int64_t>, std::vector<int64_t>>{{2, 3, 4}, {2, 1, 3}},
                          {{5}, {4}},
                          {{40, 30}, {3, 12}}}) { // threaded
    std::vector<float> x = randomFloats(rng, numelOf(xd));
    std::vector<int64_t> od(xd.size());
    for (size_t i = 0; i < xd.size(); ++i)
      od[i] = xd[i] * reps[i];
    std::vector<float> out(numelOf(od), 12345.f), want(out.size());
    llmk::tile(llmk::in(x.data(), shapeOf(xd)), shapeOf(od), out.data());
    const std::vector<int64_t> xs = stridesOf(xd);
    for (int64_t e = 0; e < numelOf(od); ++e) {
      std::vector<int64_t> idx = unflatten(e, od);
      int64_t off = 0;
      for (size_t i = 0; i < xd.size(); ++i)
        off += (idx[i] % xd[i]) * xs[i];
      want[e] = x[off];
    }
    EXPECT_TRUE(allEqual(out, want)) << testing::PrintToString(xd);
  }
}

TEST(Trilu, UpperAndLowerWithK) {
  std::mt19937 rng(31);
  const int64_t mats = 2, R = 5, C = 7;
  std::vector<float> x = randomFloats(rng, mats * R * C);
  for (bool upper : {true, false})
    for (int64_t k : {-10, -2, 0, 3, 10}) {
      std::vector<float> out(x.size(), 12345.f), want(x.size());
      llmk::trilu(llmk::in(x.data(), shapeOf({mats, R, C})), out.data(), upper, k);
      for (int64_t m = 0; m < mats; ++m)
        for (int64_t i = 0; i < R; ++i)
          for (int64_t j = 0; j < C; ++j) {
            const int64_t e = (m * R + i) * C + j;
            want[e] = (upper ? j >= i + k : j <= i + k) ? x[e] : 0.f;
          }
      EXPECT_TRUE(allEqual(out, want)) << "upper " << upper << " k " << k;
    }
}

TEST(TopK, LargestSmallestWithTies) {
  std::mt19937 rng(32);
  const int64_t outer = 3, len = 20, inner = 4;
  // Half the data from {-3..3} (many ties), half continuous.
  std::vector<float> x = randomFloats(rng, outer * len * inner, -3.f, 3.f);
  for (size_t i = 0; i < x.size(); i += 2)
    x[i] = std::round(x[i]) == 0 ? 1.f : std::round(x[i]);
  for (bool largest : {true, false})
    for (int64_t k : {int64_t(1), int64_t(5), len}) {
      SCOPED_TRACE(testing::Message() << "largest " << largest << " k " << k);
      std::vector<float> values(outer * k * inner, 12345.f), wantValues(values.size());
      std::vector<int64_t> indices(values.size(), -7), wantIndices(values.size());
      llmk::topk(x.data(), outer, len, inner, k, largest, values.data(), indices.data());
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          std::vector<std::pair<float, int64_t>> row;
          for (int64_t j = 0; j < len; ++j)
            row.push_back({x[(o * len + j) * inner + i], j});
          // Ties: the lower index first (ONNX).
          std::sort(row.begin(), row.end(), [&](const auto &a, const auto &b) {
            if (a.first != b.first)
              return largest ? a.first > b.first : a.first < b.first;
            return a.second < b.second;
          });
          for (int64_t j = 0; j < k; ++j) {
            wantValues[(o * k + j) * inner + i] = row[j].first;
            wantIndices[(o * k + j) * inner + i] = row[j].second;
          }
        }
      EXPECT_TRUE(allEqual(values, wantValues));
      EXPECT_TRUE(allEqual(indices, wantIndices));
    }
}
