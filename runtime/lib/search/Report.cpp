//===- Report.cpp - One run folder as a self-contained HTML page -----------===//
#include "nasc/search/Report.h"
#include "Charts.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Pareto.h"
#include "nasc/search/Store.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

namespace nasc::search {

using namespace charts;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// An objective's name: its metric, or "objective N" for an expression.
std::string objectiveName(const Json &objective, size_t k) {
  const Json &v = objective.value("value", Json());
  if (v.is_object() && v.contains("metric")) {
    std::string name = v["metric"].get<std::string>();
    if (v.contains("args") && v["args"].is_object() && !v["args"].empty()) {
      std::string args;
      for (const auto &[key, value] : v["args"].items())
        args += (args.empty() ? "" : ", ") + key + "=" + (value.is_object() && value.contains("const")
                                                               ? value["const"].dump()
                                                               : value.dump());
      name += "(" + args + ")";
    }
    return name;
  }
  return "objective " + std::to_string(k + 1);
}

const char *kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1320px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555}.meta b{color:#222}code{font:12px ui-monospace,monospace;background:#f4f4f4;padding:1px 3px;border-radius:3px;word-break:break-all}
.charts{display:flex;flex-wrap:wrap;gap:18px}figure.chart{margin:0}figcaption{font-weight:600;margin:0 0 2px}
svg .frame{fill:none;stroke:#999}svg .grid{stroke:#eee}svg .tick,svg .legend{font-size:11px;fill:#444}svg .label{font-size:12px;fill:#222}
svg .curve{stroke-width:2}.note{color:#777;font-style:italic}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:right;white-space:nowrap}
th{position:sticky;top:0;background:#fafafa;cursor:pointer;user-select:none}th.sorted-asc::after{content:" \25B2"}th.sorted-desc::after{content:" \25BC"}
td.id{text-align:left;white-space:normal;font:11px ui-monospace,monospace;max-width:560px}tr.best td{background:#fff6d6}tr.failed td{color:#a33}
.scroll{max-height:640px;overflow:auto;border:1px solid #eee}.drawing{max-height:900px;overflow:auto;border:1px solid #eee}.drawing svg{max-width:100%;height:auto}
)";

// Sorting the evaluations table by a header click (numbers as numbers);
// errors and the end of the script are marked on <body> for tests.
const char *kScript = R"(
window.addEventListener('error', function (e) { document.body.setAttribute('data-js-error', String(e.message)); });
(function () {
  var table = document.getElementById('evaluations');
  if (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var asc = !th.classList.contains('sorted-asc');
        Array.prototype.forEach.call(heads, function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
        th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
        var numeric = th.getAttribute('data-type') === 'num';
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          if (numeric) { x = parseFloat(x); y = parseFloat(y); x = isNaN(x) ? -Infinity : x; y = isNaN(y) ? -Infinity : y; }
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
      });
    });
  }
  // #selftest (the report's browser test): sort by the first column twice
  // (descending) and say which row came first.
  if (table && location.hash === '#selftest') {
    var th = table.tHead.rows[0].cells[0];
    th.click(); th.click();
    document.body.setAttribute('data-sort-check', table.tBodies[0].rows[0].cells[0].getAttribute('data-v'));
  }
  document.body.setAttribute('data-ready', '1');
})();
)";

std::string cell(const std::string &text, const std::string &sortValue, const std::string &cls = "") {
  return "<td" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + " data-v=\"" + escape(sortValue) + "\">" +
         escape(text) + "</td>";
}

} // namespace

std::string renderReport(const std::string &runDir, const ReportOptions &options) {
  namespace fs = std::filesystem;
  std::string dbPath = options.store.empty() ? (fs::path(runDir) / "search.db").string() : options.store;
  if (options.store.empty() && !fs::exists(dbPath))
    throw StoreError(dbPath + ": no search store here: is " + runDir + " a run folder (nasc search --out DIR)? "
                     "(a run kept in PostgreSQL: pass its --storage URI)");
  std::unique_ptr<Store> store = Store::openForReading(dbPath);
  std::vector<Record> records = store->records();
  std::vector<Json> epochs = store->epochs();
  std::string searchName = store->metaValue("search").value_or("?");

  // The search block (objectives) and its space (decisions), from the run's artefact.
  std::optional<runtime::Artefact> artefact;
  const Json *search = nullptr;
  std::unique_ptr<runtime::Space> space;
  std::string artefactNote;
  std::string artefactPath = (fs::path(runDir) / "space.nasa").string();
  if (fs::exists(artefactPath)) {
    artefact = runtime::loadArtefact(artefactPath);
    for (const Json &s : artefact->searches())
      if (s.value("name", "") == searchName)
        search = &s;
    if (search)
      space = std::make_unique<runtime::Space>(
          artefact->space(search->at("settings").at("space").at("space").get<std::string>()), search);
    else
      artefactNote = artefactPath + " has no search '" + searchName + "'";
  } else {
    artefactNote = "no " + artefactPath + ": decisions and objective names are not shown";
  }
  Json objectives = search ? search->value("objectives", Json::array()) : Json::array();
  size_t nObjectives = objectives.size();
  for (const Record &r : records)
    nObjectives = std::max(nObjectives, r.objectives.size());
  std::vector<std::string> names;
  std::vector<bool> minimize;
  for (size_t k = 0; k < nObjectives; ++k) {
    names.push_back(k < objectives.size() ? objectiveName(objectives[k], k) : "objective " + std::to_string(k + 1));
    minimize.push_back(k < objectives.size() && objectives[k].value("direction", "maximize") == "minimize");
  }
  std::string first = names.empty() ? "score" : names[0];

  // The best (the driver's rule: highest score, earliest among equals) and
  // the value of the first objective as written.
  const Record *best = nullptr;
  for (const Record &r : records)
    if (r.score > -kInf && (!best || r.score > best->score))
      best = &r;
  auto value0 = [&](const Record &r) {
    return r.score == -kInf ? std::numeric_limits<double>::quiet_NaN()
                            : (!r.objectives.empty() ? r.objectives[0] : r.score);
  };

  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nasc report: " +
                     escape(searchName) + "</title><style>" + kStyle + "</style></head><body>";
  html += "<h1>Search " + escape(searchName) + "</h1><p class=\"meta\">";
  html += "<b>" + std::to_string(records.size()) + "</b> evaluations";
  if (auto v = store->metaValue("strategy"))
    html += " &middot; strategy <code>" + escape(*v) + "</code>";
  if (auto v = store->metaValue("seed"))
    html += " &middot; seed " + escape(*v);
  if (auto v = store->metaValue("budget"))
    html += " &middot; budget " + escape(*v);
  if (auto v = store->metaValue("created"))
    html += " &middot; started " + escape(*v);
  auto finished = store->metaValue("finished");
  html += finished ? " &middot; finished " + escape(*finished) : std::string(" &middot; <b>not finished</b>");
  if (space)
    html += " &middot; space " + escape(space->name()) + " (" + escape(space->json().value("size", "?")) +
            " architectures)";
  html += "</p>";
  if (!artefactNote.empty())
    html += "<p class=\"note\">" + escape(artefactNote) + "</p>";
  if (best) {
    html += "<p>Best: <b>" + escape(first) + " " + num(value0(*best)) + "</b> (#" + std::to_string(best->seq) +
            ", hash <code>" + best->hash + "</code>)";
    for (size_t k = 1; k < best->objectives.size() && k < names.size(); ++k)
      html += ", " + escape(names[k]) + " " + num(best->objectives[k]);
    for (const auto &[k, v] : best->eval.report)
      html += ", reported " + escape(k) + " " + num(v);
    html += "<br><code>" + escape(best->id) + "</code></p>";
  } else {
    html += "<p class=\"note\">No evaluation met the constraints yet.</p>";
  }

  // The search curve.
  Series all{"each evaluation", {}, false, true, "#9bbcd6"}, curve{"best so far", {}, true, false, palette(0)};
  Series timeCurve{"best so far", {}, true, false, palette(0)};
  double bestSoFar = std::numeric_limits<double>::quiet_NaN(), bestScore = -kInf, clock = 0;
  for (const Record &r : records) {
    clock += r.seconds;
    double v = value0(r);
    if (std::isfinite(v)) {
      all.points.push_back({double(r.seq), v});
      all.tips.push_back("#" + std::to_string(r.seq) + " " + r.hash + ": " + num(v));
    }
    if (r.score > bestScore)
      bestScore = r.score, bestSoFar = v;
    if (std::isfinite(bestSoFar)) {
      curve.points.push_back({double(r.seq), bestSoFar});
      timeCurve.points.push_back({std::max(clock, 1e-6), bestSoFar});
    }
  }
  html += "<h2>Search curve</h2><div class=\"charts\">";
  html += xy({"Best " + first + " against evaluations", "evaluation", first}, {all, curve});
  html += xy({"Best " + first + " against wall time (log scale)", "seconds evaluating (cumulative)", first, true},
             {timeCurve});
  html += "</div>";

  // The Pareto front of the first two objectives.
  if (nObjectives >= 2) {
    std::vector<std::vector<double>> oriented;
    std::set<std::string> seen;
    std::vector<const Record *> rows;
    for (const Record &r : records) {
      std::vector<double> v;
      if (r.score > -kInf && !r.cached && r.objectives.size() == nObjectives && seen.insert(r.id).second)
        for (size_t k = 0; k < nObjectives; ++k)
          v.push_back(minimize[k] ? -r.objectives[k] : r.objectives[k]);
      oriented.push_back(v);
      rows.push_back(&r);
    }
    ParetoSet paretoSet; // the driver's (search/Pareto.h)
    for (size_t i = 0; i < oriented.size(); ++i)
      if (!oriented[i].empty())
        paretoSet.add(oriented[i], i);
    std::vector<size_t> members = paretoSet.tags();
    Series others{"evaluated", {}, false, false, "#b8c9d9"}, set{"Pareto set", {}, false, false, palette(1)};
    std::set<size_t> inFront(members.begin(), members.end());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (oriented[i].empty())
        continue;
      Series &s = inFront.count(i) ? set : others;
      s.points.push_back({rows[i]->objectives[1], rows[i]->objectives[0]});
      s.tips.push_back("#" + std::to_string(rows[i]->seq) + " " + rows[i]->hash + ": " + names[0] + " " +
                       num(rows[i]->objectives[0]) + ", " + names[1] + " " + num(rows[i]->objectives[1]));
    }
    std::sort(set.points.begin(), set.points.end()); // sorted tips are not needed: each point has its title
    set.tips.clear();
    for (auto &p : set.points)
      set.tips.push_back(names[0] + " " + num(p.second) + ", " + names[1] + " " + num(p.first));
    html += "<h2>Pareto front</h2><div class=\"charts\">";
    html += xy({names[0] + " against " + names[1] + " (" + std::to_string(members.size()) + " non-dominated of " +
                    std::to_string(seen.size()) + " architectures)",
                names[1] + (minimize[1] ? " (minimized)" : " (maximized)"),
                names[0] + (minimize[0] ? " (minimized)" : " (maximized)")},
               {others, set});
    html += "</div>";
  }

  // Per-decision marginals: how each value of each decision scored.
  if (space && !records.empty()) {
    html += "<h2>Decisions</h2><p class=\"meta\">For each value of each decision: the mean " + escape(first) +
            " of the evaluations that chose it (bar) and the best (tick); infeasible and failed evaluations left "
            "out, each architecture counted once.</p><div class=\"charts\">";
    const std::vector<runtime::Decision> &ds = space->decisions();
    std::set<std::string> counted;
    std::vector<const Record *> scored;
    for (const Record &r : records)
      if (std::isfinite(value0(r)) && counted.insert(r.id).second)
        scored.push_back(&r);
    size_t shown = 0;
    for (size_t k = 0; k < space->discrete().size() && shown < 60; ++k) {
      const runtime::Decision &d = ds[space->discrete()[k]];
      if (d.text.size() < 2 || d.text.size() > 40)
        continue;
      std::vector<double> sum(d.text.size(), 0), top(d.text.size(), std::numeric_limits<double>::quiet_NaN());
      std::vector<size_t> n(d.text.size(), 0);
      for (const Record *r : scored) {
        if (k >= r->arch.choice.size() || !space->active(r->arch, k))
          continue;
        size_t pos = size_t(r->arch.choice[k]);
        double v = value0(*r);
        sum[pos] += v, ++n[pos];
        bool better = minimize.empty() || !minimize[0] ? !(v <= top[pos]) : !(v >= top[pos]);
        if (std::isnan(top[pos]) || better)
          top[pos] = v;
      }
      std::vector<double> mean(d.text.size());
      for (size_t i = 0; i < mean.size(); ++i)
        mean[i] = n[i] ? sum[i] / double(n[i]) : std::numeric_limits<double>::quiet_NaN();
      html += bars(d.name, d.text, mean, top, n, "mean " + first, "best");
      ++shown;
    }
    if (space->discrete().size() > shown)
      html += "<p class=\"note\">" + std::to_string(space->discrete().size() - shown) +
              " decisions with one value or more than 40 not drawn.</p>";
    for (size_t k = 0; k < space->continuous().size(); ++k) {
      const runtime::Decision &d = ds[space->continuous()[k]];
      Series s{d.name, {}, false, false, palette(2)};
      for (const Record *r : scored)
        if (k < r->arch.real.size())
          s.points.push_back({r->arch.real[k], value0(*r)});
      html += xy({first + " against " + d.name, d.name + (d.log ? " (log scale)" : ""), first, d.log}, {s});
    }
    html += "</div>";
  }

  // One-shot searches: what each epoch measured.
  if (!epochs.empty()) {
    html += "<h2>One-shot training</h2><div class=\"charts\">";
    std::map<std::string, Series> losses, accuracies, entropies;
    auto add = [](std::map<std::string, Series> &to, const std::string &name, double x, double y) {
      Series &s = to[name];
      if (s.name.empty())
        s = Series{name, {}, true, true, palette(to.size() - 1)};
      s.points.push_back({x, y});
    };
    for (const Json &e : epochs) {
      double x = e.value("epoch", 0.0);
      for (const auto &[key, value] : e.items()) {
        if (!value.is_number() || key == "epoch" || key == "seconds" || key == "lr")
          continue;
        add(key.find("loss") != std::string::npos ? losses : accuracies, key, x, value.get<double>());
      }
      if (e.contains("entropy") && e["entropy"].is_object())
        for (const auto &[key, value] : e["entropy"].items())
          if (value.is_number() && (entropies.size() < 12 || entropies.count(key))) // at most 12 lines
            add(entropies, key, x, value.get<double>());
    }
    auto list = [](std::map<std::string, Series> &m) {
      std::vector<Series> v;
      for (auto &[k, s] : m)
        v.push_back(s);
      return v;
    };
    html += xy({"Losses per epoch", "epoch", "loss"}, list(losses));
    html += xy({"Accuracies and other figures per epoch", "epoch", "value"}, list(accuracies));
    if (!entropies.empty())
      html += xy({"Entropy of each decision's distribution", "epoch", "entropy (nats)"}, list(entropies));
    html += "</div>";
    if (epochs.back().contains("derived")) // a supernet's training derives nothing
      html += "<p class=\"meta\">Derived after the last epoch: <code>" +
              escape(epochs.back().value("derived", std::string("?"))) + "</code></p>";
  }

  // The best architecture, drawn.
  html += "<h2>Best architecture</h2>";
  if (!options.drawing.empty()) {
    std::string svg = options.drawing;
    if (size_t at = svg.find("<svg"); at != std::string::npos)
      svg = svg.substr(at); // no XML prolog or doctype inside HTML
    html += "<div class=\"drawing\">" + svg + "</div>";
  } else {
    html += "<p class=\"note\">" + escape(options.drawingNote.empty() ? "not drawn" : options.drawingNote) + "</p>";
  }

  // Every evaluation.
  html += "<h2>Evaluations</h2><p class=\"meta\">Click a column to sort.</p><div class=\"scroll\"><table "
          "id=\"evaluations\"><thead><tr><th data-type=\"num\">#</th><th>hash</th>";
  for (const std::string &n : names)
    html += "<th data-type=\"num\">" + escape(n) + "</th>";
  html += "<th data-type=\"num\">seconds</th><th>cached</th><th>status</th><th>architecture</th></tr></thead><tbody>";
  for (const Record &r : records) {
    std::string cls = &r == best ? "row best" : r.score == -kInf ? "row failed" : "row";
    html += "<tr class=\"" + cls + "\">" + cell(std::to_string(r.seq), std::to_string(r.seq)) + cell(r.hash, r.hash);
    for (size_t k = 0; k < names.size(); ++k) {
      bool has = k < r.objectives.size() && r.eval.error.empty();
      html += cell(has ? num(r.objectives[k]) : "", has ? num(r.objectives[k]) : "");
    }
    html += cell(num(r.seconds), num(r.seconds)) + cell(r.cached ? "yes" : "", r.cached ? "1" : "0");
    std::string status = !r.eval.error.empty() ? "error: " + r.eval.error
                         : !r.feasible        ? "infeasible: " + r.violated
                                              : "ok";
    html += cell(status, status) + cell(r.id, r.id, "id") + "</tr>";
  }
  html += "</tbody></table></div>";
  html += "<p class=\"meta\">Written by nasc report from " + escape(dbPath) + ".</p><script>" + kScript +
          "</script></body></html>\n";
  return html;
}

} // namespace nasc::search
