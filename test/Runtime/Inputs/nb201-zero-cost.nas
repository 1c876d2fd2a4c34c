// Zero-cost ranking and warm-up on the NAS-Bench-201 table, proxies on real
// CIFAR-10 images (test/Runtime/search-zero-cost-ranking.test).
import "std/ops";
import "std/search";
import "std/spaces/nb201";

// By parameter count (no network built): each round's 4 are the 20 drawn's
// largest, largest first.
search ByParams {
  space = NasBench201();
  dataset = cifar10(root="../shared/data/cifar10-subset");
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv", column="cifar10_valid_acc",
                    report="cifar10_test_acc");
  strategy = zero_cost_ranking(samples=20, top_k=4, proxy="params");
  evaluations = 8;
  seed = 0;
  maximize accuracy;
}

// The ensemble on untrained networks: synflow, jacob_cov and params.
search ByVote {
  space = NasBench201();
  dataset = cifar10(root="../shared/data/cifar10-subset");
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv", column="cifar10_valid_acc",
                    report="cifar10_test_acc");
  strategy = zero_cost_ranking(samples=6, top_k=3, proxy="vote");
  evaluations = 3;
  seed = 0;
  maximize accuracy;
}

// Regularized evolution whose first population is synflow's best 3 of 6.
search WarmEvolution {
  space = NasBench201();
  dataset = cifar10(root="../shared/data/cifar10-subset");
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv", column="cifar10_valid_acc",
                    report="cifar10_test_acc");
  strategy = evolution(population=3, sample=2, warmup=6, proxy="synflow");
  evaluations = 5;
  seed = 0;
  maximize accuracy;
}

// Errors: an unknown proxy; a network proxy with no dataset to score on.
search BadProxy {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv", column="cifar10_valid_acc");
  strategy = zero_cost_ranking(proxy="synflw+params");
  evaluations = 3;
  maximize accuracy;
}

search NoData {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv", column="cifar10_valid_acc");
  strategy = bananas(warmup=10, proxy="naswot");
  evaluations = 3;
  maximize accuracy;
}
