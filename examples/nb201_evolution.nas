// Regularized evolution on NAS-Bench-201 (CIFAR-10), answered from the
// benchmark table: no training, seconds on a laptop.
//
// The search sees `cifar10_valid_acc` (validation accuracy of the net trained
// on the train half of CIFAR-10) and reports `cifar10_test_acc` (test
// accuracy when trained on all of it), as in the NAS-Bench-201 paper. The
// optimum of the 15,625 cells is 91.61 valid / 94.37 test; published
// regularized evolution reaches 93.92 +- 0.30 test.
//
// The table path is relative to the directory nasc runs in (the project
// root); the data is described in ../shared/data/README.md.
//
//   nasc check examples/nb201_evolution.nas

import "std/ops";
import "std/search";
import "std/spaces/nb201";

search NB201Evolution {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  // Population 10, tournament of 3: the NAS-Bench-201 REA settings.
  strategy = evolution(population=10, sample=3);
  evaluations = 150;
  seed = 0;

  maximize accuracy;
}
