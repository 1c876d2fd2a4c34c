// Two objectives on NAS-Bench-201: accuracy up, parameters down.
//
// With several `maximize`/`minimize` lines a search is multi-objective: it
// returns the Pareto front (no returned network is beaten on both
// objectives by another), here with NSGA-II. Accuracy comes from the
// benchmark table; the parameter count is computed by nasc from the ops'
// `params` formulas, so nothing is trained.
//
// `nasc search` prints the Pareto set as a table and exports it
// (nasc-out/NB201Pareto/pareto/: pareto.csv and one .nas per architecture).
//
//   nasc search examples/pareto.nas

import "std/ops";
import "std/search";
import "std/spaces/nb201";

search NB201Pareto {
  space = NasBench201();
  estimator = table(file="../shared/data/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = nsga2(population=40);
  evaluations = 1000;
  seed = 0;

  maximize accuracy;
  minimize params;

  // Only networks worth keeping: at least 85% validation accuracy.
  require accuracy >= 85.0;
}
