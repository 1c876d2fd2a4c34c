//===- AST.h - The .nas abstract syntax tree ------------------------------===//
//
// The parser turns ANTLR's parse tree into these nodes; nothing after the
// parser sees ANTLR. Every node carries the source location it came from so
// that every later diagnostic (sema, MLIR passes) can point at the source.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_AST_H
#define NASC_AST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nasc {

/// A position in a source file. `file` points into the SourceMgr's buffer
/// identifiers, which live as long as the ModuleSet that owns the AST.
struct Loc {
  llvm::StringRef file;
  unsigned line = 0;
  unsigned col = 0;
  bool isValid() const { return line != 0; }
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class Expr {
public:
  enum class Kind {
    Int, Float, Duration, String, Bool, Name, List,
    Call, Index, Unary, Binary, If, Pipe, Sharing
  };
  Expr(Kind kind, Loc loc) : kind(kind), loc(loc) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  Loc getLoc() const { return loc; }

private:
  Kind kind;
  Loc loc;
};
using ExprPtr = std::unique_ptr<Expr>;

class IntExpr : public Expr {
public:
  IntExpr(Loc loc, int64_t value) : Expr(Kind::Int, loc), value(value) {}
  int64_t value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Int; }
};

class FloatExpr : public Expr {
public:
  FloatExpr(Loc loc, double value) : Expr(Kind::Float, loc), value(value) {}
  double value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Float; }
};

/// A duration literal (`90s`, `10min`, `2h`, `5ms`), held in seconds.
class DurationExpr : public Expr {
public:
  DurationExpr(Loc loc, double seconds, std::string spelling)
      : Expr(Kind::Duration, loc), seconds(seconds), spelling(std::move(spelling)) {}
  double seconds;
  std::string spelling;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Duration; }
};

class StringExpr : public Expr {
public:
  StringExpr(Loc loc, std::string value) : Expr(Kind::String, loc), value(std::move(value)) {}
  std::string value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::String; }
};

class BoolExpr : public Expr {
public:
  BoolExpr(Loc loc, bool value) : Expr(Kind::Bool, loc), value(value) {}
  bool value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Bool; }
};

class NameExpr : public Expr {
public:
  NameExpr(Loc loc, std::string name) : Expr(Kind::Name, loc), name(std::move(name)) {}
  std::string name;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }
};

class ListExpr : public Expr {
public:
  ListExpr(Loc loc, std::vector<ExprPtr> elements)
      : Expr(Kind::List, loc), elements(std::move(elements)) {}
  std::vector<ExprPtr> elements;
  static bool classof(const Expr *e) { return e->getKind() == Kind::List; }
};

/// One call argument: positional when `name` is empty.
struct Arg {
  Loc loc;
  std::string name;
  ExprPtr value;
};

/// `callee(args)`: an op, template, extern or builtin call giving a value, or
/// a layer applied to tensors (`conv(16)(x)`).
class CallExpr : public Expr {
public:
  CallExpr(Loc loc, ExprPtr callee, std::vector<Arg> args)
      : Expr(Kind::Call, loc), callee(std::move(callee)), args(std::move(args)) {}
  ExprPtr callee;
  std::vector<Arg> args;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }
};

class IndexExpr : public Expr {
public:
  IndexExpr(Loc loc, ExprPtr base, ExprPtr index)
      : Expr(Kind::Index, loc), base(std::move(base)), index(std::move(index)) {}
  ExprPtr base, index;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Index; }
};

class UnaryExpr : public Expr {
public:
  UnaryExpr(Loc loc, std::string op, ExprPtr operand)
      : Expr(Kind::Unary, loc), op(std::move(op)), operand(std::move(operand)) {}
  std::string op; // "-" or "!"
  ExprPtr operand;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }
};

class BinaryExpr : public Expr {
public:
  BinaryExpr(Loc loc, std::string op, ExprPtr lhs, ExprPtr rhs)
      : Expr(Kind::Binary, loc), op(std::move(op)), lhs(std::move(lhs)), rhs(std::move(rhs)) {}
  std::string op; // ** * / % + - < <= > >= == != && ||
  ExprPtr lhs, rhs;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }
};

class IfExpr : public Expr {
public:
  IfExpr(Loc loc, ExprPtr cond, ExprPtr thenExpr, ExprPtr elseExpr)
      : Expr(Kind::If, loc), cond(std::move(cond)), thenExpr(std::move(thenExpr)),
        elseExpr(std::move(elseExpr)) {}
  ExprPtr cond, thenExpr, elseExpr;
  static bool classof(const Expr *e) { return e->getKind() == Kind::If; }
};

/// `input |> layer`: sugar for `layer(input)`, kept as written for the dump.
class PipeExpr : public Expr {
public:
  PipeExpr(Loc loc, ExprPtr input, ExprPtr layer)
      : Expr(Kind::Pipe, loc), input(std::move(input)), layer(std::move(layer)) {}
  ExprPtr input, layer;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Pipe; }
};

/// `Template(...) shared as key` or `Template(...) independent`: who owns the
/// decisions of a template instance.
class SharingExpr : public Expr {
public:
  enum class Mode { Shared, Independent };
  SharingExpr(Loc loc, ExprPtr instance, Mode mode, std::string key, Loc keyLoc)
      : Expr(Kind::Sharing, loc), instance(std::move(instance)), mode(mode),
        key(std::move(key)), keyLoc(keyLoc) {}
  ExprPtr instance;
  Mode mode;
  std::string key; // empty when independent
  Loc keyLoc;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Sharing; }
};

//===----------------------------------------------------------------------===//
// Types as written
//===----------------------------------------------------------------------===//

struct TypeRef {
  enum class Kind { Named, List, Tensor };
  Kind kind = Kind::Named;
  Loc loc;
  std::string name;           // Named / List element
  std::vector<ExprPtr> shape; // Tensor: optional (C, H, W)
};

struct Param {
  Loc loc;
  std::string name;
  TypeRef type;
  ExprPtr defaultValue; // may be null
};

//===----------------------------------------------------------------------===//
// Choices
//===----------------------------------------------------------------------===//

struct Domain {
  enum class Kind { Values, Range, Pick, Subset };
  Kind kind = Kind::Values;
  Loc loc;
  ExprPtr values; // Values: a list; Pick/Subset: the candidate inputs
  ExprPtr lo, hi, step; // Range (step optional)
  bool log = false;     // Range: sample on a log scale
  ExprPtr count;        // Pick: how many inputs
};

//===----------------------------------------------------------------------===//
// Statements of template bodies
//===----------------------------------------------------------------------===//

class Stmt {
public:
  enum class Kind { Input, Node, Let, Const, Choice, Require, Output };
  Stmt(Kind kind, Loc loc) : kind(kind), loc(loc) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  Loc getLoc() const { return loc; }

private:
  Kind kind;
  Loc loc;
};
using StmtPtr = std::unique_ptr<Stmt>;

/// Statements that introduce a name: input, node, let, const, choice.
class NamedStmt : public Stmt {
public:
  NamedStmt(Kind kind, Loc loc, std::string name, Loc nameLoc)
      : Stmt(kind, loc), name(std::move(name)), nameLoc(nameLoc) {}
  std::string name;
  Loc nameLoc;
  static bool classof(const Stmt *s) {
    return s->getKind() != Kind::Require && s->getKind() != Kind::Output;
  }
};

class InputStmt : public NamedStmt {
public:
  InputStmt(Loc loc, std::string name, Loc nameLoc, std::optional<TypeRef> type)
      : NamedStmt(Kind::Input, loc, std::move(name), nameLoc), type(std::move(type)) {}
  std::optional<TypeRef> type;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Input; }
};

/// `node`, `let` and `const`: a name bound to an expression.
class BindingStmt : public NamedStmt {
public:
  BindingStmt(Kind kind, Loc loc, std::string name, Loc nameLoc, ExprPtr value,
              std::optional<TypeRef> type = std::nullopt)
      : NamedStmt(kind, loc, std::move(name), nameLoc), value(std::move(value)),
        type(std::move(type)) {}
  ExprPtr value;
  std::optional<TypeRef> type; // const only
  static bool classof(const Stmt *s) {
    return s->getKind() == Kind::Node || s->getKind() == Kind::Let ||
           s->getKind() == Kind::Const;
  }
};

class ChoiceStmt : public NamedStmt {
public:
  ChoiceStmt(Loc loc, std::string name, Loc nameLoc, Domain domain)
      : NamedStmt(Kind::Choice, loc, std::move(name), nameLoc), domain(std::move(domain)) {}
  Domain domain;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Choice; }
};

class RequireStmt : public Stmt {
public:
  RequireStmt(Loc loc, ExprPtr cond, std::string message, std::string text)
      : Stmt(Kind::Require, loc), cond(std::move(cond)), message(std::move(message)),
        text(std::move(text)) {}
  ExprPtr cond;
  std::string message; // optional user text
  std::string text;    // the condition as written, for diagnostics
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Require; }
};

class OutputStmt : public Stmt {
public:
  OutputStmt(Loc loc, ExprPtr value) : Stmt(Kind::Output, loc), value(std::move(value)) {}
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Output; }
};

//===----------------------------------------------------------------------===//
// Top-level declarations
//===----------------------------------------------------------------------===//

class Decl {
public:
  enum class Kind { Import, Const, Op, Extern, Metric, Template, Search };
  Decl(Kind kind, Loc loc, std::string name, Loc nameLoc)
      : kind(kind), loc(loc), name(std::move(name)), nameLoc(nameLoc) {}
  virtual ~Decl() = default;
  Kind getKind() const { return kind; }
  Loc getLoc() const { return loc; }
  std::string name; // the path for imports
  Loc nameLoc;

private:
  Kind kind;
  Loc loc;
};
using DeclPtr = std::unique_ptr<Decl>;

class ImportDecl : public Decl {
public:
  ImportDecl(Loc loc, std::string path, Loc pathLoc)
      : Decl(Kind::Import, loc, std::move(path), pathLoc) {}
  std::string resolvedPath; // set by the module loader
  static bool classof(const Decl *d) { return d->getKind() == Kind::Import; }
};

class ConstDecl : public Decl {
public:
  ConstDecl(Loc loc, std::string name, Loc nameLoc, std::optional<TypeRef> type, ExprPtr value)
      : Decl(Kind::Const, loc, std::move(name), nameLoc), type(std::move(type)),
        value(std::move(value)) {}
  std::optional<TypeRef> type;
  ExprPtr value;
  static bool classof(const Decl *d) { return d->getKind() == Kind::Const; }
};

struct OpProperty {
  Loc loc;
  std::string key; // out_channels, stride, params, flops
  ExprPtr value;
};

struct OpTrait {
  Loc loc;
  std::string name;
};

class OpDecl : public Decl {
public:
  OpDecl(Loc loc, std::string name, Loc nameLoc) : Decl(Kind::Op, loc, std::move(name), nameLoc) {}
  std::vector<Param> params;
  std::string impl; // runtime kernel name; defaults to the op's name
  std::vector<OpProperty> properties;
  std::vector<OpTrait> traits;
  std::vector<std::unique_ptr<RequireStmt>> requires_;
  static bool classof(const Decl *d) { return d->getKind() == Kind::Op; }
};

/// strategy / estimator / dataset / optimizer: bound to a runtime component by name.
class ExternDecl : public Decl {
public:
  enum class ExternKind { Strategy, Estimator, Dataset, Optimizer };
  ExternDecl(Loc loc, ExternKind kind, std::string name, Loc nameLoc)
      : Decl(Kind::Extern, loc, std::move(name), nameLoc), externKind(kind) {}
  ExternKind externKind;
  std::vector<Param> params;
  std::string impl;
  static bool classof(const Decl *d) { return d->getKind() == Kind::Extern; }
};

class MetricDecl : public Decl {
public:
  enum class Direction { None, Maximize, Minimize };
  MetricDecl(Loc loc, std::string name, Loc nameLoc)
      : Decl(Kind::Metric, loc, std::move(name), nameLoc) {}
  bool hasParamList = false;
  std::vector<Param> params;
  TypeRef type;
  Direction direction = Direction::None;
  static bool classof(const Decl *d) { return d->getKind() == Kind::Metric; }
};

class TemplateDecl : public Decl {
public:
  enum class TemplateKind { Cell, Block, Network };
  TemplateDecl(Loc loc, TemplateKind kind, std::string name, Loc nameLoc)
      : Decl(Kind::Template, loc, std::move(name), nameLoc), templateKind(kind) {}
  TemplateKind templateKind;
  std::vector<Param> params;
  std::vector<StmtPtr> body;
  static bool classof(const Decl *d) { return d->getKind() == Kind::Template; }
};

struct SearchSetting {
  Loc loc;
  std::string key;
  Loc keyLoc;
  ExprPtr value;
};

struct Objective {
  enum class Direction { Maximize, Minimize };
  Loc loc;
  Direction direction;
  ExprPtr value;
};

class SearchDecl : public Decl {
public:
  SearchDecl(Loc loc, std::string name, Loc nameLoc)
      : Decl(Kind::Search, loc, std::move(name), nameLoc) {}
  std::vector<SearchSetting> settings;
  std::vector<Objective> objectives;
  /// choice, const, let and require statements, in source order.
  std::vector<StmtPtr> body;
  static bool classof(const Decl *d) { return d->getKind() == Kind::Search; }
};

/// One parsed `.nas` file.
struct Module {
  std::string path;
  std::vector<DeclPtr> decls;
};

const char *templateKindName(TemplateDecl::TemplateKind kind);
const char *externKindName(ExternDecl::ExternKind kind);

} // namespace nasc

#endif // NASC_AST_H
