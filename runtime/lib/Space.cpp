//===- Space.cpp - The choice graph of a compiled space -------------------===//
//
// Domains, IDs and feasibility as the compiler defines them
// (dialect/lib/Architecture.cpp, Evaluate.cpp's domainValues, SpaceSize.cpp),
// plus what a search needs on top: canonical forms, uniform sampling over
// them, mutation.
//
//===----------------------------------------------------------------------===//
#include "nasc/runtime/Space.h"
#include "nasc/runtime/Artefact.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <set>
#include <stdexcept>

using namespace nasc::runtime;

namespace {

int64_t popcount64(uint64_t v) { return __builtin_popcountll(v); }

/// Combinations of controlling decisions enumerated for exact uniform
/// sampling; the compiler's SpaceSize enumerates up to the same bound.
constexpr uint64_t kMaxCombos = uint64_t(1) << 20;
/// Masks a subset/pick domain may hold (2^24: far above any stdlib space).
constexpr int kMaxCandidates = 24;
constexpr int kSampleTries = 100000;
constexpr int kMutateTries = 1000;

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos)
      return out;
    start = p + 1;
  }
}

std::string join(const std::vector<std::string> &parts, const std::string &sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? sep : "") + parts[i];
  return out;
}

/// For an alternative that is not there: a `,NAME=` inside it names what
/// the ID meant as another decision, which the space does not have. The
/// compiler says the same (dialect/lib/Architecture.cpp).
std::string unknownNameHint(const std::string &value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != ',')
      continue;
    std::string after = trim(value.substr(i + 1));
    size_t eq = after.find('=');
    std::string name = eq == std::string::npos ? "" : after.substr(0, eq);
    if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '#' || c == '/' || c == '.';
        }))
      return "; '" + name + "' is not a decision of this space";
  }
  return "";
}

std::string formatG(double v, const char *fmt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

/// An input choice's mask as the compiler writes it: positions joined by '+'.
std::string maskText(uint64_t mask) {
  std::vector<std::string> picked;
  for (unsigned i = 0; i < 64; ++i)
    if (mask >> i & 1)
      picked.push_back(std::to_string(i));
  return picked.empty() ? "none" : join(picked, "+");
}

/// How a categorical's alternative value reads in an ID (the compiler's
/// alternativeText: integers in decimal, i1 as true/false, floats %g).
std::optional<std::string> valueText(const Json &tree) {
  Json v;
  try {
    v = evaluate(tree, Env{});
  } catch (const EvalError &) {
    return std::nullopt; // depends on another decision: the compiler writes #i
  }
  if (v.is_boolean())
    return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer())
    return std::to_string(asInt(v));
  if (v.is_number_float())
    return formatG(v.get<double>(), "%g");
  if (v.is_string())
    return v.get<std::string>();
  return std::nullopt;
}

void decisionsRead(const Json &tree, std::set<std::string> &out) {
  if (tree.is_object()) {
    if (auto it = tree.find("decision"); it != tree.end() && it->is_string())
      out.insert(it->get<std::string>());
    if (auto it = tree.find("choose"); it != tree.end() && it->is_string())
      out.insert(it->get<std::string>());
    if (auto it = tree.find("count"); it != tree.end() && it->is_string())
      out.insert(it->get<std::string>());
    for (auto &[k, v] : tree.items())
      decisionsRead(v, out);
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      decisionsRead(v, out);
  }
}

bool parseInt64(const std::string &s, int64_t &out) {
  if (s.empty())
    return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size())
    return false;
  for (size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9')
      return false;
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || *end)
    return false;
  out = v;
  return true;
}

} // namespace

uint64_t nasc::runtime::uniformIndex(Rng &rng, uint64_t n) {
  if (n == 0)
    throw std::invalid_argument("uniformIndex: empty range");
  return uniformIndex(rng, n, (0 - n) % n);
}

uint64_t nasc::runtime::uniformIndex(Rng &rng, uint64_t n, uint64_t threshold) {
  // Rejects the low 2^64 mod n values so every residue is equally likely.
  uint64_t r;
  do
    r = rng();
  while (r < threshold);
  return r % n;
}

double nasc::runtime::uniformReal(Rng &rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

void Space::addDecision(const Json &d, bool search) {
  Decision out;
  out.name = d.at("name").get<std::string>();
  out.search = search;
  const std::string &kind = d.at("kind").get_ref<const std::string &>();
  Json count;
  int64_t candidates = 0;
  auto constInt = [&](const char *key) { return asInt(evaluate(d.at(key), Env{})); };
  if (kind == "categorical") {
    out.kind = Decision::Kind::Categorical;
    int64_t size = d.at("size").get<int64_t>();
    const Json *labels = d.contains("labels") ? &d["labels"] : nullptr;
    const Json *values = d.contains("values") ? &d["values"] : nullptr;
    for (int64_t i = 0; i < size; ++i) {
      out.domain.push_back(i);
      // A label wins unless empty (a value alternative among layer ones).
      if (labels && i < static_cast<int64_t>(labels->size()) && !(*labels)[i].get<std::string>().empty()) {
        out.text.push_back((*labels)[i].get<std::string>());
        continue;
      }
      std::optional<std::string> t;
      if (values && i < static_cast<int64_t>(values->size()))
        t = valueText((*values)[i]);
      out.text.push_back(t ? *t : "#" + std::to_string(i));
    }
  } else if (kind == "int_range") {
    out.kind = Decision::Kind::IntRange;
    int64_t lo = constInt("lo"), hi = constInt("hi"), step = constInt("step");
    out.log = d.value("log", false);
    if (step <= 0)
      throw ArtefactError("decision '" + out.name + "': step " + std::to_string(step) + " is not positive");
    // As the compiler's domainValues: lo, lo+step, ... <= hi, also for log
    // ranges (log only shapes sampling of float ranges).
    for (int64_t v = lo; v <= hi; v += step) {
      out.domain.push_back(v);
      out.text.push_back(std::to_string(v));
      if (out.domain.size() > (uint64_t(1) << 24))
        throw ArtefactError("decision '" + out.name + "' has more than 2^24 values");
    }
    out.lo = double(lo), out.hi = double(hi);
  } else if (kind == "float_range") {
    out.kind = Decision::Kind::FloatRange;
    out.lo = asDouble(evaluate(d.at("lo"), Env{}));
    out.hi = asDouble(evaluate(d.at("hi"), Env{}));
    out.log = d.value("log", false);
    if (!(out.lo <= out.hi) || (out.log && out.lo <= 0))
      throw ArtefactError("decision '" + out.name + "': bad float range");
  } else if (kind == "pick" || kind == "subset") {
    out.kind = kind == "pick" ? Decision::Kind::Pick : Decision::Kind::Subset;
    int64_t n = d.at("candidates").get<int64_t>();
    candidates = n;
    if (n < 0 || n > kMaxCandidates)
      throw ArtefactError("input choice '" + out.name + "' has " + std::to_string(n) + " candidates (at most " +
                          std::to_string(kMaxCandidates) + " supported)");
    std::optional<int64_t> k;
    if (out.kind == Decision::Kind::Pick) {
      try {
        k = asInt(evaluate(d.at("count"), Env{}));
      } catch (const EvalError &) {
        count = d.at("count"); // depends on decisions: every mask, checked later
      }
    }
    for (uint64_t mask = 0; mask < (uint64_t(1) << n); ++mask) {
      if (k && popcount64(mask) != *k)
        continue;
      out.domain.push_back(static_cast<int64_t>(mask));
      out.text.push_back(maskText(mask));
    }
    if (out.domain.empty())
      throw ArtefactError("input choice '" + out.name + "' cannot pick " + std::to_string(k.value_or(0)) + " of " +
                          std::to_string(n) + " candidates");
  } else {
    throw ArtefactError("decision '" + out.name + "': unknown kind '" + kind + "'");
  }
  auto conditions = [](const Json &set) {
    std::vector<Decision::SwitchCondition> out;
    for (const Json &c : set) {
      if (c.contains("decision")) {
        out.push_back({c.at("decision").get<std::string>(), c.at("includes").get<int64_t>(), {}, true});
        continue;
      }
      Decision::SwitchCondition condition{c.at("switch").get<std::string>(), c.at("at_least").get<int64_t>(), {}};
      if (c.contains("at_most"))
        condition.atMost = c.at("at_most").get<int64_t>();
      out.push_back(std::move(condition));
    }
    return out;
  };
  if (auto it = d.find("active_if"); it != d.end())
    out.activeWhen.push_back(conditions(*it));
  if (auto it = d.find("active_if_any"); it != d.end())
    for (const Json &set : *it)
      out.activeWhen.push_back(conditions(set));
  if (out.discrete() && out.domain.empty())
    throw ArtefactError("decision '" + out.name + "' has an empty domain");
  (out.discrete() ? discrete_ : continuous_).push_back(decisions_.size());
  decisions_.push_back(std::move(out));
  pickCount_.push_back(count);
  candidates_.push_back(candidates);
}

Space::Space(const Json &space, const Json *search) : space_(space) {
  try {
    name_ = space.at("name").get<std::string>();
    std::set<std::string> names;
    for (const Json &d : space.at("decisions"))
      if (names.insert(d.at("name").get<std::string>()).second)
        addDecision(d, false);
    constraints_ = Json::array();
    for (const Json &c : space.value("constraints", Json::array()))
      if (!readsMetric(c.at("condition")))
        constraints_.push_back(c);
    if (search) {
      // A search's decisions that the space also has (EfficientNet's phi)
      // are the space's; the others are hyperparameters.
      for (const Json &d : search->value("decisions", Json::array()))
        if (names.insert(d.at("name").get<std::string>()).second)
          addDecision(d, true);
      for (const Json &c : search->value("constraints", Json::array()))
        if (!readsMetric(c.at("condition")))
          constraints_.push_back(c);
    }
    for (const Json &c : constraints_)
      constraintCode_.push_back(CompiledExpr::compile(c.at("condition")));
    const Json &nodes = space.at("nodes");
    std::map<int64_t, std::string> choiceNodes;
    for (const Json &n : nodes) {
      const std::string &kind = n.at("kind").get_ref<const std::string &>();
      if (kind == "switch") {
        switches_[n.at("id_name").get<std::string>()] = n.at("index");
        switchCode_[n.at("id_name").get<std::string>()] = CompiledExpr::compile(n.at("index"));
      }
      if (kind == "pick" || kind == "subset")
        choiceNodes[n.at("id").get<int64_t>()] = n.at("decision").get<std::string>();
    }
    for (const Json &n : nodes) {
      const std::string &kind = n.at("kind").get_ref<const std::string &>();
      if (kind != "sum" && kind != "concat")
        continue;
      std::vector<std::string> choices;
      size_t others = 0;
      for (const Json &in : n.at("inputs")) {
        auto it = choiceNodes.find(in.get<int64_t>());
        if (it != choiceNodes.end())
          choices.push_back(it->second);
        else
          ++others;
      }
      if (!choices.empty() && others == 0)
        combiners_.push_back({choices, others});
    }
  } catch (const nlohmann::json::exception &e) {
    throw ArtefactError("space '" + name_ + "': " + e.what());
  } catch (const EvalError &e) {
    throw ArtefactError("space '" + name_ + "': " + e.what());
  }

  std::map<std::string, size_t> position;
  for (size_t k = 0; k < discrete_.size(); ++k) {
    position[decisions_[discrete_[k]].name] = k;
    conditional_ |= !decisions_[discrete_[k]].activeWhen.empty();
  }
  // What the per-architecture paths (IDs, feasibility, mutation) need
  // again and again, worked out once.
  for (auto &[name, k] : position)
    idOrder_.push_back(k);
  std::map<std::string, size_t> realPosition;
  for (size_t k = 0; k < continuous_.size(); ++k)
    realPosition[decisions_[continuous_[k]].name] = k;
  for (auto &[name, k] : realPosition)
    realIdOrder_.push_back(k);
  unconstrained_ = combiners_.empty() && constraints_.empty() &&
                   std::all_of(pickCount_.begin(), pickCount_.end(), [](const Json &c) { return c.is_null(); });
  for (size_t k = 0; k < discrete_.size(); ++k) {
    uint64_t n = decisions_[discrete_[k]].domain.size();
    thresholds_.push_back(n ? (0 - n) % n : 0);
    if (n > 1)
      genes_.push_back(k);
  }
  for (size_t k = 0; k < continuous_.size(); ++k)
    if (decisions_[continuous_[k]].hi > decisions_[continuous_[k]].lo)
      genes_.push_back(discrete_.size() + k);
  std::set<std::string> read;
  for (auto &[id, index] : switches_)
    decisionsRead(index, read);
  for (const Decision &d : decisions_)
    for (const auto &set : d.activeWhen)
      for (const Decision::SwitchCondition &c : set)
        if (c.includes)
          read.insert(c.sw); // an input choice whose picks decide which edge ops are used
  for (const std::string &n : read)
    if (auto it = position.find(n); it != position.end())
      controlling_.push_back(it->second);
  std::sort(controlling_.begin(), controlling_.end());
  // Nesting level of each controlling decision: 0 when always used, else one
  // more than the deepest controller of a switch its use depends on.
  std::map<std::string, std::set<std::string>> switchReads;
  for (auto &[id, index] : switches_)
    decisionsRead(index, switchReads[id]);
  std::map<size_t, int> level;
  std::function<int(size_t, int)> levelOf = [&](size_t k, int depth) -> int {
    if (auto it = level.find(k); it != level.end())
      return it->second;
    int l = 0;
    if (depth < 64)
      for (const auto &set : decisions_[discrete_[k]].activeWhen)
        for (const Decision::SwitchCondition &c : set)
          for (const std::string &n : c.includes ? std::set<std::string>{c.sw} : switchReads[c.sw])
            if (auto it = position.find(n); it != position.end() && it->second != k)
              l = std::max(l, 1 + levelOf(it->second, depth + 1));
    return level[k] = l;
  };
  controllingOuterFirst_ = controlling_;
  std::stable_sort(controllingOuterFirst_.begin(), controllingOuterFirst_.end(),
                   [&](size_t a, size_t b) { return levelOf(a, 0) < levelOf(b, 0); });

  buildComponents();
}

void Space::buildComponents() {
  // Union-find over discrete positions.
  std::vector<size_t> parent(discrete_.size());
  for (size_t k = 0; k < parent.size(); ++k)
    parent[k] = k;
  std::function<size_t(size_t)> find = [&](size_t k) { return parent[k] == k ? k : parent[k] = find(parent[k]); };
  auto unite = [&](const std::vector<size_t> &ks) {
    for (size_t i = 1; i < ks.size(); ++i)
      parent[find(ks[i])] = find(ks[0]);
  };
  std::map<std::string, size_t> position;
  for (size_t k = 0; k < discrete_.size(); ++k)
    position[decisions_[discrete_[k]].name] = k;
  std::set<std::string> continuousNames;
  for (size_t c : continuous_)
    continuousNames.insert(decisions_[c].name);
  std::map<std::string, std::vector<size_t>> switchReaders;
  for (auto &[id, index] : switches_) {
    std::set<std::string> read;
    decisionsRead(index, read);
    for (const std::string &n : read)
      if (auto it = position.find(n); it != position.end())
        switchReaders[id].push_back(it->second);
  }
  auto readersOf = [&](const Decision::SwitchCondition &c) {
    if (c.includes)
      return position.count(c.sw) ? std::vector<size_t>{position.at(c.sw)} : std::vector<size_t>{};
    return switchReaders[c.sw];
  };
  std::vector<bool> linked(discrete_.size(), false);
  for (auto &[id, readers] : switchReaders) {
    for (size_t k : readers)
      linked[k] = true;
    unite(readers);
  }
  for (size_t k = 0; k < discrete_.size(); ++k)
    for (const auto &set : decisions_[discrete_[k]].activeWhen)
      for (const Decision::SwitchCondition &c : set) {
        std::vector<size_t> ks = readersOf(c);
        for (size_t r : ks)
          linked[r] = true;
        ks.push_back(k);
        unite(ks);
      }
  // Requirements over discrete decisions only join components; one reading
  // a float (a search's lr) stays a check after drawing.
  std::vector<std::pair<size_t, const Json *>> requirements; // (a position it reads, requirement)
  for (const Json &c : constraints_) {
    std::set<std::string> read;
    decisionsRead(c.at("condition"), read);
    std::vector<size_t> ks;
    bool discreteOnly = true;
    for (const std::string &n : read) {
      if (continuousNames.count(n))
        discreteOnly = false;
      else if (auto it = position.find(n); it != position.end())
        ks.push_back(it->second);
    }
    if (!discreteOnly || ks.empty())
      continue;
    for (size_t k : ks)
      linked[k] = true;
    for (const Json &cond : c.value("active_if", Json::array())) {
      if (cond.contains("decision")) {
        if (auto it = position.find(cond.at("decision").get<std::string>()); it != position.end())
          ks.push_back(it->second), linked[it->second] = true;
      } else {
        for (size_t r : switchReaders[cond.at("switch").get<std::string>()])
          ks.push_back(r), linked[r] = true;
      }
    }
    unite(ks);
    requirements.push_back({ks[0], &c});
  }

  // A component: the decisions of a root with a linked or conditional
  // member; the others are independent, drawn alone.
  std::set<size_t> roots;
  for (size_t k = 0; k < discrete_.size(); ++k)
    if (linked[k] || !decisions_[discrete_[k]].activeWhen.empty())
      roots.insert(find(k));
  std::map<size_t, Component> byRoot;
  for (size_t k = 0; k < discrete_.size(); ++k)
    if (roots.count(find(k)))
      (linked[k] ? byRoot[find(k)].linked : byRoot[find(k)].free).push_back(k);
  exactSampling_ = true;
  uint64_t total = 0;
  for (auto &[root, comp] : byRoot) {
    uint64_t combos = 1;
    for (size_t k : comp.linked) {
      combos *= decisions_[discrete_[k]].domain.size();
      if (combos > kMaxCombos || total + combos > 4 * kMaxCombos) {
        exactSampling_ = false; // too many: independent draws, canonicalized, rejected
        components_.clear();
        return;
      }
    }
    total += combos;
    std::vector<const Json *> own;
    for (auto &[k, c] : requirements)
      if (find(k) == root)
        own.push_back(c);
    // Decisions that only set switch indices, unconditional and with no
    // requirement (a plain repetition's depth): independent after all.
    if (comp.free.empty() && own.empty() &&
        std::all_of(comp.linked.begin(), comp.linked.end(),
                    [&](size_t k) { return decisions_[discrete_[k]].activeWhen.empty(); }))
      continue;
    Architecture a;
    a.choice.assign(discrete_.size(), 0);
    for (size_t c : continuous_)
      a.real.push_back(decisions_[c].lo);
    std::vector<int64_t> pos(comp.linked.size(), 0);
    double sum = 0;
    while (true) {
      for (size_t j = 0; j < comp.linked.size(); ++j)
        a.choice[comp.linked[j]] = pos[j];
      std::map<std::string, Json> vals = values(a); // switch indices once for both
      std::vector<bool> act = activity(vals);
      // A linked decision that is itself unused counts once, at 0.
      bool counted = true;
      for (size_t j = 0; j < comp.linked.size(); ++j)
        counted &= act[comp.linked[j]] || pos[j] == 0;
      if (counted && brokenRequirement(vals, own))
        counted = false;
      double w = counted ? 1 : 0;
      for (size_t k : comp.free)
        if (counted && act[k])
          w *= double(decisions_[discrete_[k]].domain.size());
      sum += w;
      comp.combos.push_back(pos);
      comp.cumulative.push_back(sum);
      size_t j = 0;
      for (; j < pos.size(); ++j) {
        if (++pos[j] < static_cast<int64_t>(decisions_[discrete_[comp.linked[j]]].domain.size()))
          break;
        pos[j] = 0;
      }
      if (j == pos.size())
        break;
    }
    if (sum == 0)
      throw ArtefactError("space '" + name_ + "': no architecture meets its requirements");
    components_.push_back(std::move(comp));
  }
}

//===----------------------------------------------------------------------===//
// Values, activity, feasibility
//===----------------------------------------------------------------------===//

void Space::checkShape(const Architecture &a) const {
  if (a.choice.size() != discrete_.size() || a.real.size() != continuous_.size())
    throw std::invalid_argument("architecture has " + std::to_string(a.choice.size()) + "+" +
                                std::to_string(a.real.size()) + " values; space '" + name_ + "' has " +
                                std::to_string(discrete_.size()) + " discrete and " +
                                std::to_string(continuous_.size()) + " continuous decisions");
  for (size_t k = 0; k < discrete_.size(); ++k) {
    const Decision &d = decisions_[discrete_[k]];
    int64_t p = a.choice[k];
    if (p < 0 || p >= static_cast<int64_t>(d.domain.size()))
      throw std::invalid_argument("decision '" + d.name + "': position " + std::to_string(p) + " is outside 0.." +
                                  std::to_string(d.domain.size() - 1));
  }
}

std::map<std::string, Json> Space::values(const Architecture &a) const {
  checkShape(a);
  std::map<std::string, Json> out;
  for (size_t k = 0; k < discrete_.size(); ++k) {
    const Decision &d = decisions_[discrete_[k]];
    out[d.name] = d.domain[a.choice[k]];
  }
  for (size_t k = 0; k < continuous_.size(); ++k)
    out[decisions_[continuous_[k]].name] = a.real[k];
  for (auto &[id, index] : switchIndices(out))
    out[id] = index;
  return out;
}

std::map<std::string, int64_t> Space::switchIndices(const std::map<std::string, Json> &values) const {
  std::map<std::string, int64_t> out;
  Env env;
  env.decisions = &values;
  for (auto &[id, tree] : switches_) {
    const auto &code = switchCode_.at(id);
    out[id] = asInt(code ? code->evaluate(values) : evaluate(tree, env));
  }
  return out;
}

std::vector<bool> Space::activity(const Architecture &a) const {
  if (!conditional_)
    return std::vector<bool>(discrete_.size(), true);
  return activity(values(a));
}

std::vector<bool> Space::activity(const std::map<std::string, Json> &vals) const {
  std::vector<bool> act(discrete_.size(), true);
  if (!conditional_)
    return act;
  auto holds = [&](const Decision &d, const Decision::SwitchCondition &c) {
    if (c.includes) {
      auto v = vals.find(c.sw);
      if (v == vals.end())
        throw ArtefactError("decision '" + d.name + "' depends on input choice '" + c.sw + "', which space '" +
                            name_ + "' does not have");
      return c.atLeast >= 0 && c.atLeast < 64 && (uint64_t(asInt(v->second)) >> c.atLeast & 1) != 0;
    }
    auto it = switches_.count(c.sw) ? vals.find(c.sw) : vals.end();
    if (it == vals.end())
      throw ArtefactError("decision '" + d.name + "' depends on switch '" + c.sw + "', which space '" + name_ +
                          "' does not have");
    int64_t index = asInt(it->second);
    return index >= c.atLeast && (!c.atMost || index <= *c.atMost);
  };
  for (size_t k = 0; k < discrete_.size(); ++k) {
    const Decision &d = decisions_[discrete_[k]];
    if (d.activeWhen.empty())
      continue;
    act[k] = std::any_of(d.activeWhen.begin(), d.activeWhen.end(), [&](const auto &set) {
      return std::all_of(set.begin(), set.end(), [&](const auto &c) { return holds(d, c); });
    });
  }
  return act;
}

bool Space::active(const Architecture &a, size_t d) const { return activity(a).at(d); }

bool Space::resolutionDecided() const {
  for (const Json &input : space_.value("inputs", Json::array()))
    if (input.contains("shape") && input["shape"].is_array() && input["shape"].size() == 3 &&
        (readsDecision(input["shape"][1]) || readsDecision(input["shape"][2])))
      return true;
  return false;
}

Architecture Space::canonical(const Architecture &a) const {
  if (!conditional_)
    return a;
  Architecture out = a;
  std::vector<bool> act = activity(a);
  for (size_t k = 0; k < act.size(); ++k)
    if (!act[k])
      out.choice[k] = 0;
  return out;
}

std::optional<std::string> Space::brokenPickCount(const Architecture &a) const {
  return brokenPickCount(a, values(a));
}

std::optional<std::string> Space::brokenPickCount(const Architecture &a,
                                                  const std::map<std::string, Json> &vals) const {
  // A pick's count may itself be a decision: checked once all are known.
  Env env;
  env.decisions = &vals;
  for (size_t k = 0; k < discrete_.size(); ++k) {
    const Json &count = pickCount_[discrete_[k]];
    if (count.is_null())
      continue;
    const Decision &d = decisions_[discrete_[k]];
    int64_t want = asInt(evaluate(count, env)), got = popcount64(uint64_t(d.domain[a.choice[k]]));
    if (want != got)
      return "input choice '" + d.name + "' picks " + std::to_string(want) + " of its candidates, not " +
             std::to_string(got);
  }
  return std::nullopt;
}

/// Whether every condition of an `active_if` set holds under `vals` (which
/// holds the switch indices by id).
static bool conditionsHold(const Json &set, const std::map<std::string, Json> &vals) {
  for (const Json &c : set) {
    if (c.contains("decision")) {
      auto it = vals.find(c.at("decision").get<std::string>());
      int64_t i = c.at("includes").get<int64_t>();
      if (it == vals.end() || i < 0 || i >= 64 || !(uint64_t(asInt(it->second)) >> i & 1))
        return false;
      continue;
    }
    auto it = vals.find(c.at("switch").get<std::string>());
    if (it == vals.end())
      return false;
    int64_t index = asInt(it->second);
    if (index < c.at("at_least").get<int64_t>() || (c.contains("at_most") && index > c.at("at_most").get<int64_t>()))
      return false;
  }
  return true;
}

std::optional<std::string> Space::brokenRequirement(const std::map<std::string, Json> &vals,
                                                   const std::vector<const Json *> &constraints) const {
  Env env;
  env.decisions = &vals;
  for (const Json *c : constraints) {
    std::string text = c->value("text", c->value("message", std::string("a requirement")));
    if (c->contains("active_if") && !conditionsHold(c->at("active_if"), vals))
      continue; // inside a block this architecture does not use
    // One of constraints_ (by address) has its compiled condition.
    size_t i = constraints_.empty() ? 0 : (uintptr_t(c) - uintptr_t(&constraints_[0])) / sizeof(Json);
    const CompiledExpr *code = i < constraintCode_.size() && c == &constraints_[i] ? constraintCode_[i].get() : nullptr;
    try {
      if (!asBool(code ? code->evaluate(vals) : evaluate(c->at("condition"), env)))
        return text;
    } catch (const EvalError &e) {
      return text + " (cannot be evaluated: " + e.what() + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> Space::violated(const Architecture &a) const {
  if (unconstrained_) {
    checkShape(a);
    return std::nullopt;
  }
  std::map<std::string, Json> vals = values(a);
  if (auto broken = brokenPickCount(a, vals))
    return broken;
  std::vector<bool> act = activity(vals);
  std::map<std::string, bool> used;
  for (size_t k = 0; k < discrete_.size(); ++k)
    used[decisions_[discrete_[k]].name] = act[k];
  for (auto &[choices, others] : combiners_) {
    int64_t picked = 0;
    bool anyUsed = false;
    for (const std::string &c : choices) {
      picked += popcount64(uint64_t(asInt(vals.at(c))));
      anyUsed |= used[c];
    }
    if (picked == 0 && anyUsed)
      return "this architecture picks no input for '" + choices.front() + "', and its sum/concat has nothing else";
  }
  std::vector<const Json *> all;
  for (const Json &c : constraints_)
    all.push_back(&c);
  if (auto broken = brokenRequirement(vals, all))
    return broken;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// IDs
//===----------------------------------------------------------------------===//

std::string Space::id(const Architecture &a) const {
  if (a.choice.size() != discrete_.size())
    throw std::invalid_argument("architecture has " + std::to_string(a.choice.size()) + " discrete values; space '" +
                                name_ + "' has " + std::to_string(discrete_.size()));
  std::string out; // sorted by name, as the compiler's std::map
  out.reserve(discrete_.size() * 32);
  for (size_t k : idOrder_) {
    const Decision &d = decisions_[discrete_[k]];
    if (!out.empty())
      out += ',';
    out += d.name;
    out += '=';
    out += d.text.at(size_t(a.choice[k]));
  }
  return out;
}

std::string Space::fullId(const Architecture &a) const {
  std::string out = id(a);
  if (continuous_.empty())
    return out;
  out += ";";
  bool first = true;
  for (size_t k : realIdOrder_) {
    out += (first ? "" : ",") + decisions_[continuous_[k]].name + "=" + formatG(a.real.at(k), "%.17g");
    first = false;
  }
  return out;
}

namespace {
constexpr uint64_t kFnvBasis = 1469598103934665603ull, kFnvPrime = 1099511628211ull;
inline void fnv(uint64_t &h, const std::string &s) {
  for (unsigned char c : s)
    h = (h ^ c) * kFnvPrime;
}
inline void fnv(uint64_t &h, char c) { h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime; }
} // namespace

std::string Space::hash(const std::string &id) {
  uint64_t h = kFnvBasis;
  fnv(h, id);
  return hashText(h);
}

std::string Space::hashText(uint64_t h) {
  std::string out(16, '0'); // what "%016" PRIx64 writes
  for (int i = 15; i >= 0; --i, h >>= 4)
    out[size_t(i)] = "0123456789abcdef"[h & 15];
  return out;
}

uint64_t Space::key(const Architecture &a) {
  // splitmix64's finalizer over each position and each real's bits, chained.
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  uint64_t h = mix(a.choice.size() * 0x100000001b3ull + a.real.size());
  for (int64_t c : a.choice)
    h = mix(h ^ uint64_t(c));
  for (double r : a.real) {
    uint64_t bits;
    std::memcpy(&bits, &r, sizeof bits);
    h = mix(h ^ bits);
  }
  return h;
}

uint64_t Space::idHash(const Architecture &a) const {
  if (a.choice.size() != discrete_.size())
    throw std::invalid_argument("architecture has " + std::to_string(a.choice.size()) + " discrete values; space '" +
                                name_ + "' has " + std::to_string(discrete_.size()));
  // The bytes fullId() writes, hashed as they are made.
  uint64_t h = kFnvBasis;
  bool first = true;
  for (size_t k : idOrder_) {
    const Decision &d = decisions_[discrete_[k]];
    if (!first)
      fnv(h, ',');
    first = false;
    fnv(h, d.name);
    fnv(h, '=');
    fnv(h, d.text.at(size_t(a.choice[k])));
  }
  if (!continuous_.empty()) {
    fnv(h, ';');
    first = true;
    for (size_t k : realIdOrder_) {
      if (!first)
        fnv(h, ',');
      first = false;
      fnv(h, decisions_[continuous_[k]].name);
      fnv(h, '=');
      fnv(h, formatG(a.real.at(k), "%.17g"));
    }
  }
  return h;
}

Architecture Space::parseId(const std::string &text) const {
  std::string structural = text, hyper;
  if (size_t semi = text.find(';'); semi != std::string::npos)
    structural = text.substr(0, semi), hyper = text.substr(semi + 1);
  std::map<std::string, size_t> byName; // name -> index into decisions_
  for (size_t i = 0; i < decisions_.size(); ++i)
    byName[decisions_[i].name] = i;
  std::map<std::string, int64_t> given;   // discrete: domain position
  std::map<std::string, double> givenReal; // continuous
  auto fail = [](const std::string &m) -> void { throw std::invalid_argument(m); };
  // Labels may hold commas (DARTS' "max_pool(3, stride=2)"): a piece starts
  // a new part only when it starts with a decision's name and '='.
  std::vector<std::string> parts;
  for (const std::string &piece : split(structural, ',')) {
    size_t eq = piece.find('=');
    bool starts = eq != std::string::npos && byName.count(trim(piece.substr(0, eq)));
    if (starts || parts.empty())
      parts.push_back(piece);
    else
      parts.back() += "," + piece;
  }
  for (const std::string &raw : parts) {
    if (trim(raw).empty())
      continue;
    size_t eq = raw.find('=');
    std::string name = trim(raw.substr(0, eq)), value = eq == std::string::npos ? "" : trim(raw.substr(eq + 1));
    auto it = byName.find(name);
    // As the compiler, the ID's part names discrete decisions only.
    if (it == byName.end() || !decisions_[it->second].discrete())
      fail("the space has no decision '" + name + "'");
    if (given.count(name))
      fail("decision '" + name + "' is given twice");
    const Decision &d = decisions_[it->second];
    if (d.kind == Decision::Kind::Categorical) {
      auto pos = std::find(d.text.begin(), d.text.end(), value);
      int64_t k;
      // `#k`: the k-th alternative (from 0), whatever its label.
      if (pos == d.text.end() && value.size() > 1 && value[0] == '#' && parseInt64(value.substr(1), k) && k >= 0 &&
          k < int64_t(d.text.size())) {
        given[name] = k;
        continue;
      }
      if (pos == d.text.end())
        fail("decision '" + name + "' has no alternative '" + value + "' (it has " + join(d.text, ", ") + ")" +
             unknownNameHint(value));
      given[name] = pos - d.text.begin();
      continue;
    }
    if (d.kind == Decision::Kind::Pick || d.kind == Decision::Kind::Subset) {
      uint64_t n = uint64_t(candidates_[it->second]);
      uint64_t mask = 0;
      if (value != "none") {
        for (const std::string &item : split(value, '+')) {
          int64_t i;
          if (!parseInt64(trim(item), i) || i < 0 || uint64_t(i) >= n)
            fail("input choice '" + name + "' has candidates 0.." + std::to_string(int64_t(n) - 1) + ", not '" +
                 trim(item) + "'");
          if (mask >> i & 1)
            fail("input choice '" + name + "' names candidate " + std::to_string(i) + " twice");
          mask |= uint64_t(1) << i;
        }
      }
      auto pos = std::find(d.domain.begin(), d.domain.end(), int64_t(mask));
      if (pos == d.domain.end()) {
        // A pick with a constant count holds only masks of that many bits.
        int64_t k = popcount64(uint64_t(d.domain.front()));
        fail("input choice '" + name + "' picks " + std::to_string(k) + " of its candidates, not " +
             std::to_string(popcount64(mask)));
      }
      given[name] = pos - d.domain.begin();
      continue;
    }
    int64_t v;
    auto pos = d.domain.end();
    if (parseInt64(value, v))
      pos = std::find(d.domain.begin(), d.domain.end(), v);
    if (pos == d.domain.end())
      fail("decision '" + name + "' cannot be '" + value + "'");
    given[name] = pos - d.domain.begin();
  }
  for (const std::string &raw : split(hyper, ',')) {
    if (trim(raw).empty())
      continue;
    size_t eq = raw.find('=');
    std::string name = trim(raw.substr(0, eq)), value = eq == std::string::npos ? "" : trim(raw.substr(eq + 1));
    auto it = byName.find(name);
    if (it == byName.end() || decisions_[it->second].discrete())
      fail("the space has no continuous decision '" + name + "'");
    if (givenReal.count(name))
      fail("decision '" + name + "' is given twice");
    char *end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    const Decision &d = decisions_[it->second];
    if (value.empty() || *end || !(v >= d.lo && v <= d.hi))
      fail("decision '" + name + "' cannot be '" + value + "' (it is between " + formatG(d.lo, "%g") + " and " +
           formatG(d.hi, "%g") + ")");
    givenReal[name] = v;
  }
  Architecture a;
  for (size_t k : discrete_) {
    const Decision &d = decisions_[k];
    auto it = given.find(d.name);
    if (it == given.end()) {
      if (!d.search)
        fail("decision '" + d.name + "' is not given");
      a.choice.push_back(0);
      continue;
    }
    a.choice.push_back(it->second);
  }
  for (size_t k : continuous_) {
    auto it = givenReal.find(decisions_[k].name);
    a.real.push_back(it == givenReal.end() ? decisions_[k].lo : it->second);
  }
  if (auto broken = brokenPickCount(a))
    fail(*broken);
  return a;
}

//===----------------------------------------------------------------------===//
// Sampling and mutation
//===----------------------------------------------------------------------===//

namespace {
double drawReal(const Decision &d, Rng &rng) {
  double u = uniformReal(rng);
  if (d.hi <= d.lo)
    return d.lo;
  if (d.log)
    return std::exp(std::log(d.lo) + u * (std::log(d.hi) - std::log(d.lo)));
  return d.lo + u * (d.hi - d.lo);
}
} // namespace

Architecture Space::draw(Rng &rng) const {
  Architecture a;
  a.choice.assign(discrete_.size(), 0);
  if (exactSampling_) {
    // Exactly uniform over feasible canonical forms: per component, a
    // combination of its linked decisions in proportion to the
    // architectures it has, then its decisions used there; the rest alone.
    // Discrete decisions are drawn in order, then continuous ones: without
    // components that is the draw order of independent sampling.
    for (const Component &comp : components_) {
      double r = uniformReal(rng) * comp.cumulative.back();
      size_t c = std::upper_bound(comp.cumulative.begin(), comp.cumulative.end(), r) - comp.cumulative.begin();
      c = std::min(c, comp.combos.size() - 1);
      while (c > 0 && comp.cumulative[c] == comp.cumulative[c - 1])
        --c; // a combination of weight 0 is never drawn
      for (size_t j = 0; j < comp.linked.size(); ++j)
        a.choice[comp.linked[j]] = comp.combos[c][j];
    }
    std::vector<bool> draw(discrete_.size(), true);
    if (!components_.empty()) {
      for (size_t ci : continuous_)
        a.real.push_back(decisions_[ci].lo); // conditions read no float
      std::vector<bool> act = activity(a);
      for (const Component &comp : components_) {
        for (size_t k : comp.linked)
          draw[k] = false;
        for (size_t k : comp.free)
          draw[k] = act[k];
      }
      a.real.clear();
    }
    for (size_t k = 0; k < discrete_.size(); ++k)
      if (draw[k])
        a.choice[k] = int64_t(uniformIndex(rng, decisions_[discrete_[k]].domain.size(), thresholds_[k]));
    for (size_t ci : continuous_)
      a.real.push_back(drawReal(decisions_[ci], rng));
    return a;
  }
  for (size_t k = 0; k < discrete_.size(); ++k)
    a.choice[k] = int64_t(uniformIndex(rng, decisions_[discrete_[k]].domain.size(), thresholds_[k]));
  for (size_t ci : continuous_)
    a.real.push_back(drawReal(decisions_[ci], rng));
  return canonical(a);
}

Architecture Space::first() const {
  Architecture a;
  a.choice.assign(discrete_.size(), 0);
  for (size_t c : continuous_)
    a.real.push_back(decisions_[c].lo);
  return canonical(a);
}

Architecture Space::sample(Rng &rng) const {
  std::optional<std::string> last;
  for (int t = 0; t < kSampleTries; ++t) {
    Architecture a = draw(rng);
    last = violated(a);
    if (!last)
      return a;
  }
  throw std::runtime_error("space '" + name_ + "': no architecture meeting its requirements in " +
                           std::to_string(kSampleTries) + " random draws (the last broke '" + *last + "')");
}

Architecture Space::mutate(const Architecture &parent, Rng &rng, double rate) const {
  Architecture base = canonical(parent);
  std::vector<bool> act = activity(base);
  // Genes: active discrete decisions with a choice, then continuous ones
  // (all of genes_ when no decision is conditional).
  std::vector<size_t> activeGenes;
  if (conditional_)
    for (size_t g : genes_)
      if (g >= discrete_.size() || act[g])
        activeGenes.push_back(g);
  const std::vector<size_t> &genes = conditional_ ? activeGenes : genes_;
  if (genes.empty())
    throw std::runtime_error("space '" + name_ + "' has nothing to mutate (every decision has one value)");
  for (int t = 0; t < kMutateTries; ++t) {
    Architecture child = base;
    std::vector<size_t> chosen;
    if (rate > 0)
      for (size_t g : genes)
        if (uniformReal(rng) < rate)
          chosen.push_back(g);
    if (chosen.empty())
      chosen.push_back(genes[uniformIndex(rng, genes.size())]);
    for (size_t g : chosen) {
      if (g >= discrete_.size()) {
        child.real[g - discrete_.size()] = drawReal(decisions_[continuous_[g - discrete_.size()]], rng);
        continue;
      }
      // Another value, uniformly among the others.
      uint64_t n = decisions_[discrete_[g]].domain.size();
      int64_t p = int64_t(uniformIndex(rng, n - 1));
      child.choice[g] = p >= child.choice[g] ? p + 1 : p;
    }
    if (conditional_) {
      std::vector<bool> now = activity(child);
      for (size_t k = 0; k < now.size(); ++k)
        if (now[k] && !act[k])
          child.choice[k] = int64_t(uniformIndex(rng, decisions_[discrete_[k]].domain.size()));
      child = canonical(child);
    }
    if (child == base || violated(child))
      continue;
    return child;
  }
  throw std::runtime_error("space '" + name_ + "': no mutation of '" + id(base) + "' meets the requirements in " +
                           std::to_string(kMutateTries) + " tries");
}

Architecture Space::crossover(const Architecture &a, const Architecture &b, Rng &rng) const {
  Architecture pa = canonical(a), pb = canonical(b);
  std::vector<bool> actA = activity(pa), actB = activity(pb);
  for (int t = 0; t < kMutateTries; ++t) {
    Architecture child = pa;
    std::vector<bool> fromB(discrete_.size());
    for (size_t k = 0; k < discrete_.size(); ++k)
      if ((fromB[k] = uniformReal(rng) < 0.5))
        child.choice[k] = pb.choice[k];
    for (size_t k = 0; k < continuous_.size(); ++k)
      if (uniformReal(rng) < 0.5)
        child.real[k] = pb.real[k];
    if (conditional_) {
      std::vector<bool> now = activity(child);
      for (size_t k = 0; k < now.size(); ++k)
        if (now[k] && !(fromB[k] ? actB[k] : actA[k]))
          child.choice[k] = int64_t(uniformIndex(rng, decisions_[discrete_[k]].domain.size()));
      child = canonical(child);
    }
    if (!violated(child))
      return child;
  }
  return pa;
}

uint64_t Space::discreteSize() const {
  uint64_t total = 1;
  for (size_t k : discrete_) {
    uint64_t n = decisions_[k].domain.size();
    if (total > std::numeric_limits<uint64_t>::max() / n)
      return std::numeric_limits<uint64_t>::max();
    total *= n;
  }
  return total;
}
