//===- Charts.cpp - SVG charts for the run report --------------------------===//
#include "Charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nasc::search::charts {

std::string escape(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string num(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v == 0 ? 0.0 : v);
  return buf;
}

const char *palette(size_t k) {
  static const char *colors[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
                                 "#d55e00", "#f0e442", "#000000", "#999999", "#882255"};
  return colors[k % (sizeof colors / sizeof *colors)];
}

namespace {

constexpr double kW = 640, kH = 300, kLeft = 64, kRight = 16, kTop = 28, kBottom = 44;

/// Round tick positions covering [lo, hi].
std::vector<double> ticks(double lo, double hi, int want = 5) {
  std::vector<double> out;
  if (!(hi > lo)) {
    out.push_back(lo);
    return out;
  }
  double raw = (hi - lo) / want, mag = std::pow(10, std::floor(std::log10(raw))), step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

} // namespace

std::string xy(const Axes &axes, const std::vector<Series> &series) {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  auto X = [&](double x) { return axes.logX ? std::log10(std::max(x, 1e-12)) : x; };
  size_t n = 0;
  for (const Series &s : series)
    for (auto [x, y] : s.points)
      if (std::isfinite(x) && std::isfinite(y)) {
        x0 = std::min(x0, X(x)), x1 = std::max(x1, X(x)), y0 = std::min(y0, y), y1 = std::max(y1, y);
        ++n;
      }
  std::string out = "<figure class=\"chart\"><figcaption>" + escape(axes.title) + "</figcaption>";
  if (n == 0)
    return out + "<p class=\"note\">nothing to plot</p></figure>";
  if (x1 == x0)
    x0 -= 1, x1 += 1;
  if (y1 == y0)
    y0 -= std::max(1.0, std::abs(y0) * 0.05), y1 += std::max(1.0, std::abs(y1) * 0.05);
  double pad = (y1 - y0) * 0.05;
  y0 -= pad, y1 += pad;
  auto px = [&](double x) { return kLeft + (X(x) - x0) / (x1 - x0) * (kW - kLeft - kRight); };
  auto py = [&](double y) { return kTop + (y1 - y) / (y1 - y0) * (kH - kTop - kBottom); };
  char buf[256];
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 300\" width=\"640\" height=\"300\" "
         "role=\"img\">";
  // Axes, grid and ticks.
  std::snprintf(buf, sizeof buf, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" class=\"frame\"/>", kLeft, kTop,
                kW - kLeft - kRight, kH - kTop - kBottom);
  out += buf;
  for (double t : ticks(y0, y1)) {
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%g\" y=\"%.1f\" "
                  "class=\"tick\" text-anchor=\"end\">",
                  kLeft, kW - kRight, py(t), py(t), kLeft - 4, py(t) + 4);
    out += buf + num(t) + "</text>";
  }
  for (double t : ticks(x0, x1)) {
    double x = kLeft + (t - x0) / (x1 - x0) * (kW - kLeft - kRight);
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" class=\"grid\"/><text x=\"%.1f\" y=\"%g\" "
                  "class=\"tick\" text-anchor=\"middle\">",
                  x, x, kTop, kH - kBottom, x, kH - kBottom + 16);
    out += buf + num(axes.logX ? std::pow(10, t) : t) + "</text>";
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%g\" class=\"label\" text-anchor=\"middle\">",
                (kLeft + kW - kRight) / 2, kH - 8);
  out += buf + escape(axes.x) + "</text>";
  std::snprintf(buf, sizeof buf,
                "<text x=\"14\" y=\"%g\" class=\"label\" text-anchor=\"middle\" transform=\"rotate(-90 14 %g)\">",
                (kTop + kH - kBottom) / 2, (kTop + kH - kBottom) / 2);
  out += buf + escape(axes.y) + "</text>";
  // Series.
  size_t legend = 0;
  for (const Series &s : series) {
    if (s.points.empty())
      continue;
    if (s.line) {
      std::string d;
      for (auto [x, y] : s.points)
        if (std::isfinite(x) && std::isfinite(y)) {
          std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", d.empty() ? "M" : " L", px(x), py(y));
          d += buf;
        }
      out += "<path class=\"curve\" fill=\"none\" stroke=\"" + s.color + "\" d=\"" + d + "\"><title>" +
             escape(s.name) + "</title></path>";
    }
    if (s.dots || !s.line)
      for (size_t i = 0; i < s.points.size(); ++i) {
        auto [x, y] = s.points[i];
        if (!std::isfinite(x) || !std::isfinite(y))
          continue;
        std::snprintf(buf, sizeof buf, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"%g\" fill=\"%s\">",
                      px(x), py(y), s.line ? 2.0 : 3.0, s.color.c_str());
        out += buf;
        out += "<title>" + escape(i < s.tips.size() && !s.tips[i].empty() ? s.tips[i] : s.name + ": " + num(y)) +
               "</title></circle>";
      }
    // Legend entries at the top right, on a light backing so points under them stay legible.
    double lx = kW - kRight - 170;
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%g\" y=\"%zu\" width=\"166\" height=\"14\" fill=\"#fff\" opacity=\"0.8\"/>"
                  "<rect x=\"%g\" y=\"%zu\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%g\" y=\"%zu\" "
                  "class=\"legend\">",
                  lx, size_t(kTop + 4 + 14 * legend), lx + 4, size_t(kTop + 6 + 14 * legend), s.color.c_str(), lx + 18,
                  size_t(kTop + 15 + 14 * legend));
    out += buf + escape(s.name) + "</text>";
    ++legend;
  }
  return out + "</svg></figure>";
}

std::string bars(const std::string &title, const std::vector<std::string> &labels, const std::vector<double> &value,
                 const std::vector<double> &mark, const std::vector<size_t> &counts, const std::string &valueName,
                 const std::string &markName) {
  double lo = 0, hi = 0;
  bool any = false;
  for (size_t i = 0; i < labels.size(); ++i)
    for (double v : {value[i], mark[i]})
      if (std::isfinite(v)) {
        lo = any ? std::min(lo, v) : v, hi = any ? std::max(hi, v) : v;
        any = true;
      }
  std::string out = "<figure class=\"chart bars\"><figcaption>" + escape(title) + "</figcaption>";
  if (!any)
    return out + "<p class=\"note\">no evaluation scored</p></figure>";
  // Bars start at the lowest value seen (scores such as accuracies sit far
  // from zero), less a margin, so differences show.
  double base = lo - (hi - lo) * 0.1 - (hi == lo ? 1 : 0);
  const double left = 170, right = 80, row = 18, width = 640;
  double height = 24 + row * double(labels.size()) + 8;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" width=\"%g\" height=\"%g\" "
                "role=\"img\">",
                width, height, width, height);
  out += buf;
  auto px = [&](double v) { return left + (v - base) / (hi - base) * (width - left - right); };
  for (size_t i = 0; i < labels.size(); ++i) {
    double y = 20 + row * double(i);
    std::string label = labels[i].size() > 28 ? labels[i].substr(0, 27) + "\xE2\x80\xA6" : labels[i];
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", left - 6, y + 11);
    out += buf + escape(label) + "</text>";
    if (std::isfinite(value[i])) {
      std::snprintf(buf, sizeof buf,
                    "<rect class=\"bar\" x=\"%g\" y=\"%.1f\" width=\"%.1f\" height=\"%g\" fill=\"%s\"><title>",
                    left, y, std::max(0.5, px(value[i]) - left), row - 4, palette(0));
      out += buf + escape(labels[i] + ": " + valueName + " " + num(value[i])) + "</title></rect>";
    }
    if (std::isfinite(mark[i])) {
      std::snprintf(buf, sizeof buf,
                    "<line class=\"mark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"3\"><title>",
                    px(mark[i]), px(mark[i]), y - 1, y + row - 3, palette(1));
      out += buf + escape(labels[i] + ": " + markName + " " + num(mark[i])) + "</title></line>";
    }
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%.1f\" class=\"tick\">", width - right + 6, y + 11);
    out += buf + num(value[i]) + " (n=" + std::to_string(counts[i]) + ")</text>";
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"12\" class=\"legend\">", left);
  out += buf + escape("bar: " + valueName + ", tick: " + markName) + "</text>";
  return out + "</svg></figure>";
}

} // namespace nasc::search::charts
