//===- CommandLine.cpp - Strict option values and bounded input files ----===//
#include "nasc/cli/CommandLine.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace nasc::cli;

namespace {

/// The value as the user wrote it, shortened when it is very long.
std::string quoted(const std::string &text) {
  std::string t = text.size() > 40 ? text.substr(0, 37) + "..." : text;
  return "'" + t + "'";
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

} // namespace

uint64_t nasc::cli::parseCount(const std::string &flag, const std::string &text, uint64_t lo, uint64_t hi) {
  std::string expected = "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  auto fail = [&](const std::string &why) -> uint64_t {
    throw OptionError(flag + ": " + expected + ", got " + quoted(text) + why);
  };
  if (text.empty())
    return fail("");
  for (char c : text)
    if (c < '0' || c > '9')
      return fail("");
  // 20 digits hold UINT64_MAX; more (leading zeros aside) cannot fit.
  size_t first = text.find_first_not_of('0');
  std::string digits = first == std::string::npos ? "0" : text.substr(first);
  if (digits.size() > 20)
    return fail(" (too large)");
  errno = 0;
  unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
  if (errno == ERANGE)
    return fail(" (too large)");
  if (v < lo || v > hi)
    return fail(v > hi ? " (too large)" : "");
  return v;
}

double nasc::cli::parseReal(const std::string &flag, const std::string &text, double lo, double hi, bool inclusive,
                            const std::string &unit) {
  std::string expected = "expected a number of " + unit + (inclusive ? " from " : " greater than ") + number(lo) +
                         (inclusive ? " to " : " and at most ") + number(hi);
  auto fail = [&]() -> double { throw OptionError(flag + ": " + expected + ", got " + quoted(text)); };
  // digits [. digits] [e [+-] digits]: what strtod accepts, less its
  // "nan", "inf", hex floats, signs and leading spaces.
  size_t i = 0, n = text.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9')
      ++i;
    return i - start;
  };
  size_t intDigits = digits(), fracDigits = 0;
  if (i < n && text[i] == '.') {
    ++i;
    fracDigits = digits();
  }
  if (intDigits + fracDigits == 0 || text.size() > 64)
    return fail();
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-'))
      ++i;
    if (digits() == 0)
      return fail();
  }
  if (i != n)
    return fail();
  double v = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(v) || v > hi || v < lo || (!inclusive && v == lo))
    return fail();
  return v;
}

SplitArg nasc::cli::splitFlag(const std::string &arg) {
  if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
    size_t eq = arg.find('=');
    if (eq != std::string::npos)
      return {arg.substr(0, eq), arg.substr(eq + 1)};
  }
  return {arg, std::nullopt};
}

const std::string &ArgReader::next() {
  SplitArg s = splitFlag(args_[i_++]);
  flag_ = std::move(s.flag);
  inline_ = std::move(s.value);
  return flag_;
}

std::string ArgReader::value(const std::string &what) {
  if (inline_) {
    std::string v = *inline_;
    inline_.reset();
    return v;
  }
  if (i_ >= args_.size())
    throw OptionError(flag_ + " needs " + what);
  return args_[i_++];
}

std::string nasc::cli::describeLimit(uint64_t limit) {
  if (limit % kMiB == 0)
    return std::to_string(limit / kMiB) + " MiB";
  return std::to_string(limit) + " bytes";
}

std::string nasc::cli::readFileLimited(const std::string &path, uint64_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw InputError(path, std::string("cannot open: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0)
    throw InputError(path, std::string("cannot read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    throw InputError(path, "cannot read: it is a directory");
  std::string tooLarge = "file is larger than the " + describeLimit(limit) + " limit";
  if (S_ISREG(st.st_mode) && uint64_t(st.st_size) > limit)
    throw InputError(path, tooLarge);
  std::string bytes;
  if (S_ISREG(st.st_mode))
    bytes.reserve(size_t(st.st_size));
  char buf[1 << 16];
  while (true) {
    // Never more than limit + 1 bytes, whatever the file claims to be.
    uint64_t want = std::min<uint64_t>(sizeof buf, limit + 1 - bytes.size());
    ssize_t got = ::read(fd, buf, size_t(want));
    if (got < 0) {
      if (errno == EINTR)
        continue;
      throw InputError(path, std::string("cannot read: ") + std::strerror(errno));
    }
    if (got == 0)
      break;
    bytes.append(buf, size_t(got));
    if (bytes.size() > limit)
      throw InputError(path, tooLarge);
  }
  return bytes;
}
