//===- Encoding.cpp - Architectures as feature vectors for surrogates -----===//
#include "nasc/search/Encoding.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace nasc::search;
using nasc::runtime::Architecture;
using nasc::runtime::Decision;
using nasc::runtime::Json;
using nasc::runtime::Space;

namespace {

/// The DAG of categorical op choices: vertices are positions in
/// space.discrete(), with the domain positions that are not the zero op.
struct ChoiceGraph {
  std::vector<size_t> vertices;
  std::map<size_t, std::vector<int64_t>> alive;
  std::map<size_t, std::vector<size_t>> next;
};

ChoiceGraph choiceGraph(const Space &space) {
  ChoiceGraph g;
  const Json &nodes = space.json().value("nodes", Json::array());
  std::map<std::string, size_t> discreteOf; // decision name -> position in discrete()
  for (size_t k = 0; k < space.discrete().size(); ++k) {
    const Decision &d = space.decisions()[space.discrete()[k]];
    if (d.kind == Decision::Kind::Categorical)
      discreteOf[d.name] = k;
  }
  // Node ids -> index; consumers; the first node of each decision.
  std::map<int64_t, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i)
    index[nodes[i].value("id", int64_t(i))] = i;
  std::vector<std::vector<size_t>> consumers(nodes.size());
  std::vector<int64_t> vertexOf(nodes.size(), -1); // node -> position in discrete(), first nodes only
  std::set<size_t> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const Json &in : nodes[i].value("inputs", Json::array()))
      if (in.is_number_integer() && index.count(in.get<int64_t>()))
        consumers[index[in.get<int64_t>()]].push_back(i);
    const Json &layer = nodes[i].value("layer", Json::object());
    if (!layer.is_object() || !layer.contains("choose") || !layer["choose"].is_string())
      continue;
    auto it = discreteOf.find(layer["choose"].get<std::string>());
    if (it == discreteOf.end() || !seen.insert(it->second).second)
      continue;
    vertexOf[i] = int64_t(it->second);
    g.vertices.push_back(it->second);
    std::vector<int64_t> alive;
    const Json &of = layer.value("of", Json::array());
    for (size_t p = 0; p < of.size(); ++p)
      if (!(of[p].is_object() && of[p].value("op", "") == "zero"))
        alive.push_back(int64_t(p));
    g.alive[it->second] = alive;
  }
  // Edges: from a first node forward through nodes that choose nothing.
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (vertexOf[i] < 0)
      continue;
    std::set<size_t> targets, visited;
    std::vector<size_t> stack(consumers[i].begin(), consumers[i].end());
    while (!stack.empty()) {
      size_t j = stack.back();
      stack.pop_back();
      if (!visited.insert(j).second)
        continue;
      const Json &layer = nodes[j].value("layer", Json::object());
      bool chooses = layer.is_object() && layer.contains("choose");
      if (vertexOf[j] >= 0)
        targets.insert(size_t(vertexOf[j]));
      if (chooses)
        continue; // a later copy of a decision ends the walk too
      for (size_t c : consumers[j])
        stack.push_back(c);
    }
    g.next[size_t(vertexOf[i])] = std::vector<size_t>(targets.begin(), targets.end());
  }
  return g;
}

size_t combinations(const std::vector<std::vector<int64_t>> &alive) {
  size_t n = 1;
  for (const auto &a : alive)
    n *= a.size();
  return n;
}

} // namespace

ArchitectureEncoding::ArchitectureEncoding(const Space &space) : space_(space) {
  ChoiceGraph g = choiceGraph(space);
  // Maximal paths from the sources (no incoming edge).
  std::set<size_t> hasIncoming;
  for (auto &[v, ns] : g.next)
    for (size_t n : ns)
      hasIncoming.insert(n);
  std::vector<std::vector<size_t>> full;
  bool tooMany = false;
  std::vector<size_t> path;
  std::function<void(size_t)> walk = [&](size_t v) {
    if (tooMany)
      return;
    path.push_back(v);
    const std::vector<size_t> &ns = g.next[v];
    if (ns.empty())
      full.push_back(path);
    for (size_t n : ns)
      walk(n);
    path.pop_back();
    if (full.size() > kMaxPathFeatures)
      tooMany = true;
  };
  for (size_t v : g.vertices)
    if (!hasIncoming.count(v))
      walk(v);
  auto features = [&](const std::vector<std::vector<size_t>> &ps) {
    size_t n = 0;
    for (const auto &p : ps) {
      std::vector<std::vector<int64_t>> alive;
      for (size_t v : p)
        alive.push_back(g.alive[v]);
      n += combinations(alive);
      if (n > kMaxPathFeatures)
        return n;
    }
    return n;
  };
  std::vector<std::vector<size_t>> chosen = full;
  if (tooMany || features(full) > kMaxPathFeatures) {
    // Contiguous pieces of up to 3 vertices, each once.
    truncated_ = true;
    std::set<std::vector<size_t>> pieces;
    std::function<void(std::vector<size_t> &)> extend = [&](std::vector<size_t> &p) {
      pieces.insert(p);
      if (p.size() == 3)
        return;
      for (size_t n : g.next[p.back()]) {
        p.push_back(n);
        extend(p);
        p.pop_back();
      }
    };
    for (size_t v : g.vertices) {
      std::vector<size_t> p{v};
      extend(p);
    }
    chosen.assign(pieces.begin(), pieces.end());
  }
  std::set<size_t> covered;
  for (const auto &p : chosen) {
    Path path;
    path.vertices = p;
    for (size_t v : p) {
      path.alive.push_back(g.alive[v]);
      covered.insert(v);
    }
    path.offset = size_;
    size_ += combinations(path.alive);
    paths_.push_back(std::move(path));
  }
  for (size_t k = 0; k < space.discrete().size(); ++k)
    if (!covered.count(k)) {
      oneHot_.push_back({k, size_});
      size_ += space.decisions()[space.discrete()[k]].domain.size();
    }
  continuousOffset_ = size_;
  size_ += space.continuous().size();
}

std::vector<float> ArchitectureEncoding::encode(const Architecture &a) const {
  std::vector<float> x(size_, 0.0f);
  for (const Path &p : paths_) {
    // The mixed-radix index of the picked alternatives, if all are alive.
    size_t index = 0;
    bool alive = true;
    for (size_t i = 0; i < p.vertices.size() && alive; ++i) {
      const std::vector<int64_t> &al = p.alive[i];
      auto it = std::find(al.begin(), al.end(), a.choice[p.vertices[i]]);
      alive = it != al.end();
      index = index * al.size() + size_t(it - al.begin());
    }
    if (alive)
      x[p.offset + index] = 1.0f;
  }
  for (const OneHot &o : oneHot_)
    x[o.offset + size_t(a.choice[o.decision])] = 1.0f;
  for (size_t k = 0; k < space_.continuous().size(); ++k) {
    const Decision &d = space_.decisions()[space_.continuous()[k]];
    double v = a.real[k];
    double t = d.hi > d.lo ? (d.log && d.lo > 0 ? std::log(v / d.lo) / std::log(d.hi / d.lo) : (v - d.lo) / (d.hi - d.lo))
                           : 0.0;
    x[continuousOffset_ + k] = float(t);
  }
  return x;
}

std::vector<std::string> ArchitectureEncoding::paths() const {
  std::vector<std::string> out;
  for (const Path &p : paths_) {
    std::string s;
    for (size_t v : p.vertices)
      s += (s.empty() ? "" : " -> ") + space_.decisions()[space_.discrete()[v]].name;
    out.push_back(s);
  }
  return out;
}

std::vector<float> ArchitectureEncoding::oneHot(const Space &space, const Architecture &a) {
  std::vector<float> x;
  for (size_t k = 0; k < space.discrete().size(); ++k) {
    size_t n = space.decisions()[space.discrete()[k]].domain.size();
    for (size_t p = 0; p < n; ++p)
      x.push_back(a.choice[k] == int64_t(p) ? 1.0f : 0.0f);
  }
  for (size_t k = 0; k < space.continuous().size(); ++k) {
    const Decision &d = space.decisions()[space.continuous()[k]];
    double v = a.real[k];
    x.push_back(d.hi > d.lo ? float((v - d.lo) / (d.hi - d.lo)) : 0.0f);
  }
  return x;
}
