// nas-count-unique: NAS-Bench-201's 15,625 cells compute 6,466 different
// functions under the benchmark authors' rule (zero terms still count in a
// sum) and 4,930 when zero terms are dropped and sums flatten; both figures
// are the published ones, and test/stdlib checks them through nasc info.
// RUN: nasc compile --emit=mlir-lowered %stdlib/spaces/nb201.nas | nas-opt --nas-count-unique --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s
// CHECK: remark: space 'NasBench201.space': unique architectures: 6466 (benchmark rule), 4930 (algebraic rule)
// CHECK: nas.space @NasBench201.space {{.*}}unique_algebraic = "4930", unique_benchmark = "6466"

// A limit below the space's size leaves it uncounted.
// RUN: nasc compile --emit=mlir-lowered %stdlib/spaces/nb201.nas | nas-opt --nas-count-unique=limit=1000 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: remark: space 'NasBench201.space': unique architectures not counted: 'nb201_cell' has more than 1000 combinations of its own decisions

// The owner map the rules work from: NB201's cells are one owner.
// RUN: nasc compile --emit=mlir-lowered %stdlib/spaces/nb201.nas | FileCheck %s --check-prefix=OWNERS
// OWNERS: nas.owners = {nb201_cell = [@NB201Cell, {}]}
// OWNERS-SAME: nas.root_params = {C = 16 : i64, N = 5 : i64, classes = 10 : i64}

// Spaces too large to enumerate are counted by owner: the network and each
// owner enumerated alone, multiplied per network form (the input's comment
// has the hand count: 2,096,128 of 1,466,015,154,176).
// RUN: nasc compile --emit=mlir-lowered %S/Inputs/unique-by-owner.nas | nas-opt --nas-count-unique --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=OWNER
// OWNER: remark: space 'Deep.space': unique architectures: 2096128 (benchmark rule), 2096128 (algebraic rule)
// By owner agrees with enumeration where both apply (a choice among
// searched blocks, 7 architectures; limit 4 forces counting by owner).
// RUN: nasc compile --emit=mlir-lowered %S/../Runtime/Inputs/choice-of-blocks.nas | nas-opt --nas-count-unique=limit=4 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=BLOCKS
// RUN: nasc compile --emit=mlir-lowered %S/../Runtime/Inputs/choice-of-blocks.nas | nas-opt --nas-count-unique --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=BLOCKS
// BLOCKS: remark: space 'Blocks.space': unique architectures: 7 (benchmark rule), 7 (algebraic rule)
// By owner, recursively, when one owner's decisions decide which nested
// owners are used (Deep's depth decides which Cell copies count): Deep
// 2 + 4 + 8, Wide 3 (mode changes no layer), conv 1: 18, as enumeration
// (the default limit) finds.
// RUN: nasc compile --emit=mlir-lowered %S/../Shapes/Inputs/nested-blocks.nas | nas-opt --nas-count-unique=limit=10 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: nasc compile --emit=mlir-lowered %S/../Shapes/Inputs/nested-blocks.nas | nas-opt --nas-count-unique --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=NESTED
// NESTED: remark: space 'Net.space': unique architectures: 18 (benchmark rule), 18 (algebraic rule)

// An instance that decides nothing (MnasLayer) is part of its caller's
// form, with the arguments its caller's decisions give it. Per block:
// conv_op x expand (expand only for mbconv: 4) x kernel 2 x se 2, times the
// distinct widths (b1: 16 or 24 channels, as 0.75 and 1.0 both round to 16;
// b2: 3), times n: b1 n=0 1, n=1 32, n=2 x skip 64 -> 97; b2 n=1 48,
// n=2 96, n=3 96 -> 240; 97 x 240 = 23,280. Enumeration and the by-owner
// count (limit 1000) agree. Size: skip is used only when n >= 2, the
// block's other decisions only when n >= 1 (read by both repetitions,
// `repeat(min(n, 1), first)` and `repeat(max(n - 1, 0), rest)`), expand
// only when the op is not a plain conv (the `if` inside picks 1 for
// sep_conv, a condition on a number that does not condition expand):
// conv 12 + sep_conv 24 + mbconv 24 = 60 a layer setting; b1 n=0 1, n=1 60,
// n=2 120 -> 181; b2 60 + 120 + 120 = 300: 54,300 architectures (103,680
// when a decision two repetitions read counted as always used).
// RUN: nasc info %S/Inputs/mnas-two-blocks.nas | FileCheck %s --check-prefix=MNAS
// MNAS: size: 54300 architectures
// MNAS-NEXT: unique: 23280 (benchmark rule), 23280 (algebraic rule)
// RUN: nasc compile --emit=mlir-lowered %S/Inputs/mnas-two-blocks.nas | nas-opt --nas-count-unique=limit=1000 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=MNAS-OWNER
// MNAS-OWNER: remark: space 'Two.space': unique architectures: 23280 (benchmark rule), 23280 (algebraic rule)
// The whole MnasNet space, by owner, equals the count by hand: blocks with
// 1 base layer and 2 distinct widths 97, 1 layer and 3 widths 145, 2 layers
// 240, 3 or 4 layers 288: 97 x 240 x 288^4 x 145.
// RUN: nasc info %stdlib/spaces/mnasnet.nas | FileCheck %s --check-prefix=MNASNET
// MNASNET: unique: 23223139408281600 (benchmark rule), 23223139408281600 (algebraic rule)

// Owner parameters computed from the space's parameters (EfficientNet's
// width = 1.1 ** phi) are known to the owner: one architecture, one form.
// RUN: nasc info %stdlib/spaces/efficientnet.nas | FileCheck %s --check-prefix=EFF
// EFF: unique: 1 (benchmark rule), 1 (algebraic rule)

// Each reason for not counting is named.
// RUN: nasc info %stdlib/spaces/darts.nas | FileCheck %s --check-prefix=DARTS
// DARTS: unique: not counted: input choice 'normal/in3' (input choices have no canonical form yet)
// The vision transformer: every layer configuration is a different function.
// RUN: nasc info %stdlib/spaces/transformer.nas | FileCheck %s --check-prefix=VIT
// VIT: unique: 1876276224 (benchmark rule), 1876276224 (algebraic rule)

// An alternative is what builds it, not how it is displayed: three mbconvs
// shown alike as "mbconv(...)" differ (kernel, groups), the fourth (a named
// let) equals the first; two dropouts differ in the seventh digit. 3 x 2.
// RUN: nasc info %S/Inputs/unique-alike-labels.nas | FileCheck %s --check-prefix=ALIKE
// ALIKE: size: 8 architectures
// ALIKE-NEXT: unique: 6 (benchmark rule), 6 (algebraic rule)
// Alternatives whose display labels coincide go by position in IDs.
// ALIKE: Layer#0/pick: categorical [#0, #1, #2, a]

// Owners inside owners: an OFA stage's depth decides which of its layers (each
// an owner of its kernel and expansion) count. Enumerated and by owner (limit
// 100: the stage has 3 forms, each layer 9) alike; and the whole OFA space,
// 7,371^5, by owner.
// RUN: nasc info %S/Inputs/ofa-one-stage.nas | FileCheck %s --check-prefix=OFA1
// RUN: nasc compile --emit=mlir-lowered %S/Inputs/ofa-one-stage.nas | nas-opt --nas-count-unique=limit=100 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=OFA1-OWNER
// OFA1: space OneStage.space
// OFA1-NEXT: size: 7371 architectures
// OFA1-NEXT: unique: 7371 (benchmark rule), 7371 (algebraic rule)
// OFA1-OWNER: remark: space 'OneStage.space': unique architectures: 7371 (benchmark rule), 7371 (algebraic rule)
// RUN: nasc info %stdlib/spaces/ofa.nas | FileCheck %s --check-prefix=OFA
// OFA: size: 21758655492572485851 architectures
// OFA-NEXT: unique: 21758655492572485851 (benchmark rule), 21758655492572485851 (algebraic rule)

// Skip placement (FBNet, ProxylessNAS): an owner whose form can be the
// identity is composed into its caller's form by content, so [a, skip] and
// [skip, a] are one network. Enumerated (Stage, Down) and by owner (Down at
// limit 1000: its first layer an atom of 9 forms, times 585), alike.
// RUN: nasc info %S/Inputs/skip-placement.nas | FileCheck %s --check-prefix=SKIP
// SKIP: space Stage.space
// SKIP-NEXT: size: 729 architectures
// SKIP-NEXT: unique: 585 (benchmark rule), 585 (algebraic rule)
// SKIP: space Down.space
// SKIP-NEXT: size: 6561 architectures
// SKIP-NEXT: unique: 5265 (benchmark rule), 5265 (algebraic rule)
// RUN: nasc compile --emit=mlir-lowered %S/Inputs/skip-placement.nas | nas-opt --nas-count-unique=limit=1000 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=SKIP-OWNER
// SKIP-OWNER: remark: space 'FBNet.space': unique architectures: 327700343401999790625 (benchmark rule), 327700343401999790625 (algebraic rule)
// SKIP-OWNER: remark: space 'Down.space': unique architectures: 5265 (benchmark rule), 5265 (algebraic rule)
// And where the caller with its skippable owners' forms is too large:
// RUN: nasc compile --emit=mlir-lowered %S/Inputs/skip-placement.nas | nas-opt --nas-count-unique=limit=100 --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=SKIP-LIMIT
// SKIP-LIMIT: remark: space 'Stage.space': unique architectures not counted: 'FBNetStage#0' has more than 100 combinations of its own decisions and the forms of the owners inside it that can be skipped ('FBNetStage#0/FBNetLayer#1.0', ...)
