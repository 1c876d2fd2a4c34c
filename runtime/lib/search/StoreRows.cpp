//===- StoreRows.cpp - The rows every store backend keeps ------------------===//
#include "StoreBackend.h"
#include "nasc/search/Strategy.h"

#include <charconv>
#include <cmath>
#include <cstdio>

using namespace nasc::search;
namespace runtime = nasc::runtime;

void StoreBackend::onFirstWrite(std::function<void()> f) {
  firstWrite_ = std::move(f);
  if (written_)
    beforeWrite();
}

void StoreBackend::beforeWrite() {
  if (firstWrite_) {
    firstWrite_(); // may throw: nothing is written then, and it runs again before the next write
    firstWrite_ = nullptr;
  }
  written_ = true;
}

bool StoreBackend::finishChangesNothing(const std::string &reason) {
  if (!pendingResume_ || metaValue("budget") != std::to_string(resumeBudget_))
    return false;
  std::optional<std::string> was = metaValue("finished");
  std::string suffix = " " + reason;
  if (!was || was->size() < suffix.size() || was->compare(was->size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  pendingResume_ = false;
  return true;
}

namespace nasc::search::storerows {

std::string real17(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v < 0 ? "-inf" : "inf";
  char buf[40];
  // What printf's %.17g writes (the standard defines this overload so).
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 17);
  return std::string(buf, end);
}

/// FNV-1a 64 of a row's columns as stored (text, numbers at full
/// precision), separated so that no two rows share a text: what detects a
/// hand-edited score or ID and a damaged page (not a forger, who can
/// recompute it).
std::string checksumOf(const std::vector<std::string> &columns) {
  std::string all;
  for (const std::string &c : columns) {
    all += c;
    all += '\x1f';
  }
  return nasc::runtime::Space::hash(all);
}

// JSON texts of a row written without building Json values (one row per
// evaluation: a table search writes tens of thousands a second). What
// nlohmann's dump() writes, but for number formats: a double in its
// shortest round-trip form, ".0" after a whole number; reading parses them
// with nlohmann like any JSON, and checksums are of the text as stored.
void appendNumber(std::string &out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view text(buf, size_t(end - buf));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos)
    out += ".0";
}

/// scoreToJson's text: "nan", "inf" and "-inf" as strings.
void appendScore(std::string &out, double v) {
  if (std::isnan(v))
    out += "\"nan\"";
  else if (std::isinf(v))
    out += v < 0 ? "\"-inf\"" : "\"inf\"";
  else
    appendNumber(out, v);
}

void appendString(std::string &out, const std::string &s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string figuresText(const std::map<std::string, double> &m) {
  std::string out = "{";
  out.reserve(m.size() * 40);
  for (auto &[k, v] : m) {
    if (out.size() > 1)
      out += ',';
    appendString(out, k);
    out += ':';
    appendScore(out, v);
  }
  return out + "}";
}

std::string objectivesText(const std::vector<double> &objectives) {
  std::string out = "[";
  for (double v : objectives) {
    if (out.size() > 1)
      out += ',';
    appendScore(out, v);
  }
  return out + "]";
}

std::string architectureText(const runtime::Architecture &a) {
  std::string out = "{\"choice\":[";
  for (size_t i = 0; i < a.choice.size(); ++i)
    (i ? out += ',' : out) += std::to_string(a.choice[i]);
  out += "],\"real\":[";
  for (size_t i = 0; i < a.real.size(); ++i) {
    if (i)
      out += ',';
    if (std::isfinite(a.real[i]))
      appendNumber(out, a.real[i]);
    else
      out += "null"; // as nlohmann writes a NaN or infinity
  }
  return out + "]}";
}


namespace {

/// Reading one row; errors say which column is wrong (the caller adds the
/// file and the row).
struct ColumnError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Json parseColumn(const std::string &column, const std::string &text) {
  try {
    return Json::parse(text);
  } catch (const Json::exception &) {
    throw ColumnError(column + ": not JSON: '" + (text.size() > 40 ? text.substr(0, 37) + "..." : text) + "'");
  }
}

double numberOf(const std::string &column, const Json &v) {
  try {
    if (v.is_number() || v.is_string())
      return scoreFromJson(v);
  } catch (const std::exception &) {
  }
  throw ColumnError(column + ": expected a number, found " + v.dump());
}

std::map<std::string, double> figuresFrom(const std::string &column, const std::string &text) {
  std::map<std::string, double> m;
  if (text.empty())
    return m;
  Json j = parseColumn(column, text); // items() of a temporary would dangle
  if (!j.is_object())
    throw ColumnError(column + ": expected an object of numbers, found " + j.dump());
  for (auto &[k, v] : j.items())
    m[k] = numberOf(column + "." + k, v);
  return m;
}



} // namespace

/// checksumOf(the row's columns) without the copies: what append() computes
/// for every row it writes.
/// `same` (format 3) is read only where it is set: a row without it has
/// format 2's checksum.
std::string rowChecksum(int64_t seq, const std::string &id, const std::string &hash,
                        const std::string &architecture, const std::string &metrics, const std::string &report,
                        const std::string &objectives, double score, int64_t feasible, const std::string &violated,
                        const std::string &error, int64_t cached, double seconds, const std::string &timestamp,
                        int64_t same) {
  std::string all;
  all.reserve(id.size() + architecture.size() + metrics.size() + report.size() + objectives.size() + 160);
  for (const std::string &c :
       {std::to_string(seq), id, hash, architecture, metrics, report, objectives, real17(score),
        std::to_string(feasible), violated, error, std::to_string(cached), real17(seconds), timestamp}) {
    all += c;
    all += '\x1f';
  }
  if (same) {
    all += std::to_string(same);
    all += '\x1f';
  }
  return runtime::Space::hash(all);
}


Record decodeRow(const Columns &c, const std::vector<Record> &earlier, const std::string &path) {
  Record r;
  r.seq = c.seq;
  auto bad = [&](const std::string &what) {
    return StoreError(path + ": row seq " + std::to_string(r.seq) + ": " + what);
  };
  int64_t expected = int64_t(earlier.size()) + 1;
  if (r.seq != expected)
    throw bad(r.seq > expected ? "the sequence has a gap: row seq " + std::to_string(expected) + " is missing"
                               : "the sequence starts at " + std::to_string(r.seq) + ", not 1");
  bool shares = c.same.has_value();
  int64_t same = c.same.value_or(0);
  // The texts of an earlier row, which was read and checked before.
  if (shares && (same < 1 || same >= r.seq))
    throw bad("same: row seq " + std::to_string(same) + " is not an earlier row");
  std::string checksum = rowChecksum(r.seq, c.id, c.hash, c.architecture, c.metrics, c.report, c.objectives,
                                     c.score, c.feasible, c.violated, c.error, c.cached, c.seconds, c.timestamp,
                                     same);
  if (checksum != c.checksum)
    throw bad("checksum " + checksum + " does not match the stored " + c.checksum +
              ": the row was edited or damaged after it was written");
  if (shares) {
    for (const std::string *text : {&c.id, &c.hash, &c.architecture, &c.metrics, &c.report, &c.objectives})
      if (!text->empty())
        throw bad("a row that names row seq " + std::to_string(same) + " in `same` stores its own texts too");
    const Record &first = earlier[size_t(same - 1)];
    r.id = first.id;
    r.hash = first.hash;
    r.arch = first.arch;
    r.eval.metrics = first.eval.metrics;
    r.eval.report = first.eval.report;
    r.objectives = first.objectives;
  }
  try {
    if (!shares) {
      r.id = c.id;
      r.hash = c.hash;
      Json arch = parseColumn("architecture", c.architecture);
      if (!arch.is_object() || !arch.contains("choice") || !arch["choice"].is_array())
        throw ColumnError("architecture: expected {\"choice\": [...], \"real\": [...]}, found " + c.architecture);
      try {
        r.arch = architectureFromJson(arch);
      } catch (const Json::exception &) {
        throw ColumnError("architecture: expected whole numbers in 'choice' and numbers in 'real', found " +
                          c.architecture);
      }
      r.eval.metrics = figuresFrom("metrics", c.metrics);
      r.eval.report = figuresFrom("report", c.report);
      Json objectives = parseColumn("objectives", c.objectives);
      if (!objectives.is_array())
        throw ColumnError("objectives: expected an array, found " + c.objectives);
      for (size_t i = 0; i < objectives.size(); ++i)
        r.objectives.push_back(numberOf("objectives[" + std::to_string(i) + "]", objectives[i]));
    }
    r.score = c.score;
    if (std::isnan(r.score))
      throw ColumnError("score: expected a number (or -inf for a failure), found none");
    if (std::isinf(r.score) && r.score > 0)
      throw ColumnError("score: +inf is not a score");
    for (auto [name, value] : {std::pair<const char *, int64_t>{"feasible", c.feasible}, {"cached", c.cached}})
      if (value != 0 && value != 1)
        throw ColumnError(std::string(name) + ": expected 0 or 1, found " + std::to_string(value));
    r.feasible = c.feasible != 0;
    r.violated = c.violated;
    r.eval.error = c.error;
    r.cached = c.cached != 0;
    r.seconds = c.seconds;
    if (!(r.seconds >= 0) || std::isinf(r.seconds))
      throw ColumnError("seconds: expected a duration, found " + real17(r.seconds));
    r.timestamp = c.timestamp;
  } catch (const ColumnError &e) {
    throw bad(e.what());
  }
  return r;
}

Json decodeEpoch(int64_t epoch, const std::string &text, const std::string &checksum, size_t expected,
                 const std::string &path) {
  std::string where = path + ": epoch " + std::to_string(epoch);
  if (epoch != int64_t(expected))
    throw StoreError(where + ": the epochs have a gap: epoch " + std::to_string(expected) + " is missing");
  if (checksumOf({std::to_string(epoch), text}) != checksum)
    throw StoreError(where + ": checksum does not match: it was edited or damaged after it was written");
  try {
    return Json::parse(text);
  } catch (const Json::exception &) {
    throw StoreError(where + ": figures: not JSON");
  }
}

void checkResume(const std::function<std::optional<std::string>(const std::string &)> &meta, const StoreMeta &want,
                 const std::string &path, int64_t rows, bool resume) {
  std::string what = "search '" + meta("search").value_or("?") + "' (" + std::to_string(rows) + " evaluations, " +
                     (meta("finished") ? "finished" : "unfinished") + ")";
  if (!resume)
    throw StoreError(path + " already holds " + what +
                     ": pass --resume to continue it, or a new path to start another run");
  std::string mismatch;
  if (meta("fingerprint").value_or("") != want.fingerprint)
    mismatch = "a different search or space (fingerprint " + meta("fingerprint").value_or("?") + ", this one is " +
               want.fingerprint + ")";
  else if (meta("strategy").value_or("") != want.strategy)
    mismatch = "strategy '" + meta("strategy").value_or("?") + "', not '" + want.strategy + "'";
  else if (meta("seed").value_or("") != std::to_string(want.seed))
    mismatch = "seed " + meta("seed").value_or("?") + ", not " + std::to_string(want.seed);
  if (!mismatch.empty())
    throw StoreError("cannot resume " + path + ": it holds " + what + " with " + mismatch +
                     "; pass a new path to start another run");
}

} // namespace nasc::search::storerows
