// nas-count-unique: NAS-Bench-201's 15,625 cells compute 6,466 different
// functions under the benchmark authors' rule (zero terms still count in a
// sum) and 4,930 when zero terms are dropped and sums flatten; both figures
// are the published ones, and test/stdlib checks them through nasc info.
// RUN: nasc compile --emit=mlir-lowered %stdlib/spaces/nb201.nas | nas-opt --nas-count-unique --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s
// CHECK: remark: space 'NasBench201.space': unique architectures: 6466 (benchmark rule), 4930 (algebraic rule)
// CHECK: nas.space @NasBench201.space {{.*}}unique_algebraic = 4930 : i64, unique_benchmark = 6466 : i64

// A limit below the space's size leaves it uncounted.
// RUN: nasc compile --emit=mlir-lowered %stdlib/spaces/nb201.nas | nas-opt --nas-count-unique=limit=1000 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: remark: space 'NasBench201.space': unique architectures not counted (too many, or input choices)

// The owner map the rules work from: NB201's cells are one owner.
// RUN: nasc compile --emit=mlir-lowered %stdlib/spaces/nb201.nas | FileCheck %s --check-prefix=OWNERS
// OWNERS: nas.owners = {nb201_cell = [@NB201Cell, {}]}
// OWNERS-SAME: nas.root_params = {C = 16 : i64, N = 5 : i64, classes = 10 : i64}
