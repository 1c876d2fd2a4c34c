//===- Artefact.cpp - Reading the compiled search artefact ----------------===//
#include "nasc/runtime/Artefact.h"

#include <zlib.h>

#include <fstream>
#include <set>
#include <sstream>

using nlohmann::json;
using namespace nasc::runtime;

namespace {

/// Validates one artefact's payload, with a JSON-path-like location in errors.
class Validator {
public:
  Validator(const std::string &path) : path(path) {}

  void run(const json &p) {
    object(p, "");
    if (str(p, "format", "") != "nasc-artefact")
      fail("", "'format' is not \"nasc-artefact\"");
    if (integer(p, "version", "") != kArtefactVersion)
      fail("", "payload version " + std::to_string(p.at("version").get<int64_t>()) + " does not match the header");
    const json &ops = field(p, "ops", "");
    object(ops, "ops");
    for (auto &[name, op] : ops.items()) {
      std::string where = "ops." + name;
      object(op, where);
      str(op, "impl", where);
      const json &params = array(field(op, "params", where), where + ".params");
      const json &defaults = array(field(op, "defaults", where), where + ".defaults");
      if (params.size() != defaults.size())
        fail(where, "has " + std::to_string(params.size()) + " params but " + std::to_string(defaults.size()) +
                        " defaults");
      const json &cost = field(op, "cost", where);
      object(cost, where + ".cost");
      for (const char *key : {"out_channels", "stride", "params", "flops"})
        field(cost, key, where + ".cost");
      opNames.insert(name);
    }
    const json &spaces = array(field(p, "spaces", ""), "spaces");
    for (size_t i = 0; i < spaces.size(); ++i)
      space(spaces[i], "spaces[" + std::to_string(i) + "]");
    const json &searches = array(field(p, "searches", ""), "searches");
    for (size_t i = 0; i < searches.size(); ++i) {
      std::string where = "searches[" + std::to_string(i) + "]";
      object(searches[i], where);
      str(searches[i], "name", where);
      object(field(searches[i], "settings", where), where + ".settings");
      array(field(searches[i], "objectives", where), where + ".objectives");
      if (searches[i]["settings"].contains("space")) {
        const json &s = searches[i]["settings"]["space"];
        if (!s.is_object() || !s.contains("space") || !s["space"].is_string() || !spaceNames.count(s["space"]))
          fail(where + ".settings.space", "does not name a space of this artefact");
      }
    }
  }

private:
  const std::string &path;
  std::set<std::string> opNames, spaceNames;

  [[noreturn]] void fail(const std::string &where, const std::string &what) {
    throw ArtefactError(path + ": " + (where.empty() ? "" : where + ": ") + what);
  }
  const json &field(const json &o, const char *key, const std::string &where) {
    if (!o.is_object() || !o.contains(key))
      fail(where, std::string("missing '") + key + "'");
    return o.at(key);
  }
  void object(const json &v, const std::string &where) {
    if (!v.is_object())
      fail(where, "expected an object");
  }
  const json &array(const json &v, const std::string &where) {
    if (!v.is_array())
      fail(where, "expected an array");
    return v;
  }
  std::string str(const json &o, const char *key, const std::string &where) {
    const json &v = field(o, key, where);
    if (!v.is_string())
      fail(where + "." + key, "expected a string");
    return v.get<std::string>();
  }
  int64_t integer(const json &o, const char *key, const std::string &where) {
    const json &v = field(o, key, where);
    if (!v.is_number_integer())
      fail(where + "." + key, "expected an integer");
    return v.get<int64_t>();
  }

  /// A layer tree: ops must exist.
  void layer(const json &l, const std::string &where) {
    object(l, where);
    if (l.contains("op")) {
      if (!l["op"].is_string() || !opNames.count(l["op"].get<std::string>()))
        fail(where + ".op", "names no op of this artefact");
      object(field(l, "args", where), where + ".args");
    } else if (l.contains("choose")) {
      const json &of = array(field(l, "of", where), where + ".of");
      if (of.empty())
        fail(where + ".of", "a choice needs alternatives");
      for (size_t i = 0; i < of.size(); ++i)
        layer(of[i], where + ".of[" + std::to_string(i) + "]");
    } else if (l.contains("if")) {
      layer(field(l, "then", where), where + ".then");
      layer(field(l, "else", where), where + ".else");
    } else if (l.contains("repeat")) {
      layer(field(l, "layer", where), where + ".layer");
    } else {
      fail(where, "is not a layer (op, choose, if or repeat)");
    }
  }

  void space(const json &s, const std::string &where) {
    object(s, where);
    spaceNames.insert(str(s, "name", where));
    std::set<std::string> decisions;
    const json &ds = array(field(s, "decisions", where), where + ".decisions");
    for (size_t i = 0; i < ds.size(); ++i) {
      std::string w = where + ".decisions[" + std::to_string(i) + "]";
      std::string kind = str(ds[i], "kind", w);
      static const std::set<std::string> kinds = {"categorical", "int_range", "float_range", "pick", "subset"};
      if (!kinds.count(kind))
        fail(w + ".kind", "unknown decision kind '" + kind + "'");
      if (kind == "categorical" && integer(ds[i], "size", w) < 1)
        fail(w + ".size", "a categorical decision needs alternatives");
      decisions.insert(str(ds[i], "name", w));
    }
    const json &nodes = array(field(s, "nodes", where), where + ".nodes");
    for (size_t i = 0; i < nodes.size(); ++i) {
      std::string w = where + ".nodes[" + std::to_string(i) + "]";
      if (integer(nodes[i], "id", w) != static_cast<int64_t>(i))
        fail(w + ".id", "nodes must be numbered in order");
      std::string kind = str(nodes[i], "kind", w);
      if (kind == "input")
        continue;
      for (const json &in : array(field(nodes[i], "inputs", w), w + ".inputs"))
        if (!in.is_number_integer() || in.get<int64_t>() < 0 || in.get<int64_t>() >= static_cast<int64_t>(i))
          fail(w + ".inputs", "refers to a node that does not come before it");
      if (kind == "apply")
        layer(field(nodes[i], "layer", w), w + ".layer");
      else if ((kind == "pick" || kind == "subset") && !decisions.count(str(nodes[i], "decision", w)))
        fail(w + ".decision", "names no decision of the space");
      else if (kind != "sum" && kind != "concat" && kind != "pick" && kind != "subset" && kind != "item" &&
               kind != "switch" && kind != "select")
        fail(w + ".kind", "unknown node kind '" + kind + "'");
    }
    int64_t output = integer(s, "output", where);
    if (output < 0 || output >= static_cast<int64_t>(nodes.size()))
      fail(where + ".output", "refers to no node");
  }
};

} // namespace

const json &Artefact::space(const std::string &name) const {
  for (const json &s : spaces())
    if (s.at("name") == name)
      return s;
  throw ArtefactError(path + ": no space '" + name + "'");
}

Artefact nasc::runtime::parseArtefact(const std::string &bytes, const std::string &path) {
  size_t eol = bytes.find('\n');
  if (bytes.compare(0, 5, "NASA ") != 0 || eol == std::string::npos)
    throw ArtefactError(path + ": not a nasc artefact (it does not start with 'NASA <version>')");
  std::istringstream header(bytes.substr(5, eol - 5));
  long long version = -1, length = -1;
  std::string crcText;
  header >> version >> length >> crcText;
  if (!header || version < 0 || length < 0 || crcText.size() != 8)
    throw ArtefactError(path + ": damaged header '" + bytes.substr(0, eol) + "'");
  if (version != kArtefactVersion)
    throw ArtefactError(path + ": artefact version " + std::to_string(version) + "; this runtime reads version " +
                        std::to_string(kArtefactVersion) + " (recompile the space with this nasc)");
  std::string body = bytes.substr(eol + 1);
  if (static_cast<long long>(body.size()) < length)
    throw ArtefactError(path + ": truncated: the header promises " + std::to_string(length) + " bytes, the file has " +
                        std::to_string(body.size()));
  if (static_cast<long long>(body.size()) > length)
    throw ArtefactError(path + ": " + std::to_string(body.size() - length) + " unexpected bytes after the payload");
  uLong crc = crc32(0L, reinterpret_cast<const Bytef *>(body.data()), body.size());
  char computed[9];
  snprintf(computed, sizeof computed, "%08lx", static_cast<unsigned long>(crc));
  if (crcText != computed)
    throw ArtefactError(path + ": corrupt: checksum " + computed + " does not match the header's " + crcText);
  Artefact a{path, {}};
  try {
    a.payload = json::parse(body);
  } catch (const json::exception &e) {
    throw ArtefactError(path + ": corrupt: " + e.what());
  }
  try {
    Validator(path).run(a.payload);
  } catch (const json::exception &e) {
    throw ArtefactError(path + ": malformed: " + e.what());
  }
  return a;
}

Artefact nasc::runtime::loadArtefact(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ArtefactError(path + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return parseArtefact(bytes.str(), path);
}
