//===- ElementwiseReduceTest.cu - the CUDA llmk kernels against float64 ----===//
//
// Runs the elementwise, movement, reduction, normalization and quantization
// kernels of runtime/kernels/cuda/llmk on fresh random data (odd sizes, tails,
// ranks 1..5, broadcasting, f32/f16/bf16) and compares with float64
// references computed here. Outputs are poisoned (NaN) before each kernel, so
// elements a kernel does not write fail. Prints PASS/FAIL per case; exits 1
// on any failure.
//
// Build: nvcc -std=c++17 --extended-lambda -O2 -gencode=arch=compute_90a,code=sm_90a
//          -I runtime/kernels/cuda -I runtime/include
//          test/gpu/kernels/ElementwiseReduceTest.cu -o ElementwiseReduceTest
//
//===----------------------------------------------------------------------===//

#include "llmk/Base.cuh"
#include "llmk/Elementwise.cuh"
#include "llmk/Math.cuh"
#include "llmk/Movement.cuh"
#include "llmk/Quant.cuh"
#include "llmk/Reduce.cuh"

#include "GpuTestUtil.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>

using namespace gt;
using llmk::bf16;
using llmk::f16;
using llmk::In;
using llmk::Shape;

namespace {

/// Flat index into `in` (broadcast to `out`) of output coordinates c.
int64_t bcastIndex(const std::vector<int64_t> &c, const Shape &in, const Shape &out) {
  int64_t idx = 0;
  const int offset = out.rank - in.rank;
  for (int j = 0; j < in.rank; ++j)
    idx = idx * in.d[j] + (in.d[j] == 1 ? 0 : c[j + offset]);
  return idx;
}

Shape bcastShape(const Shape &a, const Shape &b) {
  Shape o;
  o.rank = std::max(a.rank, b.rank);
  for (int i = 0; i < o.rank; ++i) {
    int ia = i - (o.rank - a.rank), ib = i - (o.rank - b.rank);
    int64_t x = ia >= 0 ? a.d[ia] : 1, y = ib >= 0 ? b.d[ib] : 1;
    o.d[i] = llmk::broadcastDim(x, y);
  }
  return o;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Binary op f (device) against ref (host double) over broadcast shapes.
template <typename T, typename TO = T, typename F, typename R>
void binaryCase(const std::string &name, Shape sa, Shape sb, F f, R ref, double lo = -2,
                double hi = 2, size_t misalign = 0) {
  Shape so = bcastShape(sa, sb);
  auto ha = randVec<T>(sa.numel(), lo, hi), hb = randVec<T>(sb.numel(), lo, hi);
  Dev<T> a(ha, misalign), b(hb, misalign);
  Dev<TO> o(so.numel(), misalign);
  llmk::elementwise(so, o.p, f, llmk::in(a.p, sa), llmk::in(b.p, sb));
  std::vector<double> want(so.numel());
  for (int64_t e = 0; e < so.numel(); ++e) {
    auto c = unravel(e, so);
    want[e] = toD(fromD<TO>(ref(toD(ha[bcastIndex(c, sa, so)]), toD(hb[bcastIndex(c, sb, so)]))));
  }
  check(name + " " + typeName<T>() + " " + shapeStr(sa) + "x" + shapeStr(sb) +
            (misalign ? " misaligned" : ""),
        o.getD(), want, std::max(tolFor<T>(), tolFor<TO>()));
}

template <typename T, typename TO = T, typename F, typename R>
void unaryCase(const std::string &name, int64_t n, F f, R ref, double lo = -3, double hi = 3,
               double tol = -1) {
  Shape s = shapeOf({n});
  auto ha = randVec<T>(n, lo, hi);
  Dev<T> a(ha);
  Dev<TO> o(n);
  llmk::elementwise(s, o.p, f, llmk::in(a.p, s));
  std::vector<double> want(n);
  for (int64_t e = 0; e < n; ++e)
    want[e] = toD(fromD<TO>(ref(toD(ha[e]))));
  check(name + " " + typeName<T>() + "->" + typeName<TO>() + " n=" + std::to_string(n), o.getD(),
        want, tol >= 0 ? tol : std::max(tolFor<T>(), tolFor<TO>()));
}

double gelu(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }
double geluTanh(double x) {
  return 0.5 * x * (1 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

void testElementwise() {
  auto add = [] LLMK_FN(auto a, auto b) { return a + b; };
  auto radd = [](double a, double b) { return a + b; };
  auto mul = [] LLMK_FN(auto a, auto b) { return a * b; };
  auto rmul = [](double a, double b) { return a * b; };
  // Same shapes (flat, vectorized, with tails).
  binaryCase<float>("add", shapeOf({1000003}), shapeOf({1000003}), add, radd);
  binaryCase<float>("add", shapeOf({7}), shapeOf({7}), add, radd);
  binaryCase<float>("add", shapeOf({3, 5, 7}), shapeOf({3, 5, 7}), add, radd, -2, 2, 1);
  binaryCase<f16>("mul", shapeOf({4097}), shapeOf({4097}), mul, rmul);
  binaryCase<bf16>("mul", shapeOf({33, 65}), shapeOf({33, 65}), mul, rmul);
  binaryCase<f16>("mul", shapeOf({1001}), shapeOf({1001}), mul, rmul, -2, 2, 3);
  // A scalar operand (flat with a broadcast element).
  binaryCase<float>("mul", shapeOf({2, 513}), shapeOf({1}), mul, rmul);
  binaryCase<bf16>("add", shapeOf({1}), shapeOf({3, 3, 37}), add, radd);
  // Broadcasting, ranks 2..5.
  binaryCase<float>("add", shapeOf({3, 1, 5}), shapeOf({4, 1}), add, radd);
  binaryCase<float>("mul", shapeOf({2, 3, 1, 5, 7}), shapeOf({3, 4, 1, 7}), mul, rmul);
  binaryCase<f16>("add", shapeOf({37, 129}), shapeOf({129}), add, radd);
  binaryCase<bf16>("mul", shapeOf({5, 1, 9, 1}), shapeOf({1, 6, 1, 11}), mul, rmul);
  binaryCase<double>("add", shapeOf({17, 3}), shapeOf({17, 1}), add, radd);
  // Row broadcasts on the vector path (bias rows, per-row scales).
  binaryCase<f16>("add", shapeOf({37, 128}), shapeOf({128}), add, radd);
  binaryCase<float>("mul", shapeOf({33, 64}), shapeOf({33, 1}), mul, rmul);
  binaryCase<bf16>("add", shapeOf({5, 1, 9, 8}), shapeOf({1, 6, 1, 8}), add, radd);
  binaryCase<float>("add", shapeOf({2, 3, 1, 8}), shapeOf({2, 1, 5, 8}), add, radd);
  binaryCase<f16, bool>("lt", shapeOf({3, 16}), shapeOf({3, 1}),
                        [] LLMK_FN(auto a, auto b) { return a < b; },
                        [](double a, double b) { return double(a < b); });
  // Division, max/min with NaN rules, comparisons (bool out).
  binaryCase<float>("div", shapeOf({999}), shapeOf({999}),
                    [] LLMK_FN(auto a, auto b) { return llmk::safeDiv(a, b); },
                    [](double a, double b) { return a / b; }, 0.5, 3);
  binaryCase<float>("max", shapeOf({4, 77}), shapeOf({77}),
                    [] LLMK_FN(auto a, auto b) { return (a > b || a != a) ? a : b; },
                    [](double a, double b) { return std::max(a, b); });
  binaryCase<float, bool>("lt", shapeOf({6, 1, 31}), shapeOf({5, 31}),
                          [] LLMK_FN(auto a, auto b) { return a < b; },
                          [](double a, double b) { return double(a < b); });
  binaryCase<f16, bool>("ge", shapeOf({1025}), shapeOf({1025}),
                        [] LLMK_FN(auto a, auto b) { return a >= b; },
                        [](double a, double b) { return double(a >= b); });
  // Integers.
  binaryCase<int32_t>("floorMod", shapeOf({3, 101}), shapeOf({101}),
                      [] LLMK_FN(auto a, auto b) { return llmk::floorMod(a, b); },
                      [](double a, double b) {
                        if (b == 0) return 0.0;
                        double r = std::fmod(a, b);
                        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
                      },
                      -50, 50);
  binaryCase<int64_t>("safeDiv", shapeOf({2, 3, 4, 5, 9}), shapeOf({9}),
                      [] LLMK_FN(auto a, auto b) { return llmk::safeDiv(a, b); },
                      [](double a, double b) { return b == 0 ? 0.0 : std::trunc(a / b); }, -1000,
                      1000);
  binaryCase<int32_t>("power", shapeOf({211}), shapeOf({211}),
                      [] LLMK_FN(auto a, auto b) { return llmk::power(a, b); },
                      [](double a, double b) { return b < 0 ? (a == 1 ? 1 : 0) : std::pow(a, b); },
                      0, 6);
  binaryCase<float>("pow", shapeOf({211}), shapeOf({1}),
                    [] LLMK_FN(auto a, auto b) { return llmk::power(a, b); },
                    [](double a, double b) { return std::pow(a, b); }, 0.1, 2);

  // Unary math.
  unaryCase<float>("vexp", 100003, [] LLMK_FN(auto a) { return llmk::vexp(a); },
                   [](double a) { return std::exp(a); }, -10, 10);
  unaryCase<float>("vtanh", 1003, [] LLMK_FN(auto a) { return llmk::vtanh(a); },
                   [](double a) { return std::tanh(a); });
  unaryCase<float>("verf", 1003, [] LLMK_FN(auto a) { return llmk::verf(a); },
                   [](double a) { return std::erf(a); });
  unaryCase<float>("gelu", 4099, [] LLMK_FN(auto a) { return llmk::gelu(a); }, gelu);
  unaryCase<f16>("gelu", 4099, [] LLMK_FN(auto a) { return llmk::gelu(a); }, gelu);
  unaryCase<bf16>("geluTanh", 3001, [] LLMK_FN(auto a) { return llmk::geluTanh(a); }, geluTanh);
  unaryCase<float>("geluTanh", 3001, [] LLMK_FN(auto a) { return llmk::geluTanh(a); }, geluTanh);
  unaryCase<bf16>("silu", 777, [] LLMK_FN(auto a) { return a * llmk::sigmoid(a); },
                  [](double a) { return a * sigmoid(a); });
  unaryCase<double>("sigmoid", 777, [] LLMK_FN(auto a) { return llmk::sigmoid(a); }, sigmoid);
  unaryCase<float>("sqrt", 555, [] LLMK_FN(auto a) { return llmk::sqrt(a); },
                   [](double a) { return std::sqrt(a); }, 0, 100);
  unaryCase<float>("rsqrt", 555, [] LLMK_FN(auto a) { return 1 / llmk::sqrt(a); },
                   [](double a) { return 1 / std::sqrt(a); }, 0.01, 100);
  unaryCase<double>("log", 555, [] LLMK_FN(auto a) { return llmk::log(a); },
                    [](double a) { return std::log(a); }, 0.01, 100);
  unaryCase<float>("sin", 555, [] LLMK_FN(auto a) { return llmk::sin(a); },
                   [](double a) { return std::sin(a); }, -10, 10);
  unaryCase<f16>("cos", 555, [] LLMK_FN(auto a) { return llmk::cos(a); },
                 [](double a) { return std::cos(a); }, -10, 10);
  unaryCase<float>("floor", 555, [] LLMK_FN(auto a) { return llmk::floor(a); },
                   [](double a) { return std::floor(a); }, -10, 10);
  unaryCase<float>("ceil", 555, [] LLMK_FN(auto a) { return llmk::ceil(a); },
                   [](double a) { return std::ceil(a); }, -10, 10);
  unaryCase<float>("nearbyint", 555, [] LLMK_FN(auto a) { return llmk::nearbyint(a); },
                   [](double a) { return std::nearbyint(a); }, -10, 10);
  unaryCase<int32_t, double>("sqrt(int)", 99, [] LLMK_FN(auto a) { return llmk::sqrt(a); },
                             [](double a) { return std::sqrt(a); }, 0, 1000);
  unaryCase<float>("relu", 1023, [] LLMK_FN(auto a) { return a > 0 ? a : decltype(a)(0); },
                   [](double a) { return a > 0 ? a : 0; });
  unaryCase<float>("abs", 1023, [] LLMK_FN(auto a) { return a < 0 ? -a : a; },
                   [](double a) { return std::fabs(a); });
  // Casts: saturating float->int, NaN->0, bool, 16-bit floats, int4 wrap.
  unaryCase<float, int8_t>("cast", 1001, [] LLMK_FN(auto a) { return a; },
                           [](double a) { return std::max(-128.0, std::min(127.0, std::trunc(a))); },
                           -300, 300);
  unaryCase<float, bool>("cast", 1001, [] LLMK_FN(auto a) { return a; },
                         [](double a) { return double(a != 0); }, -1, 1);
  unaryCase<f16, float>("cast", 1001, [] LLMK_FN(auto a) { return a; }, [](double a) { return a; });
  unaryCase<float, bf16>("cast", 1001, [] LLMK_FN(auto a) { return a; }, [](double a) { return a; });
  unaryCase<bf16, int32_t>("cast", 1001, [] LLMK_FN(auto a) { return a; },
                           [](double a) { return std::trunc(a); }, -100, 100);
  unaryCase<int32_t, int8_t>("wrapInt<4,true>", 333,
                             [] LLMK_FN(auto a) { return llmk::wrapInt<4, true>(a); },
                             [](double a) {
                               int64_t b = int64_t(a) & 15;
                               return double(b >= 8 ? b - 16 : b);
                             },
                             -100, 100);
  {
    // NaN and infinities to integers saturate (NaN -> 0), as on the CPU.
    std::vector<float> h = {NAN, INFINITY, -INFINITY, 3e9f, -3e9f, 2.7f, -2.7f};
    Dev<float> a(h);
    Dev<int32_t> o(h.size());
    Shape s = shapeOf({(int64_t)h.size()});
    llmk::elementwise(s, o.p, [] LLMK_FN(auto x) { return x; }, llmk::in(a.p, s));
    check("cast f32->i32 saturating", o.getD(),
          {0, 2147483647.0, -2147483648.0, 2147483647.0, -2147483648.0, 2, -2}, 0);
  }
  // SiLU(gate) * up with gate and up the halves of one merged [rows, 2F]
  // projection read in place (In::rowStride = 2F, llm-plan-memory's split
  // views): F = 64 takes the 16-byte vector path, F = 13 (rows not
  // 16-byte aligned) the strided one; the other half must not leak in.
  for (int64_t f : {64, 13}) {
    const int64_t rows = 37;
    auto hm = randVec<f16>(rows * 2 * f);
    Dev<f16> m(hm);
    Dev<f16> o(rows * f);
    const Shape so = shapeOf({rows, f});
    llmk::elementwise(so, o.p, [] LLMK_FN(auto g, auto u) { return g / (1.f + expf(-g)) * u; },
                      llmk::in(m.p, so, 2 * f), llmk::in(m.p + f, so, 2 * f));
    std::vector<double> want(rows * f);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < f; ++j) {
        const double g = toD(hm[r * 2 * f + j]), u = toD(hm[r * 2 * f + f + j]);
        want[r * f + j] = toD(fromD<f16>(g * sigmoid(g) * u));
      }
    check("swiglu of row-strided views f16 F=" + std::to_string(f), o.getD(), want, tolFor<f16>());
  }
  {
    // Where: three operands, broadcast condition.
    Shape sc = shapeOf({5, 1}), sx = shapeOf({5, 33}), sy = shapeOf({33});
    auto hc = randVec<bool>(5, 0, 1);
    auto hx = randVec<f16>(5 * 33), hy = randVec<f16>(33);
    Dev<bool> c(hc);
    Dev<f16> x(hx), y(hy), o(5 * 33);
    llmk::elementwise(sx, o.p, [] LLMK_FN(auto a, auto b, auto cc) { return a ? b : cc; },
                      llmk::in(c.p, sc), llmk::in(x.p, sx), llmk::in(y.p, sy));
    std::vector<double> want(5 * 33);
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 33; ++j)
        want[i * 33 + j] = hc[i] ? toD(hx[i * 33 + j]) : toD(hy[j]);
    check("where bool/f16 [5,1]?[5,33]:[33]", o.getD(), want, 1e-3);
  }
  {
    // A fused region as the emitter writes it: inner plain lambdas, converts.
    Shape s = shapeOf({3, 1000});
    auto hx = randVec<f16>(3000), hy = randVec<f16>(1000);
    Dev<f16> x(hx), y(hy), o(3000);
    llmk::elementwise(
        s, o.p,
        [] LLMK_FN(auto x0, auto x1) {
          const auto t0 = llmk::load(llmk::convert<f16>([](auto a, auto b) { return a * b; }(x0, x1)));
          const auto t1 = llmk::load(llmk::convert<f16>([](auto a) { return llmk::gelu(a); }(t0)));
          const auto t2 = llmk::load(llmk::convert<float>([](auto a) { return a + 1; }(t1)));
          return t2;
        },
        llmk::in(x.p, s), llmk::in(y.p, shapeOf({1000})));
    std::vector<double> want(3000);
    for (int i = 0; i < 3000; ++i) {
      double t0 = toD(fromD<f16>(toD(hx[i]) * toD(hy[i % 1000])));
      double t1 = toD(fromD<f16>(gelu(t0)));
      want[i] = t1 + 1;
    }
    check("fused region f16 (x*y -> gelu -> +1)", o.getD(), want, 1e-2);
  }
}

//===----------------------------------------------------------------------===//
// Movement
//===----------------------------------------------------------------------===//

template <typename T> void transposeCase(Shape s, std::vector<int64_t> perm) {
  auto h = randVec<T>(s.numel());
  Dev<T> x(h), o(s.numel());
  llmk::transpose(llmk::in(x.p, s), o.p, perm.data());
  Shape so;
  so.rank = s.rank;
  for (int i = 0; i < s.rank; ++i)
    so.d[i] = s.d[perm[i]];
  auto st = stridesOf(s);
  std::vector<double> want(s.numel());
  for (int64_t e = 0; e < so.numel(); ++e) {
    auto c = unravel(e, so);
    int64_t off = 0;
    for (int i = 0; i < s.rank; ++i)
      off += c[i] * st[perm[i]];
    want[e] = toD(h[off]);
  }
  std::string p;
  for (auto v : perm)
    p += std::to_string(v);
  check(std::string("transpose ") + typeName<T>() + " " + shapeStr(s) + " perm " + p, o.getD(), want, 0);
}

template <typename T> void sliceCase(Shape s, std::vector<int64_t> starts, std::vector<int64_t> ends,
                                     std::vector<int64_t> steps) {
  auto h = randVec<T>(s.numel());
  Dev<T> x(h);
  Shape so;
  so.rank = s.rank;
  std::vector<int64_t> first(s.rank);
  for (int i = 0; i < s.rank; ++i) {
    so.d[i] = llmk::sliceLength(s.d[i], starts[i], ends[i], steps[i]);
    first[i] = llmk::sliceStart(s.d[i], starts[i], steps[i]);
  }
  Dev<T> o(so.numel());
  llmk::slice(llmk::in(x.p, s), so, o.p, first.data(), steps.data());
  auto st = stridesOf(s);
  std::vector<double> want(so.numel());
  for (int64_t e = 0; e < so.numel(); ++e) {
    auto c = unravel(e, so);
    int64_t off = 0;
    for (int i = 0; i < s.rank; ++i)
      off += (first[i] + c[i] * steps[i]) * st[i];
    want[e] = toD(h[off]);
  }
  check(std::string("slice ") + typeName<T>() + " " + shapeStr(s) + " -> " + shapeStr(so), o.getD(),
        want, 0);
}

template <typename T, typename I> void gatherCase(int64_t outer, int64_t len, int64_t inner, int64_t count) {
  auto h = randVec<T>(outer * len * inner);
  std::vector<I> idx(count);
  for (auto &i : idx)
    i = static_cast<I>(randint(-len, len - 1));
  Dev<T> x(h), o(outer * count * inner);
  Dev<I> di(idx);
  bool ok = llmk::gather(x.p, outer, len, inner, di.p, count, o.p);
  std::vector<double> want(outer * count * inner);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < count; ++i) {
      int64_t j = idx[i] < 0 ? idx[i] + len : idx[i];
      for (int64_t k = 0; k < inner; ++k)
        want[(a * count + i) * inner + k] = toD(h[(a * len + j) * inner + k]);
    }
  check(std::string("gather ") + typeName<T>() + "/" + typeName<I>() + " [" + std::to_string(outer) +
            "," + std::to_string(len) + "," + std::to_string(inner) + "] count " +
            std::to_string(count),
        ok ? o.getD() : std::vector<double>{}, want, 0);
}

void testMovement(RunContext &rc) {
  transposeCase<float>(shapeOf({2, 33, 5, 17}), {0, 2, 1, 3});
  transposeCase<float>(shapeOf({3, 8, 4, 16}), {0, 2, 1, 3}); // widened units
  transposeCase<f16>(shapeOf({3, 67, 129}), {0, 2, 1});       // tiled 2-D
  transposeCase<float>(shapeOf({100, 37}), {1, 0});
  transposeCase<bf16>(shapeOf({2, 3, 4, 5, 6}), {4, 2, 0, 3, 1});
  transposeCase<int64_t>(shapeOf({5, 7, 3}), {2, 1, 0});
  transposeCase<int8_t>(shapeOf({40, 1, 50}), {2, 1, 0});
  transposeCase<float>(shapeOf({9}), {0});

  // concat of 3 pieces along axis 1 of [5, *, 7] and along axis 0.
  for (int axis = 0; axis < 2; ++axis) {
    std::vector<int64_t> lens = {3, 4, 2};
    int64_t total = 9, outer = axis == 0 ? 1 : 5, inner = axis == 0 ? 5 * 7 : 7;
    Dev<f16> o(outer * total * inner);
    std::vector<double> want(outer * total * inner);
    int64_t off = 0;
    std::vector<std::unique_ptr<Dev<f16>>> keep;
    for (int64_t len : lens) {
      auto h = randVec<f16>(outer * len * inner);
      keep.emplace_back(new Dev<f16>(h));
      llmk::concatPiece(keep.back()->p, outer, len, inner, o.p, total, off);
      for (int64_t a = 0; a < outer; ++a)
        for (int64_t j = 0; j < len * inner; ++j)
          want[(a * total + off) * inner + j] = toD(h[a * len * inner + j]);
      off += len;
    }
    check("concatPiece f16 axis " + std::to_string(axis), o.getD(), want, 0);
  }

  sliceCase<float>(shapeOf({5, 9, 13}), {1, 2, 0}, {4, 9, 13}, {1, 3, 1});
  sliceCase<f16>(shapeOf({5, 9, 13}), {-1, 0, 12}, {-100, 9, 0}, {-2, 1, -3});
  sliceCase<bf16>(shapeOf({101}), {1, 0, 0}, {100, 0, 0}, {2, 1, 1});
  sliceCase<float>(shapeOf({4, 6, 8, 16}), {0, 1, 0, 4}, {4, 5, 8, 12}, {1, 1, 1, 1});
  sliceCase<int64_t>(shapeOf({2, 3, 4, 5, 6}), {1, 0, 1, 0, 5}, {2, 3, 4, 5, -7}, {1, 2, 2, 1, -2});

  // tile
  {
    Shape s = shapeOf({2, 3, 5}), so = shapeOf({4, 3, 15});
    auto h = randVec<bf16>(s.numel());
    Dev<bf16> x(h), o(so.numel());
    llmk::tile(llmk::in(x.p, s), so, o.p);
    std::vector<double> want(so.numel());
    for (int64_t e = 0; e < so.numel(); ++e) {
      auto c = unravel(e, so);
      want[e] = toD(h[((c[0] % 2) * 3 + c[1] % 3) * 5 + c[2] % 5]);
    }
    check("tile bf16 [2,3,5] -> [4,3,15]", o.getD(), want, 0);
  }
  // trilu
  for (int upper = 0; upper < 2; ++upper) {
    Shape s = shapeOf({3, 7, 9});
    auto h = randVec<float>(s.numel());
    Dev<float> x(h), o(s.numel());
    const int64_t k = upper ? 1 : -1;
    llmk::trilu(llmk::in(x.p, s), o.p, upper, k);
    std::vector<double> want(s.numel());
    for (int64_t e = 0; e < s.numel(); ++e) {
      int64_t j = e % 9, i = (e / 9) % 7;
      bool keep = upper ? (j - i >= k) : (j - i <= k);
      want[e] = keep ? h[e] : 0;
    }
    check(std::string("trilu f32 ") + (upper ? "upper k=1" : "lower k=-1"), o.getD(), want, 0);
  }

  gatherCase<float, int64_t>(4, 10, 13, 6);
  gatherCase<float, int32_t>(3, 50257, 8, 11); // 16-byte units
  gatherCase<f16, int64_t>(1, 1000, 768, 37);  // embedding lookup
  gatherCase<bf16, int64_t>(7, 5, 1, 3);
  {
    // Out of range: the error flag, zeros, and true.
    rc.clearFlag();
    std::vector<float> h = randVec<float>(20);
    std::vector<int64_t> idx = {1, 12, -2};
    Dev<float> x(h), o(3 * 2);
    Dev<int64_t> di(idx);
    bool ok = llmk::gather(x.p, 1, 10, 2, di.p, 3, o.p);
    auto got = o.getD();
    int32_t flag = rc.readFlag();
    checkTrue("gather out of range sets the error flag", ok && flag == LLM_CUDA_ERROR_INDEX_OUT_OF_RANGE &&
                                                             got[2] == 0 && got[3] == 0 && got[0] == h[2],
              "flag " + std::to_string(flag));
    rc.clearFlag();
  }
  // gatherElements: x [4,5,6], idx [4,3,6] along axis 1.
  {
    Shape sx = shapeOf({4, 5, 6}), si = shapeOf({4, 3, 6});
    auto h = randVec<float>(sx.numel());
    std::vector<int64_t> idx(si.numel());
    for (auto &i : idx)
      i = randint(-5, 4);
    Dev<float> x(h), o(si.numel());
    Dev<int64_t> di(idx);
    llmk::gatherElements(llmk::in(x.p, sx), llmk::in(di.p, si), o.p, 1);
    std::vector<double> want(si.numel());
    for (int64_t e = 0; e < si.numel(); ++e) {
      auto c = unravel(e, si);
      int64_t j = idx[e] < 0 ? idx[e] + 5 : idx[e];
      want[e] = h[(c[0] * 5 + j) * 6 + c[2]];
    }
    check("gatherElements f32 axis 1", o.getD(), want, 0);
  }
  // gatherNd, batch_dims 0 and 1.
  {
    Shape sx = shapeOf({3, 4, 5}), si = shapeOf({7, 2});
    auto h = randVec<f16>(sx.numel());
    std::vector<int64_t> idx(14);
    for (int t = 0; t < 7; ++t) {
      idx[t * 2] = randint(-3, 2);
      idx[t * 2 + 1] = randint(-4, 3);
    }
    Dev<f16> x(h), o(7 * 5);
    Dev<int64_t> di(idx);
    llmk::gatherNd(llmk::in(x.p, sx), llmk::in(di.p, si), o.p, 0);
    std::vector<double> want(35);
    for (int t = 0; t < 7; ++t) {
      int64_t a = (idx[2 * t] + 3) % 3, b = (idx[2 * t + 1] + 4) % 4;
      for (int k = 0; k < 5; ++k)
        want[t * 5 + k] = toD(h[(a * 4 + b) * 5 + k]);
    }
    check("gatherNd f16 batch_dims 0", o.getD(), want, 0);
  }
  {
    Shape sx = shapeOf({2, 3, 4, 5}), si = shapeOf({2, 6, 1});
    auto h = randVec<float>(sx.numel());
    std::vector<int32_t> idx(12);
    for (auto &i : idx)
      i = static_cast<int32_t>(randint(0, 2));
    Dev<float> x(h), o(2 * 6 * 20);
    Dev<int32_t> di(idx);
    llmk::gatherNd(llmk::in(x.p, sx), llmk::in(di.p, si), o.p, 1);
    std::vector<double> want(240);
    for (int b = 0; b < 2; ++b)
      for (int t = 0; t < 6; ++t)
        for (int k = 0; k < 20; ++k)
          want[(b * 6 + t) * 20 + k] = h[(b * 3 + idx[b * 6 + t]) * 20 + k];
    check("gatherNd f32 batch_dims 1", o.getD(), want, 0);
  }
  // scatterNd: unique tuples (none), duplicates (add, max).
  for (int mode = 0; mode < 3; ++mode) {
    Shape sx = shapeOf({6, 4, 3}), si = shapeOf({5, 2});
    auto h = randVec<float>(sx.numel());
    std::vector<int64_t> idx;
    if (mode == 0)
      idx = {0, 1, 5, 3, -1, 0, 2, 2, 3, -4};
    else
      idx = {0, 1, 0, 1, 5, 3, 0, 1, 2, 2};
    auto upd = randVec<float>(5 * 3);
    Dev<float> x(h), o(sx.numel()), du(upd);
    Dev<int64_t> di(idx);
    auto red = mode == 0 ? llmk::ScatterReduction::None
                         : (mode == 1 ? llmk::ScatterReduction::Add : llmk::ScatterReduction::Max);
    llmk::scatterNd(llmk::in(x.p, sx), llmk::in(di.p, si), du.p, o.p, red);
    std::vector<double> want(h.begin(), h.end());
    for (int t = 0; t < 5; ++t) {
      int64_t a = (idx[2 * t] + 6) % 6, b = (idx[2 * t + 1] + 4) % 4;
      for (int k = 0; k < 3; ++k) {
        double &d = want[(a * 4 + b) * 3 + k];
        double u = upd[t * 3 + k];
        d = mode == 0 ? u : (mode == 1 ? double(float(d + u)) : std::max(d, u));
      }
    }
    check(std::string("scatterNd f32 ") + (mode == 0 ? "none" : mode == 1 ? "add dup" : "max dup"),
          o.getD(), want, 1e-6);
  }
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

template <typename T>
void reduceCase(Shape s, std::vector<bool> axes, llmk::ReduceKind kind, double lo = -2, double hi = 2) {
  auto h = randVec<T>(s.numel(), lo, hi);
  Dev<T> x(h);
  int64_t outN = 1;
  for (int i = 0; i < s.rank; ++i)
    if (!axes[i])
      outN *= s.d[i];
  Dev<T> o(outN);
  bool flags[llmk::kMaxRank];
  for (int i = 0; i < s.rank; ++i)
    flags[i] = axes[i];
  llmk::reduce(llmk::in(x.p, s), o.p, flags, kind);
  std::vector<double> acc(outN), cnt(outN, 0);
  const bool isMax = kind == llmk::ReduceKind::Max, isMin = kind == llmk::ReduceKind::Min;
  for (auto &a : acc)
    a = kind == llmk::ReduceKind::Prod ? 1 : (isMax ? -INFINITY : (isMin ? INFINITY : 0));
  for (int64_t e = 0; e < s.numel(); ++e) {
    auto c = unravel(e, s);
    int64_t o2 = 0;
    for (int i = 0; i < s.rank; ++i)
      if (!axes[i])
        o2 = o2 * s.d[i] + c[i];
    double v = toD(h[e]);
    switch (kind) {
    case llmk::ReduceKind::Sum:
    case llmk::ReduceKind::Mean: acc[o2] += v; break;
    case llmk::ReduceKind::Prod: acc[o2] *= v; break;
    case llmk::ReduceKind::Max: acc[o2] = std::max(acc[o2], v); break;
    case llmk::ReduceKind::Min: acc[o2] = std::min(acc[o2], v); break;
    }
    cnt[o2] += 1;
  }
  std::vector<double> want(outN);
  for (int64_t i = 0; i < outN; ++i) {
    double v = kind == llmk::ReduceKind::Mean ? acc[i] / cnt[i] : acc[i];
    if constexpr (std::is_integral_v<T>)
      v = kind == llmk::ReduceKind::Mean ? std::trunc(acc[i] / cnt[i]) : v;
    want[i] = toD(fromD<T>(v));
  }
  static const char *names[] = {"Sum", "Mean", "Max", "Min", "Prod"};
  std::string ax;
  for (int i = 0; i < s.rank; ++i)
    if (axes[i])
      ax += std::to_string(i);
  check(std::string("reduce") + names[int(kind)] + " " + typeName<T>() + " " + shapeStr(s) +
            " axes " + ax,
        o.getD(), want, tolFor<T>());
}

template <typename T> void softmaxCase(int64_t outer, int64_t len, int64_t inner, bool logSm,
                                       bool negInfRow = false) {
  const int64_t n = outer * len * inner;
  auto h = randVec<T>(n, -8, 8);
  if (negInfRow)
    for (int64_t j = 0; j < len; ++j)
      h[j * inner] = fromD<T>(-INFINITY);
  Dev<T> x(h), o(n);
  llmk::softmax(x.p, o.p, outer, len, inner, logSm);
  std::vector<double> want(n);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < inner; ++i) {
      double m = -INFINITY, s = 0;
      for (int64_t j = 0; j < len; ++j)
        m = std::max(m, toD(h[(a * len + j) * inner + i]));
      for (int64_t j = 0; j < len; ++j)
        s += std::exp(toD(h[(a * len + j) * inner + i]) - m);
      for (int64_t j = 0; j < len; ++j) {
        double v = toD(h[(a * len + j) * inner + i]) - m;
        want[(a * len + j) * inner + i] =
            std::isinf(m) && m < 0 ? NAN : toD(fromD<T>(logSm ? v - std::log(s) : std::exp(v) / s));
      }
    }
  check(std::string(logSm ? "logSoftmax " : "softmax ") + typeName<T>() + " [" +
            std::to_string(outer) + "," + std::to_string(len) + "," + std::to_string(inner) + "]" +
            (negInfRow ? " -inf row" : ""),
        o.getD(), want, tolFor<T>());
}

/// fusedLayerNorm of a prologue over [batch, seq, cols] operands x and r and
/// a third operand c: a [cols] bias added (x + r + c), or, with rowScale, a
/// [batch, seq, 1] value per row multiplying the sum ((x + r) * c). The sum
/// is written out when withSum is set (the residual stream).
template <typename T>
void fusedLayerNormCase(int64_t batch, int64_t seq, int64_t cols, bool subtractMean, bool withSum,
                        bool rowScale, size_t misalign = 0) {
  const int64_t rows = batch * seq, n = rows * cols;
  const Shape sx = shapeOf({batch, seq, cols});
  const Shape sc = rowScale ? shapeOf({batch, seq, 1}) : shapeOf({cols});
  auto hx = randVec<T>(n, -3, 5), hr = randVec<T>(n);
  auto hc = rowScale ? randVec<T>(rows, 0.5, 2) : randVec<T>(cols);
  auto hs = randVec<T>(cols, 0.5, 1.5), hb = randVec<T>(cols);
  Dev<T> x(hx, misalign), r(hr, misalign), c(hc), s(hs), b(hb), o(n, misalign), sum(n, misalign);
  const float eps = 1e-5f;
  if (rowScale)
    llmk::fusedLayerNorm<T>(sx, o.p, withSum ? sum.p : nullptr,
                            [] LLMK_FN(auto a, auto bb, auto cc) { return (a + bb) * cc; }, s.p,
                            cols, b.p, cols, eps, subtractMean, llmk::in(x.p, sx),
                            llmk::in(r.p, sx), llmk::in(c.p, sc));
  else
    llmk::fusedLayerNorm<T>(sx, o.p, withSum ? sum.p : nullptr,
                            [] LLMK_FN(auto a, auto bb, auto cc) { return a + bb + cc; }, s.p, cols,
                            b.p, cols, eps, subtractMean, llmk::in(x.p, sx), llmk::in(r.p, sx),
                            llmk::in(c.p, sc));
  // The prologue rounded to T (as the kernel and the unfused program store
  // it), then the norm in double.
  std::vector<double> h(n), want(n);
  for (int64_t i = 0; i < n; ++i) {
    const double a = toD(hx[i]) + toD(hr[i]);
    h[i] = toD(fromD<T>(rowScale ? a * toD(hc[i / cols]) : a + toD(hc[i % cols])));
  }
  for (int64_t row = 0; row < rows; ++row) {
    double mean = 0, var = 0;
    if (subtractMean) {
      for (int64_t j = 0; j < cols; ++j)
        mean += h[row * cols + j];
      mean /= cols;
    }
    for (int64_t j = 0; j < cols; ++j)
      var += (h[row * cols + j] - mean) * (h[row * cols + j] - mean);
    var /= cols;
    const double inv = 1 / std::sqrt(var + eps);
    for (int64_t j = 0; j < cols; ++j)
      want[row * cols + j] =
          toD(fromD<T>((h[row * cols + j] - mean) * inv * toD(hs[j]) + toD(hb[j])));
  }
  const std::string name = std::string(subtractMean ? "fusedLayerNorm " : "fusedRmsNorm ") +
                           typeName<T>() + " " + std::to_string(rows) + "x" +
                           std::to_string(cols) + (rowScale ? " row scale" : " bias") +
                           (misalign ? " misaligned" : "");
  check(name, o.getD(), want, tolFor<T>());
  if (withSum)
    check(name + " sum", sum.getD(), h, tolFor<T>());
}

template <typename T> void layerNormCase(int64_t rows, int64_t cols, bool subtractMean, int scaleMode,
                                         int biasMode, size_t misalign = 0) {
  // scaleMode/biasMode: 0 none, 1 one element, 2 cols elements.
  auto h = randVec<T>(rows * cols, -3, 5);
  auto hs = randVec<T>(scaleMode == 2 ? cols : 1, 0.5, 1.5), hb = randVec<T>(biasMode == 2 ? cols : 1);
  Dev<T> x(h, misalign), o(rows * cols, misalign), s(hs), b(hb);
  const float eps = 1e-5f;
  llmk::layerNorm<T>(x.p, scaleMode ? s.p : nullptr, scaleMode == 2 ? cols : 1,
                     biasMode ? b.p : nullptr, biasMode == 2 ? cols : 1, o.p, rows, cols, eps,
                     subtractMean);
  std::vector<double> want(rows * cols);
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    if (subtractMean) {
      for (int64_t j = 0; j < cols; ++j)
        mean += toD(h[r * cols + j]);
      mean /= cols;
    }
    for (int64_t j = 0; j < cols; ++j) {
      double c = toD(h[r * cols + j]) - mean;
      var += c * c;
    }
    var /= cols;
    const double inv = 1 / std::sqrt(var + eps);
    for (int64_t j = 0; j < cols; ++j) {
      double v = (toD(h[r * cols + j]) - mean) * inv;
      if (scaleMode)
        v *= toD(hs[scaleMode == 2 ? j : 0]);
      if (biasMode)
        v += toD(hb[biasMode == 2 ? j : 0]);
      want[r * cols + j] = toD(fromD<T>(v));
    }
  }
  check(std::string(subtractMean ? "layerNorm " : "rmsNorm ") + typeName<T>() + " " +
            std::to_string(rows) + "x" + std::to_string(cols) + " scale" +
            std::to_string(scaleMode) + " bias" + std::to_string(biasMode) +
            (misalign ? " misaligned" : ""),
        o.getD(), want, tolFor<T>());
}

template <typename T> void argmaxCase(Shape s, int axis, bool last, bool ties) {
  auto h = ties ? randVec<T>(s.numel(), -3, 3) : randVec<T>(s.numel());
  if (ties)
    for (auto &v : h)
      v = fromD<T>(std::round(toD(v)));
  Dev<T> x(h);
  const int64_t outer = s.span(0, axis), len = s.d[axis], inner = s.span(axis + 1, s.rank);
  Dev<int64_t> o(outer * inner);
  llmk::argmax(llmk::in(x.p, s), o.p, axis, last);
  std::vector<double> want(outer * inner);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      for (int64_t j = 1; j < len; ++j) {
        double v = toD(h[(a * len + j) * inner + i]), b = toD(h[(a * len + best) * inner + i]);
        if (v > b || (last && v == b))
          best = j;
      }
      want[a * inner + i] = best;
    }
  check(std::string("argmax ") + typeName<T>() + " " + shapeStr(s) + " axis " + std::to_string(axis) +
            (last ? " last" : "") + (ties ? " ties" : ""),
        o.getD(), want, 0);
}

template <typename T> void topkCase(int64_t outer, int64_t len, int64_t inner, int64_t k, bool largest) {
  auto h = randVec<T>(outer * len * inner, -3, 3);
  for (size_t i = 0; i < h.size(); i += 3)
    h[i] = fromD<T>(std::round(toD(h[i]) * 2)); // ties
  Dev<T> x(h), v(outer * k * inner);
  Dev<int64_t> ix(outer * k * inner);
  llmk::topk(x.p, outer, len, inner, k, largest, v.p, ix.p);
  std::vector<double> wantV(outer * k * inner), wantI(outer * k * inner);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < inner; ++i) {
      std::vector<int64_t> order(len);
      std::iota(order.begin(), order.end(), 0);
      auto at = [&](int64_t j) { return toD(h[(a * len + j) * inner + i]); };
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t p, int64_t q) { return largest ? at(p) > at(q) : at(p) < at(q); });
      for (int64_t j = 0; j < k; ++j) {
        wantV[(a * k + j) * inner + i] = at(order[j]);
        wantI[(a * k + j) * inner + i] = order[j];
      }
    }
  std::string name = std::string("topk ") + typeName<T>() + " [" + std::to_string(outer) + "," +
                     std::to_string(len) + "," + std::to_string(inner) + "] k=" + std::to_string(k) +
                     (largest ? " largest" : " smallest");
  check(name + " values", v.getD(), wantV, 0);
  check(name + " indices", ix.getD(), wantI, 0);
}

template <typename T> void cumsumCase(int64_t outer, int64_t len, int64_t inner, bool exclusive,
                                      bool reverse) {
  auto h = randVec<T>(outer * len * inner);
  Dev<T> x(h), o(h.size());
  llmk::cumsum(x.p, o.p, outer, len, inner, exclusive, reverse);
  // Prefix sums accumulate in the compute type (float for f32, as on the
  // CPU), so the error of a partial sum grows with the magnitudes summed, not
  // with the (possibly cancelled) sum: compare in units of the running sum of
  // |x| (at least 1).
  std::vector<double> want(h.size()), scale(h.size());
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < inner; ++i) {
      double acc = 0, mag = 0;
      for (int64_t jj = 0; jj < len; ++jj) {
        int64_t j = reverse ? len - 1 - jj : jj, at = (a * len + j) * inner + i;
        if (exclusive) {
          want[at] = acc;
          scale[at] = std::max(1.0, mag);
          acc += toD(h[at]);
          mag += std::fabs(toD(h[at]));
        } else {
          acc += toD(h[at]);
          mag += std::fabs(toD(h[at]));
          want[at] = acc;
          scale[at] = std::max(1.0, mag);
        }
      }
    }
  auto got = o.getD();
  for (size_t e = 0; e < got.size(); ++e) {
    got[e] /= scale[e];
    want[e] /= scale[e];
  }
  check(std::string("cumsum ") + typeName<T>() + " [" + std::to_string(outer) + "," +
            std::to_string(len) + "," + std::to_string(inner) + "]" + (exclusive ? " exclusive" : "") +
            (reverse ? " reverse" : ""),
        got, want, llmk::is16BitFloat<T> ? 1e-2 : 1e-5);
}

void testReduce() {
  using K = llmk::ReduceKind;
  reduceCase<float>(shapeOf({100003}), {true}, K::Sum);
  reduceCase<float>(shapeOf({3, 5, 7}), {false, true, false}, K::Sum);
  reduceCase<float>(shapeOf({3, 5, 7}), {true, false, true}, K::Mean);
  reduceCase<float>(shapeOf({3, 5, 700}), {false, false, true}, K::Max);
  reduceCase<float>(shapeOf({2, 3, 4, 5, 6}), {false, true, false, true, false}, K::Min);
  reduceCase<float>(shapeOf({2, 3, 4, 5, 6}), {false, false, false, false, true}, K::Prod, 0.8, 1.2);
  reduceCase<float>(shapeOf({2, 3, 4, 5, 6}), {true, false, false, false, false}, K::Sum);
  reduceCase<float>(shapeOf({2, 1, 4, 5, 66}), {true, true, false, true, true}, K::Mean);
  reduceCase<f16>(shapeOf({37, 1001}), {false, true}, K::Sum, -1, 1);
  reduceCase<bf16>(shapeOf({37, 1001}), {true, false}, K::Mean);
  reduceCase<int32_t>(shapeOf({9, 11, 13}), {false, true, true}, K::Sum, -100, 100);
  reduceCase<int64_t>(shapeOf({9, 11, 13}), {true, false, false}, K::Max, -100, 100);
  reduceCase<double>(shapeOf({9, 11, 13}), {false, false, true}, K::Mean);
  reduceCase<float>(shapeOf({4, 1, 6}), {false, true, false}, K::Sum); // only a dim of 1
  reduceCase<float>(shapeOf({3001, 70}), {true, false}, K::Sum);
  reduceCase<f16>(shapeOf({5, 300, 3, 40}), {false, true, true, false}, K::Max);
  reduceCase<float>(shapeOf({0, 5}), {true, false}, K::Sum);   // empty reduction: 0
  reduceCase<float>(shapeOf({0, 5}), {true, false}, K::Max);   // -inf

  argmaxCase<float>(shapeOf({5, 1000, 3}), 1, false, false);
  argmaxCase<float>(shapeOf({7, 50001}), 1, false, false);
  argmaxCase<f16>(shapeOf({3, 33, 7}), 2, true, true);
  argmaxCase<float>(shapeOf({4, 300}), 1, false, true);
  argmaxCase<int32_t>(shapeOf({6, 5, 4}), 0, true, true);

  softmaxCase<float>(37, 1000, 1, false);
  softmaxCase<float>(5, 3001, 1, false);
  softmaxCase<float>(5, 3001, 1, true);
  softmaxCase<float>(3, 17, 5, false);
  softmaxCase<float>(3, 17, 5, true);
  softmaxCase<f16>(64, 129, 1, false);
  softmaxCase<bf16>(9, 2049, 1, false);
  softmaxCase<f16>(9, 77, 1, true);
  softmaxCase<double>(4, 33, 1, false);
  softmaxCase<float>(4, 33, 1, false, true);
  softmaxCase<float>(4, 3000, 1, false, true);
  softmaxCase<f16>(50, 1024, 1, true);        // register-cached rows
  softmaxCase<bf16>(7, 2048, 1, false);
  softmaxCase<float>(3, 4, 1, false);
  softmaxCase<float>(5, 32, 1, false, true);
  softmaxCase<float>(33, 1028, 1, false);     // block-cached rows
  softmaxCase<f16>(5, 16384, 1, false);
  softmaxCase<bf16>(6, 5000, 1, true);
  softmaxCase<float>(3, 2052, 1, false, true);
  softmaxCase<float>(3, 16388, 1, false);     // beyond: uncached, 1024 threads
  softmaxCase<float>(2, 20001, 1, true);

  layerNormCase<float>(33, 768, true, 2, 2);
  layerNormCase<float>(7, 1001, true, 2, 1);
  layerNormCase<float>(7, 1000, true, 2, 2, 1);
  layerNormCase<f16>(5, 4096, true, 2, 2);
  layerNormCase<bf16>(17, 4096, false, 2, 0);
  layerNormCase<f16>(3, 37, false, 1, 0);
  layerNormCase<float>(1, 5, true, 0, 0);
  layerNormCase<bf16>(300, 64, true, 2, 2);
  layerNormCase<float>(3, 16384, true, 2, 2);  // the largest cached row
  layerNormCase<f16>(2, 20000, true, 2, 2);    // beyond: uncached
  layerNormCase<bf16>(4, 1000, true, 1, 1);
  layerNormCase<float>(9, 4100, false, 1, 0);

  fusedLayerNormCase<float>(2, 17, 768, true, true, false);   // GPT-2's residual stream
  fusedLayerNormCase<f16>(3, 5, 4096, false, true, false);    // Llama's, f16
  fusedLayerNormCase<bf16>(1, 300, 64, true, false, false);
  fusedLayerNormCase<float>(2, 3, 1000, true, false, true);   // per-row operand
  fusedLayerNormCase<f16>(1, 7, 37, true, true, false);       // odd row: element-wise kernel
  fusedLayerNormCase<float>(1, 5, 768, true, true, false, 1); // misaligned: element-wise kernel
  fusedLayerNormCase<float>(2, 2, 20000, true, true, true);   // beyond the cached row

  cumsumCase<float>(3, 100, 4, false, false);
  cumsumCase<float>(3, 100, 4, true, true);
  cumsumCase<f16>(2, 50, 1, true, false);
  cumsumCase<int64_t>(5, 7, 3, false, true);
  cumsumCase<float>(3, 5001, 1, false, false); // rows: block scan
  cumsumCase<float>(2, 1000, 1, true, true);
  cumsumCase<f16>(2, 777, 1, false, true);
  cumsumCase<int32_t>(4, 600, 1, true, false);

  topkCase<float>(6, 1000, 1, 7, true);
  topkCase<float>(6, 1000, 1, 7, false);
  topkCase<f16>(3, 50, 4, 5, true);
  topkCase<bf16>(2, 33, 1, 33, false);
  topkCase<int32_t>(4, 9, 2, 3, true);
}

//===----------------------------------------------------------------------===//
// Quantization and the small helpers
//===----------------------------------------------------------------------===//

template <typename Q, typename S>
void quantCase(int64_t outer, int64_t len, int64_t inner, int mode, bool zp, int64_t qmin, int64_t qmax) {
  // mode: 0 per tensor, 1 per axis, 2 per block of 4.
  llmk::QuantLayout l{outer, len, inner, 1, 0};
  int64_t params = 1;
  if (mode == 1) {
    l.scaleCount = len;
    params = len;
  } else if (mode == 2) {
    l.block = 4;
    params = outer * ((len + 3) / 4) * inner;
    l.scaleCount = params;
  }
  const int64_t n = outer * len * inner;
  auto hs = randVec<S>(params, 0.01, 0.1);
  std::vector<Q> hz(params);
  for (auto &z : hz)
    z = static_cast<Q>(randint(qmin / 4, qmax / 4));
  auto hx = randVec<float>(n, -6, 6);
  Dev<S> s(hs);
  Dev<Q> z(hz), q(n);
  Dev<float> x(hx), back(n);
  llmk::quantize(x.p, s.p, zp ? z.p : (const Q *)nullptr, q.p, l, qmin, qmax);
  llmk::dequantize(q.p, s.p, zp ? z.p : (const Q *)nullptr, back.p, l);
  std::vector<double> wantQ(n), wantB(n);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t j = 0; j < len; ++j)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t e = (a * len + j) * inner + i, p = l.param(a, j, i);
        double zpv = zp ? hz[p] : 0, sc = toD(hs[p]);
        double v = std::nearbyint(double(float(hx[e]) / float(sc))) + zpv;
        v = std::min<double>(std::max<double>(v, qmin), qmax);
        wantQ[e] = v;
        wantB[e] = (v - zpv) * sc;
      }
  std::string name = std::string("quantize ") + typeName<Q>() + "/" + typeName<S>() +
                     (mode == 0 ? " per tensor" : mode == 1 ? " per axis" : " per block") +
                     (zp ? " zp" : "");
  check(name, q.getD(), wantQ, 0);
  check("de" + name, back.getD(), wantB, 1e-5);
}

void testMisc() {
  quantCase<int8_t, float>(3, 10, 7, 0, true, -128, 127);
  quantCase<uint8_t, float>(3, 10, 7, 1, true, 0, 255);
  quantCase<int8_t, f16>(3, 10, 7, 2, false, -128, 127);
  quantCase<int8_t, float>(2, 9, 5, 2, true, -8, 7); // int4 range

  {
    Dev<float> p(1001);
    llmk::fill(p.p, 1001, 2.5f);
    check("fill f32", p.getD(), std::vector<double>(1001, 2.5), 0);
    Dev<bf16> b(77);
    llmk::fill(b.p, 77, llmk::convert<bf16>(-1.25));
    check("fill bf16", b.getD(), std::vector<double>(77, -1.25), 0);
  }
  {
    Dev<int64_t> r(100);
    llmk::range(r.p, 100, int64_t(-7), int64_t(3));
    std::vector<double> want(100);
    for (int i = 0; i < 100; ++i)
      want[i] = -7 + 3 * i;
    check("range i64", r.getD(), want, 0);
    Dev<float> rf(33);
    llmk::range(rf.p, 33, 0.5, 0.25);
    for (int i = 0; i < 33; ++i)
      want[i] = 0.5 + 0.25 * i;
    want.resize(33);
    check("range f32 (double start/delta)", rf.getD(), want, 0);
  }
  {
    Dev<int64_t> s(5);
    llmk::storeValues(s.p, {3, -1, 1LL << 40, 0, 7});
    check("storeValues i64", s.getD(), {3, -1, double(1LL << 40), 0, 7}, 0);
    Dev<float> f(2);
    llmk::storeValues(f.p, {4, 9});
    check("storeValues f32", f.getD(), {4, 9}, 0);
  }
  {
    auto h = randVec<float>(1234);
    Dev<float> a(h), b(1234);
    llmk::copy(b.p, a.p, 1234 * sizeof(float));
    check("copy", b.getD(), toDVec(h), 0);
  }
  {
    char err[128] = {};
    int32_t rc = llmk::end(err, sizeof err);
    checkTrue("end after all launches", rc == 0, err);
    LLMRunArgs none{};
    checkTrue("begin without a context fails", llmk::begin(&none, err, sizeof err) != 0, err);
  }
}

//===----------------------------------------------------------------------===//
// Timings (with --bench): device time per call, and the bandwidth of the
// bytes each kernel must move at least.
//===----------------------------------------------------------------------===//

template <typename Fn> void bench(RunContext &rc, const char *name, double bytes, Fn fn) {
  cudaEvent_t a, b;
  GT_CHECK(cudaEventCreate(&a));
  GT_CHECK(cudaEventCreate(&b));
  for (int i = 0; i < 3; ++i)
    fn();
  const int iters = 20;
  GT_CHECK(cudaEventRecord(a, rc.stream));
  for (int i = 0; i < iters; ++i)
    fn();
  GT_CHECK(cudaEventRecord(b, rc.stream));
  GT_CHECK(cudaEventSynchronize(b));
  float ms = 0;
  GT_CHECK(cudaEventElapsedTime(&ms, a, b));
  ms /= iters;
  std::printf("BENCH %-48s %9.3f us %8.1f GB/s\n", name, ms * 1e3, bytes / (ms * 1e-3) / 1e9);
  GT_CHECK(cudaGetLastError());
}

void runBenchmarks(RunContext &rc) {
  const int64_t M = 8192, N = 4096;
  Dev<f16> x(randVec<f16>(M * N)), y(randVec<f16>(M * N)), o(M * N), bias(randVec<f16>(N));
  Dev<float> xf(randVec<float>(M * N)), of(M * N);
  Shape s = shapeOf({M, N}), sb = shapeOf({N});
  const double e16 = double(M * N) * 2, e32 = double(M * N) * 4;
  bench(rc, "elementwise add f16 [8192,4096]", 3 * e16, [&] {
    llmk::elementwise(s, o.p, [] LLMK_FN(auto a, auto b) { return a + b; }, llmk::in(x.p, s), llmk::in(y.p, s));
  });
  bench(rc, "elementwise bias add f16 [8192,4096]+[4096]", 2 * e16, [&] {
    llmk::elementwise(s, o.p, [] LLMK_FN(auto a, auto b) { return a + b; }, llmk::in(x.p, s), llmk::in(bias.p, sb));
  });
  bench(rc, "elementwise gelu f32 [8192,4096]", 2 * e32, [&] {
    llmk::elementwise(s, of.p, [] LLMK_FN(auto a) { return llmk::gelu(a); }, llmk::in(xf.p, s));
  });
  Shape sodd = shapeOf({M, N - 1}), sbodd = shapeOf({N - 1});
  bench(rc, "elementwise bias add f16 [8192,4095] (strided)", 2 * double(M * (N - 1)) * 2, [&] {
    llmk::elementwise(sodd, o.p, [] LLMK_FN(auto a, auto b) { return a + b; }, llmk::in(x.p, sodd), llmk::in(bias.p, sbodd));
  });
  bench(rc, "softmax f16 rows [32768,1024]", 2 * e16, [&] { llmk::softmax(x.p, o.p, 32768, 1024, 1, false); });
  bench(rc, "softmax f16 rows [4096,8192]", 2 * e16, [&] { llmk::softmax(x.p, o.p, 4096, 8192, 1, false); });
  bench(rc, "softmax f16 rows [2048,16384]", 2 * e16, [&] { llmk::softmax(x.p, o.p, 2048, 16384, 1, false); });
  bench(rc, "softmax f32 rows [64,50257]", 2 * 64 * 50257 * 4.0, [&] { llmk::softmax(xf.p, of.p, 64, 50257, 1, false); });
  bench(rc, "layerNorm f16 [8192,4096]", 2 * e16, [&] {
    llmk::layerNorm<f16>(x.p, y.p, N, bias.p, N, o.p, M, N, 1e-5f, true);
  });
  bench(rc, "layerNorm f16 [32768,1024]", 2 * e16, [&] {
    llmk::layerNorm<f16>(x.p, y.p, 1024, bias.p, 1024, o.p, 32768, 1024, 1e-5f, true);
  });
  bench(rc, "rmsNorm f32 [8192,4096]", 2 * e32, [&] {
    llmk::layerNorm<float>(xf.p, xf.p, N, nullptr, 0, of.p, M, N, 1e-6f, false);
  });
  {
    static const int64_t perm[] = {0, 2, 1, 3};
    Shape st = shapeOf({16, 1024, 32, 64});
    bench(rc, "transpose f16 [16,1024,32,64] perm 0213", 2 * e16, [&] { llmk::transpose(llmk::in(x.p, st), o.p, perm); });
    static const int64_t perm2[] = {0, 2, 1};
    Shape st2 = shapeOf({256, 1024, 128});
    bench(rc, "transpose f16 [256,1024,128] perm 021", 2 * e16, [&] { llmk::transpose(llmk::in(x.p, st2), o.p, perm2); });
    static const int64_t perm3[] = {0, 2, 3, 1};
    Shape st3 = shapeOf({16, 1024, 32, 64});
    bench(rc, "transpose f16 [16,1024,32,64] perm 0231", 2 * e16, [&] { llmk::transpose(llmk::in(x.p, st3), o.p, perm3); });
  }
  {
    static const bool r1[] = {false, true}, r0[] = {true, false};
    bench(rc, "reduceSum f32 [8192,4096] axis 1", e32, [&] { llmk::reduce(llmk::in(xf.p, s), of.p, r1, llmk::ReduceKind::Sum); });
    bench(rc, "reduceSum f32 [8192,4096] axis 0", e32, [&] { llmk::reduce(llmk::in(xf.p, s), of.p, r0, llmk::ReduceKind::Sum); });
  }
  {
    Dev<int64_t> idx(randVec<int64_t>(8192, 0, 50256)), am(64);
    Dev<f16> table(randVec<f16>(50257 * 768));
    bench(rc, "gather f16 [50257,768] x 8192 rows", 2 * 8192 * 768 * 2.0, [&] {
      llmk::gather(table.p, 1, 50257, 768, idx.p, 8192, o.p);
    });
    Shape sl = shapeOf({64, 50257});
    bench(rc, "argmax f32 [64,50257]", 64 * 50257 * 4.0, [&] { llmk::argmax(llmk::in(xf.p, sl), am.p, 1, false); });
    Dev<int64_t> ti(64 * 50);
    bench(rc, "topk f32 [64,50257] k=50", 64 * 50257 * 4.0, [&] {
      llmk::topk(xf.p, 64, 50257, 1, 50, true, of.p, ti.p);
    });
  }
  bench(rc, "cumsum f32 [16,4096,1]", 2 * 16 * 4096 * 4.0, [&] { llmk::cumsum(xf.p, of.p, 16, 4096, 1, false, false); });
  bench(rc, "cumsum f32 [1,4096,4096]", 2 * e32 / 2, [&] { llmk::cumsum(xf.p, of.p, 1, 4096, 4096, false, false); });
  bench(rc, "concatPiece f16 [8192,2048] into [8192,4096]", 2 * e16 / 2, [&] {
    llmk::concatPiece(x.p, M, 2048, 1, o.p, N, 2048);
  });
}

} // namespace

int main(int argc, char **argv) {
  RunContext rc;
  testElementwise();
  testMovement(rc);
  testReduce();
  testMisc();
  GT_CHECK(cudaDeviceSynchronize());
  if (argc > 1 && std::string(argv[1]) == "--bench")
    runBenchmarks(rc);
  return finish();
}
