//===- ExprTest.cpp - Expression trees ------------------------------------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Expr.h"
#include "nasc/runtime/Space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

using namespace nasc::runtime;


namespace {

Json op(const std::string &name, std::vector<Json> args, const std::string &predicate = "") {
  Json t{{"op", name}, {"args", args}};
  if (!predicate.empty())
    t["predicate"] = predicate;
  return t;
}
Json c(Json v) { return Json{{"const", v}}; }
Json ev(const Json &t) { return evaluate(t, Env{}); }
int64_t evi(const Json &t) {
  Json v = ev(t);
  EXPECT_TRUE(v.is_number_integer()) << t.dump() << " -> " << v.dump();
  return asInt(v);
}
double evf(const Json &t) {
  Json v = ev(t);
  EXPECT_TRUE(v.is_number_float()) << t.dump() << " -> " << v.dump();
  return asDouble(v);
}
bool evb(const Json &t) {
  Json v = ev(t);
  EXPECT_TRUE(v.is_boolean()) << t.dump() << " -> " << v.dump();
  return asBool(v);
}

TEST(Expr, ConstantsKeepTheirType) {
  EXPECT_TRUE(ev(c(3)).is_number_integer());
  EXPECT_TRUE(ev(c(2.0)).is_number_float());
  EXPECT_TRUE(ev(c(true)).is_boolean());
  EXPECT_EQ(ev(c("pixel3")), "pixel3");
  EXPECT_EQ(ev(Json(7)), 7);
  EXPECT_TRUE(ev(Json::parse("2.0")).is_number_float());
}

TEST(Expr, IntegerDivisionFamily) {
  EXPECT_EQ(evi(op("arith.divsi", {c(7), c(2)})), 3);
  EXPECT_EQ(evi(op("arith.divsi", {c(-7), c(2)})), -3); // truncates
  EXPECT_EQ(evi(op("arith.ceildivsi", {c(7), c(2)})), 4);
  EXPECT_EQ(evi(op("arith.ceildivsi", {c(-7), c(2)})), -3);
  EXPECT_EQ(evi(op("arith.ceildivsi", {c(-7), c(-2)})), 4);
  EXPECT_EQ(evi(op("arith.ceildivsi", {c(6), c(3)})), 2);
  EXPECT_EQ(evi(op("arith.floordivsi", {c(-7), c(2)})), -4);
  EXPECT_EQ(evi(op("arith.floordivsi", {c(7), c(-2)})), -4);
  EXPECT_EQ(evi(op("arith.floordivsi", {c(7), c(2)})), 3);
  EXPECT_EQ(evi(op("arith.remsi", {c(-7), c(2)})), -1); // sign of the dividend
  EXPECT_EQ(evi(op("arith.remsi", {c(7), c(-2)})), 1);
  EXPECT_EQ(evi(op("arith.divui", {c(-1), c(2)})), std::numeric_limits<int64_t>::max());
  EXPECT_THROW(ev(op("arith.divsi", {c(1), c(0)})), EvalError);
  EXPECT_THROW(ev(op("arith.remsi", {c(1), c(0)})), EvalError);
}

TEST(Expr, IntegerArithmetic) {
  EXPECT_EQ(evi(op("arith.addi", {c(2), c(3)})), 5);
  EXPECT_EQ(evi(op("arith.subi", {c(2), c(3)})), -1);
  EXPECT_EQ(evi(op("arith.muli", {c(-4), c(3)})), -12);
  EXPECT_EQ(evi(op("arith.maxsi", {c(-4), c(3)})), 3);
  EXPECT_EQ(evi(op("arith.minsi", {c(-4), c(3)})), -4);
  // Wraps like i64, no undefined behaviour.
  EXPECT_EQ(evi(op("arith.addi", {c(std::numeric_limits<int64_t>::max()), c(1)})),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(evi(op("arith.andi", {c(6), c(3)})), 2);
  EXPECT_EQ(evi(op("arith.ori", {c(6), c(3)})), 7);
  EXPECT_EQ(evi(op("arith.xori", {c(6), c(3)})), 5);
  EXPECT_EQ(evi(op("math.ipowi", {c(3), c(4)})), 81);
  EXPECT_EQ(evi(op("math.absi", {c(-3)})), 3);
}

TEST(Expr, BooleansStayBooleans) {
  EXPECT_FALSE(evb(op("arith.andi", {c(true), c(false)})));
  EXPECT_TRUE(evb(op("arith.ori", {c(true), c(false)})));
  EXPECT_TRUE(evb(op("arith.xori", {c(true), c(false)})));
  EXPECT_FALSE(evb(op("arith.xori", {c(true), c(true)})));
}

TEST(Expr, CmpiPredicates) {
  auto cmp = [](const char *p, int64_t a, int64_t b) { return evb(op("arith.cmpi", {c(a), c(b)}, p)); };
  EXPECT_TRUE(cmp("eq", 2, 2));
  EXPECT_TRUE(cmp("ne", 2, 3));
  EXPECT_TRUE(cmp("slt", -1, 0));
  EXPECT_TRUE(cmp("sle", 0, 0));
  EXPECT_TRUE(cmp("sgt", 1, -1));
  EXPECT_TRUE(cmp("sge", 1, 1));
  EXPECT_FALSE(cmp("ult", -1, 0)); // -1 is 2^64-1 unsigned
  EXPECT_TRUE(cmp("ugt", -1, 0));
  EXPECT_TRUE(cmp("ule", 0, -1));
  EXPECT_TRUE(cmp("uge", 5, 5));
  EXPECT_THROW(cmp("bogus", 1, 2), EvalError);
}

TEST(Expr, CmpfPredicates) {
  double nan = std::nan("");
  auto cmp = [](const char *p, double a, double b) { return evb(op("arith.cmpf", {c(a), c(b)}, p)); };
  EXPECT_TRUE(cmp("oeq", 1.5, 1.5));
  EXPECT_TRUE(cmp("olt", 1.0, 2.0));
  EXPECT_TRUE(cmp("ole", 2.0, 2.0));
  EXPECT_TRUE(cmp("ogt", 3.0, 2.0));
  EXPECT_TRUE(cmp("oge", 2.0, 2.0));
  EXPECT_TRUE(cmp("one", 1.0, 2.0));
  EXPECT_TRUE(cmp("ueq", 1.0, 1.0));
  // Ordered predicates are false with a NaN, unordered ones true.
  EXPECT_FALSE(cmp("oeq", nan, nan));
  EXPECT_FALSE(cmp("one", nan, 1.0));
  EXPECT_TRUE(cmp("ueq", nan, 1.0));
  EXPECT_TRUE(cmp("une", nan, nan));
  EXPECT_TRUE(cmp("ult", nan, 1.0));
  EXPECT_FALSE(cmp("ord", nan, 1.0));
  EXPECT_TRUE(cmp("uno", nan, 1.0));
  EXPECT_TRUE(cmp("true", nan, 1.0));
  EXPECT_FALSE(cmp("false", 1.0, 1.0));
  // An integer operand (a metric of an int type) compares as a float.
  EXPECT_TRUE(evb(op("arith.cmpf", {c(3), c(3.5)}, "olt")));
}

TEST(Expr, FloatsAndConversions) {
  EXPECT_DOUBLE_EQ(evf(op("arith.addf", {c(0.5), c(0.25)})), 0.75);
  EXPECT_DOUBLE_EQ(evf(op("arith.subf", {c(0.5), c(0.25)})), 0.25);
  EXPECT_DOUBLE_EQ(evf(op("arith.mulf", {c(0.5), c(4.0)})), 2.0);
  EXPECT_DOUBLE_EQ(evf(op("arith.divf", {c(1.0), c(4.0)})), 0.25);
  EXPECT_DOUBLE_EQ(evf(op("arith.negf", {c(1.0)})), -1.0);
  EXPECT_DOUBLE_EQ(evf(op("arith.maximumf", {c(1.0), c(4.0)})), 4.0);
  EXPECT_DOUBLE_EQ(evf(op("arith.minimumf", {c(1.0), c(4.0)})), 1.0);
  EXPECT_TRUE(std::isnan(evf(op("arith.maximumf", {c(1.0), c(std::nan(""))}))));
  EXPECT_DOUBLE_EQ(evf(op("arith.sitofp", {c(3)})), 3.0);
  EXPECT_EQ(evi(op("arith.fptosi", {c(2.7)})), 2);
  EXPECT_EQ(evi(op("arith.fptosi", {c(-2.7)})), -2); // toward zero
  EXPECT_EQ(evi(op("arith.extsi", {c(-5)})), -5);
  EXPECT_EQ(evi(op("arith.trunci", {c(5)})), 5);
  EXPECT_DOUBLE_EQ(evf(op("math.ceil", {c(2.1)})), 3.0);
  EXPECT_DOUBLE_EQ(evf(op("math.floor", {c(-2.1)})), -3.0);
  EXPECT_DOUBLE_EQ(evf(op("math.round", {c(2.5)})), 3.0); // half away from zero
  EXPECT_DOUBLE_EQ(evf(op("math.round", {c(-2.5)})), -3.0);
  EXPECT_DOUBLE_EQ(evf(op("math.roundeven", {c(2.5)})), 2.0);
  EXPECT_DOUBLE_EQ(evf(op("math.powf", {c(1.2), c(2.0)})), 1.44);
  EXPECT_DOUBLE_EQ(evf(op("math.sqrt", {c(9.0)})), 3.0);
  EXPECT_THROW(ev(op("arith.fptosi", {c(1e30)})), EvalError);
}

TEST(Expr, SelectAndStrings) {
  EXPECT_EQ(evi(op("arith.select", {c(true), c(1), c(2)})), 1);
  EXPECT_EQ(evi(op("arith.select", {c(false), c(1), c(2)})), 2);
  // Only the branch taken is evaluated.
  EXPECT_EQ(evi(op("arith.select", {c(true), c(1), op("arith.divsi", {c(1), c(0)})})), 1);
  EXPECT_TRUE(evb(op("nas.string_eq", {c("relu"), c("relu")})));
  EXPECT_FALSE(evb(op("nas.string_eq", {c("relu"), c("gelu")})));
}

// {"let": [defs], "in": body}: a subexpression the tree reads several times
// is written once (dialect/lib/Artefact.cpp), read as {"ref": k}, each
// definition evaluated at most once and only when read.
TEST(Expr, LetEvaluatesEachDefinitionOnceWhenRead) {
  std::map<std::string, Json> decisions{{"d", 2}};
  int reads = 0;
  Env env;
  env.decisions = &decisions;
  env.metric = [&](const std::string &, const Json &) -> Json { return Json(++reads); };
  // c1 = d * 3; c2 = c1 + c1; body = c2 * c2 + c1: 6, 12, 150.
  Json c1 = op("arith.muli", {Json{{"decision", "d"}}, c(3)});
  Json c2 = op("arith.addi", {Json{{"ref", 0}}, Json{{"ref", 0}}});
  Json body = op("arith.addi", {op("arith.muli", {Json{{"ref", 1}}, Json{{"ref", 1}}}), Json{{"ref", 0}}});
  EXPECT_EQ(evaluate(Json{{"let", {c1, c2}}, {"in", body}}, env), 150);
  // Read twice, computed once.
  Json m{{"metric", "latency"}};
  EXPECT_EQ(evaluate(Json{{"let", {m}}, {"in", op("arith.addi", {Json{{"ref", 0}}, Json{{"ref", 0}}})}}, env), 2);
  EXPECT_EQ(reads, 1);
  // A definition no branch reads is not evaluated: it may divide by zero.
  Json lazy{{"let", {op("arith.divsi", {c(1), c(0)})}}, {"in", op("arith.select", {c(false), Json{{"ref", 0}}, c(7)})}};
  EXPECT_EQ(ev(lazy), 7);
  lazy["in"]["args"][0] = c(true);
  EXPECT_THROW(ev(lazy), EvalError);
  // A choice's alternatives and nested lets read the innermost let.
  Json nested{{"let", {c(10)}}, {"in", Json{{"let", {c(20)}}, {"in", Json{{"ref", 0}}}}}};
  EXPECT_EQ(ev(nested), 20);
  // Broken references are errors, not crashes or hangs.
  EXPECT_THROW(ev(Json{{"ref", 0}}), EvalError);
  EXPECT_THROW(ev(Json{{"let", {c(1)}}, {"in", Json{{"ref", 1}}}}), EvalError);
  EXPECT_THROW(ev(Json{{"let", {Json{{"ref", 0}}}}, {"in", Json{{"ref", 0}}}}), EvalError); // reads itself
  EXPECT_THROW(ev(Json{{"let", c(1)}, {"in", c(1)}}), EvalError);
  EXPECT_THROW(ev(Json{{"let", Json::array()}}), EvalError);
  // Compiled, the same values, each definition read once and only when read.
  auto code = CompiledExpr::compile(Json{{"let", {c1, c2}}, {"in", body}});
  ASSERT_TRUE(code);
  EXPECT_EQ(code->evaluate(decisions), 150);
  lazy["in"]["args"][0] = c(false);
  ASSERT_TRUE(CompiledExpr::compile(lazy));
  EXPECT_EQ(CompiledExpr::compile(lazy)->evaluate({}), 7);
  lazy["in"]["args"][0] = c(true);
  EXPECT_THROW(CompiledExpr::compile(lazy)->evaluate({}), EvalError);
  EXPECT_THROW(CompiledExpr::compile(Json{{"decision", "nope"}})->evaluate(decisions), EvalError);
  // What reads more than decisions, or is malformed, is left to evaluate().
  EXPECT_FALSE(CompiledExpr::compile(Json{{"let", {m}}, {"in", Json{{"ref", 0}}}}));
  EXPECT_FALSE(CompiledExpr::compile(Json{{"arg", 0}}));
  EXPECT_FALSE(CompiledExpr::compile(Json{{"ref", 0}}));
  EXPECT_FALSE(CompiledExpr::compile(Json{{"let", {Json{{"ref", 0}}}}, {"in", Json{{"ref", 0}}}}));
  EXPECT_FALSE(CompiledExpr::compile(op("arith.frobnicate", {c(1)})));
}

TEST(Expr, ReadsTheEnvironment) {
  std::map<std::string, Json> decisions{{"depth", 3}, {"w", 1}, {"lr", 0.05}};
  std::vector<Json> args{16, Json(), 32};
  Env env;
  env.decisions = &decisions;
  env.args = &args;
  env.metric = [](const std::string &m, const Json &a) -> Json {
    return m == "latency" && a.at("device") == "pixel3" ? Json(12.5) : Json(90.0);
  };
  EXPECT_EQ(evaluate(Json{{"decision", "depth"}}, env), 3);
  EXPECT_EQ(evaluate(Json{{"choose", "w"}, {"of", {c(8), c(16), c(24)}}}, env), 16);
  EXPECT_EQ(evaluate(Json{{"arg", 2}}, env), 32);
  EXPECT_DOUBLE_EQ(asDouble(evaluate(Json{{"decision", "lr"}}, env)), 0.05);
  EXPECT_DOUBLE_EQ(asDouble(evaluate(Json{{"metric", "latency"}, {"args", {{"device", c("pixel3")}}}}, env)), 12.5);
  EXPECT_THROW(evaluate(Json{{"decision", "nope"}}, env), EvalError);
  EXPECT_THROW(evaluate(Json{{"arg", 5}}, env), EvalError);
  EXPECT_THROW(evaluate(Json{{"arg", 1}}, env), EvalError); // not resolved yet
  EXPECT_THROW(evaluate(Json{{"metric", "accuracy"}}, Env{}), EvalError);
  std::map<std::string, Json> out{{"w", 3}};
  env.decisions = &out;
  EXPECT_THROW(evaluate(Json{{"choose", "w"}, {"of", {c(8), c(16), c(24)}}}, env), EvalError);
}

TEST(Expr, RefusesLayersAndUnknownOps) {
  try {
    ev(Json{{"op", "conv"}, {"args", {{"out", c(16)}}}});
    FAIL() << "a layer evaluated";
  } catch (const EvalError &e) {
    EXPECT_NE(std::string(e.what()).find("layer, not a scalar"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ev(Json{{"if", c(true)}, {"then", c(1)}, {"else", c(2)}}), EvalError);
  EXPECT_THROW(ev(Json{{"repeat", c(2)}, {"layer", Json::object()}}), EvalError);
  try {
    ev(op("arith.frobnicate", {c(1)}));
    FAIL();
  } catch (const EvalError &e) {
    EXPECT_NE(std::string(e.what()).find("unknown op 'arith.frobnicate'"), std::string::npos);
  }
  EXPECT_THROW(ev(op("arith.addi", {c(1)})), EvalError); // arity
  EXPECT_THROW(ev(op("arith.addi", {c("a"), c(1)})), EvalError);
}

TEST(Expr, Conversions) {
  EXPECT_EQ(asInt(Json(3)), 3);
  EXPECT_EQ(asInt(Json(3.0)), 3); // a metric declared int comes as a double
  EXPECT_THROW(asInt(Json(3.5)), EvalError);
  EXPECT_THROW(asInt(Json("3")), EvalError);
  EXPECT_DOUBLE_EQ(asDouble(Json(3)), 3.0);
  EXPECT_TRUE(asBool(Json(true)));
  EXPECT_THROW(asBool(Json(2)), EvalError);
  EXPECT_EQ(asString(Json("x")), "x");
  EXPECT_THROW(asString(Json(1)), EvalError);
  // Extern settings evaluate to their configuration.
  Json e = ev(Json{{"extern", "evolution"}, {"kind", "strategy"}, {"impl", "evolution"},
                   {"args", {{"population", c(10)}}}});
  EXPECT_EQ(e["args"]["population"], 10);
  EXPECT_EQ(e["impl"], "evolution");
}

//===----------------------------------------------------------------------===//
// Every tree the compiler writes, for every stdlib space and example.
//===----------------------------------------------------------------------===//

struct TreeWalker {
  const Json &ops;
  Env env;
  int evaluated = 0;
  std::vector<std::string> failures;

  int compiled = 0;

  void scalar(const Json &tree, const std::string &where, const Env &e) {
    // A tree over decisions only also compiles, to the same value.
    std::shared_ptr<const CompiledExpr> code = e.decisions ? CompiledExpr::compile(tree) : nullptr;
    try {
      Json v = evaluate(tree, e);
      ASSERT_TRUE(v.is_number() || v.is_boolean() || v.is_string() || v.is_object()) << where;
      ++evaluated;
      if (code) {
        Json c = code->evaluate(*e.decisions);
        if (c != v || c.type() != v.type())
          failures.push_back(where + ": compiled " + c.dump() + ", evaluated " + v.dump());
        ++compiled;
      }
    } catch (const EvalError &err) {
      failures.push_back(where + ": " + err.what() + " in " + tree.dump().substr(0, 300));
    }
  }

  /// A layer tree: ops with their parameters resolved (given argument, else
  /// default in order), choices, conditions, repetitions.
  void layer(const Json &l, const std::string &where, const std::vector<int64_t> &inShape) {
    if (l.contains("choose")) {
      for (size_t i = 0; i < l["of"].size(); ++i)
        layer(l["of"][i], where + ".of[" + std::to_string(i) + "]", inShape);
      return;
    }
    if (l.contains("if")) {
      scalar(l["if"], where + ".if", env);
      layer(l["then"], where + ".then", inShape);
      layer(l["else"], where + ".else", inShape);
      return;
    }
    if (l.contains("repeat")) {
      scalar(l["repeat"], where + ".repeat", env);
      layer(l["layer"], where + ".layer", inShape);
      return;
    }
    const std::string &name = l.at("op").get_ref<const std::string &>();
    const Json &def = ops.at(name);
    size_t n = def.at("params").size();
    std::vector<Json> args(n + 3);
    for (int k = 0; k < 3; ++k)
      args[n + k] = inShape[k];
    Env argEnv = env;
    argEnv.args = &args;
    for (size_t i = 0; i < n; ++i) {
      const std::string &p = def["params"][i].get_ref<const std::string &>();
      std::string w = where + "(" + name + "." + p + ")";
      try {
        if (l.at("args").contains(p))
          args[i] = evaluate(l["args"][p], env);
        else if (!def["defaults"][i].is_null())
          args[i] = evaluate(def["defaults"][i], argEnv);
        else
          failures.push_back(w + ": required parameter not given");
        ++evaluated;
      } catch (const EvalError &err) {
        failures.push_back(w + ": " + err.what());
      }
    }
    if (def.contains("cost"))
      for (auto &[k, tree] : def["cost"].items())
        scalar(tree, where + "(" + name + ".cost." + k + ")", argEnv);
  }
};

TEST(Expr, EveryTreeOfEveryStdlibSpaceAndExample) {
  std::vector<std::string> files;
  for (const char *f : {"stdlib/spaces/darts.nas", "stdlib/spaces/efficientnet.nas", "stdlib/spaces/mnasnet.nas",
                        "stdlib/spaces/nasnet.nas", "stdlib/spaces/nb201.nas", "stdlib/spaces/transformer.nas",
                        "stdlib/spaces/zoph_le.nas", "examples/efficientnet_phi.nas", "examples/fashion_mnist.nas",
                        "examples/mnasnet_latency.nas", "examples/nb201_evolution.nas", "examples/pareto.nas"})
    files.push_back(nasc_test::sourceDir() + "/" + f);
  Rng rng(7);
  int total = 0, compiled = 0;
  for (const std::string &file : files) {
    SCOPED_TRACE(file);
    const Artefact &art = nasc_test::compiled(file);
    for (const Json &sp : art.spaces()) {
      const Json *search = nullptr;
      for (const Json &s : art.searches())
        if (s.at("settings").contains("space") && s["settings"]["space"].value("space", "") == sp.at("name"))
          search = &s;
      Space space(sp, search);
      for (int sample = 0; sample < 3; ++sample) {
        Architecture a = space.sample(rng);
        std::map<std::string, Json> values = space.values(a);
        TreeWalker w{art.ops(), Env{}};
        w.env.decisions = &values;
        w.env.metric = [](const std::string &m, const Json &) -> Json {
          return m == "params" ? Json(50000.0) : m == "flops" ? Json(1e8) : Json(10.0);
        };
        std::string sn = sp.at("name").get<std::string>();
        for (const Json &d : sp.at("decisions"))
          if (d.contains("values"))
            for (const Json &v : d["values"])
              w.scalar(v, sn + " decision " + d["name"].get<std::string>(), w.env);
        for (const Json &in : sp.at("inputs"))
          for (const Json &dim : in.at("shape"))
            w.scalar(dim, sn + " input shape", w.env);
        std::map<int64_t, std::vector<int64_t>> shapes;
        for (const Json &n : sp.at("nodes")) {
          std::string where = sn + " node " + std::to_string(n.at("id").get<int64_t>());
          if (n.contains("shape"))
            shapes[n["id"]] = n["shape"].get<std::vector<int64_t>>();
          for (const char *key : {"index", "if"})
            if (n.contains(key))
              w.scalar(n[key], where + "." + key, w.env);
          if (n.at("kind") == "apply") {
            std::vector<int64_t> in{16, 8, 8};
            if (!n["inputs"].empty() && shapes.count(n["inputs"][0]))
              in = shapes[n["inputs"][0]];
            w.layer(n["layer"], where, in);
          }
        }
        for (const Json &c : sp.at("constraints"))
          w.scalar(c.at("condition"), sn + " constraint", w.env);
        if (search) {
          for (auto &[k, v] : search->at("settings").items())
            w.scalar(v, "setting " + k, w.env);
          for (const Json &o : search->at("objectives"))
            w.scalar(o.at("value"), "objective", w.env);
          for (const Json &c : search->at("constraints"))
            w.scalar(c.at("condition"), "search constraint", w.env);
        }
        for (const std::string &f : w.failures)
          ADD_FAILURE() << f;
        total += w.evaluated;
        compiled += w.compiled;
      }
    }
  }
  EXPECT_GT(total, 100000) << total;
  EXPECT_GT(compiled, 1000) << compiled; // switch indices, shapes, requirements
}

} // namespace

// The reader refuses ops the evaluator does not know (scalarOpArity): each
// op it knows must evaluate with that many operands, and an op outside it
// must be unknown to the evaluator too.
TEST(Expr, EveryKnownOpEvaluates) {
  std::vector<std::string> names = scalarOpNames();
  ASSERT_GT(names.size(), 60u);
  for (const std::string &name : names) {
    int n = scalarOpArity(name);
    ASSERT_GT(n, 0) << name;
    Json args = Json::array();
    for (int i = 0; i < n; ++i)
      args.push_back(name == "nas.string_eq" ? Json("a") : name == "arith.select" && i == 0 ? Json(true) : Json(2));
    Json tree{{"op", name}, {"args", args}};
    if (name == "arith.cmpi" || name == "arith.cmpf")
      tree["predicate"] = name == "arith.cmpi" ? "slt" : "olt";
    EXPECT_NO_THROW(evaluate(tree, Env{})) << name;
  }
  EXPECT_EQ(scalarOpArity("arith.frob"), -1);
  EXPECT_THROW(evaluate(Json{{"op", "arith.frob"}, {"args", Json::array({1, 2})}}, Env{}), EvalError);
  EXPECT_TRUE(knownPredicate("arith.cmpi", "uge"));
  EXPECT_FALSE(knownPredicate("arith.cmpi", "olt"));
  EXPECT_TRUE(knownPredicate("arith.cmpf", "une"));
}
