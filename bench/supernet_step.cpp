//===- supernet_step.cpp - One training step: child vs single-path supernet ===//
//
//   supernet_step SPACE.nasa MODE ARCH_ID [--batch N] [--steps N] [--data DIR]
//
// MODE is `child` (the network of ARCH_ID alone), `supernet` (a single-path
// supernet of the whole space running the path ARCH_ID), `random` (the
// single-path supernet on another architecture each step, the sequence
// bench/oneshot_step_ref.py runs too), `darts` (the
// mixed supernet, every alternative weighted by softmax(alpha)) or `gdas`
// (the mixed supernet running one Gumbel-softmax sampled alternative per
// choice, as runtime/lib/nn/Gdas.cpp does). Trains `steps` SGD steps on real
// CIFAR-10 images and prints the median step time (zero_grad + forward +
// loss + backward + step) and the process's peak resident memory, so
// bench/supernet_vs_child.sh and bench/oneshot_step.sh can run modes in
// separate processes (peak RSS is per process) and compare them.
//
//===----------------------------------------------------------------------===//
#include "nasc/data/Loader.h"
#include "nasc/nn/Network.h"
#include "nasc/nn/Train.h"
#include "nasc/runtime/Artefact.h"

#include <torch/torch.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>

using namespace nasc;

int main(int argc, char **argv) {
  if (argc < 4) {
    std::cerr << "usage: supernet_step SPACE.nasa child|supernet ARCH_ID [--batch N] [--steps N] [--data DIR]\n";
    return 2;
  }
  std::string mode = argv[2], id = argv[3], dataDir = "../shared/data/cifar10-subset";
  int64_t batch = 64, steps = 20;
  for (int i = 4; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--batch")
      batch = std::stoll(argv[i + 1]);
    else if (a == "--steps")
      steps = std::stoll(argv[i + 1]);
    else if (a == "--data")
      dataDir = argv[i + 1];
  }
  try {
    nn::useAllCores();
    runtime::Artefact art = runtime::loadArtefact(argv[1]);
    const auto &search = art.searches().at(0);
    runtime::Space space(art.space(search["settings"]["space"]["space"].get<std::string>()), &search);
    runtime::Architecture a = space.parseId(id);
    torch::manual_seed(0);
    std::shared_ptr<nn::Network> net =
        mode == "child"                       ? nn::Network::child(art.ops(), space, a)
        : mode == "darts" || mode == "gdas" ? nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, a)
                                              : nn::Network::supernet(art.ops(), space, nn::Mode::SinglePath, a);
    data::Dataset ds = data::loadCifar10(dataDir, true);
    data::Loader loader(ds, batch, true, 0, {4, true}, data::channelStats(ds));
    torch::optim::SGD opt(net->weightParameters(), torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(3e-4));
    std::vector<double> times, pathMs;
    loader.setEpoch(0);
    data::Batch b;
    for (int64_t s = 0; s < steps + 3; ++s) {
      if (!loader.next(b)) {
        loader.setEpoch(loader.epoch() + 1);
        loader.next(b);
      }
      auto t0 = std::chrono::steady_clock::now();
      if (mode == "random") {
        // The same paths as bench/oneshot_step_ref.py's (a multiplicative
        // hash of step and edge), so both time the same architectures.
        static const char *ops[] = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
        static const char *edges[] = {"e0_1", "e0_2", "e1_2", "e0_3", "e1_3", "e2_3"};
        std::string path;
        for (uint64_t e = 0; e < 6; ++e)
          path += std::string(e ? "," : "") + "nb201_cell/" + edges[e] + "=" +
                  ops[((uint64_t(s) * 6 + e) * 2654435761ull) % 4294967296ull % 5];
        runtime::Architecture next = space.parseId(path);
        auto p0 = std::chrono::steady_clock::now();
        net->setArchitecture(next);
        pathMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - p0).count());
      }
      else if (mode == "supernet")
        net->setArchitecture(a); // what a supernet step does: pick the path
      else if (mode == "gdas")
        for (auto &[name, alpha] : net->alphas()) { // Gdas.cpp's sample, tau 10
          at::Tensor gumbel;
          {
            torch::NoGradGuard guard;
            gumbel = -torch::empty_like(alpha).exponential_().log();
          }
          at::Tensor soft = torch::softmax((torch::log_softmax(alpha, 0) + gumbel) / 10.0, 0);
          int64_t k = soft.argmax().item<int64_t>();
          at::Tensor hard = torch::zeros_like(soft.detach());
          hard[k] = 1.0;
          net->overrideMixWeights(name, hard - soft.detach() + soft, {k});
        }
      opt.zero_grad();
      torch::nn::functional::cross_entropy(net->forward(b.images), b.labels).backward();
      opt.step();
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (s >= 3) // warm-up steps are not counted
        times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    std::cout << mode << "\tparams " << nn::countParameters(*net) << "\tmodules " << net->numModules()
              << "\tstep_ms " << times[times.size() / 2] << "\tpeak_rss_mb " << u.ru_maxrss / 1024.0;
    if (!pathMs.empty()) { // what picking a path (Network::setArchitecture) costs inside the step
      std::sort(pathMs.begin(), pathMs.end());
      std::cout << "\tpath_ms " << pathMs[pathMs.size() / 2];
    }
    std::cout << "\n";
  } catch (const std::exception &e) {
    std::cerr << "supernet_step: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
