//===- strategy_speed.cpp - A strategy's own ask + tell rate --------------===//
//
// Asks and tells `--n` architectures of the NAS-Bench-201 space to random
// search and regularized evolution with no driver and no estimator (the
// score is the table's validation accuracy, looked up by the choices'
// mixed-radix code), and prints asks+tells per second: the strategies' own
// cost, which bounds a search loop from above. Random search exhausts
// NB201 after 15,625 asks and starts again with the next seed. With
// --large ARTEFACT2 (a
// space that cannot run out: bench/fbnet_space.nas), the same on its space,
// scored by a hash of the choices.
//
//   strategy_speed ARTEFACT [--base DIR] [--n 1000000] [--large ARTEFACT2]
//
//===----------------------------------------------------------------------===//
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/TableEstimator.h"

#include <chrono>
#include <cstdio>
#include <iostream>

using namespace nasc;
using runtime::Json;

int main(int argc, char **argv) {
  std::string artefactPath, base = ".", large;
  size_t n = 1000000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--base" && i + 1 < argc)
      base = argv[++i];
    else if (a == "--large" && i + 1 < argc)
      large = argv[++i];
    else if (a == "--n" && i + 1 < argc)
      n = std::stoul(argv[++i]);
    else
      artefactPath = a;
  }
  try {
    runtime::Artefact art = runtime::loadArtefact(artefactPath);
    const Json &search = art.searches().at(0);
    runtime::Space space(art.space(search["settings"]["space"]["space"].get<std::string>()), &search);
    auto table = search::TableEstimator::fromSetting(space, search["settings"]["estimator"], base);
    // Scores by mixed-radix code of the choices.
    std::vector<double> score(space.discreteSize(), 0.0);
    auto code = [&](const runtime::Architecture &a) {
      size_t c = 0;
      for (size_t k = 0; k < a.choice.size(); ++k)
        c = c * space.decisions()[space.discrete()[k]].domain.size() + size_t(a.choice[k]);
      return c;
    };
    for (const auto &row : table->rows())
      score[code(space.parseId(row.id))] = row.value;
    std::printf("%-24s %10s %12s %14s\n", "strategy", "asks", "seconds", "ask+tell / s");
    auto rate = [&](const runtime::Space &sp, const char *impl, const char *label, auto score) {
      Json args = std::string(impl) == "evolution" ? Json{{"population", 50}, {"sample", 25}} : Json::object();
      size_t asked = 0;
      auto t0 = std::chrono::steady_clock::now();
      // Random search without repeats exhausts a small space (NB201: 15,625
      // asks, the listing of the last ones included): it starts again with
      // another seed until `n` asks are timed.
      for (uint64_t seed = 0; asked < n; ++seed) {
        auto s = search::makeStrategy(impl, sp, args, seed);
        size_t before = asked;
        for (; asked < n; ++asked) {
          std::optional<runtime::Architecture> a = s->ask();
          if (!a)
            break;
          s->tell(*a, score(*a));
        }
        if (asked == before)
          break;
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%-24s %10zu %12.3f %14.0f\n", label, asked, secs, double(asked) / secs);
    };
    auto tableScore = [&](const runtime::Architecture &a) { return score[code(a)]; };
    rate(space, "random", "random (NB201)", tableScore);
    rate(space, "evolution", "evolution (NB201)", tableScore);
    if (!large.empty()) {
      runtime::Artefact big = runtime::loadArtefact(large);
      const Json &bigSearch = big.searches().at(0);
      runtime::Space bigSpace(big.space(bigSearch["settings"]["space"]["space"].get<std::string>()), &bigSearch);
      auto hashScore = [](const runtime::Architecture &a) { return double(runtime::Space::key(a) % 10000) / 100.0; };
      std::string r = "random (" + bigSpace.name() + ")", e = "evolution (" + bigSpace.name() + ")";
      rate(bigSpace, "random", r.c_str(), hashScore);
      rate(bigSpace, "evolution", e.c_str(), hashScore);
    }
  } catch (const std::exception &e) {
    std::cerr << "strategy_speed: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
