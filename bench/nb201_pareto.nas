// Two-objective searches on NAS-Bench-201 for bench/nb201_pareto.sh:
// validation accuracy up, and parameters (the table's) or one device's
// latency (nb201_latency_ms.csv) down. No constraint: the exact front is
// over all 15,625 cells.

import "std/ops";
import "std/search";
import "std/spaces/nb201";

search Pareto_params {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize params;
}

search Pareto_fpga {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("fpga");
}

search Pareto_eyeriss {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("eyeriss");
}

search Pareto_pixel3 {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("pixel3");
}

search Pareto_raspi4 {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("raspi4");
}

search Pareto_gold_6226 {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("gold_6226");
}

search Pareto_titan_rtx_1 {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("titan_rtx_1");
}

search Pareto_titan_rtx_256 {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=20);
  evaluations = 1000;
  seed = 0;
  maximize accuracy;
  minimize latency("titan_rtx_256");
}

