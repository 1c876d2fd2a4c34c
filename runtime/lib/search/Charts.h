//===- Charts.h - SVG charts for the run report (Report.cpp) ---------------===//
//
// Line, scatter and bar charts as inline SVG: axes with round ticks, one
// <path class="curve"> per line series, <circle class="point"> per point,
// a legend. Written directly rather than with a charting library: the
// report needs three plain chart types, a static SVG renders without
// JavaScript, prints, and keeps the page one small offline file.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_CHARTS_H
#define NASC_SEARCH_CHARTS_H

#include <string>
#include <utility>
#include <vector>

namespace nasc::search::charts {

/// Text safe inside HTML/SVG.
std::string escape(const std::string &s);
/// %.4g, without "-0".
std::string num(double v);

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;
  bool line = true;   ///< a path through the points (else points only)
  bool dots = false;  ///< circles at the points too
  std::string color = "#1f77b4";
  /// Per point: a tooltip (<title>), empty for none.
  std::vector<std::string> tips;
};

struct Axes {
  std::string title, x, y;
  bool logX = false;
};

/// A chart of several series over shared axes (empty series are skipped;
/// with no point at all, a note instead of a chart).
std::string xy(const Axes &axes, const std::vector<Series> &series);

/// Horizontal bars: one per label, `value` drawn as the bar, `mark` (if
/// finite) as a tick on it; `counts` printed at the right.
std::string bars(const std::string &title, const std::vector<std::string> &labels, const std::vector<double> &value,
                 const std::vector<double> &mark, const std::vector<size_t> &counts, const std::string &valueName,
                 const std::string &markName);

/// Colours for series k (a colour-blind-safe cycle).
const char *palette(size_t k);

} // namespace nasc::search::charts

#endif // NASC_SEARCH_CHARTS_H
