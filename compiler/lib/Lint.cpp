//===- Lint.cpp - Warnings that help authors of search spaces -------------===//
//
// Each warning has a name, printed as [-Wname] and silenced with
// --disable=name. They read the checked AST (what the author wrote) and the
// lowered module (what the space is).
//
//===----------------------------------------------------------------------===//
#include "nasc/Lint.h"
#include "nasc/Diagnostics.h"

#include "nas/Evaluate.h"
#include "nas/NasPasses.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

#include <functional>
#include <set>

using namespace nasc;
namespace nas = mlir::nas;

const std::vector<std::string> &nasc::lintWarningNames() {
  static const std::vector<std::string> names = {"unused-definition", "duplicate-alternative", "always-true",
                                                 "budget", "darts-collapse", "objective-conflict"};
  return names;
}

namespace {

class Linter {
public:
  Linter(mlir::MLIRContext &context, const std::set<std::string> &disabled) : context(context), disabled(disabled) {}

  unsigned warnings = 0;

  void run(const std::vector<Module *> &modules, const Module &main, mlir::ModuleOp lowered) {
    unusedDefinitions(modules, main);
    duplicateAlternatives(lowered);
    alwaysTrue(lowered);
    searches(lowered);
  }

private:
  mlir::MLIRContext &context;
  const std::set<std::string> &disabled;

  bool on(llvm::StringRef name) const { return !disabled.count(name.str()); }

  mlir::InFlightDiagnostic warn(mlir::Location loc, llvm::StringRef name, const llvm::Twine &message) {
    ++warnings;
    return mlir::emitWarning(loc) << message << " [-W" << name << "]";
  }

  // ---- unused-definition: declarations of the checked file nothing uses ----

  static void names(const Expr *e, std::set<std::string> &out) {
    if (!e)
      return;
    if (auto *n = llvm::dyn_cast<NameExpr>(e)) {
      out.insert(n->name);
      return;
    }
    std::function<void(const Expr *)> visit = [&](const Expr *x) { names(x, out); };
    if (auto *l = llvm::dyn_cast<ListExpr>(e))
      for (auto &el : l->elements)
        visit(el.get());
    if (auto *c = llvm::dyn_cast<CallExpr>(e)) {
      visit(c->callee.get());
      for (auto &a : c->args)
        visit(a.value.get());
    }
    if (auto *i = llvm::dyn_cast<IndexExpr>(e))
      visit(i->base.get()), visit(i->index.get());
    if (auto *u = llvm::dyn_cast<UnaryExpr>(e))
      visit(u->operand.get());
    if (auto *b = llvm::dyn_cast<BinaryExpr>(e))
      visit(b->lhs.get()), visit(b->rhs.get());
    if (auto *i = llvm::dyn_cast<IfExpr>(e))
      visit(i->cond.get()), visit(i->thenExpr.get()), visit(i->elseExpr.get());
    if (auto *p = llvm::dyn_cast<PipeExpr>(e))
      visit(p->input.get()), visit(p->layer.get());
    if (auto *s = llvm::dyn_cast<SharingExpr>(e))
      visit(s->instance.get());
  }

  static void stmtNames(const Stmt &s, std::set<std::string> &out) {
    if (auto *b = llvm::dyn_cast<BindingStmt>(&s))
      names(b->value.get(), out);
    if (auto *c = llvm::dyn_cast<ChoiceStmt>(&s))
      for (const Expr *e : {c->domain.values.get(), c->domain.lo.get(), c->domain.hi.get(), c->domain.step.get(),
                            c->domain.count.get()})
        names(e, out);
    if (auto *r = llvm::dyn_cast<RequireStmt>(&s))
      names(r->cond.get(), out);
    if (auto *o = llvm::dyn_cast<OutputStmt>(&s))
      names(o->value.get(), out);
    if (auto *i = llvm::dyn_cast<InputStmt>(&s))
      if (i->type)
        for (auto &d : i->type->shape)
          names(d.get(), out);
  }

  void unusedDefinitions(const std::vector<Module *> &modules, const Module &main) {
    if (!on("unused-definition"))
      return;
    std::set<std::string> used;
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls) {
        if (auto *c = llvm::dyn_cast<ConstDecl>(d.get()))
          names(c->value.get(), used);
        auto params = [&](const std::vector<Param> &ps) {
          for (const Param &p : ps)
            names(p.defaultValue.get(), used);
        };
        if (auto *o = llvm::dyn_cast<OpDecl>(d.get())) {
          params(o->params);
          for (auto &p : o->properties)
            names(p.value.get(), used);
          for (auto &r : o->requires_)
            names(r->cond.get(), used);
        }
        if (auto *t = llvm::dyn_cast<TemplateDecl>(d.get())) {
          params(t->params);
          for (auto &s : t->body)
            stmtNames(*s, used);
        }
        if (auto *s = llvm::dyn_cast<SearchDecl>(d.get())) {
          for (auto &setting : s->settings)
            names(setting.value.get(), used);
          for (auto &o : s->objectives)
            names(o.value.get(), used);
          for (auto &st : s->body)
            stmtNames(*st, used);
        }
      }
    for (const DeclPtr &d : main.decls) {
      // What a file is for: its networks and searches; declarations of a
      // library (imported) file are meant for others.
      auto *t = llvm::dyn_cast<TemplateDecl>(d.get());
      if (llvm::isa<ImportDecl, SearchDecl>(d.get()) || (t && t->templateKind == TemplateDecl::TemplateKind::Network))
        continue;
      if (!used.count(d->name))
        warn(toLocation(context, d->nameLoc), "unused-definition", "'" + d->name + "' is declared but never used");
    }
  }

  // ---- duplicate-alternative ----------------------------------------------

  /// How an alternative reads, for comparing: label, else constant value,
  /// else the layer op with constant arguments; "" when unknown.
  static std::string alternativeKey(nas::CategoricalOp c, unsigned i) {
    if (auto labels = c.getLabels())
      if (!llvm::cast<mlir::StringAttr>((*labels)[i]).getValue().empty())
        return llvm::cast<mlir::StringAttr>((*labels)[i]).str();
    mlir::Attribute a;
    if (mlir::matchPattern(c.getAlternatives()[i], mlir::m_Constant(&a))) {
      std::string s;
      llvm::raw_string_ostream os(s);
      os << a;
      return os.str();
    }
    return "";
  }

  void duplicateAlternatives(mlir::ModuleOp module) {
    if (!on("duplicate-alternative"))
      return;
    // On the templates as written: one report per choice in the source.
    for (nas::TemplateOp t : module.getOps<nas::TemplateOp>())
      t.walk([&](nas::CategoricalOp c) {
        std::map<std::string, unsigned> seen;
        for (unsigned i = 0; i < c.getAlternatives().size(); ++i) {
          std::string key = alternativeKey(c, i);
          if (key.empty())
            continue;
          auto [it, inserted] = seen.emplace(key, i);
          if (!inserted)
            warn(c.getLoc(), "duplicate-alternative",
                 "choice '" + c.getName() + "' offers '" + key + "' twice (alternatives " + llvm::Twine(it->second + 1) +
                     " and " + llvm::Twine(i + 1) + "): nasc merges them, the space counts it once");
        }
      });
  }

  // ---- always-true: a requirement over decisions no architecture breaks ----

  void alwaysTrue(mlir::ModuleOp module) {
    if (!on("always-true"))
      return;
    llvm::DenseSet<mlir::Location> reported;
    for (nas::SpaceOp space : module.getOps<nas::SpaceOp>())
      space.walk([&](nas::RequireOp r) {
        llvm::SmallVector<mlir::Operation *> ds;
        nas::decisionsOf(r.getCondition(), ds);
        if (ds.empty() || !reported.insert(r.getLoc()).second)
          return;
        nas::DecisionDomains domains;
        std::set<std::string> names;
        size_t total = 1;
        for (mlir::Operation *d : ds) {
          std::string name = d->getAttrOfType<mlir::StringAttr>("name").str();
          if (!names.insert(name).second)
            continue;
          auto values = nas::domainValues(d);
          if (!values || (total *= values->size()) > 100000)
            return;
          domains.push_back({name, *values});
        }
        bool always = nas::forEachCombination(domains, [&](const nas::DecisionValues &a) {
          auto holds = llvm::dyn_cast_or_null<mlir::IntegerAttr>(nas::evaluate(r.getCondition(), a));
          return holds && holds.getInt() != 0;
        });
        if (always)
          warn(r.getLoc(), "always-true",
               "requirement '" + (r.getText() ? *r.getText() : llvm::StringRef("?")) +
                   "' holds for every architecture: it prunes nothing");
      });
  }

  // ---- budget, darts-collapse, objective-conflict (per search) -------------

  static std::string externImpl(mlir::Value v) {
    if (auto e = v.getDefiningOp<nas::ExternOp>())
      if (auto def = mlir::SymbolTable::lookupNearestSymbolFrom<nas::ExternDefOp>(e, e.getComponentAttr()))
        return def.getImpl().str();
    return "";
  }

  void searches(mlir::ModuleOp module) {
    for (nas::SearchOp search : module.getOps<nas::SearchOp>()) {
      auto space = mlir::SymbolTable::lookupNearestSymbolFrom<nas::SpaceOp>(
          module, mlir::StringAttr::get(&context, (search.getSymName() + ".space").str()));
      std::string strategy;
      mlir::Location strategyLoc = search.getLoc();
      std::optional<int64_t> evaluations;
      mlir::Location budgetLoc = search.getLoc();
      for (nas::SettingOp s : search.getBody().getOps<nas::SettingOp>()) {
        if (s.getKey() == "strategy")
          strategy = externImpl(s.getValue()), strategyLoc = s.getLoc();
        llvm::APInt n;
        if (s.getKey() == "evaluations" && mlir::matchPattern(s.getValue(), mlir::m_ConstantInt(&n)))
          evaluations = n.getSExtValue(), budgetLoc = s.getLoc();
      }
      if (space && on("budget") && (strategy == "grid") && evaluations) {
        auto size = space->getAttrOfType<mlir::StringAttr>("size");
        llvm::APInt count;
        if (size && !size.getValue().getAsInteger(10, count) &&
            count.ugt(llvm::APInt(count.getBitWidth() < 64 ? 64 : count.getBitWidth(), *evaluations)))
          warn(budgetLoc, "budget",
               "grid search over " + size.getValue() + " architectures with a budget of " + llvm::Twine(*evaluations) +
                   " evaluations covers only part of the space; raise 'evaluations' or use a sampling strategy");
      }
      if (space && on("darts-collapse") && (strategy == "darts" || strategy == "gdas"))
        dartsCollapse(space, strategyLoc, strategy);
      if (on("objective-conflict"))
        objectiveConflicts(search);
    }
  }

  /// DARTS is known to collapse onto skip connections and parameter-free
  /// ops (Zela et al. 2020, the NB201 paper's DARTS 54.30%).
  void dartsCollapse(nas::SpaceOp space, mlir::Location strategyLoc, llvm::StringRef strategy) {
    std::set<std::string> reported;
    space.walk([&](nas::CategoricalOp c) {
      if (!llvm::isa<nas::LayerType>(c.getType()))
        return;
      bool skip = false, free = false;
      for (mlir::Value alt : c.getAlternatives())
        if (auto l = alt.getDefiningOp<nas::LayerOp>())
          if (auto def = mlir::SymbolTable::lookupNearestSymbolFrom<nas::OpDefOp>(l, l.getOpAttr())) {
            auto traits = def.getOpTraits();
            bool identity = llvm::is_contained(traits, mlir::StringAttr::get(&context, "identity"));
            skip |= identity;
            free |= !identity && llvm::is_contained(traits, mlir::StringAttr::get(&context, "parameter_free")) &&
                    !llvm::is_contained(traits, mlir::StringAttr::get(&context, "zero"));
          }
      // Shared decisions are reported once.
      std::string base = c.getName().str();
      if (skip && free && reported.insert(base).second && reported.size() == 1) {
        auto diag = warn(c.getLoc(), "darts-collapse",
                         "'" + strategy + "' mixes skip connections with parameter-free ops in decision '" + base +
                             "' (and others like it): differentiable search is known to collapse onto them");
        diag.attachNote(strategyLoc) << "the strategy is chosen here";
      }
    });
  }

  /// `maximize m` with `require m <= c` (or minimize with >=): the search
  /// pushes the objective into the limit.
  void objectiveConflicts(nas::SearchOp search) {
    for (nas::ObjectiveOp o : search.getBody().getOps<nas::ObjectiveOp>()) {
      auto metric = o.getValue().getDefiningOp<nas::MetricOp>();
      if (!metric)
        continue;
      for (nas::RequireOp r : search.getBody().getOps<nas::RequireOp>()) {
        mlir::Operation *cmp = r.getCondition().getDefiningOp();
        if (!cmp || cmp->getNumOperands() != 2)
          continue;
        auto lhs = cmp->getOperand(0).getDefiningOp<nas::MetricOp>();
        if (!lhs || lhs.getMetric() != metric.getMetric() || lhs.getArgs() != metric.getArgs())
          continue;
        std::string predicate;
        if (auto c = llvm::dyn_cast<mlir::arith::CmpIOp>(cmp))
          predicate = mlir::arith::stringifyCmpIPredicate(c.getPredicate()).str();
        if (auto c = llvm::dyn_cast<mlir::arith::CmpFOp>(cmp))
          predicate = mlir::arith::stringifyCmpFPredicate(c.getPredicate()).str();
        bool upper = llvm::is_contained({"slt", "sle", "olt", "ole"}, predicate);
        bool lower = llvm::is_contained({"sgt", "sge", "ogt", "oge"}, predicate);
        bool maximize = o.getDirection() == nas::Direction::maximize;
        if ((maximize && upper) || (!maximize && lower)) {
          auto diag = warn(r.getLoc(), "objective-conflict",
                           "requirement '" + (r.getText() ? *r.getText() : llvm::StringRef("?")) + "' bounds '" +
                               metric.getMetric() + "' in the direction the objective pushes it (" +
                               (maximize ? "maximize" : "minimize") +
                               "): the best architectures will sit on the limit");
          diag.attachNote(o.getLoc()) << "the objective is here";
        }
      }
    }
  }
};

} // namespace

unsigned nasc::lintProgram(const std::vector<Module *> &modules, const Module &main, mlir::ModuleOp lowered,
                           const std::set<std::string> &disabled, mlir::MLIRContext &context) {
  Linter linter(context, disabled);
  linter.run(modules, main, lowered);
  return linter.warnings;
}
