//===- Viz.cpp - Drawing a search space as a Graphviz graph ---------------===//
//
// Each template of the generated (not lowered) module is one DOT cluster, so
// a cell is drawn once however often the network uses it. An operation whose
// result only feeds a sum, concat or input choice is a labelled edge, and so
// is every single-input operation of a cell: the cell DAG of NAS papers, a
// mixed op reading `e0_1: none | skip_connect | ...`. Instances and the
// layers of blocks and networks are boxes, filled by sharing key.
//
//===----------------------------------------------------------------------===//
#include "nasc/Viz.h"

#include "nas/NasDialect.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace nasc;
namespace nas = mlir::nas;
using llvm::StringRef;
using mlir::Value;

namespace {

const char *kDecisionColor = "#1f5fbf";
const char *kIndependentColor = "#e6e6e6";
// ColorBrewer Set3: light enough for black text, distinct per sharing key.
const char *kKeyColors[] = {"#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3",
                            "#b3de69", "#fccde5", "#ffffb3", "#bc80bd", "#ccebc5"};
const size_t kMaxExprLength = 48; // longer ones (compound scaling formulas) would swamp the drawing

/// The inside of a DOT string; '\n' becomes a centered line break.
std::string escape(StringRef s) {
  std::string out;
  for (char c : s)
    out += c == '\n' ? std::string("\\n") : c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out;
}
std::string quote(StringRef s) { return "\"" + escape(s) + "\""; }

/// A DOT id: bare when it is an identifier, so readers and tests can grep it.
std::string dotId(StringRef s) {
  bool plain = !s.empty() && !llvm::isDigit(s[0]) &&
               llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
  return plain ? s.str() : quote(s);
}

std::string str(mlir::Attribute a) { return llvm::cast<mlir::StringAttr>(a).str(); }
std::string joinLines(StringRef a, StringRef b) {
  return a.empty() ? b.str() : b.empty() ? a.str() : (a + "\n" + b).str();
}
bool isMerge(mlir::Operation *op) { return llvm::isa<nas::SumOp, nas::ConcatOp>(op); }

/// A parameter default or constant as the source writes it; "" for none.
std::string attrText(mlir::Attribute a) {
  if (auto i = llvm::dyn_cast_or_null<mlir::IntegerAttr>(a))
    return i.getType().isInteger(1) ? (i.getValue().getBoolValue() ? "true" : "false")
                                    : std::to_string(i.getValue().getSExtValue());
  if (auto f = llvm::dyn_cast_or_null<mlir::FloatAttr>(a)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", f.getValueAsDouble());
    std::string s = buffer;
    return s.find_first_of(".eni") == std::string::npos ? s + ".0" : s; // 1.0, not 1
  }
  if (auto s = llvm::dyn_cast_or_null<mlir::StringAttr>(a))
    return "\"" + s.str() + "\"";
  return "";
}

/// The infix operator an op reads as; "" for none.
StringRef infixOf(mlir::Operation *op) {
  auto cmpi = llvm::dyn_cast<mlir::arith::CmpIOp>(op);
  auto cmpf = llvm::dyn_cast<mlir::arith::CmpFOp>(op);
  StringRef predicate = cmpi ? mlir::arith::stringifyCmpIPredicate(cmpi.getPredicate())
                        : cmpf ? mlir::arith::stringifyCmpFPredicate(cmpf.getPredicate()) : "";
  if (!predicate.empty()) // slt, oge, ...: the comparison is in the last two letters
    return llvm::StringSwitch<StringRef>(predicate.take_back(2))
        .Case("eq", "==").Case("ne", "!=").Case("lt", "<").Case("le", "<=").Case("gt", ">").Case("ge", ">=")
        .Default("?");
  return llvm::StringSwitch<StringRef>(op->getName().getStringRef())
      .Cases("arith.addi", "arith.addf", "+").Cases("arith.subi", "arith.subf", "-")
      .Cases("arith.muli", "arith.mulf", "*").Cases("arith.divsi", "arith.divf", "/")
      .Cases("arith.remsi", "arith.remf", "%").Case("arith.andi", "&&").Case("arith.ori", "||")
      .Case("math.powf", "**").Case("nas.string_eq", "==")
      .Default("");
}

/// "name: a | b | c", wrapped so that long candidate lists (DARTS's eight
/// ops on fourteen edges) do not stretch the drawing sideways.
std::string choiceText(StringRef name, const std::vector<std::string> &parts) {
  std::string out = name.str() + ":";
  size_t line = out.size();
  for (auto [i, part] : llvm::enumerate(parts)) {
    bool wrap = i > 0 && line + 3 + part.size() > 72;
    out += (i == 0 ? " " : wrap ? " |\n" : " | ") + part;
    line = (wrap ? 0 : line + (i == 0 ? 1 : 3)) + part.size();
  }
  return out;
}

/// How a layer value reads. sharing: "shared as KEY", "independent" or "root";
/// count: "x5", "x depth"; decision: the search decides it or what it reads.
struct LayerText { std::string title, sharing, key, count; bool instance = false, decision = false; };

/// What all clusters share: the sharing keys in the order first drawn, each
/// with its color, and the vertex ids taken (DOT ids are global).
struct Shared { std::vector<std::pair<std::string, std::string>> keys; llvm::StringSet<> ids; };

/// A pending edge: the vertex a feature map comes from and what it passes
/// through (operations drawn as edges, input choices).
struct Wire { std::string from, label; bool dashed = false, decision = false; };

/// Draws one template as a cluster, reading its values as source-like text.
class Drawer {
public:
  Drawer(nas::TemplateOp tmpl, Shared &shared, llvm::raw_ostream &os)
      : tmpl(tmpl), shared(shared), os(os), prefix(tmpl.getSymName().str()) {}

  void draw() {
    os << "  subgraph " << dotId("cluster_" + prefix) << " {\n";
    os << "    label=" << quote(heading()) << ";\n    style=rounded; color=\"#999999\";\n";
    mlir::Block &body = tmpl.getBody().front();
    // What the search decides: decisions and everything computed from them.
    auto isDecided = [&](Value v) { return decided.contains(v); };
    for (mlir::Operation &op : body)
      if (llvm::isa<nas::CategoricalOp, nas::RangeOp>(op) || llvm::any_of(op.getOperands(), isDecided))
        decided.insert(op.result_begin(), op.result_end());
    for (Value arg : body.getArguments().drop_front(tmpl.getNumParams()))
      wires[arg] = {{vertex("shape=ellipse, style=filled, fillcolor=\"#f2f2f2\"", argName(arg), argName(arg))}};
    // Decisions that no edge or box shows, and constraints, go in one note.
    std::string notes;
    for (mlir::Operation &op : body)
      if (std::string note = noteOf(op); !note.empty())
        notes += escape(note) + "\\l"; // \l ends a left-aligned line
      else
        drawOp(op);
    if (!notes.empty())
      os << "    " << dotId(prefix + "_decisions") << " [shape=note, fontsize=10, label=\"" << notes << "\"];\n";
    os << "  }\n";
  }

private:
  /// `v` as an expression; `nested`: an infix operand, parenthesized if infix.
  std::string expr(Value v, bool nested = false) {
    if (llvm::isa<nas::LayerType>(v.getType()))
      return layer(v).title;
    std::string s = exprUncapped(v, nested);
    return s.size() > kMaxExprLength ? "..." : s;
  }

  std::string exprUncapped(Value v, bool nested) {
    mlir::Operation *op = v.getDefiningOp();
    if (!op)
      return argName(v);
    mlir::Attribute constant;
    if (mlir::matchPattern(v, mlir::m_Constant(&constant)) && !attrText(constant).empty())
      return attrText(constant);
    if (auto s = llvm::dyn_cast<nas::StringOp>(op))
      return "\"" + s.getValue().str() + "\"";
    if (llvm::isa<nas::CategoricalOp, nas::RangeOp>(op)) // a decision reads as its name
      return op->getAttrOfType<mlir::StringAttr>("name").str();
    if (llvm::isa<mlir::CastOpInterface>(op)) // sitofp, fptosi, ...: the value reads the same
      return exprUncapped(op->getOperand(0), nested);
    std::string open = nested ? "(" : "", close = nested ? ")" : "";
    if (auto s = llvm::dyn_cast<mlir::arith::SelectOp>(op))
      return open + "if " + expr(s.getCondition()) + " then " + expr(s.getTrueValue()) + " else " +
             expr(s.getFalseValue()) + close;
    if (StringRef infix = infixOf(op); !infix.empty() && op->getNumOperands() == 2)
      return open + expr(op->getOperand(0), true) + " " + infix.str() + " " + expr(op->getOperand(1), true) + close;
    // min, max, floor, round, ...: a call of the op's short name.
    StringRef fn = op->getName().getStringRef().split('.').second; // minsi -> min, absf -> abs
    fn = fn.starts_with("min") || fn.starts_with("max") ? fn.take_front(3) : fn.ends_with("f") ? fn.drop_back() : fn;
    std::vector<std::string> args;
    for (Value a : op->getOperands())
      args.push_back(expr(a));
    return fn.str() + "(" + llvm::join(args, ", ") + ")";
  }

  std::string argName(Value v) {
    unsigned i = llvm::cast<mlir::BlockArgument>(v).getArgNumber(), params = tmpl.getNumParams();
    mlir::ArrayAttr names = i < params ? tmpl.getParamNames() : tmpl.getInputNames();
    unsigned k = i < params ? i : i - params;
    return k < names.size() ? str(names[k]) : "?";
  }

  /// `op(a, name=b)`: an argument is named unless it reads as its name.
  std::string call(StringRef callee, mlir::ValueRange args, mlir::ArrayAttr names) {
    std::vector<std::string> parts;
    for (auto [i, a] : llvm::enumerate(args)) {
      std::string value = expr(a);
      std::string name = i < names.size() ? str(names[i]) : "";
      parts.push_back(name.empty() || name == value ? value : name + "=" + value);
    }
    return parts.empty() ? callee.str() : callee.str() + "(" + llvm::join(parts, ", ") + ")";
  }

  LayerText layer(Value v) {
    LayerText lt;
    lt.decision = decided.contains(v);
    mlir::Operation *op = v.getDefiningOp();
    if (!op) {
      lt.title = argName(v);
    } else if (auto l = llvm::dyn_cast<nas::LayerOp>(op)) {
      lt.title = call(l.getOp(), l.getArgs(), l.getNames());
    } else if (auto i = llvm::dyn_cast<nas::InstanceOp>(op)) {
      lt.title = call(i.getTemplateName(), i.getArgs(), i.getNames());
      lt.instance = true;
      lt.key = i.getKey().value_or("").str();
      lt.sharing = i.getSharing() == nas::Sharing::shared ? "shared as " + lt.key
                                                           : nas::stringifySharing(i.getSharing()).str();
    } else if (auto r = llvm::dyn_cast<nas::RepeatOp>(op)) {
      lt = layer(r.getLayer());
      lt.count = joinLines(lt.count, countText(r.getCount()));
      lt.decision = decided.contains(v);
    } else if (auto c = llvm::dyn_cast<nas::CategoricalOp>(op)) {
      lt.title = choiceText(c.getName(), alternatives(c));
    } else if (auto s = llvm::dyn_cast<mlir::arith::SelectOp>(op)) {
      lt.title = "if " + expr(s.getCondition()) + "\nthen " + layer(s.getTrueValue()).title + "\nelse " +
                 layer(s.getFalseValue()).title;
    } else {
      lt.title = op->getName().getStringRef().str();
    }
    return lt;
  }

  /// The candidates of a decision: their labels where the source named them.
  std::vector<std::string> alternatives(nas::CategoricalOp c) {
    std::vector<std::string> out;
    std::optional<mlir::ArrayAttr> labels = c.getLabels();
    for (auto [i, alt] : llvm::enumerate(c.getAlternatives())) {
      std::string label = labels ? str((*labels)[i]) : "";
      out.push_back(!label.empty() ? label : expr(alt));
    }
    return out;
  }

  /// The default of parameter `i` as the source writes it; "" for none.
  std::string defaultOf(unsigned i) {
    std::optional<mlir::ArrayAttr> defaults = tmpl.getParamDefaults();
    return defaults && i < defaults->size() ? attrText((*defaults)[i]) : "";
  }

  /// Repetitions: "x5", "x N = 5" for a parameter with a default, "x depth".
  std::string countText(Value v) {
    llvm::APInt n;
    if (mlir::matchPattern(v, mlir::m_ConstantInt(&n)))
      return "x" + std::to_string(n.getSExtValue());
    auto arg = llvm::dyn_cast<mlir::BlockArgument>(v);
    std::string d = arg ? defaultOf(arg.getArgNumber()) : "";
    return "x " + expr(v) + (d.empty() ? "" : " = " + d);
  }

  /// "cell DartsCell(C, reduction = false)": the kind, name and parameters.
  std::string heading() {
    std::vector<std::string> params;
    for (auto [i, name] : llvm::enumerate(tmpl.getParamNames()))
      params.push_back(str(name) + (defaultOf(i).empty() ? "" : " = " + defaultOf(i)));
    std::string h = nas::stringifyTemplateKind(tmpl.getKind()).str() + " " + prefix;
    return params.empty() ? h : h + "(" + llvm::join(params, ", ") + ")";
  }

  std::string noteOf(mlir::Operation &op) {
    auto c = llvm::dyn_cast<nas::CategoricalOp>(op);
    if (c && !llvm::isa<nas::LayerType>(c.getType())) // a layer choice is drawn on its edge or box
      return "choice " + c.getName().str() + ": " + llvm::join(alternatives(c), " | ");
    if (auto r = llvm::dyn_cast<nas::RangeOp>(op)) {
      bool unit = r.getType().isF64() || mlir::matchPattern(r.getStep(), mlir::m_One());
      return "choice " + r.getName().str() + ": " + expr(r.getLo()) + " .. " + expr(r.getHi()) +
             (unit ? "" : " step " + expr(r.getStep())) + (r.getLog() ? " log" : "");
    }
    if (auto req = llvm::dyn_cast<nas::RequireOp>(op))
      return req.getText() ? "require " + req.getText()->str() : "";
    return "";
  }

  void drawOp(mlir::Operation &op) {
    if (auto a = llvm::dyn_cast<nas::ApplyOp>(op))
      return drawApply(a);
    if (llvm::isa<nas::PickOp, nas::SubsetOp>(op))
      return drawChoice(op);
    if (auto item = llvm::dyn_cast<nas::ItemOp>(op)) { // one of the picks: from the choice's vertex
      wires[item.getResult()] = wires.lookup(item.getList());
      return;
    }
    if (auto o = llvm::dyn_cast<nas::OutputOp>(op))
      return connect(vertex("shape=ellipse, style=bold", "output", "output"), o.getValue());
    if (op.getNumResults() != 1 || !llvm::isa<nas::TensorType>(op.getResult(0).getType()))
      return;
    std::string v;
    if (auto s = llvm::dyn_cast<mlir::arith::SelectOp>(op)) { // a feature map chosen by a condition
      v = vertex("shape=diamond", "if " + expr(s.getCondition()));
      connect(v, s.getTrueValue(), "then");
      connect(v, s.getFalseValue(), "else");
    } else {
      bool sum = llvm::isa<nas::SumOp>(op), concat = llvm::isa<nas::ConcatOp>(op);
      v = vertex(sum ? "shape=circle, width=0.3, fixedsize=true" : "shape=box, style=rounded",
                 sum ? "+" : concat ? "concat" : op.getName().getStringRef());
      for (Value in : op.getOperands())
        connect(v, in);
    }
    wires[op.getResult(0)] = {{v}};
  }

  void drawApply(nas::ApplyOp a) {
    LayerText lt = layer(a.getLayer());
    bool single = a.getInputs().size() == 1 && !lt.instance && lt.count.empty();
    // Feeding only sums, concats and input choices: an edge into them.
    Value result = a.getResult();
    auto intoMerge = [](mlir::Operation *user) { return isMerge(user) || llvm::isa<nas::PickOp, nas::SubsetOp>(user); };
    if (single && !result.use_empty() && llvm::all_of(result.getUsers(), intoMerge)) {
      for (Wire w : wires.lookup(a.getInputs()[0]))
        wires[result].push_back({w.from, joinLines(w.label, lt.title), w.dashed, w.decision || lt.decision});
      return;
    }
    if (single && tmpl.getKind() == nas::TemplateKind::cell) {
      std::string v = vertex("shape=circle, width=0.25, fixedsize=true", "");
      connect(v, a.getInputs()[0], lt.title, lt.decision);
      wires[result] = {{v}};
      return;
    }
    std::string attrs = "shape=box, style=rounded";
    if (lt.instance)
      attrs = "shape=box3d, style=filled, fillcolor=\"" + (lt.key.empty() ? kIndependentColor : colorOf(lt.key)) + "\"";
    if (lt.decision)
      attrs += std::string(", color=\"") + kDecisionColor + "\", fontcolor=\"" + kDecisionColor + "\"";
    std::string v = vertex(attrs, joinLines(joinLines(lt.title, lt.sharing), lt.count));
    // Several inputs of an instance: say which template input each edge feeds.
    auto inst = a.getLayer().getDefiningOp<nas::InstanceOp>();
    auto t = inst ? mlir::SymbolTable::lookupNearestSymbolFrom<nas::TemplateOp>(inst, inst.getTemplateNameAttr())
                  : nas::TemplateOp();
    for (auto [i, in] : llvm::enumerate(a.getInputs()))
      connect(v, in, t && a.getInputs().size() > 1 && i < t.getNumInputs() ? str(t.getInputNames()[i]) : "");
    wires[result] = {{v}};
  }

  /// An input choice: dashed edges from its candidates into the merge that
  /// reads it, or into a vertex of its own when something else reads it.
  void drawChoice(mlir::Operation &op) {
    auto pick = llvm::dyn_cast<nas::PickOp>(op);
    mlir::ValueRange candidates = pick ? pick.getCandidates() : llvm::cast<nas::SubsetOp>(op).getCandidates();
    std::string label = str(op.getAttr("name")) + ": " + (pick ? expr(pick.getCount()) + " of " : "any of ") +
                        std::to_string(candidates.size());
    Value result = op.getResult(0);
    if (llvm::all_of(result.getUsers(), isMerge)) {
      for (Value c : candidates)
        for (Wire w : wires.lookup(c))
          wires[result].push_back({w.from, joinLines(w.label, label), true, w.decision});
      return;
    }
    std::string v = vertex("shape=diamond, style=dashed", label);
    for (Value c : candidates)
      connect(v, c, "", false, true);
    wires[result] = {{v}};
  }

  std::string colorOf(StringRef key) {
    auto it = llvm::find_if(shared.keys, [&](const auto &entry) { return entry.first == key; });
    if (it == shared.keys.end())
      it = shared.keys.emplace(it, key.str(), kKeyColors[shared.keys.size() % std::size(kKeyColors)]);
    return it->second;
  }

  /// A vertex named after the template and `name`, else numbered in drawing order.
  std::string vertex(StringRef attrs, StringRef label, StringRef name = "") {
    std::string id = prefix + "_" + (name.empty() ? "n" + std::to_string(counter++) : name.str());
    while (!shared.ids.insert(id).second) // an input named n0, templates A and A_b, ...
      id += "_";
    os << "    " << dotId(id) << " [" << attrs << ", label=" << quote(label) << "];\n";
    return id;
  }

  /// Draws the pending edges of `v` into vertex `to`.
  void connect(const std::string &to, Value v, StringRef extra = "", bool decision = false, bool dashed = false) {
    for (const Wire &w : wires.lookup(v)) {
      std::vector<std::string> attrs;
      if (std::string label = joinLines(w.label, extra); !label.empty())
        attrs.push_back("label=" + quote(label));
      if (w.dashed || dashed)
        attrs.push_back("style=dashed");
      if (w.decision || decision)
        attrs.push_back(std::string("color=\"") + kDecisionColor + "\", fontcolor=\"" + kDecisionColor + "\"");
      os << "    " << dotId(w.from) << " -> " << dotId(to)
         << (attrs.empty() ? "" : " [" + llvm::join(attrs, ", ") + "]") << ";\n";
    }
  }

  nas::TemplateOp tmpl;
  Shared &shared;
  llvm::raw_ostream &os;
  std::string prefix;
  unsigned counter = 0;
  llvm::DenseMap<Value, std::vector<Wire>> wires;
  llvm::DenseSet<Value> decided;
};

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Runs Graphviz's `dot -Tsvg` over temporary files.
llvm::Expected<std::string> renderSvg(StringRef dot) {
  llvm::ErrorOr<std::string> exe = llvm::sys::findProgramByName("dot");
  if (!exe)
    return error("--format=svg and --format=html need Graphviz's 'dot' program, which is not on PATH; "
                 "install Graphviz (Debian: apt-get install graphviz) or use --format=dot");
  llvm::SmallString<128> in, out;
  std::error_code ec = llvm::sys::fs::createTemporaryFile("nasc-viz", "dot", in);
  if (!ec)
    ec = llvm::sys::fs::createTemporaryFile("nasc-viz", "svg", out);
  llvm::FileRemover removeIn(in), removeOut(out);
  if (!ec) {
    llvm::raw_fd_ostream file(in, ec);
    file << dot;
  }
  if (ec)
    return error("cannot write a temporary file: " + ec.message());
  // dot's own complaints reach our stderr, before our error line.
  std::string message;
  if (int rc = llvm::sys::ExecuteAndWait(*exe, {*exe, "-Tsvg", "-o", out, in}, std::nullopt, {}, 0, 0, &message))
    return error("Graphviz's 'dot' failed" +
                 (message.empty() ? " with status " + std::to_string(rc) : ": " + message));
  auto svg = llvm::MemoryBuffer::getFile(out);
  if (!svg)
    return error("cannot read what 'dot' wrote: " + svg.getError().message());
  return (*svg)->getBuffer().str();
}

/// A page that works offline: the SVG and the styles inline, no scripts.
void writeHtml(StringRef title, StringRef sourceName, StringRef svg, const Shared &shared, llvm::raw_ostream &os) {
  // The XML prolog and DOCTYPE do not belong inside HTML.
  svg = svg.drop_front(std::min(svg.find("<svg"), svg.size()));
  auto html = [](StringRef s) { std::string r; llvm::raw_string_ostream o(r); llvm::printHTMLEscaped(s, o); return r; };
  auto swatch = [](StringRef color) {
    return "<span class=\"swatch\" style=\"background:" + color.str() + "\"></span>";
  };
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<title>" << html(title) << " - nasc viz</title>\n<style>\n"
     << "body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; } svg { max-width: 100%; height: auto; }\n"
     << ".legend { border: 1px solid #ccc; padding: 0.5em 1em; display: inline-block; font-size: 0.9em; }\n"
     << ".swatch { display: inline-block; width: 1em; height: 1em; border: 1px solid #555; margin-right: 0.4em; }\n"
     << "</style>\n</head>\n<body>\n"
     << "<h1>" << html(title) << "</h1>\n<p>The search space of <code>" << html(sourceName)
     << "</code>: one frame per template (cell, block or network).</p>\n"
     << "<div class=\"legend\"><strong>Legend</strong>\n<ul>\n";
  for (const auto &[key, color] : shared.keys)
    os << "<li>" << swatch(color) << "shared as <code>" << html(key)
       << "</code>: these instances share one set of decisions</li>\n";
  os << "<li>" << swatch(kIndependentColor) << "independent: each instance has its own decisions</li>\n"
     << "<li><span style=\"color:" << kDecisionColor
     << "\">blue</span>: decided by the search: a choice with its candidates, or a layer that reads one</li>\n"
     << "<li>dashed edge: a candidate of an input choice (<code>k of n</code>)</li>\n"
     << "<li><code>x n</code>: the layer is repeated n times; <code>+</code>: the sum of its inputs</li>\n"
     << "</ul></div>\n<div class=\"graph\">\n" << svg << "</div>\n</body>\n</html>\n";
}

} // namespace

std::optional<VizFormat> nasc::parseVizFormat(StringRef name) {
  return llvm::StringSwitch<std::optional<VizFormat>>(name)
      .Case("dot", VizFormat::Dot).Case("svg", VizFormat::Svg).Case("html", VizFormat::Html)
      .Default(std::nullopt);
}

llvm::Error nasc::writeViz(mlir::ModuleOp module, VizFormat format, StringRef sourceName, llvm::raw_ostream &os) {
  // Named after the networks; a library of cells after its file.
  std::string title;
  for (nas::TemplateOp t : module.getOps<nas::TemplateOp>())
    if (t.getKind() == nas::TemplateKind::network)
      title += (title.empty() ? "" : ", ") + t.getSymName().str();
  title = title.empty() ? sourceName.str() : title;
  std::string dot;
  llvm::raw_string_ostream dos(dot);
  dos << "digraph " << quote(title) << " {\n"
      << "  graph [fontname=\"Helvetica\", fontsize=12, newrank=true, labelloc=t, label=" << quote(title) << "];\n"
      << "  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  Shared shared;
  for (nas::TemplateOp t : module.getOps<nas::TemplateOp>())
    Drawer(t, shared, dos).draw();
  dos << "}\n";
  if (format == VizFormat::Dot) {
    os << dot;
    return llvm::Error::success();
  }
  llvm::Expected<std::string> svg = renderSvg(dot);
  if (svg && format == VizFormat::Svg)
    os << *svg;
  else if (svg)
    writeHtml(title, sourceName, *svg, shared, os);
  return svg.takeError(); // success when there is an SVG
}
