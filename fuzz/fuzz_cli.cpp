//===- fuzz_cli.cpp - libFuzzer target: the command-line parser -----------===//
//
// The input is an argument vector, arguments separated by NUL bytes, read
// with nasc_cli's ArgReader as nasc-run reads its options: counts, reals
// with units, switches that take no value, --flag=value and --flag value.
// Bad values must be an OptionError; accepted values must lie in the asked
// range and read back the same.
//
//===----------------------------------------------------------------------===//
#include "nasc/cli/CommandLine.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace nasc::cli;

[[noreturn]] static void fail(const std::string &what) {
  std::fprintf(stderr, "fuzz_cli: %s\n", what.c_str());
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> args;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  if (!cur.empty())
    args.push_back(cur);

  ArgReader reader(args);
  try {
    while (!reader.done()) {
      const std::string flag = reader.next();
      SplitArg split = splitFlag(flag);
      if (split.value)
        fail("ArgReader::next returned '" + flag + "' with a value part");
      if (flag == "--budget" || flag == "--seed" || flag == "--latency-batch") {
        uint64_t lo = flag == "--seed" ? 0 : 1, hi = flag == "--latency-batch" ? 65536 : UINT64_MAX;
        uint64_t v = parseCount(flag, reader.value(), lo, hi);
        if (v < lo || v > hi || parseCount(flag, std::to_string(v), lo, hi) != v)
          fail("parseCount accepted " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "] or not read back");
      } else if (flag == "--time-limit" || flag == "--epochs") {
        bool seconds = flag == "--time-limit";
        double hi = seconds ? 1e9 : 1e6;
        double v = parseReal(flag, reader.value(), 0, hi, /*inclusive=*/false, seconds ? "seconds" : "epochs");
        if (!std::isfinite(v) || v <= 0 || v > hi)
          fail("parseReal accepted a value outside (0, hi]");
      } else if (flag == "--resume" || flag == "--quiet" || flag == "--json") {
        (void)reader.hasInlineValue();
      } else if (flag.rfind("--", 0) == 0) {
        reader.value();
      }
    }
  } catch (const OptionError &) {
  }
  // splitFlag on every argument as it is.
  for (const std::string &a : args) {
    SplitArg s = splitFlag(a);
    if (s.value && s.flag + "=" + *s.value != a)
      fail("splitFlag('" + a + "') does not put the argument back together");
  }
  return 0;
}
