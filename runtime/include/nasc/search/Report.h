//===- Report.h - One run folder as a self-contained HTML page -------------===//
//
// `nasc report OUT -o report.html`: the search curve (best so far against
// evaluations and against wall time), every evaluation in a sortable table,
// the Pareto front of a multi-objective search, per-decision marginals (how
// each value of each decision scored), a one-shot search's per-epoch losses,
// accuracies and decision entropies, and the best architecture as `nasc viz`
// draws it. One file, no network requests: charts are SVG written here,
// the table's sorting a few lines of inline JavaScript (docs/report.md).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_REPORT_H
#define NASC_SEARCH_REPORT_H

#include <string>

namespace nasc::search {

struct ReportOptions {
  /// The best architecture drawn (an <svg> document, e.g. `nasc viz
  /// --format=svg` of OUT/best.nas); empty: `drawingNote` says why not.
  std::string drawing;
  std::string drawingNote;
  /// Where the run's store is (a PostgreSQL URI with its run); empty:
  /// the run folder's search.db.
  std::string store;
};

/// The page for run folder `runDir` (its search.db, and space.nasa for the
/// decisions). StoreError / ArtefactError naming the file when they are
/// damaged; the store is only read (a running search may be reported).
std::string renderReport(const std::string &runDir, const ReportOptions &options = {});

} // namespace nasc::search

#endif // NASC_SEARCH_REPORT_H
