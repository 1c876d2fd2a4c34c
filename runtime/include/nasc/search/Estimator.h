//===- Estimator.h - How an architecture's performance is estimated -------===//
//
// An estimator turns an architecture (and the search's hyperparameters) into
// metrics: the table estimator looks them up, training estimators
// (runtime/lib/nn/) train networks. No torch here: the search layer does not
// depend on how metrics are produced.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_ESTIMATOR_H
#define NASC_SEARCH_ESTIMATOR_H

#include "nasc/runtime/Space.h"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace nasc::search {

using runtime::Architecture;
using runtime::Json;
using runtime::Space;

/// Named figures (metric -> value). Copies share one map until one of them
/// is changed: a search that meets an architecture again copies its
/// evaluation into every record, tens of thousands a second on a table.
/// Read like a const std::map; change through operator[], emplace, erase.
class Figures {
public:
  using Map = std::map<std::string, double>;
  using const_iterator = Map::const_iterator;
  using iterator = Map::const_iterator;
  using value_type = Map::value_type;
  using key_type = Map::key_type;
  using mapped_type = Map::mapped_type;

  Figures() = default;
  Figures(Map m) : m_(std::make_shared<Map>(std::move(m))) {}
  Figures(std::initializer_list<value_type> l) : m_(std::make_shared<Map>(l)) {}
  Figures &operator=(Map m) {
    m_ = std::make_shared<Map>(std::move(m));
    return *this;
  }
  Figures &operator=(std::initializer_list<value_type> l) {
    m_ = std::make_shared<Map>(l);
    return *this;
  }
  const Map &map() const { return m_ ? *m_ : none(); }
  operator const Map &() const { return map(); }

  const_iterator begin() const { return map().begin(); }
  const_iterator end() const { return map().end(); }
  const_iterator find(const std::string &k) const { return map().find(k); }
  size_t count(const std::string &k) const { return map().count(k); }
  const double &at(const std::string &k) const { return map().at(k); }
  size_t size() const { return map().size(); }
  bool empty() const { return map().empty(); }

  double &operator[](const std::string &k) { return own()[k]; }
  template <class... A> std::pair<Map::iterator, bool> emplace(A &&...a) { return own().emplace(std::forward<A>(a)...); }
  size_t erase(const std::string &k) { return own().erase(k); }
  void clear() { m_.reset(); }

  bool operator==(const Figures &o) const { return m_ == o.m_ || map() == o.map(); }
  bool operator!=(const Figures &o) const { return !(*this == o); }

private:
  std::shared_ptr<Map> m_; ///< null: empty
  static const Map &none() {
    static const Map e;
    return e;
  }
  Map &own() {
    if (!m_)
      m_ = std::make_shared<Map>();
    else if (m_.use_count() > 1)
      m_ = std::make_shared<Map>(*m_);
    return *m_;
  }
};

/// What one evaluation measured. Metric names are std/search's (accuracy,
/// loss, params, flops, latency, ...) plus `train_seconds`; `report` holds
/// the figures reported for a returned architecture that the search must not
/// look at (e.g. a benchmark's test accuracy as `report.accuracy`).
struct Evaluation {
  Figures metrics;
  Figures report;
  /// Non-empty when the architecture could not be evaluated (the search goes
  /// on; the architecture scores -inf).
  std::string error;
};

/// An evaluation as JSON ({"metrics": {...}, "report": {...}, "error": ""}),
/// non-finite figures as "nan", "inf", "-inf": what the store keeps of a
/// trial told ahead of an earlier one, and what an MPI worker sends back.
Json evaluationToJson(const Evaluation &e);
/// The inverse; std::invalid_argument naming what is wrong.
Evaluation evaluationFromJson(const Json &j);

/// An error that stops the search instead of failing one evaluation: the
/// estimator cannot go on at all (a kept checkpoint it cannot read). The
/// driver lets it through and stores nothing for the evaluation in flight,
/// so a resume after the cause is removed continues as if it never happened;
/// any other exception from evaluate() is that architecture's error.
class FatalEstimatorError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Estimator {
public:
  virtual ~Estimator() = default;
  /// `hyper`: the values of the search block's own decisions (e.g. "lr").
  virtual Evaluation evaluate(const Architecture &a, const std::map<std::string, Json> &hyper) = 0;
  /// Multi-fidelity (hyperband): whether evaluateAt() honours a budget,
  /// the number of training epochs. A table has one fidelity.
  virtual bool takesBudget() const { return false; }
  /// evaluate() trained for `budget` epochs instead of the estimator's own.
  virtual Evaluation evaluateAt(const Architecture &a, const std::map<std::string, Json> &hyper, int64_t budget) {
    (void)budget;
    return evaluate(a, hyper);
  }
  /// A metric with arguments (latency("pixel3")): the estimator's value for
  /// the architecture last evaluated, or throws std::invalid_argument.
  virtual double metric(const std::string &name, const Json &args, const Evaluation &e) const {
    (void)args;
    auto it = e.metrics.find(name);
    if (it == e.metrics.end())
      throw std::invalid_argument("the estimator does not measure '" + name + "'");
    return it->second;
  }
};

} // namespace nasc::search

#endif // NASC_SEARCH_ESTIMATOR_H
