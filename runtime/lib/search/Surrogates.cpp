//===- Surrogates.cpp - Small models that predict an architecture's score -===//
#include "nasc/search/Surrogates.h"

#include "nasc/runtime/Space.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

using namespace nasc::search;
using nasc::runtime::Rng;
using nasc::runtime::uniformIndex;
using nasc::runtime::uniformReal;

namespace {

void standardize(const std::vector<double> &y, double &mean, double &sd) {
  mean = std::accumulate(y.begin(), y.end(), 0.0) / double(y.size());
  double v = 0;
  for (double t : y)
    v += (t - mean) * (t - mean);
  sd = std::sqrt(v / double(y.size()));
  if (!(sd > 1e-12))
    sd = 1;
}

/// A standard normal draw (Box-Muller on the runtime's generator).
double normal(Rng &rng) {
  double u = uniformReal(rng), v = uniformReal(rng);
  return std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(2.0 * M_PI * v);
}

} // namespace

float MlpEnsemble::forward(const Net &n, const Features &x, std::vector<std::vector<float>> *acts) {
  std::vector<float> a = x;
  if (acts)
    acts->assign(1, a);
  for (size_t l = 0; l < n.w.size(); ++l) {
    size_t out = n.b[l].size(), in = a.size();
    std::vector<float> z(out);
    for (size_t o = 0; o < out; ++o) {
      const float *w = &n.w[l][o * in];
      float s = n.b[l][o];
      for (size_t i = 0; i < in; ++i)
        s += w[i] * a[i];
      z[o] = (l + 1 < n.w.size()) ? std::max(s, 0.0f) : s;
    }
    a = std::move(z);
    if (acts)
      acts->push_back(a);
  }
  return a[0];
}

void MlpEnsemble::fit(const std::vector<Features> &x, const std::vector<double> &y, uint64_t seed) {
  if (x.empty())
    throw std::invalid_argument("MlpEnsemble::fit: no data");
  standardize(y, yMean_, yStd_);
  std::vector<float> t(y.size());
  for (size_t i = 0; i < y.size(); ++i)
    t[i] = float((y[i] - yMean_) / yStd_);
  size_t dim = x[0].size();
  nets_.clear();
  for (int m = 0; m < o_.models; ++m) {
    Rng rng(seed * 1000003ull + uint64_t(m));
    Net n;
    n.sizes.push_back(int(dim));
    for (int l = 0; l < o_.layers; ++l)
      n.sizes.push_back(o_.hidden);
    n.sizes.push_back(1);
    for (size_t l = 0; l + 1 < n.sizes.size(); ++l) {
      size_t in = size_t(n.sizes[l]), out = size_t(n.sizes[l + 1]);
      double scale = std::sqrt(2.0 / double(in)); // He
      std::vector<float> w(in * out);
      for (float &v : w)
        v = float(normal(rng) * scale);
      n.w.push_back(std::move(w));
      n.b.push_back(std::vector<float>(out, 0.0f));
    }
    // Adam over minibatches.
    std::vector<std::vector<float>> mw, vw, mb, vb, gw, gb;
    for (size_t l = 0; l < n.w.size(); ++l) {
      mw.emplace_back(n.w[l].size(), 0.0f), vw.emplace_back(n.w[l].size(), 0.0f);
      mb.emplace_back(n.b[l].size(), 0.0f), vb.emplace_back(n.b[l].size(), 0.0f);
      gw.emplace_back(n.w[l].size(), 0.0f), gb.emplace_back(n.b[l].size(), 0.0f);
    }
    std::vector<size_t> order(x.size());
    std::iota(order.begin(), order.end(), size_t(0));
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    int64_t step = 0;
    std::vector<std::vector<float>> acts;
    for (int e = 0; e < o_.epochs; ++e) {
      for (size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[uniformIndex(rng, i)]);
      for (size_t start = 0; start < order.size(); start += size_t(o_.batch)) {
        size_t end = std::min(order.size(), start + size_t(o_.batch));
        for (size_t l = 0; l < n.w.size(); ++l) {
          std::fill(gw[l].begin(), gw[l].end(), 0.0f);
          std::fill(gb[l].begin(), gb[l].end(), 0.0f);
        }
        for (size_t s = start; s < end; ++s) {
          float out = forward(n, x[order[s]], &acts);
          std::vector<float> delta{2.0f * (out - t[order[s]]) / float(end - start)};
          for (size_t l = n.w.size(); l-- > 0;) {
            const std::vector<float> &in = acts[l];
            std::vector<float> back(in.size(), 0.0f);
            for (size_t o = 0; o < delta.size(); ++o) {
              float d = delta[o];
              if (d == 0.0f)
                continue;
              gb[l][o] += d;
              float *g = &gw[l][o * in.size()];
              const float *w = &n.w[l][o * in.size()];
              for (size_t i = 0; i < in.size(); ++i) {
                g[i] += d * in[i];
                back[i] += d * w[i];
              }
            }
            if (l > 0)
              for (size_t i = 0; i < back.size(); ++i)
                back[i] = in[i] > 0 ? back[i] : 0.0f; // ReLU of the layer below
            delta = std::move(back);
          }
        }
        ++step;
        float c1 = 1.0f - std::pow(b1, float(step)), c2 = 1.0f - std::pow(b2, float(step));
        float lr = float(o_.lr);
        for (size_t l = 0; l < n.w.size(); ++l) {
          for (size_t i = 0; i < n.w[l].size(); ++i) {
            mw[l][i] = b1 * mw[l][i] + (1 - b1) * gw[l][i];
            vw[l][i] = b2 * vw[l][i] + (1 - b2) * gw[l][i] * gw[l][i];
            n.w[l][i] -= lr * (mw[l][i] / c1) / (std::sqrt(vw[l][i] / c2) + eps);
          }
          for (size_t i = 0; i < n.b[l].size(); ++i) {
            mb[l][i] = b1 * mb[l][i] + (1 - b1) * gb[l][i];
            vb[l][i] = b2 * vb[l][i] + (1 - b2) * gb[l][i] * gb[l][i];
            n.b[l][i] -= lr * (mb[l][i] / c1) / (std::sqrt(vb[l][i] / c2) + eps);
          }
        }
      }
    }
    nets_.push_back(std::move(n));
  }
}

Prediction MlpEnsemble::predict(const Features &x) const {
  std::vector<double> p;
  for (const Net &n : nets_)
    p.push_back(double(forward(n, x, nullptr)) * yStd_ + yMean_);
  Prediction r;
  r.mean = std::accumulate(p.begin(), p.end(), 0.0) / double(p.size());
  for (double v : p)
    r.std += (v - r.mean) * (v - r.mean);
  r.std = std::sqrt(r.std / double(p.size()));
  return r;
}

double GaussianProcess::kernel(const Features &a, const Features &b) const {
  double d = 0; // one-hot: half the squared distance is the Hamming distance
  for (size_t i = 0; i < a.size(); ++i)
    d += double(a[i] - b[i]) * double(a[i] - b[i]);
  return std::exp(-0.5 * d / length_);
}

namespace {

/// Lower Cholesky factor of `k` in place; false when not positive definite.
bool cholesky(std::vector<std::vector<double>> &k) {
  size_t n = k.size();
  for (size_t j = 0; j < n; ++j) {
    double s = k[j][j];
    for (size_t p = 0; p < j; ++p)
      s -= k[j][p] * k[j][p];
    if (!(s > 0))
      return false;
    k[j][j] = std::sqrt(s);
    for (size_t i = j + 1; i < n; ++i) {
      double t = k[i][j];
      for (size_t p = 0; p < j; ++p)
        t -= k[i][p] * k[j][p];
      k[i][j] = t / k[j][j];
    }
    for (size_t i = 0; i < j; ++i)
      k[i][j] = 0;
  }
  return true;
}

std::vector<double> forwardSolve(const std::vector<std::vector<double>> &l, std::vector<double> b) {
  for (size_t i = 0; i < b.size(); ++i) {
    for (size_t p = 0; p < i; ++p)
      b[i] -= l[i][p] * b[p];
    b[i] /= l[i][i];
  }
  return b;
}

std::vector<double> backSolve(const std::vector<std::vector<double>> &l, std::vector<double> b) {
  for (size_t i = b.size(); i-- > 0;) {
    for (size_t p = i + 1; p < b.size(); ++p)
      b[i] -= l[p][i] * b[p];
    b[i] /= l[i][i];
  }
  return b;
}

} // namespace

void GaussianProcess::fit(const std::vector<Features> &x, const std::vector<double> &y) {
  if (x.empty())
    throw std::invalid_argument("GaussianProcess::fit: no data");
  x_ = x;
  standardize(y, yMean_, yStd_);
  std::vector<double> t(y.size());
  for (size_t i = 0; i < y.size(); ++i)
    t[i] = (y[i] - yMean_) / yStd_;
  size_t n = x.size();
  // Squared distances once; each grid point only rescales them.
  std::vector<std::vector<double>> d2(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < i; ++j) {
      double d = 0;
      for (size_t f = 0; f < x[i].size(); ++f)
        d += double(x[i][f] - x[j][f]) * double(x[i][f] - x[j][f]);
      d2[i][j] = d2[j][i] = d;
    }
  double bestLik = -std::numeric_limits<double>::infinity();
  for (double length : {0.5, 1.0, 2.0, 4.0, 8.0, 16.0})
    for (double noise : {1e-3, 1e-2, 0.1, 0.3}) {
      std::vector<std::vector<double>> k(n, std::vector<double>(n));
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
          k[i][j] = std::exp(-0.5 * d2[i][j] / length) + (i == j ? noise : 0.0);
      if (!cholesky(k))
        continue;
      std::vector<double> a = backSolve(k, forwardSolve(k, t));
      double lik = 0;
      for (size_t i = 0; i < n; ++i)
        lik += -0.5 * t[i] * a[i] - std::log(k[i][i]);
      if (lik > bestLik) {
        bestLik = lik, length_ = length, noise_ = noise;
        chol_ = std::move(k);
        alpha_ = std::move(a);
      }
    }
  if (chol_.empty())
    throw std::runtime_error("GaussianProcess::fit: no kernel on the grid is positive definite");
}

Prediction GaussianProcess::predict(const Features &x) const {
  std::vector<double> k(x_.size());
  for (size_t i = 0; i < x_.size(); ++i)
    k[i] = kernel(x, x_[i]);
  double mean = 0;
  for (size_t i = 0; i < k.size(); ++i)
    mean += k[i] * alpha_[i];
  std::vector<double> v = forwardSolve(chol_, k);
  double var = 1.0;
  for (double t : v)
    var -= t * t;
  Prediction p;
  p.mean = mean * yStd_ + yMean_;
  p.std = std::sqrt(std::max(var, 1e-12)) * yStd_;
  return p;
}

namespace {
/// The standard normal quantile (Acklam's rational approximation, relative
/// error below 1.2e-9).
double normalQuantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  if (p < low) {
    double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low)
    return -normalQuantile(1 - p);
  double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
} // namespace

std::vector<double> nasc::search::normalScores(const std::vector<double> &y) {
  size_t n = y.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return y[a] < y[b]; });
  std::vector<double> out(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && y[order[j]] == y[order[i]])
      ++j;
    double rank = 0.5 * double(i + j - 1); // ties: the mean rank
    for (size_t k = i; k < j; ++k)
      out[order[k]] = normalQuantile((rank + 0.5) / double(n));
    i = j;
  }
  return out;
}

double nasc::search::expectedImprovement(const Prediction &p, double best) {
  if (!(p.std > 0))
    return std::max(0.0, p.mean - best);
  double z = (p.mean - best) / p.std;
  double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
  return (p.mean - best) * cdf + p.std * pdf;
}
