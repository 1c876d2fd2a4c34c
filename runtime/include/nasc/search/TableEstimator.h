//===- TableEstimator.h - Metrics looked up in a benchmark table ----------===//
//
// The `table` estimator of std/search: a CSV with an `arch` column in
// NAS-Bench-201's string form `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` (group
// g is target node g; entry `op~j` is the edge from node j), matched to the
// space's architectures by ID: edge j->i is the decision named `e{j}_{i}` or
// ending in `/e{j}_{i}`, and `op` its alternative's label. evaluate() gives
//   metrics["accuracy"] = `column`, report["accuracy"] = `report`,
//   metrics["params"]   = params_mb * 1e6 when the table has params_mb,
//   metrics["latency/DEVICE"] for each device of a nb201_latency_ms.csv
//   next to the table (same `index` order), which metric("latency",
//   {"device": D}) reads.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_TABLEESTIMATOR_H
#define NASC_SEARCH_TABLEESTIMATOR_H

#include "nasc/search/Estimator.h"

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace nasc::search {

class TableEstimator : public Estimator {
public:
  struct Row {
    int64_t line = 0;    ///< in the CSV file (1: the header)
    std::string arch;    ///< the table's string
    std::string id;      ///< the space's canonical ID
    double value = 0;    ///< `column`
    double report = 0;   ///< `report`
    double params = -1;  ///< params_mb * 1e6, or -1 without that column
    std::vector<double> latency; ///< per devices(), when a latency file is next to the table
  };

  /// Reads `file`; throws std::runtime_error for a missing file or column or
  /// a row whose arch does not name an architecture of `space` (file:line).
  /// `space` must outlive the estimator (as for strategies).
  TableEstimator(const Space &space, const std::string &file, const std::string &column,
                 const std::string &report = "");

  /// From the search's estimator setting {"extern": "table", "impl": "table",
  /// "args": {"file", "column", "report"}} (trees or values). A relative
  /// `file` is taken from `baseDir` when given (the directory nasc runs in).
  static std::unique_ptr<TableEstimator> fromSetting(const Space &space, const Json &setting,
                                                     const std::string &baseDir = "");

  Evaluation evaluate(const Architecture &a, const std::map<std::string, Json> &hyper) override;
  double metric(const std::string &name, const Json &args, const Evaluation &e) const override;

  const std::vector<Row> &rows() const { return rows_; }
  /// The row of `a` (canonicalized), if the table has it.
  const Row *find(const Architecture &a) const;
  const std::string &file() const { return file_; }
  /// Devices of the latency file (empty without one).
  const std::vector<std::string> &devices() const { return devices_; }
  /// A row's latency on `device` (std::out_of_range for a device the
  /// latency file does not have).
  double latency(const Row &row, const std::string &device) const;

  /// The space's ID of a NAS-Bench-201 string; throws std::invalid_argument.
  static std::string idOf(const Space &space, const std::string &arch);

  /// A latency file on its own (nb201_latency_ms.csv: `arch`, optional
  /// `index`, one column of milliseconds per device), its rows matched to
  /// `space` by idOf. Throws std::runtime_error naming the file and line.
  struct LatencyFile {
    std::vector<std::string> devices;
    struct Entry {
      int64_t line = 0;
      std::string id;
      std::map<std::string, double> ms; ///< by device
    };
    std::vector<Entry> rows;
  };
  static LatencyFile readLatencies(const Space &space, const std::string &file);

private:
  const Space &space_;
  std::string file_, column_, report_;
  std::vector<Row> rows_;
  std::unordered_map<std::string, size_t> byId_;
  std::vector<std::string> devices_;
  std::vector<std::string> latencyMetrics_; ///< "latency/DEVICE" per devices_
};

} // namespace nasc::search

#endif // NASC_SEARCH_TABLEESTIMATOR_H
