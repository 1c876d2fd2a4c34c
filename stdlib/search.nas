// std/search: metrics, search strategies, performance estimators, datasets
// and optimizers of the standard library. Each is bound by its string to an
// implementation in the nasc runtime; the parameters and defaults below are
// the runtime's.

// ---- metrics ------------------------------------------------------------------
// What an evaluated architecture reports. Objectives (`maximize`, `minimize`)
// and requirements (`require`) of a search block are expressions over these.

metric accuracy: float maximize;     // validation accuracy, percent (0..100)
metric loss: float minimize;         // validation loss
metric params: int minimize;         // learnable parameters (from the ops' params formulas)
metric flops: float minimize;        // multiply-accumulates per sample (the ops' flops formulas)
metric latency(device: string): float minimize;  // inference latency in ms on `device`
metric energy(device: string): float minimize;   // inference energy in mJ on `device`

// ---- search strategies -------------------------------------------------------------

// Uniform sampling of the space.
strategy random() = "random";

// Every architecture in turn (finite spaces; float ranges take `points` values).
strategy grid(points: int = 5) = "grid";

// Regularized (aging) evolution, Real et al. 2019: keep `population`
// architectures, pick the best of `sample` random members, mutate one decision
// with probability `mutation_rate` per decision (at least one), drop the oldest.
// warmup=W > 0: the first population is the best of W random architectures by
// the zero-cost `proxy` (Abdelfattah et al. 2021), not W uniform draws.
strategy evolution(population: int = 50, sample: int = 25, mutation_rate: float = 0.0,
                   aging: bool = true, warmup: int = 0, proxy: string = "vote") = "evolution";

// REINFORCE policy gradient on a factorized (per-decision) categorical policy
// (Zoph & Le 2017; the NAS-Bench-201 baseline), with an exponential moving
// average baseline.
strategy reinforce(lr: float = 0.01, baseline_decay: float = 0.95, entropy: float = 0.0) = "reinforce";

// Proximal policy optimization of the same policy (MnasNet's controller
// update): `batch` architectures drawn, then `epochs` gradient steps on the
// clipped surrogate with advantages normalised within the batch. `lr` acts
// on the logits directly (MnasNet's Adam 0.00035 is for an RNN
// controller's weights and would barely move them).
strategy ppo(lr: float = 0.5, clip: float = 0.2, batch: int = 8, epochs: int = 4, entropy: float = 0.0) = "ppo";

// DARTS: a supernet whose choices among layers are softmax-weighted mixtures,
// architecture weights trained by Adam on the validation split (first or
// second order), then the strongest alternative of each choice kept.
strategy darts(arch_lr: float = 3e-4, arch_weight_decay: float = 1e-3, second_order: bool = false,
               epochs: int = 50) = "darts";

// GDAS: like DARTS but samples one alternative per choice with the
// Gumbel-softmax, temperature annealed from tau_max to tau_min.
strategy gdas(arch_lr: float = 3e-4, arch_weight_decay: float = 1e-3, tau_max: float = 10.0,
              tau_min: float = 0.1, epochs: int = 250) = "gdas";

// PC-DARTS (Xu et al. 2020): first-order DARTS whose mixed choices run on
// 1/`partial` of their channels (the rest pass by, then a channel shuffle)
// and whose input choices weight their edges by softmax(beta)
// (`edge_normalization`); architecture steps start after `warmup` epochs.
strategy pc_darts(arch_lr: float = 6e-4, arch_weight_decay: float = 1e-3, partial: int = 4,
                  edge_normalization: bool = true, warmup: int = 15, epochs: int = 50) = "pc_darts";

// ProxylessNAS (Cai et al. 2019): binarized paths, one sampled path per
// weight step and two per architecture step (single-path memory), alphas by
// Adam through the binary gates; the latency the search's objective reads
// enters the loss (accuracy * f(latency) -> CE / f(LAT); accuracy +
// f(latency) -> CE - f(LAT)), LAT expected from a lookup table: the file
// `latency` (nasc latency-table), or measured on this device at the start.
strategy proxyless(arch_lr: float = 1e-3, arch_weight_decay: float = 0.0, latency: string = "", warmup: int = 40,
                   epochs: int = 120) = "proxyless";

// Fair DARTS (Chu et al. 2020): DARTS with an independent sigmoid weight per
// alternative (no softmax competition) and a zero-one loss, times
// `zero_one_weight`, pushing each weight toward 0 or 1.
strategy fair_darts(arch_lr: float = 3e-4, arch_weight_decay: float = 1e-3, zero_one_weight: float = 10.0,
                    epochs: int = 50) = "fair_darts";

// DrNAS (Chen et al. 2021): each choice's weights a Dirichlet sample with
// concentration elu(alpha) + 1 (reparameterised gradient), a penalty on the
// concentrations ("l2" or "kl" against Dirichlet(1)) times `reg_scale`.
strategy drnas(arch_lr: float = 3e-4, arch_weight_decay: float = 1e-3, reg_type: string = "l2",
               reg_scale: float = 1e-3, epochs: int = 50) = "drnas";

// FBNet (Wu et al. 2019): Gumbel-softmax mixtures (tau = tau_max *
// tau_decay^epoch) and a latency-aware loss CE * alpha * log(1 + LAT)^beta,
// LAT the latency the mixture expects from a lookup table: the file
// `latency` written by `nasc latency-table`, or measured on this device when
// the search starts.
strategy fbnet(arch_lr: float = 0.01, arch_weight_decay: float = 5e-4, tau_max: float = 5.0, tau_decay: float = 0.956,
               alpha: float = 0.2, beta: float = 0.6, latency: string = "", epochs: int = 90) = "fbnet";

// Single-path one-shot (Guo et al. 2020): train a supernet by uniform path
// sampling for `epochs`, then evolve subnetworks that inherit its weights.
strategy spos(epochs: int = 120, population: int = 50, generations: int = 20,
              mutation_rate: float = 0.1) = "spos";

// Once-for-All's specialisation (Cai et al. 2020): with an elastic supernet
// (estimator supernet(mode="progressive") or "sandwich"), score `samples`
// random sub-networks with its weights, fit an accuracy predictor (an MLP
// ensemble) to them, and for each latency target in `targets` (comma
// separated: milliseconds, "0.5,1,2", or percentages of the way from the
// smallest network's latency to the largest's, "25%,50%,75%"; empty: one
// network under the search's constraints alone) evolve the architecture the predictor likes best
// among those whose predicted latency meets it (the `latency` table of
// `nasc latency-table`, or one measured on this device and kept with the
// run) and that meet the search's constraints on params, flops and
// latency. Each target's network is evaluated with its inherited weights
// and exported, no retraining: OUT/specialized-<target>ms.nas and .pt.
strategy ofa_specialize(targets: string = "", samples: int = 100, population: int = 100, generations: int = 50,
                        mutation_rate: float = 0.1, latency: string = "") = "ofa_specialize";

// ENAS (Pham et al. 2018): an LSTM controller samples paths of a single-path
// supernet; each epoch trains the shared weights on its samples, then the
// controller by REINFORCE (`controller_steps` samples rewarded with their
// accuracy on a valid batch, a moving-average baseline, an entropy bonus);
// finally the best of `samples` controller samples is kept.
strategy enas(controller_lr: float = 3.5e-4, entropy: float = 1e-4, epochs: int = 150, controller_steps: int = 50,
              baseline_decay: float = 0.95, samples: int = 100, hidden: int = 64) = "enas";

// Rank `samples` random architectures by a zero-cost proxy (no training) and
// evaluate the best `top_k` with the search's estimator; then another round.
// A proxy: naswot, synflow, snip, grad_norm, jacob_cov, params, flops, several
// joined by '+' (their average rank), or "vote" (synflow+jacob_cov+params).
// (Named apart from the `zero_cost` estimator: all names share one namespace.)
strategy zero_cost_ranking(samples: int = 1000, proxy: string = "vote", top_k: int = 10) = "zero_cost_ranking";

// BANANAS (White et al. 2021): Bayesian optimization with an ensemble of
// neural predictors over path encodings, candidates by mutation; `batch`
// architectures per model fit, acquisition "its" (independent Thompson
// sampling) or "mean"; each predictor trains `epochs` epochs. warmup=W > 0:
// the `initial` architectures are the best of W random ones by `proxy`.
strategy bananas(initial: int = 10, candidates: int = 100, ensemble: int = 5,
                 acquisition: string = "its", batch: int = 10, epochs: int = 100,
                 warmup: int = 0, proxy: string = "vote") = "bananas";

// Bayesian optimization with a Gaussian-process surrogate over the decisions
// (Hamming kernel), acquisition "ei", "ucb" or "mean"; a `batch` > 1 is
// chosen with the kriging believer. warmup and proxy as for bananas.
strategy bayesian(initial: int = 10, acquisition: string = "ei", candidates: int = 1000,
                  batch: int = 1, warmup: int = 0, proxy: string = "vote") = "bayesian";

// Hyperband (Li et al. 2018): brackets of successive halving over the
// estimator's epochs (each evaluation's budget replaces them: use
// full_training or low_fidelity), from min_epochs to max_epochs, keeping
// the best 1/eta at each rung. successive_halving: the most aggressive
// bracket only, repeated.
strategy hyperband(min_epochs: int = 1, max_epochs: int = 81, eta: int = 3) = "hyperband";
strategy successive_halving(min_epochs: int = 1, max_epochs: int = 81, eta: int = 3) = "successive_halving";

// BOHB (Falkner et al. 2018): Hyperband over estimator epochs whose brackets
// draw new architectures from a TPE model (good / bad densities of the
// evaluations at the largest budget with enough of them), random_fraction
// of them uniformly. top_percent: the good share; samples: draws per
// proposal; bandwidth_factor widens the good density when drawing;
// min_points: evaluations each density needs (0: decisions + 1).
strategy bohb(min_epochs: int = 1, max_epochs: int = 81, eta: int = 3, random_fraction: float = 0.333,
              top_percent: float = 15.0, samples: int = 64, bandwidth_factor: float = 3.0,
              min_bandwidth: float = 0.001, min_points: int = 0) = "bohb";

// Local search: evaluate all one-decision neighbours of the best so far.
strategy local_search(initial: int = 10) = "local_search";

// NSGA-II multi-objective evolution (Deb et al. 2002): Pareto ranks and
// crowding distance; for searches with several objectives.
// surrogate="gp": NSGANetV2's screening (Lu et al. 2020): `candidates`
// children bred per child asked, the ones a Gaussian process per objective
// expects to add the most hypervolume asked.
strategy nsga2(population: int = 50, crossover: float = 0.9, mutation_rate: float = 0.1,
               surrogate: string = "none", candidates: int = 20) = "nsga2";

// ---- performance estimators --------------------------------------------------------

// Train each architecture from scratch with the search's optimizer.
estimator full_training(epochs: int = 200) = "full_training";

// Cheaper proxy training: fewer epochs, a fraction `subset` of the training
// set, channel counts multiplied by `width_mult`.
estimator low_fidelity(epochs: int = 10, subset: float = 1.0, width_mult: float = 1.0) = "low_fidelity";

// Weight sharing: train one supernet, then score subnetworks with inherited
// weights. mode "uniform": single-path uniform sampling (SPOS); "fair":
// FairNAS strict fairness; both keep weights per layer configuration, for
// `epochs`. The elastic modes keep one weight tensor per layer, sliced per
// path (Once-for-All): "sandwich": the largest, the smallest and a random
// path a step, the smaller ones distilled from the largest in place
// (BigNAS), for `epochs`; "progressive": OFA's progressive shrinking, the
// largest network, then kernel sizes, depths and widths opened in turn,
// `epochs` a stage, distilled from the largest. `distill` weighs the
// distillation loss (0: none).
estimator supernet(mode: string = "uniform", epochs: int = 100, distill: float = 1.0) = "supernet";

// Zero-cost proxies at initialization, no training: "naswot" (Mellor et al.),
// "synflow", "snip", "grasp", "fisher", "jacob_cov", "grad_norm".
estimator zero_cost(proxy: string = "naswot", batch_size: int = 64) = "zero_cost";

// Look results up in a benchmark table (a CSV with an `arch` column in the
// NAS-Bench-201 string form): `column` is the column the search sees as
// `accuracy` (what it may look at, e.g. a validation accuracy), `report` the
// column reported for the architectures it returns (e.g. a test accuracy).
// The file path is relative to the directory nasc runs in. (The parameter
// cannot be called `metric`: that is a keyword.)
estimator table(file: string, column: string, report: string = column) = "table";

// ---- datasets --------------------------------------------------------------------

// CIFAR-10 (binary version) under root; valid_fraction of the training set is
// held out for validation (0.5: the 25k/25k split of DARTS and NAS-Bench-201).
dataset cifar10(root: string = "data/cifar10", valid_fraction: float = 0.5) = "cifar10";

dataset cifar100(root: string = "data/cifar100", valid_fraction: float = 0.5) = "cifar100";

// Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, ...): 1 x 28 x 28, 10 classes.
// Debian's dataset-fashion-mnist package installs them at the default root.
dataset fashion_mnist(root: string = "/usr/share/datasets/fashion-mnist", valid_fraction: float = 0.1) = "fashion_mnist";

// MNIST IDX files: 1 x 28 x 28, 10 classes.
dataset mnist(root: string = "data/mnist", valid_fraction: float = 0.1) = "mnist";

// One folder per class under root/train (and root/val if present), images
// resized to size x size.
dataset image_folder(root: string, size: int = 224, valid_fraction: float = 0.1) = "image_folder";

// ---- optimizers ------------------------------------------------------------------
// `epochs` is the length of the learning-rate schedule; 0 follows the
// estimator's epoch count. grad_clip = 0 disables clipping.

optimizer sgd(lr: float = 0.025, momentum: float = 0.9, nesterov: bool = false, weight_decay: float = 3e-4,
              epochs: int = 0, cosine: bool = true, grad_clip: float = 5.0, label_smoothing: float = 0.0,
              batch_size: int = 96) = "sgd";

optimizer adam(lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, weight_decay: float = 0.0,
               epochs: int = 0, cosine: bool = true, grad_clip: float = 0.0, label_smoothing: float = 0.0,
               batch_size: int = 128) = "adam";

// Adam with decoupled weight decay (transformers).
optimizer adamw(lr: float = 5e-4, beta1: float = 0.9, beta2: float = 0.999, weight_decay: float = 0.05,
                epochs: int = 0, cosine: bool = true, grad_clip: float = 0.0, label_smoothing: float = 0.1,
                batch_size: int = 128) = "adamw";
