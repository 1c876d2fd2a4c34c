// Embedding nasc: compile a space from a string, then search it with an
// evaluation function of the host program (here a made-up score that
// rewards width and depth and penalises multiply-accumulates; a real host
// trains the network the decisions describe). docs/embedding.md.
#include <nasc/nasc.h>

#include <cmath>
#include <iostream>

static const char *kSpace = R"(import "std/ops";
network Small {
  input image: tensor(3, 32, 32);
  choice width: [16, 32, 64];
  choice kernel: [3, 5];
  choice depth: 1..4;
  output image |> repeat(depth, conv_bn_relu(width, kernel=kernel)) |> global_avg_pool |> linear(10);
}
)";

int main() {
  try {
    nasc::Program program = nasc::Program::compileSource(kSpace, "small.nas");
    nasc::Space space = program.space();
    std::cout << "space " << space.name() << ": " << space.size() << " architectures, " << space.decisions().size()
              << " decisions\n";

    nasc::StudyOptions options;
    options.strategy = "evolution";
    options.args = {{"population", 6}, {"sample", 3}};
    options.seed = 1;
    options.budget = 20;
    options.directions = {"maximize"};
    nasc::Study study = space.study(options);
    nasc::optimize(study, [&](const nasc::Trial &t) {
      double width = t.params.at("width").get<double>(), depth = t.params.at("depth").get<double>();
      double macs = space.cost(t.id).macs;
      return std::map<std::string, double>{{"objective0", std::log(width) + depth - macs / 2e7}};
    });
    std::optional<nasc::TrialResult> best = study.best();
    std::cout << "evaluated " << study.trials().size() << " trials; best " << best->id << " score " << best->values[0]
              << " (" << space.cost(best->id).params << " parameters)\n";

    // Rank untrained candidates by the host's own zero-cost proxy (here the
    // parameters per multiply-accumulate; a real host scores its untrained
    // networks, e.g. NASWOT or synflow) and evaluate only the best of each round.
    nasc::StudyOptions ranking;
    ranking.strategy = "zero_cost_ranking";
    ranking.args = {{"samples", 12}, {"top_k", 3}, {"proxy", "naswot"}};
    ranking.directions = {"maximize"};
    ranking.budget = 6;
    size_t scored = 0;
    ranking.proxyScorer = [&](const std::string &, const std::vector<nasc::Architecture> &candidates) {
      std::vector<double> scores;
      for (const nasc::Architecture &a : candidates) {
        nasc::Cost c = space.cost(space.archId(a));
        scores.push_back(c.params / c.macs);
      }
      scored += candidates.size();
      return scores;
    };
    nasc::Study ranked = space.study(ranking);
    nasc::optimize(ranked, [&](const nasc::Trial &t) {
      return std::map<std::string, double>{{"objective0", -space.cost(t.id).macs}};
    });
    std::cout << "zero-cost ranking: scored " << scored << " candidates, evaluated " << ranked.trials().size() << "\n";

    // Mistakes in a source come back as clang-style diagnostics.
    try {
      nasc::Program::compileSource("network Broken { input x: tensor(1, 8, 8); output x |> conv2(4); }", "broken.nas");
    } catch (const nasc::CompileError &e) {
      std::cout << "as expected, broken.nas does not compile:\n" << e.what();
    }
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "embed: " << e.what() << "\n";
    return 1;
  }
}
