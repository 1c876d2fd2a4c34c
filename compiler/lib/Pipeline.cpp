//===- Pipeline.cpp - Lowering and reporting spaces -----------------------===//
#include "nasc/Pipeline.h"

#include "nas/Activity.h"
#include "nas/Architecture.h"
#include "nas/NasPasses.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <map>

using namespace nasc;
namespace nas = mlir::nas;

/// Spaces up to this size are enumerated (unique counts).
static constexpr uint64_t kMaxEnumerated = 1000000;

mlir::LogicalResult nasc::lowerModule(mlir::ModuleOp module, bool mergeAlternatives) {
  mlir::PassManager pm(module.getContext());
  if (mergeAlternatives)
    pm.addPass(nas::createNasMergeAlternatives());
  pm.addPass(nas::createNasInstantiate());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  pm.addPass(nas::createNasInferShapes());
  pm.addPass(nas::createNasPruneZeroPaths());
  pm.addPass(nas::createNasPickConditions());
  // MLIRGen's output is verified, and nas-opt's tests verify after every
  // pass; here the result is verified once, at the end.
  pm.enableVerifier(false);
  if (mlir::failed(pm.run(module)) || mlir::failed(mlir::verify(module)))
    return mlir::failure();
  // A search whose strategy needs a differentiable supernet cannot run on a
  // space without one: refused here, with the reason.
  for (nas::SearchOp search : module.getOps<nas::SearchOp>())
    for (nas::SettingOp setting : search.getBody().getOps<nas::SettingOp>()) {
      auto strategy = setting.getValue().getDefiningOp<nas::ExternOp>();
      if (setting.getKey() != "strategy" || !strategy)
        continue;
      auto def = mlir::SymbolTable::lookupNearestSymbolFrom<nas::ExternDefOp>(strategy, strategy.getComponentAttr());
      static const llvm::StringRef differentiable[] = {"darts",  "gdas",      "pc_darts", "fair_darts",
                                                       "drnas", "proxyless", "fbnet"};
      if (!def || !llvm::is_contained(differentiable, def.getImpl()))
        continue;
      auto space = mlir::SymbolTable::lookupNearestSymbolFrom<nas::SpaceOp>(
          module, mlir::StringAttr::get(module.getContext(), (search.getSymName() + ".space").str()));
      auto reason = space ? space->getAttrOfType<mlir::StringAttr>("nas.differentiable_reason") : nullptr;
      if (reason) {
        mlir::emitError(setting.getLoc()) << "strategy '" << strategy.getComponent()
                                          << "' trains a differentiable supernet, which this space cannot have: "
                                          << reason.getValue();
        return mlir::failure();
      }
    }
  for (nas::SpaceOp space : module.getOps<nas::SpaceOp>()) {
    mlir::FailureOr<nas::SpaceSize> size = nas::countSpace(space);
    if (mlir::failed(size))
      return mlir::failure();
    mlir::Builder b(space);
    // Requirements over decisions prune; conflicting ones are an error.
    {
      mlir::FailureOr<nas::Feasibility> feasible = nas::countFeasible(space);
      if (mlir::succeeded(feasible) && feasible->pruning && feasible->feasible.isZero())
        return mlir::failure(); // the conflict was reported
      if (mlir::succeeded(feasible) && feasible->pruning) {
        space->setAttr("feasible", b.getStringAttr(feasible->str()));
        llvm::SmallVector<mlir::Attribute> never;
        for (auto &[name, value] : feasible->neverFeasible)
          never.push_back(b.getArrayAttr({b.getStringAttr(name), b.getStringAttr(value)}));
        if (!never.empty())
          space->setAttr("never_feasible", b.getArrayAttr(never));
      }
    }
    space->setAttr("size", b.getStringAttr(size->str()));
    space->setAttr("decisions", b.getI64IntegerAttr(size->decisions));
    if (size->continuous)
      space->setAttr("continuous", b.getUnitAttr());
  }
  return mlir::success();
}

namespace {

/// One decision of a space, as info reports it.
struct DecisionInfo {
  std::string name;
  std::string kind;
  std::string domain;
  int64_t size = 0; // 0: continuous or unknown
  bool conditional = false;
  std::string when; // conditional: when an architecture uses it
  /// For tools (info --json): the values as IDs write them (categorical),
  /// the bounds (ranges), the count and candidates (input choices).
  llvm::json::Object domainJson;
};

/// Switch `sw`'s condition `c` as the values of the one decision its index
/// reads for which it holds ("'n' is at least 2"); none when the index reads
/// several decisions or too many values.
std::optional<std::string> conditionByValues(const nas::ActiveCondition &c, nas::SwitchOp sw) {
  llvm::SmallVector<mlir::Operation *> reads;
  nas::decisionsOf(sw.getIndex(), reads);
  if (reads.empty() || !llvm::all_of(reads, [&](mlir::Operation *d) { return d == reads.front(); }))
    return std::nullopt;
  mlir::Operation *decision = reads.front();
  auto name = decision->getAttrOfType<mlir::StringAttr>("name");
  std::optional<std::vector<mlir::Attribute>> values = nas::domainValues(decision);
  if (!name || !values || values->empty() || values->size() > 64)
    return std::nullopt;
  std::vector<bool> holds;
  for (mlir::Attribute v : *values) {
    auto index = llvm::dyn_cast_or_null<mlir::IntegerAttr>(nas::evaluate(sw.getIndex(), {{name.str(), v}}));
    if (!index)
      return std::nullopt;
    holds.push_back(c.holds(index.getInt()));
  }
  auto text = [&](size_t i) { return nas::decisionValueText(decision, (*values)[i]); };
  std::string subject = "'" + name.str() + "' is ";
  size_t first = std::find(holds.begin(), holds.end(), true) - holds.begin();
  size_t last = holds.rend() - std::find(holds.rbegin(), holds.rend(), true);
  if (first == holds.size())
    return subject + "never any value";
  bool contiguous = std::all_of(holds.begin() + first, holds.begin() + last, [](bool h) { return h; });
  if (contiguous && first == last - 1)
    return subject + text(first);
  if (contiguous && last == holds.size())
    return subject + "at least " + text(first);
  if (contiguous && first == 0)
    return subject + "at most " + text(last - 1);
  std::vector<std::string> parts;
  for (size_t i = 0; i < holds.size(); ++i)
    if (holds[i])
      parts.push_back(text(i));
  return subject + "one of " + llvm::join(parts, ", ");
}

/// How condition `c` reads: which decisions pick what.
std::string describeCondition(const nas::ActiveCondition &c, const nas::SpaceActivity &activity,
                              const llvm::StringMap<nas::SwitchOp> &switches) {
  // An edge of an input choice: used where the choice picks it.
  if (c.picks)
    return "'" + c.switchId + "' picks input " + std::to_string(c.lo);
  std::vector<std::string> quoted;
  for (const std::string &n : activity.controllers(c.switchId))
    quoted.push_back("'" + n + "'");
  std::string names = quoted.empty() ? "?" : llvm::join(quoted, ", ");
  nas::SwitchOp sw = switches.lookup(c.switchId);
  // A repetition whose count is worked out from a decision (`min(n, 1)`):
  // said by the values of that decision.
  if (llvm::StringRef(c.switchId).starts_with("repeat#") && sw && !llvm::isa_and_nonnull<nas::CategoricalOp, nas::RangeOp>(sw.getIndex().getDefiningOp()))
    if (std::optional<std::string> values = conditionByValues(c, sw))
      return *values;
  if (llvm::StringRef(c.switchId).starts_with("repeat#"))
    return names + " repeats at least " + (c.lo == 1 ? std::string("once") : std::to_string(c.lo) + " times");
  if (llvm::StringRef(c.switchId).starts_with("if#"))
    return "the condition on " + names + " is " + (c.lo == 0 ? "true" : "false");
  if (auto index = sw ? sw.getIndex().getDefiningOp<nas::CategoricalOp>() : nullptr)
    if (c.hi && *c.hi == c.lo && c.lo < static_cast<int64_t>(index.getAlternatives().size()))
      return "'" + index.getName().str() + "' is " + nas::decisionValueText(index, mlir::Builder(index).getI64IntegerAttr(c.lo));
  return names + " picks alternative " + std::to_string(c.lo);
}

std::string constantText(mlir::Value v) {
  if (auto s = v.getDefiningOp<nas::StringOp>())
    return "\"" + s.getValue().str() + "\"";
  llvm::APInt i;
  if (mlir::matchPattern(v, mlir::m_ConstantInt(&i))) {
    if (v.getType().isInteger(1))
      return i.isZero() ? "false" : "true";
    return std::to_string(i.getSExtValue());
  }
  mlir::FloatAttr f;
  if (mlir::matchPattern(v, mlir::m_Constant(&f))) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::format("%g", f.getValueAsDouble());
    return os.str();
  }
  return "?";
}

std::vector<DecisionInfo> decisionsOf(nas::SpaceOp space) {
  std::map<std::string, DecisionInfo> byName;
  nas::SpaceActivity activity(space);
  llvm::StringMap<nas::SwitchOp> switches;
  space.walk([&](nas::SwitchOp sw) { switches[sw.getId()] = sw; });
  space.walk([&](mlir::Operation *op) {
    DecisionInfo d;
    if (auto c = llvm::dyn_cast<nas::CategoricalOp>(op)) {
      d = {c.getName().str(), "categorical", "", static_cast<int64_t>(c.getAlternatives().size())};
      std::vector<std::string> parts;
      for (size_t i = 0; i < c.getAlternatives().size(); ++i) {
        auto labels = c.getLabels();
        std::string label = labels ? llvm::cast<mlir::StringAttr>((*labels)[i]).str() : "";
        std::string text = !label.empty() ? label : constantText(c.getAlternatives()[i]);
        // What --arch takes for an alternative with no label or constant ("#1").
        if (text == "?")
          text = nas::decisionValueText(c, mlir::Builder(c).getI64IntegerAttr(i));
        parts.push_back(text);
      }
      d.domain = "[" + llvm::join(parts, ", ") + "]";
      llvm::json::Array values;
      for (size_t i = 0; i < c.getAlternatives().size(); ++i)
        values.push_back(nas::decisionValueText(c, mlir::Builder(c).getI64IntegerAttr(i)));
      d.domainJson["values"] = std::move(values);
    } else if (auto r = llvm::dyn_cast<nas::RangeOp>(op)) {
      bool isFloat = r.getType().isF64();
      d = {r.getName().str(), isFloat ? "float range" : "int range", "", 0};
      d.domain = constantText(r.getLo()) + ".." + constantText(r.getHi());
      if (!isFloat) {
        d.domain += " step " + constantText(r.getStep());
        llvm::APInt lo, hi, step;
        if (mlir::matchPattern(r.getLo(), mlir::m_ConstantInt(&lo)) &&
            mlir::matchPattern(r.getHi(), mlir::m_ConstantInt(&hi)) &&
            mlir::matchPattern(r.getStep(), mlir::m_ConstantInt(&step)) && step.getSExtValue() > 0) {
          d.size = (hi.getSExtValue() - lo.getSExtValue()) / step.getSExtValue() + 1;
          d.domainJson["lo"] = lo.getSExtValue();
          d.domainJson["hi"] = hi.getSExtValue();
          d.domainJson["step"] = step.getSExtValue();
        }
      } else {
        mlir::FloatAttr lo, hi;
        if (mlir::matchPattern(r.getLo(), mlir::m_Constant(&lo)) && mlir::matchPattern(r.getHi(), mlir::m_Constant(&hi))) {
          d.domainJson["lo"] = lo.getValueAsDouble();
          d.domainJson["hi"] = hi.getValueAsDouble();
          d.domainJson["log"] = r.getLog();
        }
      }
      if (r.getLog())
        d.domain += " log";
    } else if (auto p = llvm::dyn_cast<nas::PickOp>(op)) {
      d = {p.getName().str(), "input choice", constantText(p.getCount()) + " of " +
                                                  std::to_string(p.getCandidates().size()), 0};
      llvm::APInt k;
      if (mlir::matchPattern(p.getCount(), mlir::m_ConstantInt(&k))) {
        int64_t n = p.getCandidates().size(), c = 1;
        for (int64_t i = 0; i < k.getSExtValue(); ++i)
          c = c * (n - i) / (i + 1);
        d.size = c;
        d.domainJson["count"] = k.getSExtValue();
      }
      d.domainJson["candidates"] = static_cast<int64_t>(p.getCandidates().size());
    } else if (auto s = llvm::dyn_cast<nas::SubsetOp>(op)) {
      d = {s.getName().str(), "input subset", "any of " + std::to_string(s.getCandidates().size()), 0};
      if (s.getCandidates().size() < 62)
        d.size = int64_t(1) << s.getCandidates().size();
      d.domainJson["candidates"] = static_cast<int64_t>(s.getCandidates().size());
    } else {
      return;
    }
    auto it = activity.conditionalDecisions().find(d.name);
    d.conditional = it != activity.conditionalDecisions().end();
    if (d.conditional) {
      std::vector<std::string> sets;
      for (const std::vector<nas::ActiveCondition> &set : it->second) {
        std::vector<std::string> parts;
        for (const nas::ActiveCondition &c : set)
          parts.push_back(describeCondition(c, activity, switches));
        std::string text = llvm::join(parts, " and ");
        if (!llvm::is_contained(sets, text))
          sets.push_back(text);
      }
      d.when = llvm::join(sets, ", or ");
    }
    byName.try_emplace(d.name, d);
  });
  std::vector<DecisionInfo> out;
  for (auto &[name, d] : byName)
    out.push_back(d);
  return out;
}

} // namespace

/// The space IDs refer to: `spaceName`, or the only space, or the only
/// search's. Reports an error listing the spaces when it cannot tell.
static nas::SpaceOp selectSpace(mlir::ModuleOp module, llvm::StringRef spaceName) {
  std::vector<nas::SpaceOp> spaces(module.getOps<nas::SpaceOp>().begin(), module.getOps<nas::SpaceOp>().end());
  nas::SpaceOp space;
  std::vector<std::string> names;
  for (nas::SpaceOp s : spaces) {
    names.push_back(s.getSymName().str());
    if (s.getSymName() == spaceName)
      space = s;
  }
  if (spaceName.empty()) {
    // One space, or a search's space over its network's defaults.
    std::vector<nas::SpaceOp> searchSpaces;
    for (nas::SearchOp search : module.getOps<nas::SearchOp>())
      for (nas::SpaceOp s : spaces)
        if (s.getSymName() == (search.getSymName() + ".space").str())
          searchSpaces.push_back(s);
    if (spaces.size() == 1)
      space = spaces.front();
    else if (searchSpaces.size() == 1)
      space = searchSpaces.front();
  }
  // Said at the first network (the module itself has no place in a file).
  if (!space)
    mlir::emitError(spaces.empty() ? module.getLoc() : spaces.front().getLoc()) << (spaceName.empty() ? "say which space with --space: "
                                                           : "no space '" + spaceName.str() + "'; the spaces are ")
                                     << llvm::join(names, ", ");
  return space;
}

/// Warns at each requirement over decisions that `decisions` breaks where
/// it binds (a requirement over metrics is judged when evaluating).
static void warnBrokenRequirements(nas::SpaceOp space, const nas::DecisionValues &decisions,
                                   llvm::StringRef id) {
  nas::SpaceActivity activity(space);
  llvm::StringMap<int64_t> indices = activity.switchIndices(decisions);
  space.walk([&](nas::RequireOp r) {
    auto holds = llvm::dyn_cast_or_null<mlir::IntegerAttr>(nas::evaluate(r.getCondition(), decisions));
    if (!holds || !holds.getValue().isZero() || !nas::SpaceActivity::holds(nas::activeConditions(r), indices))
      return;
    auto diag = mlir::emitWarning(r.getLoc()) << "architecture '" << id << "' breaks this requirement";
    if (r.getMessage())
      diag << ": " << *r.getMessage();
    diag << "; a search never proposes it";
  });
}

/// The decisions an ID names in `space`, or an error naming the ID.
static mlir::FailureOr<nas::DecisionValues> parseId(nas::SpaceOp space, llvm::StringRef id) {
  std::string error;
  mlir::FailureOr<nas::DecisionValues> decisions = nas::parseArchitectureId(space, id, error);
  if (mlir::failed(decisions))
    mlir::emitError(space.getLoc()) << "architecture '" << id << "': " << error;
  return decisions;
}

mlir::LogicalResult nasc::fixModule(mlir::ModuleOp module, llvm::StringRef spaceName, llvm::StringRef id) {
  nas::SpaceOp space = selectSpace(module, spaceName);
  if (!space)
    return mlir::failure();
  mlir::FailureOr<nas::DecisionValues> decisions = parseId(space, id);
  if (mlir::failed(decisions))
    return mlir::failure();
  std::string canonical = nas::architectureId(space, *decisions);
  if (mlir::failed(nas::fixArchitecture(space, *decisions)))
    return mlir::failure();
  // Only the fixed network stays: it is what the output is about.
  for (nas::SpaceOp other : llvm::make_early_inc_range(module.getOps<nas::SpaceOp>()))
    if (other != space)
      other.erase();
  mlir::Builder b(space);
  space->setAttr("architecture", b.getStringAttr(canonical));
  space->setAttr("architecture_hash", b.getStringAttr(nas::architectureHash(canonical)));
  space->setAttr("size", b.getStringAttr("1"));
  space->setAttr("decisions", b.getI64IntegerAttr(0));
  // Shapes that depended on an input subset are known now.
  mlir::PassManager pm(module.getContext());
  pm.addPass(nas::createNasInferShapes());
  if (mlir::failed(pm.run(module)))
    return mlir::failure();
  // The cost is now one number, not a range.
  space->removeAttr("params");
  space->removeAttr("flops");
  mlir::FailureOr<nas::Cost> cost = nas::SpaceCostModel(space).cost({});
  if (mlir::succeeded(cost)) {
    space->setAttr("params", b.getDenseF64ArrayAttr({cost->params, cost->params}));
    space->setAttr("flops", b.getDenseF64ArrayAttr({cost->flops, cost->flops}));
  }
  return mlir::success();
}

/// The cost of architecture `id` of `space`, from a fixed copy of `module`.
static mlir::FailureOr<nas::Cost> fixedCost(mlir::ModuleOp module, nas::SpaceOp space, llvm::StringRef id) {
  mlir::OwningOpRef<mlir::ModuleOp> copy(module.clone());
  if (mlir::failed(nasc::fixModule(*copy, space.getSymName(), id)))
    return mlir::failure();
  nas::SpaceOp fixed = *copy->getOps<nas::SpaceOp>().begin();
  auto params = fixed->getAttrOfType<mlir::DenseF64ArrayAttr>("params");
  auto flops = fixed->getAttrOfType<mlir::DenseF64ArrayAttr>("flops");
  if (!params || !flops)
    return mlir::failure();
  return nas::Cost{params[0], flops[0]};
}

mlir::LogicalResult nasc::printArchitectures(mlir::ModuleOp module, llvm::StringRef spaceName,
                                             const std::vector<std::string> &ids, llvm::raw_ostream &os) {
  nas::SpaceOp space = selectSpace(module, spaceName);
  if (!space)
    return mlir::failure();
  // The cost model counts every candidate of an input choice: with input
  // choices, an architecture's cost is that of its fixed network.
  bool hasInputChoices = false;
  space.walk([&](mlir::Operation *op) { hasInputChoices |= llvm::isa<nas::PickOp, nas::SubsetOp>(op); });
  std::optional<nas::SpaceCostModel> costs;
  if (!hasInputChoices)
    costs.emplace(space);
  for (const std::string &id : ids) {
    mlir::FailureOr<nas::DecisionValues> decisions = parseId(space, id);
    if (mlir::failed(decisions))
      return mlir::failure();
    std::string canonical = nas::architectureId(space, *decisions);
    if (!hasInputChoices) // fixing the network (below) reports it
      warnBrokenRequirements(space, *decisions, canonical);
    mlir::FailureOr<nas::Cost> cost = hasInputChoices ? fixedCost(module, space, id) : costs->cost(*decisions);
    os << canonical << "\t" << nas::architectureHash(canonical) << "\t";
    if (mlir::succeeded(cost))
      os << llvm::formatv("{0:F0}\t{1:F0}", cost->params, cost->flops);
    else
      os << "?\t?";
    os << "\n";
  }
  return mlir::success();
}

/// The feasible count as `nasc info --json` writes it: null when no
/// requirement prunes or it could not be counted.
static llvm::json::Value feasibleJson(nas::SpaceOp space) {
  if (auto feasible = space->getAttrOfType<mlir::StringAttr>("feasible"))
    return feasible.str();
  return nullptr;
}

void nasc::printInfo(mlir::ModuleOp module, llvm::raw_ostream &os, bool json) {
  llvm::json::Array spaces;
  for (nas::SpaceOp space : module.getOps<nas::SpaceOp>()) {
    std::vector<DecisionInfo> decisions = decisionsOf(space);
    auto size = space->getAttrOfType<mlir::StringAttr>("size");
    bool continuous = space->hasAttr("continuous");
    std::optional<std::pair<std::string, std::string>> unique;
    std::string notCounted;
    mlir::FailureOr<llvm::APInt> benchmark =
        nas::countUnique(space, nas::Equivalence::Benchmark, kMaxEnumerated, &notCounted);
    mlir::FailureOr<llvm::APInt> algebraic =
        nas::countUnique(space, nas::Equivalence::Algebraic, kMaxEnumerated, &notCounted);
    if (mlir::succeeded(benchmark) && mlir::succeeded(algebraic))
      unique = {llvm::toString(*benchmark, 10, false), llvm::toString(*algebraic, 10, false)};
    if (json) {
      llvm::json::Array ds;
      for (const DecisionInfo &d : decisions) {
        llvm::json::Object o{{"name", d.name},
                             {"kind", d.kind},
                             {"domain", d.domain},
                             {"size", d.size},
                             {"conditional", d.conditional},
                             {"when", d.conditional ? llvm::json::Value(d.when) : nullptr}};
        for (auto &[key, value] : d.domainJson)
          o[key] = value;
        ds.push_back(std::move(o));
      }
      llvm::json::Value uniqueJson = nullptr;
      if (unique)
        uniqueJson = llvm::json::Object{{"benchmark", unique->first}, {"algebraic", unique->second}};
      spaces.push_back(llvm::json::Object{{"space", space.getSymName()},
                                          {"network", space.getNetwork()},
                                          {"size", size ? size.str() : std::string("?")},
                                          {"feasible", feasibleJson(space)},
                                          {"unique", std::move(uniqueJson)},
                                          {"unique_not_counted", unique ? llvm::json::Value(nullptr) : notCounted},
                                          {"continuous", continuous},
                                          {"decisions", std::move(ds)}});
      continue;
    }
    os << "space " << space.getSymName() << " (network " << space.getNetwork() << ")\n";
    os << "  size: " << (size ? size.str() : std::string("?")) << " architectures"
       << (continuous ? " (times continuous hyperparameters)" : "") << "\n";
    if (unique)
      os << "  unique: " << unique->first << " (benchmark rule), " << unique->second << " (algebraic rule)\n";
    else
      os << "  unique: not counted: " << notCounted << "\n";
    if (auto feasible = space->getAttrOfType<mlir::StringAttr>("feasible")) {
      os << "  feasible: " << feasible.getValue() << " architectures meet the requirements over decisions\n";
      if (auto never = space->getAttrOfType<mlir::ArrayAttr>("never_feasible"))
        for (mlir::Attribute entry : never) {
          auto pair = llvm::cast<mlir::ArrayAttr>(entry);
          os << "    never feasible: " << llvm::cast<mlir::StringAttr>(pair[0]).getValue() << " = "
             << llvm::cast<mlir::StringAttr>(pair[1]).getValue() << "\n";
        }
    }
    auto params = space->getAttrOfType<mlir::DenseF64ArrayAttr>("params");
    auto flops = space->getAttrOfType<mlir::DenseF64ArrayAttr>("flops");
    // Exact: the least and greatest over the architectures that keep the
    // requirements; else the bounds every architecture lies within.
    bool isExact = false;
    if (auto range = nas::spaceCostRange(space, &isExact); mlir::succeeded(range) && (isExact || !params || !flops)) {
        params = mlir::DenseF64ArrayAttr::get(space.getContext(), {range->first.params, range->second.params});
        flops = mlir::DenseF64ArrayAttr::get(space.getContext(), {range->first.flops, range->second.flops});
      }
    if (params && flops) {
      os << llvm::formatv("  params: {0:F0} .. {1:F0} ({4})\n  flops: {2:F0} .. {3:F0} (multiply-accumulates per "
                          "sample), {5}\n",
                          params[0], params[1], flops[0], flops[1],
                          isExact ? "exact: the least and greatest architecture" : "bounds: not every one is reached",
                          isExact ? "exact" : "bounds");
    }
    else
      os << "  params, flops: not known (a layer's shape or cost formula is not known)\n";
    if (auto memory = space->getAttrOfType<mlir::DenseF64ArrayAttr>("supernet_memory")) {
      // fp32: 4 bytes an element.
      double mib = 4.0 / (1024.0 * 1024.0);
      os << llvm::formatv("  supernet memory (fp32, per sample): activations {0:F2} MiB single-path (at most), "
                          "{1:F2} MiB all paths (differentiable); weights {2:F2} MiB ({3:F0} parameters, every alternative)\n",
                          memory[0] * mib, memory[1] * mib, memory[2] * mib, memory[2]);
    }
    auto differentiable = space->getAttrOfType<mlir::BoolAttr>("nas.differentiable");
    os << "  estimators: full training, low fidelity, zero-cost, single-path supernet: yes; "
       << "differentiable supernet (darts, gdas, pc_darts, fair_darts, drnas, proxyless, fbnet): ";
    if (differentiable && differentiable.getValue())
      os << "yes\n";
    else if (auto reason = space->getAttrOfType<mlir::StringAttr>("nas.differentiable_reason"))
      os << "no: " << reason.getValue() << "\n";
    else
      os << "not known (shapes not known)\n";
    os << "  decisions: " << decisions.size() << "\n";
    for (const DecisionInfo &d : decisions) {
      os << "    " << d.name << ": " << d.kind << " " << d.domain;
      if (d.conditional)
        os << " (used only when " << d.when << ")";
      os << "\n";
    }
  }
  if (json)
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(spaces))) << "\n";
}
