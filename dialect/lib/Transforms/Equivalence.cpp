//===- Equivalence.cpp - Architectures that compute the same function -----===//
//
// An architecture's canonical form is the canonical form of every decision
// owner's body (the space's network for its own decisions, and each shared
// key or independent instance for its), computed on the owner's template
// with its inputs and parameters as atoms. Two architectures with equal
// forms compute the same function. Per owner, terms are built bottom-up:
//
//   zero      an op with trait `zero`, or any op applied to a zero term
//   identity  an op with trait `identity` passes its input's term through
//   op        "(input)@label" (label: how the source named the alternative)
//   sum       benchmark rule: the sorted term strings joined by '+', zero
//             terms kept (NAS-Bench-201's own unique-string rule: a node is
//             zero when its string is exactly one zero term)
//             algebraic rule: zero terms dropped, nested sums flattened, a
//             sum of one term is that term, of none a zero term
//
// Owners' bodies are small, so strings stay small even in deep networks;
// a flat network with no templates (an exported architecture) is one owner
// whose terms would grow exponentially with depth (every node read by
// several edges), so a long term is replaced by a 128-bit hash of its text:
// equal texts give equal hashes, and the forms stay linear in size.
//
//===----------------------------------------------------------------------===//
#include "nas/Activity.h"
#include "nas/Evaluate.h"
#include "nas/NasPasses.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <unordered_set>

namespace mlir::nas {
#define GEN_PASS_DEF_NASCOUNTUNIQUE
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

namespace {

/// Whether owner `prefix` (or an owner inside it) has decisions of its own.
bool ownsDecisions(const DecisionValues &all, StringRef prefix) {
  std::string owner = prefix.str() + "/";
  return llvm::any_of(all, [&](const auto &d) { return StringRef(d.first).starts_with(owner); });
}


constexpr llvm::StringLiteral kZero = "#";

struct Term {
  std::string text;
  std::vector<std::string> summands; // algebraic sums: their flat terms
  std::set<std::string> atoms;       // the owners (instance keys) this value is made by
  bool isZero() const { return text == kZero; }
};

/// A transparent owner's form (see countByOwner), composed into its caller's.
struct ChildForm {
  std::string text;
  std::set<std::string> atoms;
};

std::set<std::string> atomsOf(ArrayRef<Term> terms) {
  std::set<std::string> out;
  for (const Term &t : terms)
    out.insert(t.atoms.begin(), t.atoms.end());
  return out;
}

class OwnerForm {
public:
  /// `transparent`: the owners that can be skipped (their form can be the
  /// identity or zero), whose forms are composed into this one rather than
  /// being atoms of it; `given`: their forms, when the caller chose them
  /// (else computed from `all`).
  OwnerForm(SymbolTable &symbols, Equivalence rule, const DecisionValues &all, StringRef prefix,
            const std::set<std::string> *transparent = nullptr, const std::map<std::string, ChildForm> *given = nullptr)
      : symbols(symbols), rule(rule), all(all), prefix(prefix), transparent(transparent), given(given) {}

  /// The canonical form of template `t`'s output for this owner, whose
  /// constant parameters are `params`.
  FailureOr<std::string> run(TemplateOp t, DictionaryAttr params) {
    FailureOr<Term> out = runTerm(t, params, {});
    if (failed(out))
      return failure();
    return out->text;
  }

  /// The same with the inputs' terms given (an owner inlined into its
  /// caller's form) or, when `inputs` is empty, as atoms.
  FailureOr<Term> runTerm(TemplateOp t, DictionaryAttr params, ArrayRef<Term> inputs) {
    Block &body = t.getBody().front();
    auto defaults = t.getParamDefaults();
    for (unsigned i = 0; i < body.getNumArguments(); ++i) {
      bool isParam = i < t.getNumParams();
      StringRef name = cast<StringAttr>(isParam ? t.getParamNames()[i] : t.getInputNames()[i - t.getNumParams()]);
      memo[body.getArgument(i)] = !isParam && !inputs.empty() ? inputs[i - t.getNumParams()]
                                                              : Term{(isParam ? "p:" : "in:") + name.str(), {}};
      if (!isParam)
        continue;
      Attribute value = params ? params.get(name) : Attribute();
      if (!value && defaults && !isa<UnitAttr>((*defaults)[i]))
        value = (*defaults)[i];
      if (value)
        known[body.getArgument(i)] = value;
    }
    // Local decision names, as the template's ops carry them.
    std::string owner = prefix.empty() ? "" : prefix.str() + "/";
    for (auto &[name, value] : all)
      if (StringRef(name).starts_with(owner) && (prefix.empty() || name.size() > owner.size()))
        local[name.substr(owner.size())] = value;
    // Each independent instance's ordinal, by its place in this body.
    llvm::StringMap<unsigned> counts;
    for (Operation &op : body)
      if (auto inst = dyn_cast<InstanceOp>(op); inst && inst.getSharing() == Sharing::independent)
        ordinals[inst] = counts[inst.getTemplateName()]++;
    auto output = cast<OutputOp>(body.getTerminator());
    return term(output.getValue());
  }

  /// Why run() failed: what in the owner's body has no canonical form.
  std::string why;

private:
  SymbolTable &symbols;
  Equivalence rule;
  const DecisionValues &all;
  StringRef prefix;
  const std::set<std::string> *transparent;
  const std::map<std::string, ChildForm> *given;
  DecisionValues local;
  llvm::DenseMap<Value, Term> memo;
  llvm::DenseMap<Value, Attribute> known; // parameters with constant values
  llvm::DenseMap<Operation *, unsigned> ordinals;

  Attribute eval(Value v) { return evaluate(v, local, &known); }

  Term zero() { return Term{kZero.str(), {}}; }

  /// Fails with a reason (the first one stays).
  LogicalResult fail(const Twine &reason) {
    if (why.empty())
      why = reason.str();
    return failure();
  }

  /// How a layer value is fixed under this architecture.
  struct Layer {
    enum Kind { Zero, Identity, Op, Instance, Repeat } kind = Op;
    std::string label;
    InstanceOp instance;
    int64_t count = 0;
    Value inner; // Repeat: the repeated layer
  };

  std::string argText(Value v) {
    if (Attribute a = eval(v)) {
      if (auto i = dyn_cast<IntegerAttr>(a))
        return std::to_string(i.getInt());
      if (auto f = dyn_cast<FloatAttr>(a)) { // round-trip precision: 0.1234567 and 0.1234568 differ
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", f.getValueAsDouble());
        return buf;
      }
      if (auto s = dyn_cast<StringAttr>(a))
        return "\"" + s.str() + "\"";
    }
    auto it = memo.find(v);
    return it != memo.end() ? it->second.text : "?";
  }

  FailureOr<Layer> layer(Value v, std::string label = "") {
    Operation *def = v.getDefiningOp();
    if (!def)
      return Layer{Layer::Op, label.empty() ? argText(v) : label};
    if (auto l = dyn_cast<LayerOp>(def)) {
      auto opdef = symbols.lookup<OpDefOp>(l.getOp());
      if (!opdef)
        return fail("operation '" + l.getOp() + "' has no definition");
      auto traits = opdef.getOpTraits();
      if (llvm::is_contained(traits, StringAttr::get(def->getContext(), "zero")))
        return Layer{Layer::Zero};
      if (llvm::is_contained(traits, StringAttr::get(def->getContext(), "identity")))
        return Layer{Layer::Identity};
      if (label.empty()) {
        std::vector<std::string> args;
        for (auto [arg, name] : llvm::zip(l.getArgs(), l.getNames()))
          args.push_back(cast<StringAttr>(name).str() + "=" + argText(arg));
        label = l.getOp().str() + "(" + llvm::join(args, ",") + ")";
      }
      return Layer{Layer::Op, label};
    }
    if (auto c = dyn_cast<CategoricalOp>(def)) {
      auto chosen = local.find(c.getName().str());
      if (chosen == local.end())
        return fail("choice '" + c.getName() + "' is not among its owner's decisions");
      int64_t i = cast<IntegerAttr>(chosen->second).getInt();
      // An alternative is what builds it (op and arguments), never its
      // display label: two alternatives shown alike ("mbconv(...)") may
      // differ. One whose arguments are not all known is told apart by its
      // position, so distinct layers are never merged.
      FailureOr<Layer> alt = layer(c.getAlternatives()[i]);
      if (succeeded(alt) && alt->kind == Layer::Op && StringRef(alt->label).contains('?'))
        alt->label = c.getName().str() + "#" + std::to_string(i);
      return alt;
    }
    if (auto s = dyn_cast<arith::SelectOp>(def)) {
      auto cond = dyn_cast_or_null<IntegerAttr>(eval(s.getCondition()));
      if (!cond)
        return fail("an 'if' between layers whose condition its owner's decisions do not fix");
      return layer(cond.getInt() ? s.getTrueValue() : s.getFalseValue(), label);
    }
    if (auto inst = dyn_cast<InstanceOp>(def)) {
      Layer l{Layer::Instance};
      l.instance = inst;
      return l;
    }
    if (auto r = dyn_cast<RepeatOp>(def)) {
      auto count = dyn_cast_or_null<IntegerAttr>(eval(r.getCount()));
      if (!count)
        return fail("a repetition whose count its owner's decisions do not fix");
      Layer l{Layer::Repeat};
      l.count = count.getInt();
      l.inner = r.getLayer();
      return l;
    }
    return fail("a layer made by '" + def->getName().getStringRef() + "'");
  }

  /// The owner prefix of instance `inst` in this body (copy `copy` of a
  /// repetition, or -1).
  std::string childPrefix(InstanceOp inst, int64_t copy) {
    std::string base = prefix.empty() ? "" : prefix.str() + "/";
    switch (inst.getSharing()) {
    case Sharing::root:
      return prefix.str();
    case Sharing::shared:
      return base + inst.getKey()->str();
    case Sharing::independent: {
      std::string ordinal = std::to_string(ordinals.lookup(inst));
      if (copy >= 0)
        ordinal += "." + std::to_string(copy);
      return base + inst.getTemplateName().str() + "#" + ordinal;
    }
    }
    return "";
  }

  FailureOr<Term> applyLayer(Layer l, ArrayRef<Term> inputs, int64_t copy = -1) {
    switch (l.kind) {
    case Layer::Zero:
      return zero();
    case Layer::Identity:
      if (inputs.size() != 1)
        return fail("an identity layer applied to " + Twine(inputs.size()) + " inputs");
      return inputs[0];
    case Layer::Op:
      if (inputs.size() != 1)
        return fail("a layer '" + l.label + "' applied to " + Twine(inputs.size()) + " inputs");
      if (inputs[0].isZero())
        return zero();
      return Term{"(" + inputs[0].text + ")@" + l.label, {}, inputs[0].atoms};
    case Layer::Instance: {
      std::string child = childPrefix(l.instance, copy);
      if (l.instance.getSharing() != Sharing::root && !ownsDecisions(all, child))
        return inlineInstance(l.instance, child, inputs);
      if (transparent && transparent->count(child))
        return composeInstance(l.instance, child, inputs);
      // Its body is canonicalized as an owner of its own; the arguments its
      // caller's decisions give it are part of the caller's form.
      std::vector<std::string> texts, args;
      for (const Term &t : inputs)
        texts.push_back(t.text);
      for (auto [arg, name] : llvm::zip(l.instance.getArgs(), l.instance.getNames()))
        args.push_back(cast<StringAttr>(name).str() + "=" + argText(arg));
      std::set<std::string> atoms = atomsOf(inputs);
      atoms.insert(child);
      return Term{"[" + child + (args.empty() ? "" : "|" + llvm::join(args, ",")) + "](" + llvm::join(texts, ",") +
                      ")",
                  {},
                  std::move(atoms)};
    }
    case Layer::Repeat: {
      if (inputs.size() != 1)
        return fail("a repetition applied to " + Twine(inputs.size()) + " inputs");
      FailureOr<Layer> inner = layer(l.inner);
      if (failed(inner))
        return failure();
      Term x = inputs[0];
      for (int64_t k = 0; k < l.count; ++k) {
        FailureOr<Term> next = applyLayer(*inner, {x}, inner->kind == Layer::Instance ? k : -1);
        if (failed(next))
          return failure();
        x = *next;
      }
      return x;
    }
    }
    return failure();
  }

  /// An instance that decides nothing is part of its caller's form, with
  /// the parameters its caller gives it here (they may depend on the
  /// caller's decisions: MnasNet's MnasLayer).
  FailureOr<Term> inlineInstance(InstanceOp inst, const std::string &child, ArrayRef<Term> inputs) {
    auto t = symbols.lookup<TemplateOp>(inst.getTemplateName());
    if (!t)
      return fail("an instance of '" + inst.getTemplateName() + "', which is not defined");
    SmallVector<NamedAttribute> params;
    for (auto [arg, name] : llvm::zip(inst.getArgs(), inst.getNames()))
      if (Attribute a = eval(arg))
        params.push_back(NamedAttribute(cast<StringAttr>(name), a));
    OwnerForm inner(symbols, rule, all, child, transparent, given);
    FailureOr<Term> out = inner.runTerm(t, DictionaryAttr::get(inst.getContext(), params), inputs);
    if (failed(out))
      return fail(inner.why);
    return *out;
  }

  /// An owner that can be skipped, by its form's content: the identity
  /// passes its input, zero is zero, any other form applies to the inputs,
  /// so equal forms of two different owners compare equal ([a, skip] and
  /// [skip, a] in a stage are one network).
  FailureOr<Term> composeInstance(InstanceOp inst, const std::string &child, ArrayRef<Term> inputs) {
    auto t = symbols.lookup<TemplateOp>(inst.getTemplateName());
    if (!t)
      return fail("an instance of '" + inst.getTemplateName() + "', which is not defined");
    ChildForm form;
    if (given && given->count(child)) {
      form = given->at(child);
    } else {
      SmallVector<NamedAttribute> params;
      for (auto [arg, name] : llvm::zip(inst.getArgs(), inst.getNames()))
        if (Attribute a = eval(arg))
          params.push_back(NamedAttribute(cast<StringAttr>(name), a));
      OwnerForm inner(symbols, rule, all, child, transparent);
      FailureOr<Term> out = inner.runTerm(t, DictionaryAttr::get(inst.getContext(), params), {});
      if (failed(out))
        return fail(inner.why);
      form = {out->text, out->atoms};
    }
    if (form.text == kZero)
      return zero();
    for (auto [i, name] : llvm::enumerate(t.getInputNames()))
      if (form.text == "in:" + cast<StringAttr>(name).str() && i < inputs.size())
        return inputs[i];
    std::vector<std::string> texts;
    for (const Term &in : inputs)
      texts.push_back(in.text);
    std::set<std::string> atoms = atomsOf(inputs);
    atoms.insert(form.atoms.begin(), form.atoms.end());
    return Term{"<" + form.text + ">(" + llvm::join(texts, ",") + ")", {}, std::move(atoms)};
  }

  Term sum(std::vector<Term> terms) {
    if (rule == Equivalence::Benchmark) {
      std::vector<std::string> texts;
      for (const Term &t : terms)
        texts.push_back(t.text);
      std::sort(texts.begin(), texts.end());
      return Term{llvm::join(texts, "+"), {}, atomsOf(terms)};
    }
    std::vector<std::string> flat;
    for (const Term &t : terms) {
      if (t.isZero())
        continue;
      if (!t.summands.empty())
        flat.insert(flat.end(), t.summands.begin(), t.summands.end());
      else
        flat.push_back(t.text);
    }
    if (flat.empty())
      return zero();
    if (flat.size() == 1)
      return Term{flat[0], {}, atomsOf(terms)};
    std::sort(flat.begin(), flat.end());
    return Term{"{" + llvm::join(flat, "|") + "}", flat, atomsOf(terms)};
  }

  /// Long terms become content hashes (see the file comment).
  static Term compact(Term t) {
    constexpr size_t kLongest = 160;
    if (t.text.size() <= kLongest)
      return t;
    uint64_t a = 1469598103934665603ull, b = 0x84222325cbf29ce4ull;
    for (unsigned char c : t.text) {
      a = (a ^ c) * 1099511628211ull;
      b = (b ^ c) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    }
    t.text = "h:" + llvm::utohexstr(a) + llvm::utohexstr(b);
    return t;
  }

  FailureOr<Term> term(Value v) {
    auto it = memo.find(v);
    if (it != memo.end())
      return it->second;
    Operation *def = v.getDefiningOp();
    FailureOr<Term> result = failure();
    if (auto apply = dyn_cast_or_null<ApplyOp>(def)) {
      std::vector<Term> inputs;
      for (Value in : apply.getInputs()) {
        FailureOr<Term> t = term(in);
        if (failed(t))
          return failure();
        inputs.push_back(*t);
      }
      FailureOr<Layer> l = layer(apply.getLayer());
      if (failed(l))
        return failure();
      result = applyLayer(*l, inputs);
    } else if (isa_and_nonnull<SumOp, ConcatOp>(def)) {
      std::vector<Term> inputs;
      for (Value in : def->getOperands()) {
        if (!isa<nas::TensorType>(in.getType())) {
          std::string choice = "an input choice";
          if (Operation *pick = in.getDefiningOp())
            if (auto name = pick->getAttrOfType<StringAttr>("name"))
              choice = "input choice '" + name.str() + "'";
          return fail(choice + " (input choices have no canonical form yet)");
        }
        FailureOr<Term> t = term(in);
        if (failed(t))
          return failure();
        inputs.push_back(*t);
      }
      if (isa<SumOp>(def)) {
        result = sum(inputs);
      } else {
        std::vector<std::string> texts;
        for (const Term &t : inputs)
          texts.push_back(t.text);
        result = Term{"cat[" + llvm::join(texts, ",") + "]", {}, atomsOf(inputs)};
      }
    } else if (auto sel = dyn_cast_or_null<arith::SelectOp>(def)) {
      // `if c then x else y` between tensors: the branch this owner takes.
      auto cond = dyn_cast_or_null<IntegerAttr>(eval(sel.getCondition()));
      if (!cond)
        return fail("an 'if' between tensors whose condition its owner's decisions do not fix");
      result = term(cond.getInt() ? sel.getTrueValue() : sel.getFalseValue());
      if (failed(result))
        return failure();
      return *result; // memoized under the branch's value
    } else if (def) {
      return fail("a value made by '" + def->getName().getStringRef() + "'");
    }
    if (succeeded(result))
      memo[v] = compact(*result);
    return succeeded(result) ? FailureOr<Term>(memo[v]) : result;
  }
};

} // namespace

namespace {

/// Every owner with decisions (its own or nested ones) and its distinct
/// forms over its own decisions, each with the owners it is made of (its
/// atoms); the network is owner "".
struct OwnerForms {
  struct Owner {
    std::string key;
    TemplateOp t;
    DictionaryAttr params;
    std::map<std::string, std::set<std::string>> forms; // form -> atoms
  };
  std::vector<Owner> owners;               // nested owners first, the network last
  std::set<std::string> transparent;       // owners whose form can be the identity or zero
};

/// The decisions of `space` by owner ("" for the network's own): the
/// longest owner key that prefixes the name. Fails, saying why, on a
/// decision that cannot be enumerated.
FailureOr<std::map<std::string, DecisionDomains>> decisionsByOwner(SpaceOp space, uint64_t limit,
                                                                   DecisionValues &first, std::string &whyNot) {
  auto owners = space->getAttrOfType<DictionaryAttr>("nas.owners");
  std::map<std::string, DecisionDomains> byOwner;
  std::set<std::string> seen;
  space.walk([&](Operation *op) {
    if (!whyNot.empty() || !isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op))
      return;
    std::string name = op->getAttrOfType<StringAttr>("name").str();
    if (!seen.insert(name).second)
      return;
    std::optional<std::vector<Attribute>> values = domainValues(op);
    // Input choices have no canonical form yet; floats are not structure.
    if (isa<PickOp, SubsetOp>(op))
      whyNot = "input choice '" + name + "' (input choices have no canonical form yet)";
    else if (!values || values->empty())
      whyNot = "decision '" + name + "' takes float values";
    else if (values->size() > limit)
      whyNot = "decision '" + name + "' has " + std::to_string(values->size()) + " values, more than " +
               std::to_string(limit);
    if (!whyNot.empty())
      return;
    std::string owner;
    if (owners)
      for (NamedAttribute o : owners)
        if (StringRef(name).starts_with((o.getName().getValue() + "/").str()) && o.getName().size() > owner.size())
          owner = o.getName().str();
    first[name] = values->front();
    byOwner[owner].push_back({name, *values});
  });
  if (!whyNot.empty())
    return failure();
  return byOwner;
}

/// Each owner's distinct forms, nested owners first. An owner that can be
/// skipped (a form that is the identity or zero) is not an atom of its
/// caller: [a, skip] and [skip, a] are one network, which only the caller's
/// form sees. So the caller is enumerated over its own decisions and each
/// such owner's distinct forms, composed into its body by content.
FailureOr<OwnerForms> enumerateOwners(SpaceOp space, Equivalence rule, uint64_t limit, std::string &whyNot) {
  auto fail = [&](const Twine &reason) {
    whyNot = reason.str();
    return failure();
  };
  auto module = space->getParentOfType<ModuleOp>();
  SymbolTable symbols(module);
  auto network = symbols.lookup<TemplateOp>(space.getNetwork());
  auto owners = space->getAttrOfType<DictionaryAttr>("nas.owners");
  if (!network)
    return failure();
  DecisionValues base; // everything at its first value
  FailureOr<std::map<std::string, DecisionDomains>> byOwner = decisionsByOwner(space, limit, base, whyNot);
  if (failed(byOwner))
    return failure();
  OwnerForms result;
  if (owners)
    for (NamedAttribute o : owners) {
      std::string key = o.getName().str();
      if (!ownsDecisions(base, key))
        continue; // part of its caller's form
      auto entry = cast<ArrayAttr>(o.getValue());
      auto t = symbols.lookup<TemplateOp>(cast<FlatSymbolRefAttr>(entry[0]).getValue());
      if (!t)
        return failure();
      result.owners.push_back({key, t, cast<DictionaryAttr>(entry[1]), {}});
    }
  // A nested owner's key extends its caller's, so longer keys go first.
  std::stable_sort(result.owners.begin(), result.owners.end(),
                   [](const auto &a, const auto &b) { return a.key.size() > b.key.size(); });
  result.owners.push_back({"", network, space->getAttrOfType<DictionaryAttr>("nas.root_params"), {}});
  auto callerOf = [&](const std::string &key) {
    std::string caller;
    for (const auto &o : result.owners)
      if (!o.key.empty() && o.key.size() > caller.size() && StringRef(key).starts_with(o.key + "/"))
        caller = o.key;
    return caller;
  };
  std::map<std::string, std::vector<const OwnerForms::Owner *>> skippable; // caller -> its transparent owners
  for (auto &o : result.owners) {
    const DecisionDomains &own = (*byOwner)[o.key];
    const auto &children = skippable[o.key];
    uint64_t n = 1;
    for (auto &[name, values] : own)
      if ((n *= values.size()) > limit)
        break;
    for (const auto *c : children)
      if (n <= limit)
        n *= c->forms.size();
    if (n > limit) {
      std::string what = o.key.empty() ? "the network" : "'" + o.key + "'";
      if (children.empty())
        return fail(what + " has more than " + Twine(limit) + " combinations of its own decisions");
      return fail(what + " has more than " + Twine(limit) +
                  " combinations of its own decisions and the forms of the owners inside it that can be skipped ('" +
                  children.front()->key + "'" + (children.size() > 1 ? ", ..." : "") + ")");
    }
    std::set<std::string> inputs;
    for (Attribute name : o.t.getInputNames())
      inputs.insert("in:" + cast<StringAttr>(name).str());
    bool isTransparent = false;
    std::map<std::string, ChildForm> given;
    std::vector<std::map<std::string, std::set<std::string>>::const_iterator> pos;
    for (const auto *c : children)
      pos.push_back(c->forms.begin());
    bool ok = forEachCombination(own, [&](const DecisionValues &a) {
      DecisionValues all = base;
      for (auto &[name, v] : a)
        all[name] = v;
      // Every combination of the skippable owners' forms, as a mixed-radix count.
      for (size_t k = 0; k < children.size(); ++k)
        pos[k] = children[k]->forms.begin();
      while (true) {
        for (size_t k = 0; k < children.size(); ++k)
          given[children[k]->key] = {pos[k]->first, pos[k]->second};
        OwnerForm ownerForm(symbols, rule, all, o.key, &result.transparent, &given);
        FailureOr<Term> form = ownerForm.runTerm(o.t, o.params, {});
        if (failed(form)) {
          whyNot = (o.key.empty() ? "the network has " : "'" + o.key + "' has ") + ownerForm.why;
          return false;
        }
        isTransparent |= form->isZero() || inputs.count(form->text);
        o.forms.emplace(form->text, form->atoms);
        size_t k = 0;
        for (; k < children.size(); ++k) {
          if (++pos[k] != children[k]->forms.end())
            break;
          pos[k] = children[k]->forms.begin();
        }
        if (k == children.size())
          return true;
      }
    });
    if (!ok)
      return failure();
    if (isTransparent && !o.key.empty()) {
      result.transparent.insert(o.key);
      skippable[callerOf(o.key)].push_back(&o);
    }
  }
  return result;
}

/// One architecture's form: the network's form and each owner's that is
/// not composed into its caller's (`transparent`), by name.
FailureOr<std::string> canonicalFormWith(SpaceOp space, const DecisionValues &decisions, Equivalence rule,
                                         const std::set<std::string> &transparent, std::string *whyNot) {
  auto module = space->getParentOfType<ModuleOp>();
  SymbolTable symbols(module);
  auto network = symbols.lookup<TemplateOp>(space.getNetwork());
  if (!network)
    return failure();
  auto failWith = [&](const std::string &owner, const std::string &why) {
    if (whyNot)
      *whyNot = (owner.empty() ? "the network has " : "'" + owner + "' has ") + why;
    return failure();
  };
  std::vector<std::string> parts;
  OwnerForm rootForm(symbols, rule, decisions, "", &transparent);
  FailureOr<std::string> root = rootForm.run(network, space->getAttrOfType<DictionaryAttr>("nas.root_params"));
  if (failed(root))
    return failWith("", rootForm.why);
  parts.push_back(*root);
  if (auto owners = space->getAttrOfType<DictionaryAttr>("nas.owners"))
    for (NamedAttribute owner : owners) { // sorted by name
      if (!ownsDecisions(decisions, owner.getName()) || transparent.count(owner.getName().str()))
        continue; // part of its caller's form
      auto entry = cast<ArrayAttr>(owner.getValue());
      auto t = symbols.lookup<TemplateOp>(cast<FlatSymbolRefAttr>(entry[0]).getValue());
      if (!t)
        return failure();
      OwnerForm ownerForm(symbols, rule, decisions, owner.getName(), &transparent);
      FailureOr<std::string> form = ownerForm.run(t, cast<DictionaryAttr>(entry[1]));
      if (failed(form))
        return failWith(owner.getName().str(), ownerForm.why);
      parts.push_back(owner.getName().str() + "=" + *form);
    }
  return llvm::join(parts, ";");
}

/// Every architecture's form, enumerated: spaces of at most `limit`.
FailureOr<APInt> countByEnumeration(SpaceOp space, Equivalence rule, uint64_t limit, std::string &whyNot) {
  std::optional<DecisionDomains> domains = spaceDomains(space, limit);
  if (!domains)
    return failure();
  FailureOr<OwnerForms> owners = enumerateOwners(space, rule, limit, whyNot);
  if (failed(owners))
    return failure();
  std::unordered_set<std::string> forms;
  SpaceActivity activity(space);
  bool complete = forEachCombination(*domains, [&](const DecisionValues &a) {
    if (!activity.isCanonical(a))
      return true; // the same architecture as with its unused decisions at their first values
    FailureOr<std::string> form = canonicalFormWith(space, a, rule, owners->transparent, &whyNot);
    if (failed(form))
      return false;
    forms.insert(std::move(*form));
    return true;
  });
  if (!complete)
    return failure();
  return APInt(64, forms.size());
}

/// By owner, for larger spaces. An architecture's form is the network's
/// form (over the network's own decisions) and one form per owner (over
/// that owner's decisions only: nested instances are atoms, with the
/// arguments the caller gives them), except owners that can be skipped,
/// whose forms are composed into their caller's. An owner's form says which
/// owners it is made of, and an owner's form depends on its own decisions
/// alone, so the distinct architectures below an owner are, summed over its
/// distinct forms, the product of those below each owner that form uses;
/// the network is the top owner. Each owner is enumerated alone.
FailureOr<APInt> countByOwner(SpaceOp space, Equivalence rule, uint64_t limit, std::string &whyNot) {
  FailureOr<OwnerForms> owners = enumerateOwners(space, rule, limit, whyNot);
  if (failed(owners))
    return failure();
  std::map<std::string, const OwnerForms::Owner *> byKey;
  for (const auto &o : owners->owners)
    byKey[o.key] = &o;
  std::map<std::string, APInt> memo;
  std::function<FailureOr<APInt>(const std::string &)> count = [&](const std::string &key) -> FailureOr<APInt> {
    if (auto it = memo.find(key); it != memo.end())
      return it->second;
    auto o = byKey.find(key);
    if (o == byKey.end()) {
      whyNot = "'" + key + "' is used but was not enumerated";
      return failure();
    }
    APInt total(64, 0);
    for (auto &[form, atoms] : o->second->forms) {
      APInt n(64, 1);
      for (const std::string &child : atoms) {
        if (child == key)
          continue; // the network's own instance (shared as the root)
        FailureOr<APInt> d = count(child);
        if (failed(d))
          return failure();
        unsigned width = std::max(n.getActiveBits() + d->getActiveBits() + 1, 64u);
        n = n.zextOrTrunc(width) * d->zextOrTrunc(width);
      }
      unsigned width = std::max(std::max(n.getActiveBits(), total.getActiveBits()) + 1, 64u);
      total = total.zextOrTrunc(width) + n.zextOrTrunc(width);
    }
    total = total.zextOrTrunc(std::max(64u, total.getActiveBits()));
    memo.emplace(key, total);
    return total;
  };
  return count("");
}

} // namespace

FailureOr<std::string> mlir::nas::canonicalForm(SpaceOp space, const DecisionValues &decisions, Equivalence rule,
                                                std::string *whyNot) {
  std::string why;
  FailureOr<OwnerForms> owners = enumerateOwners(space, rule, UINT64_MAX, why);
  if (failed(owners)) {
    if (whyNot)
      *whyNot = why;
    return failure();
  }
  return canonicalFormWith(space, decisions, rule, owners->transparent, whyNot);
}

FailureOr<APInt> mlir::nas::countUnique(SpaceOp space, Equivalence rule, uint64_t limit, std::string *whyNot) {
  std::string enumerationWhy, ownerWhy;
  FailureOr<APInt> enumerated = countByEnumeration(space, rule, limit, enumerationWhy);
  if (succeeded(enumerated))
    return enumerated;
  FailureOr<APInt> byOwner = countByOwner(space, rule, limit, ownerWhy);
  if (failed(byOwner) && whyNot)
    *whyNot = !ownerWhy.empty() ? ownerWhy : !enumerationWhy.empty() ? enumerationWhy : "a construct nasc cannot count";
  return byOwner;
}

namespace {
struct NasCountUniquePass : public mlir::nas::impl::NasCountUniqueBase<NasCountUniquePass> {
  using NasCountUniqueBase::NasCountUniqueBase;
  void runOnOperation() override {
    for (SpaceOp space : getOperation().getOps<SpaceOp>()) {
      Builder b(space);
      std::string summary, whyNot;
      for (auto [rule, name] : {std::pair{Equivalence::Benchmark, "benchmark"}, {Equivalence::Algebraic, "algebraic"}}) {
        FailureOr<APInt> unique = countUnique(space, rule, limit, &whyNot);
        if (failed(unique))
          continue;
        std::string digits = llvm::toString(*unique, 10, /*Signed=*/false);
        space->setAttr(std::string("unique_") + name, b.getStringAttr(digits));
        summary += (summary.empty() ? "" : ", ") + digits + " (" + name + " rule)";
      }
      space.emitRemark() << "space '" << space.getSymName() << "': "
                         << (summary.empty() ? "unique architectures not counted: " + whyNot
                                             : "unique architectures: " + summary);
    }
  }
};
} // namespace
