//===- StrategyTest.cpp - Random, grid and evolution ----------------------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Enumerate.h"
#include "nasc/search/Proxy.h"
#include "nasc/search/Strategy.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

using namespace nasc::runtime;
using namespace nasc::search;


namespace {

Space load(const std::string &file, const std::string &name) {
  const Artefact &art = nasc_test::compiled(file);
  const Json *search = nullptr;
  for (const Json &s : art.searches())
    if (s.at("settings").contains("space") && s["settings"]["space"].value("space", "") == name)
      search = &s;
  return Space(art.space(name), search);
}

Space nb201() { return load(nasc_test::sourceDir() + "/examples/nb201_evolution.nas", "NB201Evolution.space"); }

const char *kTiny = R"(
import "std/ops";
network Tiny() {
  input image: tensor(3, 8, 8);
  choice a: [8, 16, 24];
  choice b: [8, 16, 24];
  choice k: [1, 3];
  require a <= b;
  output image |> conv(a, kernel=k) |> conv(b) |> global_avg_pool |> linear(10);
}
)";

/// A deterministic stand-in for an estimator.
double score(const Space &space, const Architecture &a) {
  std::string h = Space::hash(space.id(a));
  return double(std::stoull(h.substr(0, 8), nullptr, 16) % 10000) / 100.0;
}

/// `n` asks and tells; with `cut`, the strategy is saved after `cut` steps,
/// dropped, and a new one restored from the (serialized) state goes on.
std::vector<std::string> runSteps(const Space &space, const std::string &impl, const Json &args, int n, int cut = -1) {
  std::unique_ptr<Strategy> s = makeStrategy(impl, space, args, 42);
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    if (i == cut) {
      std::string saved = s->save().dump();
      s = makeStrategy(impl, space, args, 999); // another seed: the state must carry everything
      s->restore(Json::parse(saved));
      std::vector<Architecture> history; // what the driver gives back from the store
      std::vector<double> scores;
      for (const std::string &id : ids) {
        history.push_back(space.parseId(id));
        scores.push_back(score(space, history.back()));
      }
      s->restoreHistory(history, scores);
    }
    std::optional<Architecture> a = s->ask();
    if (!a)
      break;
    ids.push_back(space.fullId(*a));
    s->tell(*a, score(space, *a));
  }
  return ids;
}

TEST(Strategy, RegistryKnowsTheBuiltins) {
  std::vector<std::string> names = strategyNames();
  for (const char *n : {"random", "grid", "evolution", "reinforce", "ppo", "local_search", "nsga2", "bananas",
                        "bayesian", "hyperband", "successive_halving", "bohb", "zero_cost_ranking"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  Space space = nb201();
  try {
    makeStrategy("nope", space, Json::object(), 0);
    FAIL();
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("no search strategy 'nope'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("evolution"), std::string::npos);
  }
}

TEST(Strategy, RandomHasNoDuplicatesAndExhausts) {
  Space space = nb201();
  std::unique_ptr<Strategy> s = makeStrategy("random", space, Json::object(), 1);
  std::set<std::string> seen;
  for (int i = 0; i < 15625; ++i) {
    std::optional<Architecture> a = s->ask();
    ASSERT_TRUE(a) << "exhausted after " << i;
    ASSERT_TRUE(seen.insert(space.id(*a)).second) << "duplicate at " << i;
    s->tell(*a, 0);
  }
  EXPECT_FALSE(s->ask()); // all 15,625 asked
}

TEST(Strategy, RandomResumedWhileListingWhatIsLeftAsksTheSame) {
  // Near the end random search lists the architectures left (grid order)
  // and draws the i-th one left; cut there, the restored strategy lists
  // them again and must draw the same ones.
  Space space = nb201();
  std::vector<std::string> whole = runSteps(space, "random", Json::object(), 15625);
  ASSERT_EQ(whole.size(), 15625u);
  EXPECT_EQ(runSteps(space, "random", Json::object(), 15625, 15000), whole);
  EXPECT_EQ(runSteps(space, "random", Json::object(), 15625, 15620), whole);
}

TEST(Strategy, RandomRestoresAStateThatListsTheAskedOnes) {
  // States written before the asked set came from the store listed the
  // hashes of the asked IDs: restored without a history, nothing repeats.
  Space space = nb201();
  std::unique_ptr<Strategy> s = makeStrategy("random", space, Json::object(), 5);
  std::vector<std::string> asked;
  for (int i = 0; i < 15000; ++i)
    asked.push_back(Space::hash(space.fullId(*s->ask())));
  Json state = s->save();
  EXPECT_FALSE(state.contains("asked")); // no longer saved
  state["asked"] = asked;
  std::unique_ptr<Strategy> r = makeStrategy("random", space, Json::object(), 6);
  r->restore(state);
  std::set<std::string> seen(asked.begin(), asked.end());
  int more = 0;
  while (std::optional<Architecture> a = r->ask()) {
    EXPECT_TRUE(seen.insert(Space::hash(space.fullId(*a))).second) << "asked again";
    ++more;
  }
  EXPECT_EQ(more, 625);
}

TEST(Strategy, RandomOnlyFeasibleAndExhaustsTheFeasibleOnes) {
  Space space = load(nasc_test::writeFile("stiny.nas", kTiny), "Tiny.space");
  std::unique_ptr<Strategy> s = makeStrategy("random", space, Json::object(), 3);
  std::set<std::string> seen;
  while (std::optional<Architecture> a = s->ask()) {
    ASSERT_FALSE(space.violated(*a));
    ASSERT_TRUE(seen.insert(space.id(*a)).second);
    s->tell(*a, 1);
  }
  EXPECT_EQ(seen.size(), 12u);
}

// nsga2 with its screen on a space of 12: once they are all evaluated the
// screen has nothing fresh to choose from and NSGA-II asks repeats, as it
// does without it, rather than running out of children.
TEST(Strategy, Nsga2ScreenOnAnExhaustedSpaceAsksRepeats) {
  Space space = load(nasc_test::writeFile("ntiny.nas", kTiny), "Tiny.space");
  std::unique_ptr<Strategy> s =
      makeStrategy("nsga2", space, Json{{"population", 4}, {"surrogate", "gp"}, {"candidates", 3}}, 5);
  std::set<std::string> seen;
  for (int i = 0; i < 60; ++i) {
    std::optional<Architecture> a = s->ask();
    ASSERT_TRUE(a.has_value());
    ASSERT_FALSE(space.violated(*a));
    seen.insert(space.id(*a));
    double v = score(space, *a);
    s->tellObjectives(*a, v, {v, -double(space.id(*a).size())});
  }
  EXPECT_EQ(seen.size(), 12u);
}

TEST(Strategy, GridCoversNb201ExactlyOnce) {
  Space space = nb201();
  std::unique_ptr<Strategy> s = makeStrategy("grid", space, Json::object(), 0);
  std::set<std::string> seen;
  while (std::optional<Architecture> a = s->ask()) {
    ASSERT_TRUE(seen.insert(space.id(*a)).second);
    s->tell(*a, 0);
  }
  EXPECT_EQ(seen.size(), 15625u);
}

TEST(Strategy, GridSkipsInfeasibleAndSpacesFloats) {
  Space tiny = load(nasc_test::writeFile("gtiny.nas", kTiny), "Tiny.space");
  std::unique_ptr<Strategy> s = makeStrategy("grid", tiny, Json::object(), 0);
  int n = 0;
  while (std::optional<Architecture> a = s->ask()) {
    ASSERT_FALSE(tiny.violated(*a));
    ++n;
  }
  EXPECT_EQ(n, 12);
  // fashion_mnist: 144 architectures times 3 log-spaced learning rates.
  Space fm = load(nasc_test::sourceDir() + "/examples/fashion_mnist.nas", "FashionMNIST.space");
  std::unique_ptr<Strategy> g = makeStrategy("grid", fm, Json{{"points", 3}}, 0);
  std::set<std::string> ids;
  std::set<double> lrs;
  while (std::optional<Architecture> a = g->ask()) {
    ids.insert(fm.fullId(*a));
    lrs.insert(a->real[0]);
  }
  EXPECT_EQ(ids.size(), 144u * 3);
  ASSERT_EQ(lrs.size(), 3u);
  EXPECT_NEAR(*lrs.begin(), 0.02, 1e-12);
  EXPECT_NEAR(*std::next(lrs.begin()), std::sqrt(0.02 * 0.2), 1e-12); // geometric midpoint
  EXPECT_NEAR(*lrs.rbegin(), 0.2, 1e-12);
}

TEST(Strategy, EvolutionFirstRandomThenOneDecisionMutations) {
  Space space = nb201();
  Json args{{"population", 10}, {"sample", 3}};
  std::unique_ptr<Strategy> s = makeStrategy("evolution", space, args, 5);
  std::vector<Architecture> told;
  std::set<std::string> initial;
  for (int i = 0; i < 200; ++i) {
    std::optional<Architecture> a = s->ask();
    ASSERT_TRUE(a);
    if (i < 10) {
      EXPECT_TRUE(initial.insert(space.id(*a)).second); // distinct initial population
    } else {
      // A child differs from some member of the current population (the
      // last 10 told, aging) in exactly one decision.
      bool found = false;
      for (size_t m = told.size() - 10; m < told.size() && !found; ++m) {
        int changed = 0;
        for (size_t k = 0; k < a->choice.size(); ++k)
          changed += a->choice[k] != told[m].choice[k];
        found = changed == 1;
      }
      EXPECT_TRUE(found) << "ask " << i << ": " << space.id(*a);
    }
    s->tell(*a, score(space, *a));
    told.push_back(*a);
  }
  Json state = s->save();
  EXPECT_EQ(state["population"].size(), 10u);
}

TEST(Strategy, EvolutionWithoutAgingKeepsTheBest) {
  Space space = nb201();
  std::unique_ptr<Strategy> s = makeStrategy("evolution", space, Json{{"population", 5}, {"sample", 2}, {"aging", false}}, 8);
  std::vector<double> scores;
  for (int i = 0; i < 100; ++i) {
    std::optional<Architecture> a = s->ask();
    double sc = score(space, *a);
    scores.push_back(sc);
    s->tell(*a, sc);
  }
  std::sort(scores.rbegin(), scores.rend());
  std::vector<double> kept;
  Json state = s->save();
  for (const Json &m : state["population"])
    kept.push_back(scoreFromJson(m["score"]));
  std::sort(kept.rbegin(), kept.rend());
  EXPECT_EQ(kept, std::vector<double>(scores.begin(), scores.begin() + 5));
}

TEST(Strategy, SaveRestoreContinuesTheSameSequence) {
  Space space = nb201();
  for (auto [impl, args] : {std::pair<std::string, Json>{"random", Json::object()},
                            {"grid", Json::object()},
                            {"evolution", Json{{"population", 10}, {"sample", 3}}},
                            {"evolution", Json{{"population", 8}, {"sample", 4}, {"mutation_rate", 0.3}, {"aging", false}}},
                            {"reinforce", Json{{"lr", 0.05}, {"entropy", 0.001}}},
                            {"ppo", Json{{"batch", 8}, {"entropy", 0.001}}},
                            {"local_search", Json{{"initial", 5}}},
                            {"nsga2", Json{{"population", 12}, {"mutation_rate", 0.2}}}}) {
    SCOPED_TRACE(impl + " " + args.dump());
    std::vector<std::string> whole = runSteps(space, impl, args, 120);
    for (int cut : {0, 5, 10, 37, 119}) {
      std::vector<std::string> resumed = runSteps(space, impl, args, 120, cut);
      EXPECT_EQ(whole, resumed) << "cut at " << cut;
    }
  }
  // Random search past the point where it lists what is left.
  Space tiny = load(nasc_test::writeFile("rtiny.nas", kTiny), "Tiny.space");
  std::vector<std::string> whole = runSteps(tiny, "random", Json::object(), 20);
  EXPECT_EQ(whole.size(), 12u);
  for (int cut : {3, 9, 11})
    EXPECT_EQ(runSteps(tiny, "random", Json::object(), 20, cut), whole);
  // Continuous decisions (the learning rate) too.
  Space fm = load(nasc_test::sourceDir() + "/examples/fashion_mnist.nas", "FashionMNIST.space");
  std::vector<std::string> fmWhole = runSteps(fm, "evolution", Json{{"population", 8}, {"sample", 3}}, 40);
  EXPECT_EQ(runSteps(fm, "evolution", Json{{"population", 8}, {"sample", 3}}, 40, 20), fmWhole);
}

TEST(Strategy, RngStateRoundTrips) {
  Rng a(77);
  for (int i = 0; i < 10; ++i)
    a();
  Rng b;
  restoreRng(b, saveRng(a));
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(a(), b());
  EXPECT_EQ(scoreFromJson(scoreToJson(-std::numeric_limits<double>::infinity())),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(scoreFromJson(scoreToJson(91.25)), 91.25);
}

} // namespace

namespace {

/// Reward 1 when the first decision takes its third alternative, else 0:
/// after 400 evaluations a policy-gradient strategy draws it in more than
/// 160 of the next 200 (uniform would give it 1 in 5).
void learnsTheRewardedAlternative(const Space &space, const std::string &impl, const Json &args) {
  auto s = makeStrategy(impl, space, args, 7);
  int hits = 0;
  for (int i = 0; i < 600; ++i) {
    std::optional<Architecture> a = s->ask();
    ASSERT_TRUE(a);
    hits += i >= 400 && a->choice[0] == 2;
    s->tell(*a, a->choice[0] == 2 ? 1.0 : 0.0);
  }
  EXPECT_GT(hits, 160) << impl << ": the policy did not learn (uniform: ~40 of 200)";
}

} // namespace

TEST(Strategy, ReinforceLearnsTheRewardedAlternative) {
  Space space = nb201();
  learnsTheRewardedAlternative(space, "reinforce", Json{{"lr", 0.5}});
  EXPECT_THROW(makeStrategy("reinforce", space, Json{{"lr", -1.0}}, 0), std::invalid_argument);
}

TEST(Strategy, LocalSearchWalksOneDecisionNeighbours) {
  // After the initial random architectures, every ask differs from the best
  // so far in exactly one decision, until it moves or restarts; with a score
  // that rewards matching a target architecture, it reaches the target.
  Space space = nb201();
  std::vector<int64_t> target{4, 3, 2, 1, 0, 3};
  auto score = [&](const Architecture &a) {
    double s = 0;
    for (size_t k = 0; k < target.size(); ++k)
      s += a.choice[k] == target[k];
    return s;
  };
  auto s = makeStrategy("local_search", space, Json{{"initial", 3}}, 11);
  Architecture best;
  double bestScore = -1;
  for (int i = 0; i < 3; ++i) {
    Architecture a = *s->ask();
    if (score(a) > bestScore)
      best = a, bestScore = score(a);
    s->tell(a, score(a));
  }
  for (int i = 0; i < 24 && bestScore < 6; ++i) { // one neighbourhood is 24 architectures
    Architecture a = *s->ask();
    int differ = 0;
    for (size_t k = 0; k < a.choice.size(); ++k)
      differ += a.choice[k] != best.choice[k];
    EXPECT_EQ(differ, 1) << "ask " << i;
    s->tell(a, score(a));
  }
  for (int i = 0; i < 200 && bestScore < 6; ++i) {
    Architecture a = *s->ask();
    bestScore = std::max(bestScore, score(a));
    s->tell(a, score(a));
  }
  EXPECT_EQ(bestScore, 6);
}

TEST(Strategy, PpoLearnsTheRewardedAlternative) {
  // As for REINFORCE; the policy moves only after each batch.
  Space space = nb201();
  learnsTheRewardedAlternative(space, "ppo", Json{{"batch", 8}});
  for (Json bad : {Json{{"clip", 1.5}}, Json{{"batch", 1}}, Json{{"epochs", 0}}, Json{{"lr", 0.0}}})
    EXPECT_THROW(makeStrategy("ppo", space, bad, 0), std::invalid_argument) << bad.dump();
}

TEST(Strategy, PpoClipsHowFarOneBatchMovesThePolicy) {
  // One batch, many epochs: plain policy gradient would keep pushing the
  // rewarded architecture's probability up; the clipped surrogate stops a
  // sample's gradient once its probability ratio leaves [1 - clip, 1 +
  // clip] (the other samples' pushes carry it somewhat past). A tight clip
  // moves the policy much less than a loose one (with steps small beside
  // the clip range: one step is never clipped).
  Space space = nb201();
  auto ratio = [&](double clip) {
    auto s = makeStrategy("ppo", space, Json{{"batch", 4}, {"epochs", 50}, {"lr", 0.05}, {"clip", clip}}, 3);
    Json before = s->save();
    std::vector<Architecture> batch;
    for (int i = 0; i < 4; ++i) {
      batch.push_back(*s->ask());
      s->tell(batch.back(), i == 0 ? 1.0 : 0.0); // only the first is rewarded
    }
    Json after = s->save();
    auto logProb = [&](const Json &state, const Architecture &a) {
      std::vector<std::vector<double>> z = state.at("logits");
      double lp = 0;
      for (size_t k = 0; k < z.size(); ++k) {
        double top = *std::max_element(z[k].begin(), z[k].end()), sum = 0;
        for (double v : z[k])
          sum += std::exp(v - top);
        lp += z[k][size_t(a.choice[k])] - top - std::log(sum);
      }
      return lp;
    };
    return std::exp(logProb(after, batch[0]) - logProb(before, batch[0]));
  };
  double tight = ratio(0.02), loose = ratio(0.9);
  EXPECT_GT(tight, 1.0) << "the rewarded architecture became more likely";
  EXPECT_LT(tight, 1.15) << "clip 0.02: the ratio ran far past 1.02";
  EXPECT_GT(loose, 1.8) << "clip 0.9: 50 epochs should take the ratio near 1.9";
}

TEST(Strategy, EveryStrategyAsksAheadOfItsTells) {
  // Batches of 4 asked before any is told (four workers): every strategy
  // answers, the same seed gives the same asks, and those that never
  // repeat an architecture do not repeat one within or across batches.
  Space space = nb201();
  for (const std::string &impl : strategyNames()) {
    SCOPED_TRACE(impl);
    Json args = impl == "bananas" ? Json{{"epochs", 10}, {"candidates", 30}}
                : impl == "bayesian" ? Json{{"candidates", 60}}
                : impl == "nsga2"   ? Json{{"population", 8}}
                                    : Json::object();
    struct Scorer : ProxyScorer { // zero_cost_ranking: the test's score
      const Space &space;
      explicit Scorer(const Space &space) : space(space) {}
      std::vector<double> score(const std::vector<Architecture> &c) override {
        std::vector<double> s;
        for (const Architecture &a : c)
          s.push_back(::score(space, a));
        return s;
      }
    } scorer(space);
    auto run = [&] {
      std::unique_ptr<Strategy> s = makeStrategy(impl, space, args, 3);
      if (!s->proxyNeeded().empty())
        s->setProxyScorer(&scorer);
      std::vector<std::string> ids;
      for (int round = 0; round < 10; ++round) {
        std::vector<Architecture> batch = s->askBatch(4);
        EXPECT_EQ(batch.size(), 4u);
        for (const Architecture &a : batch)
          ids.push_back(space.fullId(a));
        for (const Architecture &a : batch)
          s->tell(a, score(space, a));
      }
      return ids;
    };
    std::vector<std::string> ids = run();
    EXPECT_EQ(run(), ids);
    if (impl == "random" || impl == "grid" || impl == "nsga2" || impl == "bananas" || impl == "bayesian" ||
        impl == "zero_cost_ranking")
      EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  }
}

TEST(Strategy, NewStrategiesRefuseBadArgumentsByName) {
  // Each refusal names the strategy and the argument, before any search runs.
  Space space = nb201();
  for (auto [impl, args, says] : std::vector<std::tuple<std::string, Json, std::string>>{
           {"nsga2", Json{{"population", 1}}, "nsga2: population must be at least 2"},
           {"nsga2", Json{{"crossover", 1.5}}, "nsga2: crossover must be in [0, 1]"},
           {"nsga2", Json{{"mutation_rate", -0.1}}, "nsga2: mutation_rate must be in [0, 1]"},
           {"nsga2", Json{{"surrogate", "mlp"}}, "nsga2: surrogate must be \"none\" or \"gp\", not \"mlp\""},
           {"nsga2", Json{{"candidates", 0}}, "nsga2: candidates must be at least 1"},
           {"bananas", Json{{"acquisition", "ei"}}, "bananas: acquisition must be \"its\""},
           {"bananas", Json{{"ensemble", 0}}, "bananas: ensemble must be at least 1"},
           {"bananas", Json{{"batch", 0}}, "bananas: batch must be at least 1"},
           {"bayesian", Json{{"acquisition", "its"}}, "bayesian: acquisition must be \"ei\", \"ucb\" or \"mean\""},
           {"bayesian", Json{{"initial", 0}}, "bayesian: initial must be at least 1"},
           {"hyperband", Json{{"eta", 1}}, "hyperband: eta must be at least 2"},
           {"successive_halving", Json{{"min_epochs", 9}, {"max_epochs", 3}},
            "successive_halving: need 1 <= min_epochs <= max_epochs (got 9 and 3)"},
           {"bohb", Json{{"random_fraction", 1.5}}, "bohb: random_fraction must lie in [0, 1]"},
           {"bohb", Json{{"top_percent", 0}}, "bohb: top_percent must lie in (0, 100)"},
           {"bohb", Json{{"samples", 0}}, "bohb: samples must be at least 1"}}) {
    SCOPED_TRACE(impl + " " + args.dump());
    try {
      makeStrategy(impl, space, args, 0);
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument &e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  }
}
