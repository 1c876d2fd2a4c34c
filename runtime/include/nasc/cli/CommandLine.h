//===- CommandLine.h - Strict option values and bounded input files ------===//
//
// What every nasc tool (nasc, nasc-run, nasa-check) shares at its edge, so a
// value means the same thing everywhere and nothing is read without bound:
//
//  - numbers: the whole string, in range, or an OptionError naming the flag
//    and the value ("--budget: expected a whole number from 1 to
//    18446744073709551615, got '0x10'"); no hex, no exponents, no fractions
//    where a count is meant, no silent wrap-around of "-1";
//  - `--flag=value` as well as `--flag value`;
//  - files: read with a size limit, also when they are not regular files
//    (/dev/zero is read up to the limit plus one byte, then refused).
//
// No dependencies beyond the standard library: nasc links it without the
// runtime, a fuzz target can call readFileLimited on any path.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_CLI_COMMANDLINE_H
#define NASC_CLI_COMMANDLINE_H

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nasc::cli {

/// A bad option value; the message names the flag and the value.
class OptionError : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// A whole number in [lo, hi] written in decimal digits (no sign, no
/// spaces, no "0x", no exponent, at most 20 digits); throws OptionError.
uint64_t parseCount(const std::string &flag, const std::string &text, uint64_t lo = 0,
                    uint64_t hi = UINT64_MAX);

/// A finite decimal number (digits, an optional fraction, an optional
/// exponent: "30", "2.5", "1e3") with lo < value (or lo <= value when
/// `inclusive`) and value <= hi; "nan", "inf", hex floats and trailing
/// text are refused. `unit` names what it counts in errors ("seconds").
double parseReal(const std::string &flag, const std::string &text, double lo, double hi,
                         bool inclusive, const std::string &unit);

/// One element of argv split as `--flag=value` (flag "--flag", value set)
/// or left whole (value empty). Only arguments starting with "--" split.
struct SplitArg {
  std::string flag;
  std::optional<std::string> value;
};
SplitArg splitFlag(const std::string &arg);

/// Walks argv with `--flag value` and `--flag=value` both accepted.
class ArgReader {
public:
  explicit ArgReader(std::vector<std::string> args) : args_(std::move(args)) {}
  bool done() const { return i_ >= args_.size(); }
  /// The next argument's flag part (the whole argument when it has no '=').
  const std::string &next();
  /// The value of the flag just read: after '=', else the next argument.
  /// Throws OptionError ("--budget needs a value"; `what` replaces "a
  /// value").
  std::string value(const std::string &what = "a value");
  /// Whether the flag just read came with "=value" (a switch such as
  /// --resume must not).
  bool hasInlineValue() const { return inline_.has_value(); }

private:
  std::vector<std::string> args_;
  size_t i_ = 0;
  std::string flag_;
  std::optional<std::string> inline_;
};

/// Input size limits (documented in docs/runtime.md, "What is validated").
constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kSourceLimit = 64 * kMiB;   ///< a .nas source
constexpr uint64_t kArtefactLimit = 64 * kMiB; ///< a .nasa artefact
constexpr uint64_t kTableLimit = 1024 * kMiB;  ///< a benchmark table

/// A file that cannot be read, or is too large; the message starts with
/// the path ("x.nas: file is larger than the 64 MiB limit").
class InputError : public std::runtime_error {
public:
  InputError(const std::string &path, const std::string &reason)
      : std::runtime_error(path + ": " + reason), path_(path), reason_(reason) {}
  const std::string &path() const { return path_; }
  /// What is wrong, without the path ("file is larger than ...").
  const std::string &reason() const { return reason_; }

private:
  std::string path_, reason_;
};

/// The bytes of `path`, at most `limit` of them: a regular file larger than
/// the limit is refused before reading, anything else (a device, a pipe)
/// is read up to limit + 1 bytes and refused past the limit. A directory
/// or an unreadable path is an InputError saying why.
std::string readFileLimited(const std::string &path, uint64_t limit);

/// "64 MiB" for a limit in bytes (whole MiB), else "N bytes".
std::string describeLimit(uint64_t limit);

} // namespace nasc::cli

#endif // NASC_CLI_COMMANDLINE_H
