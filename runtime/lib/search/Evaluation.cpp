//===- Evaluation.cpp - Evaluations as JSON -------------------------------===//
#include "nasc/search/Estimator.h"
#include "nasc/search/Strategy.h"

using namespace nasc::search;

namespace {

Json figuresToJson(const Figures &f) {
  Json out = Json::object();
  for (const auto &[name, value] : f)
    out[name] = scoreToJson(value);
  return out;
}

Figures figuresFromJson(const Json &j, const char *what) {
  if (!j.is_object())
    throw std::invalid_argument(std::string("evaluation: '") + what + "' is not an object");
  Figures::Map m;
  for (const auto &[name, value] : j.items()) {
    if (!value.is_number() && !value.is_string())
      throw std::invalid_argument(std::string("evaluation: ") + what + " '" + name + "' is not a number");
    m[name] = scoreFromJson(value);
  }
  return Figures(std::move(m));
}

} // namespace

Json nasc::search::evaluationToJson(const Evaluation &e) {
  return Json{{"metrics", figuresToJson(e.metrics)}, {"report", figuresToJson(e.report)}, {"error", e.error}};
}

Evaluation nasc::search::evaluationFromJson(const Json &j) {
  if (!j.is_object())
    throw std::invalid_argument("evaluation: not a JSON object");
  Evaluation e;
  e.metrics = figuresFromJson(j.value("metrics", Json::object()), "metrics");
  e.report = figuresFromJson(j.value("report", Json::object()), "report");
  const Json &error = j.value("error", Json(""));
  if (!error.is_string())
    throw std::invalid_argument("evaluation: 'error' is not a string");
  e.error = error.get<std::string>();
  return e;
}
