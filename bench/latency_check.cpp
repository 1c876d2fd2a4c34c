//===- latency_check.cpp - A latency table's predictions against measurement
//
//   latency_check SPACE.nasa [--samples N] [--batch N]
//
// Measures the latency table of the artefact's (first) search space on the
// CPU (nn/Latency.h), then for N random architectures builds the child
// network, measures its end-to-end inference latency (warm-up, median of
// repeats) and prints it beside the table's prediction (the sum of the
// child's ops) and the error. bench/latency_table.sh runs it on two spaces.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/Latency.h"
#include "nasc/nn/Train.h"
#include "nasc/runtime/Artefact.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <iostream>

using namespace nasc;

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: latency_check SPACE.nasa [--samples N] [--batch N]\n";
    return 2;
  }
  int64_t samples = 20, batch = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--samples")
      samples = std::stoll(argv[i + 1]);
    else if (a == "--batch")
      batch = std::stoll(argv[i + 1]);
  }
  try {
    nn::useAllCores();
    runtime::Artefact art = runtime::loadArtefact(argv[1]);
    const auto &search = art.searches().at(0);
    runtime::Space space(art.space(search["settings"]["space"]["space"].get<std::string>()), &search);
    nn::LatencyTable table = nn::measureLatencyTable(art.ops(), space, torch::kCPU, batch, &std::cerr);
    runtime::Rng rng(7);
    const runtime::Json &in = space.json().at("inputs").at(0).at("shape");
    runtime::Shape shape{in[0]["const"].get<int64_t>(), in[1]["const"].get<int64_t>(), in[2]["const"].get<int64_t>()};
    double sumAbs = 0, sumSigned = 0;
    for (int64_t k = 0; k < samples; ++k) {
      runtime::Architecture a = space.sample(rng);
      torch::manual_seed(0);
      auto child = nn::Network::child(art.ops(), space, a);
      double measured = nn::measureLatencyMs(*child, shape, batch, torch::kCPU, 3, 15);
      double predicted = table.predict(child->plan());
      double error = 100.0 * (predicted - measured) / measured;
      sumAbs += std::abs(error), sumSigned += error;
      std::printf("%3lld  measured %8.3f ms  predicted %8.3f ms  error %+6.1f%%  %s\n", (long long)k, measured,
                  predicted, error, space.hash(space.id(a)).c_str());
    }
    std::printf("%s: %lld architectures, %zu op configurations: mean |error| %.1f%%, mean error %+.1f%%\n",
                space.name().c_str(), (long long)samples, table.ms.size(), sumAbs / double(samples),
                sumSigned / double(samples));
  } catch (const std::exception &e) {
    std::cerr << "latency_check: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
