//===- ASTDump.cpp - A stable, readable dump of the AST -------------------===//
//
// One node per line, children indented by two spaces, each with its
// `<line:col>`. The format is what `nasc compile --emit=ast` prints and what
// the AST tests check, so change it only on purpose.
//
//===----------------------------------------------------------------------===//
#include "nasc/ASTDump.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

using namespace nasc;

const char *nasc::templateKindName(TemplateDecl::TemplateKind kind) {
  switch (kind) {
  case TemplateDecl::TemplateKind::Cell: return "cell";
  case TemplateDecl::TemplateKind::Block: return "block";
  case TemplateDecl::TemplateKind::Network: return "network";
  }
  return "template";
}

const char *nasc::externKindName(ExternDecl::ExternKind kind) {
  switch (kind) {
  case ExternDecl::ExternKind::Strategy: return "strategy";
  case ExternDecl::ExternKind::Estimator: return "estimator";
  case ExternDecl::ExternKind::Dataset: return "dataset";
  case ExternDecl::ExternKind::Optimizer: return "optimizer";
  }
  return "extern";
}

namespace {

class Dumper {
public:
  explicit Dumper(llvm::raw_ostream &os) : os(os) {}

  void module(const Module &m) {
    os << "Module \"" << m.path << "\"\n";
    for (const DeclPtr &d : m.decls)
      decl(*d, 1);
  }

private:
  llvm::raw_ostream &line(unsigned depth, llvm::StringRef kind, Loc loc) {
    os.indent(depth * 2) << kind << " <" << loc.line << ":" << loc.col << ">";
    return os;
  }

  static std::string quote(llvm::StringRef s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\')
        out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "\"";
  }

  std::string typeText(const TypeRef &t) {
    switch (t.kind) {
    case TypeRef::Kind::Named: return t.name;
    case TypeRef::Kind::List: return t.name + "[]";
    case TypeRef::Kind::Tensor: return t.shape.empty() ? "tensor" : "tensor(...)";
    }
    return "?";
  }

  void type(const TypeRef &t, unsigned depth) {
    line(depth, "Type", t.loc) << " " << typeText(t) << "\n";
    for (const ExprPtr &e : t.shape)
      expr(*e, depth + 1);
  }

  void params(const std::vector<Param> &ps, unsigned depth) {
    for (const Param &p : ps) {
      line(depth, "Param", p.loc) << " " << p.name << ": " << typeText(p.type) << "\n";
      for (const ExprPtr &e : p.type.shape)
        expr(*e, depth + 1);
      if (p.defaultValue)
        expr(*p.defaultValue, depth + 1);
    }
  }

  void decl(const Decl &d, unsigned depth) {
    if (auto *i = llvm::dyn_cast<ImportDecl>(&d)) {
      line(depth, "ImportDecl", d.getLoc()) << " " << quote(i->name) << "\n";
    } else if (auto *c = llvm::dyn_cast<ConstDecl>(&d)) {
      line(depth, "ConstDecl", d.getLoc()) << " " << c->name << "\n";
      if (c->type)
        type(*c->type, depth + 1);
      expr(*c->value, depth + 1);
    } else if (auto *o = llvm::dyn_cast<OpDecl>(&d)) {
      line(depth, "OpDecl", d.getLoc()) << " " << o->name << " impl=" << quote(o->impl) << "\n";
      params(o->params, depth + 1);
      for (const OpProperty &p : o->properties) {
        line(depth + 1, "Property", p.loc) << " " << p.key << "\n";
        expr(*p.value, depth + 2);
      }
      for (const OpTrait &t : o->traits)
        line(depth + 1, "Trait", t.loc) << " " << t.name << "\n";
      for (const auto &r : o->requires_)
        stmt(*r, depth + 1);
    } else if (auto *e = llvm::dyn_cast<ExternDecl>(&d)) {
      line(depth, "ExternDecl", d.getLoc())
          << " " << externKindName(e->externKind) << " " << e->name << " impl=" << quote(e->impl)
          << "\n";
      params(e->params, depth + 1);
    } else if (auto *m = llvm::dyn_cast<MetricDecl>(&d)) {
      line(depth, "MetricDecl", d.getLoc()) << " " << m->name << ": " << typeText(m->type);
      if (m->direction != MetricDecl::Direction::None)
        os << (m->direction == MetricDecl::Direction::Maximize ? " maximize" : " minimize");
      os << "\n";
      params(m->params, depth + 1);
    } else if (auto *t = llvm::dyn_cast<TemplateDecl>(&d)) {
      line(depth, "TemplateDecl", d.getLoc())
          << " " << templateKindName(t->templateKind) << " " << t->name << "\n";
      params(t->params, depth + 1);
      for (const StmtPtr &s : t->body)
        stmt(*s, depth + 1);
    } else if (auto *s = llvm::dyn_cast<SearchDecl>(&d)) {
      line(depth, "SearchDecl", d.getLoc()) << " " << s->name << "\n";
      for (const SearchSetting &setting : s->settings) {
        line(depth + 1, "Setting", setting.loc) << " " << setting.key << "\n";
        expr(*setting.value, depth + 2);
      }
      for (const Objective &o : s->objectives) {
        line(depth + 1, "Objective", o.loc)
            << (o.direction == Objective::Direction::Maximize ? " maximize" : " minimize") << "\n";
        expr(*o.value, depth + 2);
      }
      for (const StmtPtr &st : s->body)
        stmt(*st, depth + 1);
    }
  }

  void stmt(const Stmt &s, unsigned depth) {
    switch (s.getKind()) {
    case Stmt::Kind::Input: {
      auto &i = llvm::cast<InputStmt>(s);
      line(depth, "Input", s.getLoc()) << " " << i.name << "\n";
      if (i.type)
        type(*i.type, depth + 1);
      return;
    }
    case Stmt::Kind::Node:
    case Stmt::Kind::Let:
    case Stmt::Kind::Const: {
      auto &b = llvm::cast<BindingStmt>(s);
      const char *kind = s.getKind() == Stmt::Kind::Node  ? "Node"
                         : s.getKind() == Stmt::Kind::Let ? "Let"
                                                          : "Const";
      line(depth, kind, s.getLoc()) << " " << b.name << "\n";
      if (b.type)
        type(*b.type, depth + 1);
      expr(*b.value, depth + 1);
      return;
    }
    case Stmt::Kind::Choice: {
      auto &c = llvm::cast<ChoiceStmt>(s);
      const Domain &d = c.domain;
      line(depth, "Choice", s.getLoc()) << " " << c.name << "\n";
      switch (d.kind) {
      case Domain::Kind::Values:
        line(depth + 1, "Values", d.loc) << "\n";
        expr(*d.values, depth + 2);
        break;
      case Domain::Kind::Range:
        line(depth + 1, "Range", d.loc) << (d.log ? " log" : "") << "\n";
        expr(*d.lo, depth + 2);
        expr(*d.hi, depth + 2);
        if (d.step) {
          line(depth + 2, "Step", d.step->getLoc()) << "\n";
          expr(*d.step, depth + 3);
        }
        break;
      case Domain::Kind::Pick:
        line(depth + 1, "Pick", d.loc) << "\n";
        expr(*d.count, depth + 2);
        expr(*d.values, depth + 2);
        break;
      case Domain::Kind::Subset:
        line(depth + 1, "Subset", d.loc) << "\n";
        expr(*d.values, depth + 2);
        break;
      }
      return;
    }
    case Stmt::Kind::Require: {
      auto &r = llvm::cast<RequireStmt>(s);
      line(depth, "Require", s.getLoc());
      if (!r.message.empty())
        os << " " << quote(r.message);
      os << "\n";
      expr(*r.cond, depth + 1);
      return;
    }
    case Stmt::Kind::Output:
      line(depth, "Output", s.getLoc()) << "\n";
      expr(*llvm::cast<OutputStmt>(s).value, depth + 1);
      return;
    }
  }

  void expr(const Expr &e, unsigned depth) {
    switch (e.getKind()) {
    case Expr::Kind::Int:
      line(depth, "Int", e.getLoc()) << " " << llvm::cast<IntExpr>(e).value << "\n";
      return;
    case Expr::Kind::Float:
      line(depth, "Float", e.getLoc()) << " " << llvm::format("%g", llvm::cast<FloatExpr>(e).value)
                                       << "\n";
      return;
    case Expr::Kind::Duration: {
      auto &d = llvm::cast<DurationExpr>(e);
      line(depth, "Duration", e.getLoc())
          << " " << d.spelling << " (" << llvm::format("%g", d.seconds) << " s)\n";
      return;
    }
    case Expr::Kind::String:
      line(depth, "String", e.getLoc()) << " " << quote(llvm::cast<StringExpr>(e).value) << "\n";
      return;
    case Expr::Kind::Bool:
      line(depth, "Bool", e.getLoc()) << (llvm::cast<BoolExpr>(e).value ? " true" : " false")
                                      << "\n";
      return;
    case Expr::Kind::Name:
      line(depth, "Name", e.getLoc()) << " " << llvm::cast<NameExpr>(e).name << "\n";
      return;
    case Expr::Kind::List:
      line(depth, "List", e.getLoc()) << "\n";
      for (const ExprPtr &el : llvm::cast<ListExpr>(e).elements)
        expr(*el, depth + 1);
      return;
    case Expr::Kind::Call: {
      auto &c = llvm::cast<CallExpr>(e);
      line(depth, "Call", e.getLoc()) << "\n";
      expr(*c.callee, depth + 1);
      for (const Arg &a : c.args) {
        line(depth + 1, "Arg", a.loc);
        if (!a.name.empty())
          os << " " << a.name;
        os << "\n";
        expr(*a.value, depth + 2);
      }
      return;
    }
    case Expr::Kind::Index: {
      auto &i = llvm::cast<IndexExpr>(e);
      line(depth, "Index", e.getLoc()) << "\n";
      expr(*i.base, depth + 1);
      expr(*i.index, depth + 1);
      return;
    }
    case Expr::Kind::Unary: {
      auto &u = llvm::cast<UnaryExpr>(e);
      line(depth, "Unary", e.getLoc()) << " " << u.op << "\n";
      expr(*u.operand, depth + 1);
      return;
    }
    case Expr::Kind::Binary: {
      auto &b = llvm::cast<BinaryExpr>(e);
      line(depth, "Binary", e.getLoc()) << " " << b.op << "\n";
      expr(*b.lhs, depth + 1);
      expr(*b.rhs, depth + 1);
      return;
    }
    case Expr::Kind::If: {
      auto &i = llvm::cast<IfExpr>(e);
      line(depth, "If", e.getLoc()) << "\n";
      expr(*i.cond, depth + 1);
      expr(*i.thenExpr, depth + 1);
      expr(*i.elseExpr, depth + 1);
      return;
    }
    case Expr::Kind::Pipe: {
      auto &p = llvm::cast<PipeExpr>(e);
      line(depth, "Pipe", e.getLoc()) << "\n";
      expr(*p.input, depth + 1);
      expr(*p.layer, depth + 1);
      return;
    }
    case Expr::Kind::Sharing: {
      auto &s = llvm::cast<SharingExpr>(e);
      if (s.mode == SharingExpr::Mode::Shared)
        line(depth, "Shared", e.getLoc()) << " as " << s.key << "\n";
      else
        line(depth, "Independent", e.getLoc()) << "\n";
      expr(*s.instance, depth + 1);
      return;
    }
    }
  }

  llvm::raw_ostream &os;
};

} // namespace

void nasc::dumpAST(const Module &module, llvm::raw_ostream &os) { Dumper(os).module(module); }
