//===- Export.cpp - An architecture as a choice-free .nas network ---------===//
#include "nasc/runtime/Export.h"

#include <cstdio>
#include <sstream>

namespace nasc::runtime {

namespace {

/// A scalar as .nas reads it back with the same type.
std::string literal(const Json &v) {
  if (v.is_boolean())
    return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer())
    return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v.get<double>());
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos)
      s += ".0";
    return s;
  }
  if (v.is_string()) {
    std::string s = "\"";
    for (char c : v.get<std::string>())
      s += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return s + "\"";
  }
  throw std::invalid_argument("cannot write " + v.dump() + " as a .nas literal");
}

} // namespace

std::string exportNas(const Json &ops, const Space &space, const Architecture &a, const std::string &name,
                      const std::vector<std::string> &imports, const std::vector<std::string> &comment) {
  Plan p = plan(ops, space, a);
  const Json &nodes = space.json().at("nodes");
  std::vector<std::string> var(nodes.size());
  std::ostringstream body;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!p.live[i])
      continue;
    const Json &node = nodes[i];
    std::string kind = node.at("kind").get<std::string>();
    if (kind == "input") {
      var[i] = node.at("name").get<std::string>();
      const Shape &s = *p.shapes[i];
      body << "  input " << var[i] << ": tensor(" << s[0] << ", " << s[1] << ", " << s[2] << ");\n";
      continue;
    }
    if (kind == "switch" || kind == "select" || kind == "item") {
      var[i] = var[p.routed[i].at(0)]; // routing: the routed map itself
      continue;
    }
    if (kind == "pick" || kind == "subset")
      continue; // read through the sums and concatenations
    var[i] = "n" + std::to_string(i);
    body << "  node " << var[i] << " = ";
    if (kind == "apply") {
      body << var[node.at("inputs").at(0).get<size_t>()];
      for (const PlacedOp &op : p.ops[i]) {
        body << " |> " << op.op.op << "(";
        for (size_t k = 0; k < op.op.names.size(); ++k)
          body << (k ? ", " : "") << op.op.names[k] << "=" << literal(op.op.values[k]);
        body << ")";
      }
    } else if (kind == "sum" || kind == "concat") {
      body << kind << "(";
      bool first = true;
      for (const Json &j : node.at("inputs")) {
        size_t k = j.get<size_t>();
        std::string inKind = nodes[k].at("kind").get<std::string>();
        std::vector<int64_t> terms = (inKind == "pick" || inKind == "subset") ? p.routed[k]
                                                                              : std::vector<int64_t>{int64_t(k)};
        for (int64_t t : terms)
          body << (first ? "" : ", ") << var[t], first = false;
      }
      body << ")";
    } else {
      throw std::invalid_argument("cannot export a node of kind '" + kind + "'");
    }
    body << ";\n";
  }
  std::ostringstream out;
  for (const std::string &line : comment)
    out << "// " << line << "\n";
  out << "\n";
  for (const std::string &imp : imports)
    out << "import " << literal(imp) << ";\n";
  out << "\nnetwork " << name << " {\n" << body.str() << "\n  output " << var[p.output] << ";\n}\n";
  return out.str();
}

} // namespace nasc::runtime
