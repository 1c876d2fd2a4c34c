//===- Parallel.cpp - A search's evaluations on MPI worker ranks ----------===//
#include "nasc/dist/Parallel.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <optional>

using namespace nasc::dist;
using nasc::search::Evaluation;
using nasc::search::FatalEstimatorError;
using nasc::search::Trial;

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
} // namespace

WorkerPool::WorkerPool(Mpi &mpi) : mpi_(mpi) {
  for (int r = 1; r < mpi.size(); ++r)
    ranks_.push_back(r);
}

void WorkerPool::start(const std::string &fingerprint, const std::string &artefact) {
  std::string problem;
  for (size_t k = 0; k < ranks_.size(); ++k) {
    Message m = mpi_.receive(Mpi::kAnySource, kHello);
    if (problem.empty() && m.body.contains("error"))
      problem = "worker rank " + std::to_string(m.source) + ": " + m.body["error"].get<std::string>();
    else if (problem.empty() && m.body.value("fingerprint", "") != fingerprint)
      problem = "worker rank " + std::to_string(m.source) + " compiled another search (fingerprint " +
                m.body.value("fingerprint", "?") + ", rank 0's is " + fingerprint +
                "): every rank must compile the same source with the same standard library";
  }
  if (!problem.empty()) {
    stop();
    throw std::runtime_error(problem);
  }
  for (int r : ranks_)
    mpi_.send(r, kWelcome, Json{{"artefact", artefact}});
}

WorkerPool::~WorkerPool() {
  try {
    stop();
  } catch (...) {
  }
}

void WorkerPool::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  for (int r : ranks_)
    mpi_.send(r, kStop, Json::object());
}

PoolFigures WorkerPool::run(search::Study &study) {
  PoolFigures f;
  f.workers = workers();
  std::map<int64_t, std::pair<Trial, int>> out; // seq -> the trial, its worker
  std::deque<int> idle(ranks_.begin(), ranks_.end());
  std::optional<Clock::time_point> first;
  while (true) {
    while (!idle.empty()) {
      std::optional<Trial> t = study.ask(); // none: the search stops, or (a window) waits for a result
      if (!t)
        break;
      int w = idle.front();
      idle.pop_front();
      Json hyper = Json::object();
      for (const auto &[name, value] : t->hyper)
        hyper[name] = value;
      mpi_.send(w, kTrial, Json{{"seq", t->seq}, {"id", t->id}, {"budget", t->budget}, {"hyper", hyper}});
      if (!first)
        first = Clock::now();
      int64_t seq = t->seq;
      out.emplace(seq, std::make_pair(std::move(*t), w));
    }
    if (out.empty()) {
      if (study.stopReason().empty())
        throw std::logic_error("the study waits for a result, but no trial is out");
      break;
    }
    Message m = mpi_.receive(Mpi::kAnySource, kResult);
    int64_t seq = m.body.value("seq", int64_t(-1));
    auto it = out.find(seq);
    if (it == out.end() || it->second.second != m.source)
      throw std::runtime_error("worker rank " + std::to_string(m.source) + " sent a result for trial " +
                               std::to_string(seq) + ", which it was not evaluating");
    if (m.body.contains("fatal"))
      throw FatalEstimatorError("worker rank " + std::to_string(m.source) + ": " +
                                m.body["fatal"].get<std::string>());
    Evaluation e;
    try {
      e = search::evaluationFromJson(m.body.at("evaluation"));
    } catch (const std::exception &ex) {
      throw std::runtime_error("worker rank " + std::to_string(m.source) + " sent a bad result for trial " +
                               std::to_string(seq) + ": " + ex.what());
    }
    double seconds = m.body.value("seconds", 0.0);
    ++f.evaluated;
    f.busySeconds += seconds;
    idle.push_back(m.source);
    // Told at once: the store keeps it even while an earlier trial is out.
    study.tell(it->second.first, std::move(e), seconds);
    out.erase(it);
  }
  if (first)
    f.wallSeconds = since(*first);
  study.finish();
  return f;
}

void nasc::dist::serveEvaluations(Mpi &mpi, const std::function<WorkerSetup()> &setup,
                                  const std::function<void(const std::string &)> &welcome) {
  WorkerSetup s;
  try {
    s = setup();
    mpi.send(0, kHello, Json{{"fingerprint", s.fingerprint}});
  } catch (const std::exception &e) {
    mpi.send(0, kHello, Json{{"error", std::string(e.what())}});
    s.estimator = nullptr;
  }
  while (true) {
    Message m = mpi.receive(0);
    if (m.tag == kStop)
      return;
    if (m.tag == kWelcome) {
      if (welcome)
        welcome(m.body.value("artefact", ""));
      continue;
    }
    if (m.tag != kTrial || !s.estimator)
      continue;
    int64_t seq = m.body.value("seq", int64_t(0));
    auto t0 = Clock::now();
    Evaluation e;
    try {
      search::Architecture a = s.space->canonical(s.space->parseId(m.body.at("id").get<std::string>()));
      std::map<std::string, Json> hyper;
      const Json given = m.body.value("hyper", Json::object()); // items() of a temporary dangles
      for (const auto &[name, value] : given.items())
        hyper[name] = value;
      int64_t budget = m.body.value("budget", int64_t(0));
      e = budget > 0 ? s.estimator->evaluateAt(a, hyper, budget) : s.estimator->evaluate(a, hyper);
    } catch (const FatalEstimatorError &ex) {
      mpi.send(0, kResult, Json{{"seq", seq}, {"fatal", std::string(ex.what())}});
      continue;
    } catch (const std::exception &ex) {
      e = Evaluation();
      e.error = ex.what();
    }
    mpi.send(0, kResult, Json{{"seq", seq}, {"evaluation", search::evaluationToJson(e)}, {"seconds", since(t0)}});
  }
}
