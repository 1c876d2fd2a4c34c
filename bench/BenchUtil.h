//===- BenchUtil.h - What the table benchmarks share ----------------------===//
#ifndef NASC_BENCH_BENCHUTIL_H
#define NASC_BENCH_BENCHUTIL_H

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace nasc_bench {

struct Stats {
  double mean = 0, std = 0;
};

/// Mean and population std (numpy's default, ddof=0).
inline Stats stats(const std::vector<double> &v) {
  Stats s;
  for (double x : v)
    s.mean += x;
  s.mean /= double(v.size());
  for (double x : v)
    s.std += (x - s.mean) * (x - s.mean);
  s.std = std::sqrt(s.std / double(v.size()));
  return s;
}

/// "100,300" -> {100, 300}.
inline std::vector<size_t> parseList(const std::string &s) {
  std::vector<size_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    out.push_back(std::stoul(item));
  return out;
}

} // namespace nasc_bench

#endif // NASC_BENCH_BENCHUTIL_H
