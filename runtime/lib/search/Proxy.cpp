//===- Proxy.cpp - Zero-cost scores inside strategies ---------------------===//
#include "nasc/search/Proxy.h"
#include "nasc/runtime/Expr.h"
#include "nasc/search/Strategy.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

using namespace nasc::search;
using nasc::runtime::Architecture;

// Picked on 500 of 1,000 NAS-Bench-201 architectures and checked on the
// other 500 (bench/zero_cost_nb201.cpp; docs/runtime-search.md).
const char *const nasc::search::kVoteMembers = "synflow+jacob_cov+params";

std::vector<std::string> nasc::search::proxyMembers(const std::string &proxy, const std::vector<std::string> &known) {
  std::string spec = proxy == "vote" ? kVoteMembers : proxy;
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t plus = spec.find('+', start);
    std::string m = spec.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    if (std::find(known.begin(), known.end(), m) == known.end()) {
      std::string names;
      for (const std::string &k : known)
        names += (names.empty() ? "" : ", ") + k;
      throw std::invalid_argument("no proxy '" + m + "'" + (m == proxy ? "" : " (in '" + proxy + "')") +
                                  " in this runtime (it has " + names +
                                  ", a rank average of several joined by '+', and vote = " + kVoteMembers + ")");
    }
    if (std::find(out.begin(), out.end(), m) == out.end())
      out.push_back(m);
    if (plus == std::string::npos)
      break;
    start = plus + 1;
  }
  return out;
}

std::vector<double> nasc::search::ranks(const std::vector<double> &v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
      ++j;
    for (size_t k = i; k <= j; ++k)
      r[order[k]] = (double(i) + double(j)) / 2;
    i = j + 1;
  }
  return r;
}

std::vector<double> nasc::search::averageRanks(const std::vector<std::vector<double>> &members) {
  if (members.empty())
    return {};
  std::vector<double> sum(members.front().size(), 0.0);
  for (const std::vector<double> &m : members) {
    std::vector<double> r = ranks(m);
    for (size_t i = 0; i < r.size(); ++i)
      sum[i] += r[i];
  }
  for (double &s : sum)
    s /= double(members.size());
  return sum;
}

std::vector<Architecture> nasc::search::proxyTop(const runtime::Space &space, runtime::Rng &rng, ProxyScorer &scorer,
                                                 int64_t samples, int64_t keep,
                                                 const std::function<bool(const std::string &)> &taken) {
  std::vector<Architecture> drawn;
  std::set<std::string> ids;
  // Rejection sampling: a small or mostly taken space ends the draw early.
  for (int64_t tries = 0; int64_t(drawn.size()) < samples && tries < samples * 20; ++tries) {
    Architecture a = space.sample(rng);
    std::string id = space.fullId(a);
    if (!taken(id) && ids.insert(id).second)
      drawn.push_back(a);
  }
  if (drawn.empty())
    return {};
  std::vector<double> s = scorer.score(drawn);
  if (s.size() != drawn.size())
    throw std::logic_error("a proxy scorer returned " + std::to_string(s.size()) + " scores for " +
                           std::to_string(drawn.size()) + " architectures");
  std::vector<size_t> order(drawn.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return s[x] > s[y]; });
  std::vector<Architecture> out;
  for (size_t i = 0; i < order.size() && int64_t(out.size()) < keep; ++i)
    out.push_back(drawn[order[i]]);
  return out;
}

void ProxyWarmup::check(const std::string &owner) const {
  if (samples < 0)
    throw std::invalid_argument(owner + ": warmup must be at least 0");
  if (samples > 0 && proxy.empty())
    throw std::invalid_argument(owner + ": warmup needs a proxy");
}

ProxyScorer &ProxyWarmup::get(const std::string &owner) const {
  if (!scorer)
    throw std::logic_error(owner + ": warmup needs a zero-cost proxy scorer, which this runtime did not give (run "
                                   "the search through nasc-run-torch)");
  return *scorer;
}

ProxyWarmup ProxyWarmup::fromArgs(const runtime::Json &args, const std::string &owner) {
  ProxyWarmup w;
  w.samples = runtime::asInt(strategyArg(args, "warmup", 0));
  w.proxy = runtime::asString(strategyArg(args, "proxy", "vote"));
  w.check(owner);
  return w;
}
