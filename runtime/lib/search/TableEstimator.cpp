//===- TableEstimator.cpp - Metrics looked up in a benchmark table --------===//
#include "nasc/search/TableEstimator.h"

#include <algorithm>
#include <cmath>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <stdexcept>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

/// One CSV record: commas separate, double quotes quote ("" is a quote).
std::vector<std::string> splitCsv(std::string_view line, size_t expected = 0) {
  std::vector<std::string> out;
  out.reserve(expected);
  if (line.find('"') == std::string_view::npos) { // the common case: cut at commas
    size_t start = 0;
    while (true) {
      size_t comma = line.find(',', start);
      std::string_view f = line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      if (!f.empty() && f.back() == '\r')
        f.remove_suffix(1);
      out.emplace_back(f);
      if (comma == std::string_view::npos)
        return out;
      start = comma + 1;
    }
  }
  out.emplace_back();
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        out.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::pair<int64_t, std::vector<std::string>>> rows; // (line, fields)
  int column(const std::string &name) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name)
        return int(i);
    return -1;
  }
};

Csv readCsv(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(path + ": cannot open the benchmark table");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Csv csv;
  int64_t n = 0;
  for (size_t start = 0; start < text.size();) {
    size_t newline = text.find('\n', start);
    if (newline == std::string::npos)
      newline = text.size();
    std::string_view line(text.data() + start, newline - start);
    start = newline + 1;
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
      continue;
    if (csv.header.empty()) {
      csv.header = splitCsv(line);
      continue;
    }
    csv.rows.push_back({n, splitCsv(line, csv.header.size())});
  }
  if (csv.header.empty())
    throw std::runtime_error(path + ": empty table (no header line)");
  return csv;
}

std::string known(const Csv &csv) {
  std::string s;
  for (const std::string &h : csv.header)
    s += (s.empty() ? "" : ", ") + h;
  return s;
}

double number(const std::string &path, int64_t line, const std::string &column, const std::string &text) {
  double v = 0;
  auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && stop == text.data() + text.size() && !text.empty())
    return v; // the fast path; anything else reads as it always did
  char *end = nullptr;
  v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end)
    throw std::runtime_error(path + ":" + std::to_string(line) + ": column '" + column + "' is '" + text +
                             "', not a number");
  return v;
}

const std::string &field(const Csv &csv, const std::string &path, size_t r, int col) {
  const auto &[line, fields] = csv.rows[r];
  if (col >= int(fields.size()))
    throw std::runtime_error(path + ":" + std::to_string(line) + ": " + std::to_string(fields.size()) +
                             " fields, the header has " + std::to_string(csv.header.size()));
  return fields[col];
}

std::string dirOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

} // namespace

namespace {

/// The space's decision for each NAS-Bench-201 edge "eI_J": the decision
/// named so or ending in "/eI_J" (built once per table, not per row).
struct EdgeDecisions {
  std::map<std::string, std::string> byEdge;
  std::map<std::string, std::string> ambiguous; // edge -> "'a' and 'b'"
  /// Per decision name: its position in discrete() and its labels'
  /// positions, so a row becomes an Architecture without parsing an ID.
  std::map<std::string, std::pair<size_t, std::map<std::string, int64_t>>> positions;
  /// For rows read in bulk: edge (j, g) -> position in discrete() (the
  /// unambiguous edges), and per position its labels' positions.
  std::map<std::pair<int64_t, int64_t>, size_t> edgeIndex;
  std::vector<std::map<std::string, int64_t, std::less<>>> labels;
};

EdgeDecisions edgeDecisions(const Space &space) {
  EdgeDecisions e;
  for (size_t d = 0; d < space.discrete().size(); ++d) {
    const runtime::Decision &dec = space.decisions()[space.discrete()[d]];
    auto &labels = e.positions[dec.name];
    labels.first = d;
    for (size_t p = 0; p < dec.text.size(); ++p)
      labels.second.emplace(dec.text[p], int64_t(p));
  }
  for (size_t k : space.discrete()) {
    const std::string &name = space.decisions()[k].name;
    size_t slash = name.rfind('/');
    std::string edge = slash == std::string::npos ? name : name.substr(slash + 1);
    if (edge.size() < 4 || edge[0] != 'e')
      continue;
    auto [it, inserted] = e.byEdge.emplace(edge, name);
    if (!inserted)
      e.ambiguous[edge] = "'" + it->second + "' and '" + name + "'";
  }
  e.labels.resize(space.discrete().size());
  for (auto &[name, pos] : e.positions)
    e.labels[pos.first].insert(pos.second.begin(), pos.second.end());
  for (auto &[edge, name] : e.byEdge) {
    size_t underscore = edge.find('_');
    int64_t j = -1, g = -1;
    if (e.ambiguous.count(edge) || underscore == std::string::npos ||
        std::from_chars(edge.data() + 1, edge.data() + underscore, j).ptr != edge.data() + underscore ||
        std::from_chars(edge.data() + underscore + 1, edge.data() + edge.size(), g).ptr != edge.data() + edge.size())
      continue;
    e.edgeIndex[{j, g}] = e.positions.at(name).first;
  }
  return e;
}

/// A well-formed row whose every op is a label of its edge's decision and
/// which sets every decision once, as an architecture; otherwise none (the
/// caller then goes through idOfWith, which says what is wrong).
std::optional<Architecture> directOf(const Space &space, std::string_view arch, const EdgeDecisions &edges) {
  if (!space.continuous().empty())
    return std::nullopt;
  Architecture a = space.first();
  std::vector<bool> given(a.choice.size(), false);
  size_t set = 0;
  int64_t g = 0;
  for (size_t start = 0; start <= arch.size();) {
    size_t end = std::min(arch.find('+', start), arch.size());
    std::string_view group = arch.substr(start, end - start);
    start = end + 1;
    ++g;
    if (group.size() < 2 || group.front() != '|' || group.back() != '|')
      return std::nullopt;
    group = group.substr(1, group.size() - 2);
    for (size_t p = 0; p < group.size();) {
      size_t q = std::min(group.find('|', p), group.size());
      std::string_view entry = group.substr(p, q - p);
      p = q + 1;
      size_t tilde = entry.rfind('~');
      int64_t j = -1;
      if (tilde == std::string_view::npos || tilde == 0 ||
          std::from_chars(entry.data() + tilde + 1, entry.data() + entry.size(), j).ptr != entry.data() + entry.size())
        return std::nullopt;
      auto d = edges.edgeIndex.find({j, g});
      if (d == edges.edgeIndex.end())
        return std::nullopt;
      auto label = edges.labels[d->second].find(entry.substr(0, tilde));
      if (label == edges.labels[d->second].end() || given[d->second])
        return std::nullopt;
      a.choice[d->second] = label->second;
      given[d->second] = true, ++set;
    }
  }
  if (set != a.choice.size())
    return std::nullopt;
  return a;
}

std::string idOfWith(const Space &space, const std::string &arch, const EdgeDecisions &edges) {
  // |op~0|+|op~0|op~1|+...: group g (1-based) lists the edges into node g.
  std::string id;
  // The architecture directly while every op is a label of its decision and
  // every decision is set; otherwise parseId below says what is wrong.
  Architecture direct = space.first();
  size_t set = 0; // decisions given, each once
  std::vector<bool> given(space.discrete().size(), false);
  bool directOk = space.continuous().empty();
  size_t g = 0, start = 0;
  while (start <= arch.size()) {
    size_t end = arch.find('+', start);
    if (end == std::string::npos)
      end = arch.size();
    ++g;
    std::string_view group(arch.data() + start, end - start);
    if (group.size() < 2 || group.front() != '|' || group.back() != '|')
      throw std::invalid_argument("'" + arch + "' is not a NAS-Bench-201 string (group " + std::to_string(g) +
                                  " is '" + std::string(group) + "')");
    std::string_view entries = group.substr(1, group.size() - 2);
    size_t p = 0;
    while (p <= entries.size() && !entries.empty()) {
      size_t q = entries.find('|', p);
      if (q == std::string_view::npos)
        q = entries.size();
      std::string entry(entries.substr(p, q - p));
      size_t tilde = entry.rfind('~');
      if (tilde == std::string::npos || tilde == 0 || tilde + 1 == entry.size())
        throw std::invalid_argument("'" + arch + "': entry '" + entry + "' is not op~node");
      std::string edge = "e" + entry.substr(tilde + 1) + "_" + std::to_string(g);
      if (auto amb = edges.ambiguous.find(edge); amb != edges.ambiguous.end())
        throw std::invalid_argument("edge " + edge + " matches decisions " + amb->second);
      auto it = edges.byEdge.find(edge);
      if (it == edges.byEdge.end())
        throw std::invalid_argument("'" + arch + "': space '" + space.name() + "' has no decision for edge " + edge +
                                    " (named " + edge + " or ending in /" + edge + ")");
      id += (id.empty() ? "" : ",") + it->second + "=" + entry.substr(0, tilde);
      if (directOk) {
        const auto &pos = edges.positions.at(it->second);
        auto label = pos.second.find(entry.substr(0, tilde));
        directOk = label != pos.second.end();
        if (directOk) {
          direct.choice[pos.first] = label->second;
          if (!given[pos.first])
            given[pos.first] = true, ++set;
        }
      }
      p = q + 1;
    }
    start = end + 1;
  }
  if (directOk && set == space.discrete().size())
    return space.id(space.canonical(direct));
  return space.id(space.canonical(space.parseId(id)));
}

} // namespace

std::string TableEstimator::idOf(const Space &space, const std::string &arch) {
  return idOfWith(space, arch, edgeDecisions(space));
}

TableEstimator::TableEstimator(const Space &space, const std::string &file, const std::string &column,
                               const std::string &report)
    : space_(space), file_(file), column_(column), report_(report.empty() ? column : report) {
  Csv csv = readCsv(file);
  int archCol = csv.column("arch"), valueCol = csv.column(column_), reportCol = csv.column(report_),
      paramsCol = csv.column("params_mb");
  for (auto [col, name] : {std::pair{archCol, std::string("arch")}, {valueCol, column_}, {reportCol, report_}})
    if (col < 0)
      throw std::runtime_error(file + ": no column '" + name + "' (the columns are " + known(csv) + ")");
  rows_.reserve(csv.rows.size());
  EdgeDecisions edges = edgeDecisions(space);
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    Row row;
    row.line = csv.rows[r].first;
    row.arch = field(csv, file, r, archCol);
    try {
      std::optional<Architecture> direct = directOf(space, row.arch, edges);
      row.id = direct ? space.id(space.canonical(*direct)) : idOfWith(space, row.arch, edges);
    } catch (const std::invalid_argument &e) {
      throw std::runtime_error(file + ":" + std::to_string(row.line) + ": " + e.what());
    }
    row.value = number(file, row.line, column_, field(csv, file, r, valueCol));
    row.report = number(file, row.line, report_, field(csv, file, r, reportCol));
    if (paramsCol >= 0)
      row.params = number(file, row.line, "params_mb", field(csv, file, r, paramsCol)) * 1e6;
    auto [it, inserted] = byId_.emplace(row.id, rows_.size());
    if (!inserted)
      throw std::runtime_error(file + ":" + std::to_string(row.line) + ": architecture '" + row.arch +
                               "' is also on line " + std::to_string(rows_[it->second].line));
    rows_.push_back(std::move(row));
  }

  // Latencies: same index order as the table, arch column checked.
  std::string latencyPath = dirOf(file) + "/nb201_latency_ms.csv";
  if (!std::ifstream(latencyPath))
    return;
  Csv lat = readCsv(latencyPath);
  int latArch = lat.column("arch"), latIndex = lat.column("index"), tableIndex = csv.column("index");
  std::vector<size_t> deviceCols;
  for (size_t i = 0; i < lat.header.size(); ++i)
    if (int(i) != latArch && int(i) != latIndex) {
      devices_.push_back(lat.header[i]);
      latencyMetrics_.push_back("latency/" + lat.header[i]);
      deviceCols.push_back(i);
    }
  if (lat.rows.size() != rows_.size())
    throw std::runtime_error(latencyPath + ": " + std::to_string(lat.rows.size()) + " rows, but " + file + " has " +
                             std::to_string(rows_.size()));
  for (size_t r = 0; r < lat.rows.size(); ++r) {
    int64_t line = lat.rows[r].first;
    if (latIndex >= 0 && tableIndex >= 0 && field(lat, latencyPath, r, latIndex) != field(csv, file, r, tableIndex))
      throw std::runtime_error(latencyPath + ":" + std::to_string(line) + ": index " +
                               field(lat, latencyPath, r, latIndex) + ", but " + file + " has index " +
                               field(csv, file, r, tableIndex) + " there");
    if (latArch >= 0 && field(lat, latencyPath, r, latArch) != rows_[r].arch)
      throw std::runtime_error(latencyPath + ":" + std::to_string(line) + ": arch '" +
                               field(lat, latencyPath, r, latArch) + "' differs from " + file + "'s '" +
                               rows_[r].arch + "'");
    rows_[r].latency.reserve(deviceCols.size());
    for (size_t i : deviceCols)
      rows_[r].latency.push_back(number(latencyPath, line, lat.header[i], field(lat, latencyPath, r, int(i))));
  }
}

TableEstimator::LatencyFile TableEstimator::readLatencies(const Space &space, const std::string &file) {
  Csv csv = readCsv(file);
  int archCol = csv.column("arch"), indexCol = csv.column("index");
  if (archCol < 0)
    throw std::runtime_error(file + ": no column 'arch' (the columns are " + known(csv) + ")");
  LatencyFile out;
  for (size_t i = 0; i < csv.header.size(); ++i)
    if (int(i) != archCol && int(i) != indexCol)
      out.devices.push_back(csv.header[i]);
  if (out.devices.empty())
    throw std::runtime_error(file + ": no device column besides 'arch' and 'index'");
  std::unordered_map<std::string, int64_t> seen;
  EdgeDecisions edges = edgeDecisions(space);
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    LatencyFile::Entry e;
    e.line = csv.rows[r].first;
    const std::string &arch = field(csv, file, r, archCol);
    try {
      e.id = idOfWith(space, arch, edges);
    } catch (const std::invalid_argument &err) {
      throw std::runtime_error(file + ":" + std::to_string(e.line) + ": " + err.what());
    }
    if (auto [it, inserted] = seen.emplace(e.id, e.line); !inserted)
      throw std::runtime_error(file + ":" + std::to_string(e.line) + ": architecture '" + arch + "' is also on line " +
                               std::to_string(it->second));
    for (const std::string &device : out.devices) {
      double ms = number(file, e.line, device, field(csv, file, r, csv.column(device)));
      if (!(ms > 0) || !std::isfinite(ms))
        throw std::runtime_error(file + ":" + std::to_string(e.line) + ": column '" + device + "' is " +
                                 field(csv, file, r, csv.column(device)) + ", not a latency (ms > 0)");
      e.ms[device] = ms;
    }
    out.rows.push_back(std::move(e));
  }
  if (out.rows.empty())
    throw std::runtime_error(file + ": no rows after the header");
  return out;
}

std::unique_ptr<TableEstimator> TableEstimator::fromSetting(const Space &space, const Json &setting,
                                                            const std::string &baseDir) {
  if (setting.value("impl", "") != "table")
    throw std::invalid_argument("not a table estimator setting: " + setting.dump());
  const Json &args = setting.contains("args") ? setting["args"] : Json::object();
  auto arg = [&](const char *name, const std::string &fallback) {
    auto it = args.find(name);
    if (it == args.end())
      return fallback;
    return runtime::asString(runtime::evaluate(*it, runtime::Env{}));
  };
  std::string file = arg("file", ""), column = arg("column", "");
  if (file.empty() || column.empty())
    throw std::invalid_argument("the table estimator needs `file` and `column`");
  if (!baseDir.empty() && file[0] != '/')
    file = baseDir + "/" + file;
  return std::make_unique<TableEstimator>(space, file, column, arg("report", column));
}

const TableEstimator::Row *TableEstimator::find(const Architecture &a) const {
  auto it = byId_.find(space_.id(space_.canonical(a)));
  return it == byId_.end() ? nullptr : &rows_[it->second];
}

Evaluation TableEstimator::evaluate(const Architecture &a, const std::map<std::string, Json> &) {
  Evaluation e;
  const Row *row = find(a);
  if (!row) {
    e.error = "architecture '" + space_.id(space_.canonical(a)) + "' is not in " + file_;
    return e;
  }
  e.metrics["accuracy"] = row->value;
  e.report["accuracy"] = row->report;
  if (row->params >= 0)
    e.metrics["params"] = row->params;
  for (size_t i = 0; i < row->latency.size(); ++i)
    e.metrics[latencyMetrics_[i]] = row->latency[i];
  return e;
}

double TableEstimator::latency(const Row &row, const std::string &device) const {
  for (size_t i = 0; i < devices_.size() && i < row.latency.size(); ++i)
    if (devices_[i] == device)
      return row.latency[i];
  throw std::out_of_range("the table has no latency on '" + device + "'");
}

double TableEstimator::metric(const std::string &name, const Json &args, const Evaluation &e) const {
  if (name == "latency" || name == "energy") {
    if (!args.contains("device") || !args["device"].is_string())
      throw std::invalid_argument(name + " needs a device");
    std::string device = args["device"].get<std::string>();
    auto it = e.metrics.find(name + "/" + device);
    if (it != e.metrics.end())
      return it->second;
    std::string list;
    for (const std::string &d : devices_)
      list += (list.empty() ? "" : ", ") + d;
    throw std::invalid_argument("the table has no " + name + " on '" + device + "'" +
                                (list.empty() ? std::string(" (no nb201_latency_ms.csv next to ") + file_ + ")"
                                              : " (it has " + list + ")"));
  }
  return Estimator::metric(name, args, e);
}
