//===- LanguageServer.cpp - `nasc lsp` -------------------------------------===//
//
// One analysis per open document, redone on every change: the document's
// text is loaded as the main module (its imports from disk), checked,
// generated and lowered, exactly as `nasc compile` does; diagnostics are
// collected instead of printed. Hover, definition and completion read the
// analysis's AST (names are resolved as Sema does: the enclosing template's
// parameters and statements first, then every loaded module's top-level
// declarations) and, for sizes and decisions, its lowered artefact.
//
// Positions: LSP counts lines from 0 and characters in UTF-16 code units;
// nasc counts from 1 in bytes. The two agree on ASCII lines, which .nas
// sources are in practice (identifiers are ASCII; only comments and strings
// may hold other characters).
//
//===----------------------------------------------------------------------===//
#include "nasc/LanguageServer.h"

#include "nas/Artefact.h"
#include "nas/NasDialect.h"
#include "nasc/MLIRGen.h"
#include "nasc/ModuleLoader.h"
#include "nasc/Pipeline.h"
#include "nasc/Sema.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>

namespace nasc {
namespace {

using Json = nlohmann::json;

//===----------------------------------------------------------------------===//
// Transport
//===----------------------------------------------------------------------===//

/// One message's body, or nullopt at the end of input.
std::optional<std::string> readMessage(std::istream &in) {
  size_t length = 0;
  bool sawLength = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty()) {
      if (!sawLength)
        continue; // stray blank line between messages
      std::string body(length, '\0');
      in.read(body.data(), std::streamsize(length));
      if (size_t(in.gcount()) != length)
        return std::nullopt;
      return body;
    }
    static const std::string key = "content-length:";
    std::string lower = line;
    for (char &c : lower)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    if (lower.compare(0, key.size(), key) == 0) {
      length = std::strtoull(line.c_str() + key.size(), nullptr, 10);
      sawLength = true;
    }
  }
  return std::nullopt;
}

void writeMessage(std::ostream &out, const Json &message) {
  std::string body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

std::string uriToPath(const std::string &uri) {
  std::string path = uri.compare(0, 7, "file://") == 0 ? uri.substr(7) : uri;
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      out += char(std::stoi(path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string pathToUri(const std::string &file) {
  llvm::SmallString<256> path(file);
  llvm::sys::fs::make_absolute(path);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  std::string out = "file://";
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/-_.~", c))
      out += c;
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

struct Note {
  std::string file;
  unsigned line = 0, col = 0;
  std::string message;
};

struct Diag {
  Note where;
  int severity = 1; // LSP: 1 error, 2 warning, 3 information
  std::vector<Note> notes;
};

Note noteOf(mlir::Location loc, std::string message) {
  Note n;
  n.message = std::move(message);
  loc->walk([&](mlir::Location l) {
    if (auto f = mlir::dyn_cast<mlir::FileLineColLoc>(l)) {
      n.file = f.getFilename().str();
      n.line = f.getLine();
      n.col = f.getColumn();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return n;
}

struct Analysis {
  std::string path;
  std::string text;
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<ModuleLoader> loader;
  Module *main = nullptr;
  std::vector<Diag> diags;
  Json artefact; ///< the lowered spaces (null when the document has errors)
  /// Feature maps of the lowered spaces by the main file's line they come
  /// from: "C x H x W" where an op's shape is the same in every
  /// architecture, "" where it depends on decisions (one entry per op).
  std::map<unsigned, std::vector<std::string>> shapesByLine;

  /// The text of the file a module was read from.
  llvm::StringRef bufferOf(llvm::StringRef file) const {
    for (unsigned i = 1; i <= sourceMgr.getNumBuffers(); ++i)
      if (sourceMgr.getMemoryBuffer(i)->getBufferIdentifier() == file)
        return sourceMgr.getMemoryBuffer(i)->getBuffer();
    return {};
  }
};

std::unique_ptr<Analysis> analyze(const std::string &path, const std::string &text, const std::string &stdlib) {
  auto a = std::make_unique<Analysis>();
  a->path = path;
  a->text = text;
  a->context.printOpOnDiagnostic(false);
  unsigned errors = 0;
  a->context.getDiagEngine().registerHandler([&](mlir::Diagnostic &d) {
    Diag out;
    out.where = noteOf(d.getLocation(), d.str());
    out.severity = d.getSeverity() == mlir::DiagnosticSeverity::Error     ? 1
                   : d.getSeverity() == mlir::DiagnosticSeverity::Warning ? 2
                                                                          : 3;
    errors += out.severity == 1;
    for (mlir::Diagnostic &note : d.getNotes())
      out.notes.push_back(noteOf(note.getLocation(), note.str()));
    a->diags.push_back(std::move(out));
    return mlir::success();
  });
  a->loader = std::make_unique<ModuleLoader>(a->sourceMgr, a->context, stdlib);
  a->main = a->loader->loadSource(path, text);
  if (!a->main) { // a syntax error: the modules that did parse still serve names
    for (Module *m : a->loader->modules())
      if (m->path == path)
        a->main = m;
    return a;
  }
  checkProgram(a->loader->modules(), a->context);
  if (errors)
    return a;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlirGen(a->context, a->loader->modules());
  if (!module || mlir::failed(lowerModule(*module)) || errors)
    return a;
  module->walk([&](mlir::Operation *op) {
    if (op->getNumResults() != 1 || !mlir::isa<mlir::nas::TensorType>(op->getResult(0).getType()))
      return;
    auto loc = mlir::dyn_cast<mlir::FileLineColLoc>(op->getLoc());
    if (!loc || loc.getFilename() != path)
      return;
    mlir::Operation *space = op->getParentOp(); // only the lowered spaces' ops, not the templates'
    while (space && space->getName().getStringRef() != "nas.space")
      space = space->getParentOp();
    if (!space)
      return;
    std::string text;
    if (auto shape = op->getAttrOfType<mlir::DenseI64ArrayAttr>("shape"))
      for (int64_t d : shape.asArrayRef())
        text += (text.empty() ? "" : " x ") + std::to_string(d);
    a->shapesByLine[loc.getLine()].push_back(text);
  });
  llvm::FailureOr<std::string> artefact = mlir::nas::writeArtefact(*module, path);
  if (mlir::succeeded(artefact)) {
    size_t brace = artefact->find('{');
    if (brace != std::string::npos)
      a->artefact = Json::parse(artefact->substr(brace), nullptr, false);
  }
  return a;
}

//===----------------------------------------------------------------------===//
// Reading the source
//===----------------------------------------------------------------------===//

bool isIdent(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<std::string> linesOf(llvm::StringRef text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == llvm::StringRef::npos) {
      out.push_back(text.substr(start).str());
      break;
    }
    out.push_back(text.substr(start, nl - start).str());
    start = nl + 1;
  }
  return out;
}

/// The identifier around 0-based (line, character), with its start column.
std::optional<std::pair<std::string, unsigned>> wordAt(const std::vector<std::string> &lines, unsigned line,
                                                       unsigned ch) {
  if (line >= lines.size())
    return std::nullopt;
  const std::string &l = lines[line];
  if (ch > l.size())
    ch = unsigned(l.size());
  size_t b = ch, e = ch;
  while (b > 0 && isIdent(l[b - 1]))
    --b;
  while (e < l.size() && isIdent(l[e]))
    ++e;
  if (b == e || std::isdigit(static_cast<unsigned char>(l[b])))
    return std::nullopt;
  return std::make_pair(l.substr(b, e - b), unsigned(b));
}

/// The source from (1-based) `loc` to the end of its declaration or
/// statement (the first `{` or `;` outside brackets), whitespace collapsed.
std::string snippet(llvm::StringRef buffer, Loc loc, size_t limit = 400) {
  std::vector<std::string> lines = linesOf(buffer);
  if (!loc.isValid() || loc.line > lines.size())
    return {};
  std::string out;
  int depth = 0;
  bool space = false;
  for (size_t l = loc.line - 1; l < lines.size() && out.size() < limit; ++l) {
    const std::string &text = lines[l];
    size_t c = l == loc.line - 1 ? std::min<size_t>(loc.col - 1, text.size()) : 0;
    for (; c < text.size(); ++c) {
      char ch = text[c];
      if (ch == '/' && c + 1 < text.size() && text[c + 1] == '/')
        break; // a comment to the end of the line
      if (depth == 0 && (ch == '{' || ch == ';'))
        return llvm::StringRef(out).rtrim().str();
      if (ch == '(' || ch == '[')
        ++depth;
      if (ch == ')' || ch == ']')
        --depth;
      if (std::isspace(static_cast<unsigned char>(ch))) {
        space = !out.empty();
        continue;
      }
      if (space)
        out += ' ';
      space = false;
      out += ch;
    }
    space = !out.empty();
  }
  return llvm::StringRef(out).rtrim().str();
}

/// The `//` comment lines right above 1-based line `line`.
std::string docComment(llvm::StringRef buffer, unsigned line) {
  std::vector<std::string> lines = linesOf(buffer);
  std::vector<std::string> doc;
  for (int l = int(line) - 2; l >= 0 && l < int(lines.size()); --l) {
    llvm::StringRef t = llvm::StringRef(lines[l]).trim();
    if (!t.starts_with("//"))
      break;
    doc.push_back(t.drop_front(2).ltrim().str());
  }
  std::string out;
  for (auto it = doc.rbegin(); it != doc.rend(); ++it)
    out += (out.empty() ? "" : "\n") + *it;
  return out;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

/// What a name at a position refers to.
struct Target {
  Loc loc;          ///< where it is declared (the name)
  std::string kind; ///< op, network, cell, block, const, choice, node, ...
  const Decl *decl = nullptr;
  const Stmt *stmt = nullptr;
  const Param *param = nullptr;
  const TemplateDecl *owner = nullptr; ///< a statement's or parameter's template
};

/// The top-level declaration of the main module whose text holds 1-based `line`.
const Decl *enclosing(const Module &main, unsigned line) {
  const Decl *best = nullptr;
  for (const DeclPtr &d : main.decls)
    if (d->getLoc().line <= line && (!best || d->getLoc().line >= best->getLoc().line))
      best = d.get();
  return best;
}

const std::vector<StmtPtr> *bodyOf(const Decl *d) {
  if (auto *t = llvm::dyn_cast_or_null<TemplateDecl>(d))
    return &t->body;
  if (auto *s = llvm::dyn_cast_or_null<SearchDecl>(d))
    return &s->body;
  return nullptr;
}

std::string declKind(const Decl &d) {
  if (auto *t = llvm::dyn_cast<TemplateDecl>(&d))
    return templateKindName(t->templateKind);
  if (auto *e = llvm::dyn_cast<ExternDecl>(&d))
    return externKindName(e->externKind);
  switch (d.getKind()) {
  case Decl::Kind::Op:
    return "op";
  case Decl::Kind::Const:
    return "const";
  case Decl::Kind::Metric:
    return "metric";
  case Decl::Kind::Search:
    return "search";
  default:
    return "import";
  }
}

std::optional<Target> resolve(const Analysis &a, const std::string &name, unsigned line) {
  if (a.main) {
    const Decl *in = enclosing(*a.main, line);
    if (auto *t = llvm::dyn_cast_or_null<TemplateDecl>(in))
      for (const Param &p : t->params)
        if (p.name == name)
          return Target{p.loc, "parameter", nullptr, nullptr, &p, t};
    if (const std::vector<StmtPtr> *body = bodyOf(in))
      for (const StmtPtr &s : *body)
        if (auto *n = llvm::dyn_cast<NamedStmt>(s.get()); n && n->name == name) {
          static const char *kinds[] = {"input", "node", "let", "const", "choice", "require", "output"};
          return Target{n->nameLoc, kinds[int(n->getKind())], nullptr, n,
                        nullptr, llvm::dyn_cast_or_null<TemplateDecl>(in)};
        }
  }
  for (const Module *m : a.loader->modules())
    for (const DeclPtr &d : m->decls)
      if (d->getKind() != Decl::Kind::Import && d->name == name)
        return Target{d->nameLoc, declKind(*d), d.get()};
  return std::nullopt;
}

/// The artefact's spaces of network `name` (its own and its searches').
const Json &artefactSpaces(const Analysis &a) {
  static const Json none = Json::array();
  if (!a.artefact.is_object())
    return none;
  auto it = a.artefact.find("spaces");
  return it != a.artefact.end() && it->is_array() ? *it : none;
}

std::vector<const Json *> spacesOf(const Analysis &a, const std::string &network) {
  std::vector<const Json *> out;
  for (const Json &s : artefactSpaces(a))
    if (s.value("network", "") == network)
      out.push_back(&s);
  return out;
}

std::string fmtCount(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string architectures(const std::string &size) {
  return size + (size == "1" ? " architecture" : " architectures");
}

std::string hoverText(const Analysis &a, const Target &t) {
  llvm::StringRef buffer = a.bufferOf(t.loc.file);
  std::string code, doc;
  if (t.param) {
    code = snippet(buffer, t.param->loc);
    size_t cut = code.find_first_of(",)");
    if (cut != std::string::npos)
      code = code.substr(0, cut);
    code = "(parameter of " + t.owner->name + ") " + code;
  } else if (t.stmt) {
    code = snippet(buffer, t.stmt->getLoc());
  } else if (t.decl) {
    code = snippet(buffer, t.decl->getLoc());
    doc = docComment(buffer, t.decl->getLoc().line);
  }
  std::string out = "```nas\n" + code + "\n```";
  if (!doc.empty())
    out += "\n\n" + doc;
  // Sizes and decisions, from the lowered spaces.
  if (auto *tmpl = llvm::dyn_cast_or_null<TemplateDecl>(t.decl);
      tmpl && tmpl->templateKind == TemplateDecl::TemplateKind::Network) {
    for (const Json *s : spacesOf(a, tmpl->name)) {
      out += "\n\n**" + s->value("name", "") + "**: " + architectures(s->value("size", "?")) + ", " +
             std::to_string(s->at("decisions").size()) + " decisions";
      if (s->contains("params") && (*s)["params"].is_array() && (*s)["params"].size() == 2)
        out += "; " + fmtCount((*s)["params"][0].get<double>()) + " .. " +
               fmtCount((*s)["params"][1].get<double>()) + " parameters (exact)";
      break;
    }
  }
  // A node's feature map, where the lowered spaces fix it.
  if (t.stmt && (t.stmt->getKind() == Stmt::Kind::Node || t.stmt->getKind() == Stmt::Kind::Input) &&
      t.loc.file == a.path) {
    auto it = a.shapesByLine.find(t.stmt->getLoc().line);
    if (it != a.shapesByLine.end() && !it->second.empty()) {
      std::set<std::string> distinct(it->second.begin(), it->second.end());
      if (distinct.size() == 1 && !distinct.begin()->empty())
        out += "\n\nFeature map: " + *distinct.begin() + " (channels x height x width, every architecture)";
      else if (distinct.count(""))
        out += "\n\nFeature map: depends on the architecture";
      else {
        out += "\n\nFeature map, per instance:";
        for (const std::string &d : distinct)
          out += " " + d + ";";
        out.pop_back();
      }
    }
  }
  // A statement or parameter of a network: the space it belongs to.
  if ((t.stmt || t.param) && t.owner && t.owner->templateKind == TemplateDecl::TemplateKind::Network)
    for (const Json *s : spacesOf(a, t.owner->name)) {
      out += "\n\nIn **" + s->value("name", "") + "**: " + architectures(s->value("size", "?"));
      break;
    }
  if (t.stmt && t.stmt->getKind() == Stmt::Kind::Choice && a.artefact.is_object()) {
    auto *c = llvm::cast<ChoiceStmt>(t.stmt);
    std::vector<std::string> decisions;
    std::set<std::string> seen;
    for (const Json &s : artefactSpaces(a))
      for (const Json &d : s.at("decisions")) {
        std::string n = d.value("name", "");
        bool mine = n == c->name || (n.size() > c->name.size() + 1 &&
                                     n.compare(n.size() - c->name.size() - 1, std::string::npos, "/" + c->name) == 0);
        if (mine && seen.insert(n).second)
          decisions.push_back(n);
      }
    if (decisions.size() == 1)
      out += "\n\nOne decision: `" + decisions[0] + "`" +
             (t.owner && t.owner->templateKind != TemplateDecl::TemplateKind::Network
                  ? " (shared by every instance of " + t.owner->name + ")"
                  : "");
    else if (!decisions.empty()) {
      out += "\n\n" + std::to_string(decisions.size()) + " independent decisions:";
      for (size_t i = 0; i < decisions.size() && i < 8; ++i)
        out += " `" + decisions[i] + "`";
      if (decisions.size() > 8)
        out += " ...";
    } else if (t.owner) {
      out += "\n\nNot a decision of any network in this file (" + t.owner->name + " is not instantiated here).";
    }
  }
  return out;
}

Json rangeAt(unsigned line1, unsigned col1, unsigned length) {
  unsigned l = line1 ? line1 - 1 : 0, c = col1 ? col1 - 1 : 0;
  return {{"start", {{"line", l}, {"character", c}}}, {"end", {{"line", l}, {"character", c + std::max(1u, length)}}}};
}

unsigned identLength(const std::vector<std::string> &lines, unsigned line1, unsigned col1) {
  if (!line1 || line1 > lines.size())
    return 1;
  const std::string &l = lines[line1 - 1];
  size_t c = col1 ? col1 - 1 : 0, e = c;
  while (e < l.size() && isIdent(l[e]))
    ++e;
  return unsigned(std::max<size_t>(1, e - c));
}

//===----------------------------------------------------------------------===//
// The server
//===----------------------------------------------------------------------===//

class Server {
public:
  Server(std::ostream &out, std::string stdlib) : out(out), stdlib(std::move(stdlib)) {}

  /// false once `exit` arrives.
  bool handle(const Json &msg);
  int status() const { return shutdownAsked ? 0 : 1; }

private:
  void reply(const Json &id, Json result) { writeMessage(out, {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}); }
  void replyError(const Json &id, int code, const std::string &message) {
    writeMessage(out, {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void update(const std::string &uri, const std::string &text);
  void publish(const std::string &uri);
  Json hover(const Json &params);
  Json definition(const Json &params);
  Json completion(const Json &params);

  std::ostream &out;
  std::string stdlib;
  std::map<std::string, std::unique_ptr<Analysis>> docs;
  bool shutdownAsked = false;
};

void Server::update(const std::string &uri, const std::string &text) {
  docs[uri] = analyze(uriToPath(uri), text, stdlib);
  publish(uri);
}

void Server::publish(const std::string &uri) {
  const Analysis &a = *docs.at(uri);
  std::vector<std::string> lines = linesOf(a.text);
  Json list = Json::array();
  for (const Diag &d : a.diags) {
    Json item;
    item["severity"] = d.severity;
    item["source"] = "nasc";
    if (d.where.file == a.path) {
      item["range"] = rangeAt(d.where.line, d.where.col, identLength(lines, d.where.line, d.where.col));
      item["message"] = d.where.message;
    } else { // in an imported file: shown at the top, named
      item["range"] = rangeAt(1, 1, 1);
      item["message"] = (d.where.file.empty() ? std::string() : d.where.file + ":" + std::to_string(d.where.line) +
                                                                    ":" + std::to_string(d.where.col) + ": ") +
                        d.where.message;
    }
    Json related = Json::array();
    for (const Note &n : d.notes)
      if (!n.file.empty())
        related.push_back({{"location", {{"uri", n.file == a.path ? uri : pathToUri(n.file)},
                                         {"range", rangeAt(n.line, n.col, 1)}}},
                           {"message", n.message}});
    if (!related.empty())
      item["relatedInformation"] = related;
    list.push_back(item);
  }
  writeMessage(out, {{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", uri}, {"diagnostics", list}}}});
}

Json Server::hover(const Json &params) {
  auto it = docs.find(params.at("textDocument").at("uri").get<std::string>());
  if (it == docs.end())
    return nullptr;
  const Analysis &a = *it->second;
  unsigned line = params.at("position").at("line"), ch = params.at("position").at("character");
  std::vector<std::string> lines = linesOf(a.text);
  auto word = wordAt(lines, line, ch);
  if (!word)
    return nullptr;
  std::optional<Target> t = resolve(a, word->first, line + 1);
  if (!t)
    return nullptr;
  return {{"contents", {{"kind", "markdown"}, {"value", hoverText(a, *t)}}},
          {"range", rangeAt(line + 1, word->second + 1, unsigned(word->first.size()))}};
}

Json Server::definition(const Json &params) {
  std::string uri = params.at("textDocument").at("uri");
  auto it = docs.find(uri);
  if (it == docs.end())
    return nullptr;
  const Analysis &a = *it->second;
  unsigned line = params.at("position").at("line"), ch = params.at("position").at("character");
  // On an import's path: the file it names.
  if (a.main)
    for (const DeclPtr &d : a.main->decls)
      if (auto *imp = llvm::dyn_cast<ImportDecl>(d.get());
          imp && imp->nameLoc.line == line + 1 && !imp->resolvedPath.empty())
        return {{"uri", pathToUri(imp->resolvedPath)}, {"range", rangeAt(1, 1, 0)}};
  std::vector<std::string> lines = linesOf(a.text);
  auto word = wordAt(lines, line, ch);
  if (!word)
    return nullptr;
  std::optional<Target> t = resolve(a, word->first, line + 1);
  if (!t || !t->loc.isValid())
    return nullptr;
  std::string file = t->loc.file.str();
  return {{"uri", file == a.path ? uri : pathToUri(file)},
          {"range", rangeAt(t->loc.line, t->loc.col, unsigned(word->first.size()))}};
}

Json Server::completion(const Json &params) {
  auto it = docs.find(params.at("textDocument").at("uri").get<std::string>());
  Json items = Json::array();
  if (it == docs.end())
    return items;
  const Analysis &a = *it->second;
  unsigned line = params.at("position").at("line"), ch = params.at("position").at("character");
  std::vector<std::string> lines = linesOf(a.text);
  std::string before = line < lines.size() ? lines[line].substr(0, std::min<size_t>(ch, lines[line].size())) : "";
  // Inside a call's parentheses: the callee's named parameters.
  static const std::regex inCall(R"(([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)$)");
  std::smatch m;
  if (std::regex_search(before, m, inCall)) {
    if (std::optional<Target> t = resolve(a, m[1].str(), line + 1); t && t->decl) {
      const std::vector<Param> *ps = nullptr;
      if (auto *op = llvm::dyn_cast<OpDecl>(t->decl))
        ps = &op->params;
      else if (auto *tm = llvm::dyn_cast<TemplateDecl>(t->decl))
        ps = &tm->params;
      else if (auto *ex = llvm::dyn_cast<ExternDecl>(t->decl))
        ps = &ex->params;
      if (ps) {
        for (const Param &p : *ps)
          items.push_back({{"label", p.name + "="}, {"kind", 5}, {"detail", p.type.name},
                           {"insertText", p.name + "="}});
        return items;
      }
    }
  }
  // Otherwise every name in scope: the enclosing template's, then the
  // top-level declarations of every loaded module.
  if (a.main)
    if (const Decl *in = enclosing(*a.main, line + 1)) {
      if (auto *t = llvm::dyn_cast<TemplateDecl>(in))
        for (const Param &p : t->params)
          items.push_back({{"label", p.name}, {"kind", 6}, {"detail", "parameter"}});
      if (const std::vector<StmtPtr> *body = bodyOf(in))
        for (const StmtPtr &s : *body)
          if (auto *n = llvm::dyn_cast<NamedStmt>(s.get()))
            items.push_back({{"label", n->name},
                             {"kind", n->getKind() == Stmt::Kind::Choice ? 12 : 6},
                             {"detail", n->getKind() == Stmt::Kind::Choice ? "choice (decision)" : "node"}});
    }
  for (const Module *m : a.loader->modules())
    for (const DeclPtr &d : m->decls) {
      if (d->getKind() == Decl::Kind::Import)
        continue;
      int kind = d->getKind() == Decl::Kind::Op         ? 3
                 : d->getKind() == Decl::Kind::Template ? 7
                 : d->getKind() == Decl::Kind::Const    ? 21
                                                        : 3;
      items.push_back({{"label", d->name}, {"kind", kind}, {"detail", declKind(*d)}});
    }
  return items;
}

bool Server::handle(const Json &msg) {
  std::string method = msg.value("method", "");
  bool isRequest = msg.contains("id");
  const Json id = isRequest ? msg["id"] : Json();
  const Json params = msg.value("params", Json::object());
  try {
    if (method == "initialize") {
      reply(id, {{"capabilities",
                  {{"textDocumentSync", 1},
                   {"hoverProvider", true},
                   {"definitionProvider", true},
                   {"completionProvider", {{"triggerCharacters", {"(", ","}}}}}},
                 {"serverInfo", {{"name", "nasc"}, {"version", "0.1.0"}}}});
    } else if (method == "shutdown") {
      shutdownAsked = true;
      reply(id, nullptr);
    } else if (method == "exit") {
      return false;
    } else if (method == "textDocument/didOpen") {
      update(params.at("textDocument").at("uri"), params.at("textDocument").at("text"));
    } else if (method == "textDocument/didChange") {
      const Json &changes = params.at("contentChanges");
      if (!changes.empty())
        update(params.at("textDocument").at("uri"), changes.back().at("text"));
    } else if (method == "textDocument/didClose") {
      std::string uri = params.at("textDocument").at("uri");
      docs.erase(uri);
      writeMessage(out, {{"jsonrpc", "2.0"},
                         {"method", "textDocument/publishDiagnostics"},
                         {"params", {{"uri", uri}, {"diagnostics", Json::array()}}}});
    } else if (method == "textDocument/hover") {
      reply(id, hover(params));
    } else if (method == "textDocument/definition") {
      reply(id, definition(params));
    } else if (method == "textDocument/completion") {
      reply(id, completion(params));
    } else if (isRequest) {
      replyError(id, -32601, "nasc lsp does not handle '" + method + "'");
    }
  } catch (const std::exception &e) { // a malformed request: answered, never fatal
    if (isRequest)
      replyError(id, -32602, std::string("bad parameters for '") + method + "': " + e.what());
  }
  return true;
}

} // namespace

int runLanguageServer(std::istream &in, std::ostream &out, const std::string &stdlib) {
  Server server(out, stdlib);
  while (std::optional<std::string> body = readMessage(in)) {
    Json msg = Json::parse(*body, nullptr, false);
    if (msg.is_discarded() || !msg.is_object()) {
      writeMessage(out, {{"jsonrpc", "2.0"},
                         {"id", nullptr},
                         {"error", msg.is_discarded() ? Json{{"code", -32700}, {"message", "parse error: not JSON"}}
                                                      : Json{{"code", -32600}, {"message", "invalid request: not a JSON object"}}}});
      continue;
    }
    if (!server.handle(msg))
      return server.status();
  }
  return 1;
}

} // namespace nasc
