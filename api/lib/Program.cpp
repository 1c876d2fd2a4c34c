//===- Program.cpp - Compiled programs and their spaces --------------------===//
#include "Internal.h"

#include "nasc/cli/CommandLine.h"
#include "nasc/runtime/Plan.h"
#include "nasc/search/Strategy.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

namespace nasc {

namespace {

std::string join(const std::vector<std::string> &v) {
  std::string out;
  for (const std::string &s : v)
    out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

/// Where `import "std/..."` looks: the option, $NASC_STDLIB, the source
/// tree nasc was built from, or share/nasc/stdlib beside an installed
/// libnasc.
std::string stdlibFor(const CompileOptions &options) {
  if (!options.stdlib.empty())
    return options.stdlib;
  if (const char *env = std::getenv("NASC_STDLIB"); env && *env)
    return env;
  if (std::filesystem::exists(NASC_STDLIB_DIR))
    return NASC_STDLIB_DIR;
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&stdlibFor), &info) && info.dli_fname) {
    std::filesystem::path installed =
        std::filesystem::path(info.dli_fname).parent_path().parent_path() / "share" / "nasc" / "stdlib";
    if (std::filesystem::exists(installed))
      return installed.string();
  }
  return NASC_STDLIB_DIR;
}

const char *kindName(runtime::Decision::Kind k) {
  switch (k) {
  case runtime::Decision::Kind::Categorical:
    return "categorical";
  case runtime::Decision::Kind::IntRange:
    return "int range";
  case runtime::Decision::Kind::FloatRange:
    return "float range";
  case runtime::Decision::Kind::Pick:
    return "pick";
  case runtime::Decision::Kind::Subset:
    return "subset";
  }
  return "?";
}

/// Two host values name the same domain value: equal JSON, or equal numbers
/// (5 and 5.0).
bool sameValue(const Json &a, const Json &b) {
  if (a.is_number() && b.is_number())
    return a.get<double>() == b.get<double>();
  return a == b;
}

} // namespace

Json api::valueOfText(const runtime::Decision &d, const std::string &text) {
  if (d.kind == runtime::Decision::Kind::Pick || d.kind == runtime::Decision::Kind::Subset) {
    Json picked = Json::array();
    if (text != "none") {
      size_t start = 0;
      while (start <= text.size()) {
        size_t plus = text.find('+', start);
        picked.push_back(std::stoll(text.substr(start, plus - start)));
        if (plus == std::string::npos)
          break;
        start = plus + 1;
      }
    }
    return picked;
  }
  if (text == "true" || text == "false")
    return text == "true";
  errno = 0;
  char *end = nullptr;
  long long i = std::strtoll(text.c_str(), &end, 10);
  if (!text.empty() && *end == 0 && errno == 0)
    return int64_t(i);
  double v = std::strtod(text.c_str(), &end);
  if (!text.empty() && *end == 0 && std::isfinite(v))
    return v;
  return text;
}

Architecture Space::Impl::toHost(const runtime::Architecture &a) const {
  Architecture out;
  const std::vector<runtime::Decision> &ds = space->decisions();
  for (size_t k = 0; k < space->discrete().size(); ++k)
    if (space->active(a, k)) {
      const runtime::Decision &d = ds[space->discrete()[k]];
      out[d.name] = api::valueOfText(d, d.text.at(size_t(a.choice[k])));
    }
  for (size_t k = 0; k < space->continuous().size(); ++k)
    out[ds[space->continuous()[k]].name] = a.real.at(k);
  return out;
}

runtime::Architecture Space::Impl::fromHost(const Architecture &given) const {
  const std::vector<runtime::Decision> &ds = space->decisions();
  std::map<std::string, size_t> byName;
  for (size_t i = 0; i < ds.size(); ++i)
    byName[ds[i].name] = i;
  for (const auto &[name, value] : given)
    if (!byName.count(name))
      throw Error("space " + this->name + " has no decision '" + name + "'");
  runtime::Architecture a;
  std::vector<bool> missing;
  for (size_t k : space->discrete()) {
    const runtime::Decision &d = ds[k];
    auto it = given.find(d.name);
    missing.push_back(it == given.end());
    if (it == given.end()) {
      a.choice.push_back(0);
      continue;
    }
    Json v = it->second;
    if ((d.kind == runtime::Decision::Kind::Pick || d.kind == runtime::Decision::Kind::Subset) && v.is_array()) {
      std::vector<int64_t> sorted;
      for (const Json &x : v)
        if (x.is_number_integer())
          sorted.push_back(x.get<int64_t>());
      std::sort(sorted.begin(), sorted.end());
      v = sorted;
    }
    size_t pos = d.text.size();
    std::vector<std::string> domain;
    for (size_t i = 0; i < d.text.size(); ++i) {
      if (pos == d.text.size() && sameValue(api::valueOfText(d, d.text[i]), v))
        pos = i;
      domain.push_back(d.text[i]);
    }
    if (pos == d.text.size())
      throw Error("decision '" + d.name + "' cannot be " + it->second.dump() + " (its values: " + join(domain) + ")");
    a.choice.push_back(int64_t(pos));
  }
  for (size_t k : space->continuous()) {
    const runtime::Decision &d = ds[k];
    auto it = given.find(d.name);
    if (it == given.end()) {
      a.real.push_back(d.lo);
      continue;
    }
    if (!it->second.is_number() || !(it->second.get<double>() >= d.lo && it->second.get<double>() <= d.hi))
      throw Error("decision '" + d.name + "' cannot be " + it->second.dump() + " (it is between " +
                  std::to_string(d.lo) + " and " + std::to_string(d.hi) + ")");
    a.real.push_back(it->second.get<double>());
  }
  runtime::Architecture canonical = space->canonical(a);
  for (size_t k = 0; k < missing.size(); ++k)
    if (missing[k] && space->active(canonical, k) && !ds[space->discrete()[k]].search)
      throw Error("decision '" + ds[space->discrete()[k]].name + "' is used by this architecture and not given");
  if (std::optional<std::string> broken = space->violated(canonical))
    throw Error("the architecture breaks requirement '" + *broken + "'");
  return canonical;
}

//===----------------------------------------------------------------------===//
// Program
//===----------------------------------------------------------------------===//

Program::Program(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Program::~Program() = default;
Program::Program(const Program &) = default;
Program &Program::operator=(const Program &) = default;

Program Program::compileSource(const std::string &source, const std::string &name, const CompileOptions &options) {
  if (source.size() > cli::kSourceLimit)
    throw CompileError(name + ": error: source is larger than the " + cli::describeLimit(cli::kSourceLimit) +
                       " limit\n");
  auto impl = std::make_shared<Impl>();
  impl->compiled = api::compile(source, name, stdlibFor(options));
  try {
    impl->artefact = runtime::parseArtefact(impl->compiled->artefact, name);
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  return Program(std::move(impl));
}

Program Program::compileFile(const std::string &path, const CompileOptions &options) {
  std::string text;
  try {
    text = cli::readFileLimited(path, cli::kSourceLimit);
  } catch (const cli::InputError &e) {
    throw CompileError(path + ": error: " + e.reason() + "\n");
  }
  return compileSource(text, path, options);
}

std::vector<std::string> Program::spaces() const {
  std::vector<std::string> out;
  for (const Json &s : impl_->artefact.spaces())
    out.push_back(s.at("name").get<std::string>());
  return out;
}

std::vector<std::string> Program::searches() const {
  std::vector<std::string> out;
  for (const Json &s : impl_->artefact.searches())
    out.push_back(s.at("name").get<std::string>());
  return out;
}

Json Program::info() const { return Json::parse(impl_->compiled->info()); }
const std::string &Program::artefact() const { return impl_->compiled->artefact; }

std::vector<std::string> Program::strategies() { return search::strategyNames(); }

namespace {

/// Decision name -> how many nodes of the space's network read it (in
/// their layer, their routing or their index: every {"choose": d} and
/// {"decision": d} a node holds, counted once a node).
std::map<std::string, int64_t> placesReading(const Json &space) {
  std::map<std::string, int64_t> count;
  for (const Json &node : space.at("nodes")) {
    std::set<std::string> read;
    std::function<void(const Json &)> walk = [&](const Json &j) {
      if (j.is_object()) {
        for (const char *key : {"choose", "decision"})
          if (j.contains(key) && j[key].is_string())
            read.insert(j[key].get<std::string>());
        for (const auto &item : j.items())
          walk(item.value());
      } else if (j.is_array()) {
        for (const Json &e : j)
          walk(e);
      }
    };
    walk(node);
    for (const std::string &d : read)
      ++count[d];
  }
  return count;
}

std::shared_ptr<Space::Impl> makeSpace(std::shared_ptr<Program::Impl> program, const Json &spaceJson,
                                       std::shared_ptr<Json> search) {
  auto impl = std::make_shared<Space::Impl>();
  impl->program = std::move(program);
  impl->spaceJson = spaceJson;
  impl->search = std::move(search);
  try {
    impl->space = std::make_unique<runtime::Space>(impl->spaceJson, impl->search.get());
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  impl->name = impl->space->name();
  std::map<std::string, int64_t> places = placesReading(impl->spaceJson);
  for (const runtime::Decision &d : impl->space->decisions()) {
    Decision out;
    out.name = d.name;
    out.kind = kindName(d.kind);
    for (const std::string &t : d.text)
      out.values.push_back(api::valueOfText(d, t));
    out.lo = d.lo, out.hi = d.hi, out.log = d.log;
    out.hyperparameter = d.search;
    out.conditional = !d.activeWhen.empty();
    size_t slash = d.name.rfind('/');
    out.owner = slash == std::string::npos ? "" : d.name.substr(0, slash);
    std::string last = out.owner.substr(out.owner.rfind('/') == std::string::npos ? 0 : out.owner.rfind('/') + 1);
    out.sharing = out.owner.empty() ? "space" : last.find('#') == std::string::npos ? "shared" : "independent";
    auto p = places.find(d.name);
    out.places = p == places.end() ? 0 : p->second;
    impl->decisions.push_back(std::move(out));
  }
  return impl;
}

const Json &findSearch(const runtime::Artefact &a, const std::string &name) {
  const Json &all = a.searches();
  std::vector<std::string> names;
  for (const Json &s : all)
    names.push_back(s.at("name").get<std::string>());
  if (name.empty() && all.size() == 1)
    return all[0];
  for (const Json &s : all)
    if (s.at("name") == name)
      return s;
  throw Error(name.empty() ? "the program has " + std::to_string(all.size()) + " searches; name one (" +
                                 join(names) + ")"
                           : "the program has no search '" + name + "' (it has " + join(names) + ")");
}

} // namespace

Space Program::space(const std::string &name) const {
  const Json &spaces = impl_->artefact.spaces();
  std::vector<std::string> names;
  for (const Json &s : spaces)
    names.push_back(s.at("name").get<std::string>());
  const Json *found = nullptr;
  if (name.empty()) {
    // The only network's space (a search block's own copy is not another).
    std::vector<const Json *> networks;
    std::set<std::string> searchSpaces;
    for (const Json &s : impl_->artefact.searches())
      searchSpaces.insert(s.at("settings").at("space").at("space").get<std::string>());
    for (const Json &s : spaces)
      if (!searchSpaces.count(s.at("name").get<std::string>()))
        networks.push_back(&s);
    if (networks.size() == 1)
      found = networks[0];
    else if (networks.empty() && spaces.size() == 1)
      found = &spaces[0];
    else
      throw Error("the program has " + std::to_string(spaces.size()) + " spaces; name one (" + join(names) + ")");
  } else {
    for (const Json &s : spaces)
      if (s.at("name") == name || s.at("name") == name + ".space")
        found = &s;
    if (!found)
      throw Error("the program has no space '" + name + "' (it has " + join(names) + ")");
  }
  return Space(makeSpace(impl_, *found, nullptr));
}

Space Program::searchSpace(const std::string &search) const {
  const Json &block = findSearch(impl_->artefact, search);
  auto copy = std::make_shared<Json>(block);
  const Json &spaceJson = impl_->artefact.space(block.at("settings").at("space").at("space").get<std::string>());
  return Space(makeSpace(impl_, spaceJson, copy));
}

//===----------------------------------------------------------------------===//
// Space
//===----------------------------------------------------------------------===//

Space::Space(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Space::~Space() = default;
Space::Space(const Space &) = default;
Space &Space::operator=(const Space &) = default;

const std::string &Space::name() const { return impl_->name; }
const std::vector<Decision> &Space::decisions() const { return impl_->decisions; }

const std::string &Space::size() const {
  return impl_->spaceJson.at("size").get_ref<const std::string &>();
}

Json Space::info() const {
  Json all = Json::parse(impl_->program->compiled->info());
  for (const Json &entry : all)
    if (entry.value("space", "") == impl_->name)
      return entry;
  throw Error("nasc info has no entry for space " + impl_->name);
}

std::string Space::unique() const {
  Json entry = info();
  const Json &u = entry.at("unique");
  if (u.is_object() && u.contains("benchmark") && u["benchmark"].is_string())
    return u["benchmark"].get<std::string>();
  throw Error("space " + impl_->name + ": the unique architectures were not counted (" +
              entry.value("unique_not_counted", Json("")).dump() + ")");
}

std::string Space::archId(const Architecture &a) const { return impl_->space->fullId(impl_->fromHost(a)); }

Architecture Space::decode(const std::string &id) const {
  try {
    return impl_->toHost(impl_->space->canonical(impl_->space->parseId(id)));
  } catch (const std::invalid_argument &e) {
    throw Error("'" + id + "' is not an architecture of space " + impl_->name + ": " + e.what());
  }
}

Cost Space::cost(const std::string &id) const {
  runtime::Architecture a;
  try {
    a = impl_->space->canonical(impl_->space->parseId(id));
  } catch (const std::invalid_argument &e) {
    throw Error("'" + id + "' is not an architecture of space " + impl_->name + ": " + e.what());
  }
  Cost c;
  c.id = impl_->space->fullId(a);
  c.hash = runtime::Space::hash(c.id);
  try {
    runtime::Plan p = runtime::plan(impl_->program->artefact.ops(), *impl_->space, a);
    c.params = p.params;
    c.macs = p.flops;
  } catch (const std::exception &e) {
    throw Error("cannot cost '" + c.id + "': " + e.what());
  }
  return c;
}

Architecture Space::sample(uint64_t seed) const {
  runtime::Rng rng(seed);
  try {
    return impl_->toHost(impl_->space->canonical(impl_->space->sample(rng)));
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
}

const char *version() { return "0.1.0"; }

} // namespace nasc
