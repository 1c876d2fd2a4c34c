//===- strategy_speed.cpp - A strategy's own ask + tell rate --------------===//
//
// Asks and tells `--n` architectures of the NAS-Bench-201 space to random
// search and regularized evolution with no driver and no estimator (the
// score is the table's validation accuracy, looked up by the choices'
// mixed-radix code), and prints asks+tells per second: the strategies' own
// cost, which bounds a search loop from above.
//
//   strategy_speed ARTEFACT [--base DIR] [--n 1000000]
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
  std::string artefactPath, base = ".";
  size_t n = 1000000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--base" && i + 1 < argc)
      base = argv[++i];
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
    std::printf("%-12s %10s %12s %14s\n", "strategy", "asks", "seconds", "ask+tell / s");
    for (const char *impl : {"random", "evolution"}) {
      Json args = std::string(impl) == "evolution" ? Json{{"population", 50}, {"sample", 25}} : Json::object();
      auto s = search::makeStrategy(impl, space, args, 0);
      size_t asked = 0;
      auto t0 = std::chrono::steady_clock::now();
      for (; asked < n; ++asked) {
        std::optional<runtime::Architecture> a = s->ask();
        if (!a)
          break; // random search without repeats exhausts the space
        s->tell(*a, score[code(*a)]);
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%-12s %10zu %12.3f %14.0f\n", impl, asked, secs, double(asked) / secs);
    }
  } catch (const std::exception &e) {
    std::cerr << "strategy_speed: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
