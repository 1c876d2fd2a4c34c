// RUN: nasc info %s | FileCheck %s
// RUN: %python %S/../../scripts/check_cost_ranges.py --nasc nasc %s | FileCheck %s --check-prefix=PROP
// A cost range covers the architectures of the space: w = 24 with k = 5
// breaks the requirement (24 * 5 > 100), so its 1,800 params are not the
// maximum; w = 16, k = 5 (1,200) is.
// CHECK: feasible: 5 architectures meet the requirements over decisions
// CHECK: params: 216 .. 1200
// PROP: N.space: 5 architectures (all): ok; params 216 .. 1200
import "std/ops";

network N {
  input image: tensor(3, 8, 8);
  choice w: [8, 16, 24];
  choice k: [3, 5];
  require w * k <= 100, "small enough";
  output image |> conv(w, kernel=k) |> global_avg_pool;
}
