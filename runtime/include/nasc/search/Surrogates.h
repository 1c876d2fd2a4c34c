//===- Surrogates.h - Small models that predict an architecture's score ---===//
//
// What the model-based strategies fit on the evaluations so far, in plain
// C++ (no torch: a table search must not load LibTorch):
//   - MlpEnsemble: BANANAS's predictor, independently initialized
//     feed-forward networks (ReLU, Adam, mean-squared error on standardized
//     scores); the members' spread is the uncertainty.
//   - GaussianProcess: an exponential kernel on the Hamming distance of
//     one-hot architectures, k(a, b) = exp(-d(a, b) / l), its length scale
//     and noise picked by the marginal likelihood over a grid; exact
//     predictions by Cholesky.
// Both are deterministic given their inputs and seed.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_SURROGATES_H
#define NASC_SEARCH_SURROGATES_H

#include <cstdint>
#include <utility>
#include <vector>

namespace nasc::search {

using Features = std::vector<float>;

struct Prediction {
  double mean = 0, std = 0;
};

class MlpEnsemble {
public:
  struct Options {
    int models = 5;
    int hidden = 20;  ///< width of each hidden layer
    int layers = 2;   ///< hidden layers
    int epochs = 100;
    int batch = 32;
    double lr = 0.01;
  };
  explicit MlpEnsemble(Options o) : o_(o) {}
  void fit(const std::vector<Features> &x, const std::vector<double> &y, uint64_t seed);
  /// The members' mean and standard deviation, in the scores' units.
  Prediction predict(const Features &x) const;

private:
  struct Net {
    std::vector<std::vector<float>> w, b; // per layer: out x in weights, out biases
    std::vector<int> sizes;
  };
  Options o_;
  std::vector<Net> nets_;
  double yMean_ = 0, yStd_ = 1;
  static float forward(const Net &n, const Features &x, std::vector<std::vector<float>> *acts);
};

class GaussianProcess {
public:
  void fit(const std::vector<Features> &x, const std::vector<double> &y);
  Prediction predict(const Features &x) const;
  double lengthScale() const { return length_; }
  double noise() const { return noise_; }

private:
  std::vector<Features> x_;
  std::vector<double> alpha_;             // K^-1 (y - mean), standardized
  std::vector<std::vector<double>> chol_; // lower Cholesky factor of K + noise I
  double yMean_ = 0, yStd_ = 1, length_ = 1, noise_ = 1e-2;
  double kernel(const Features &a, const Features &b) const;
};

/// Scores as normal quantiles of their ranks (ties share the mean rank):
/// what the models fit, so a long tail of failed architectures (10 % on
/// NAS-Bench-201) does not dominate a squared error and the models spend
/// themselves on the order among the good ones. Monotone: the best stays
/// the best.
std::vector<double> normalScores(const std::vector<double> &y);

/// Expected improvement over `best` (maximizing).
double expectedImprovement(const Prediction &p, double best);

} // namespace nasc::search

#endif // NASC_SEARCH_SURROGATES_H
