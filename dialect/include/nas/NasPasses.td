//===- NasPasses.td - Passes over the nas dialect ----------*- tablegen -*-===//
#ifndef NAS_PASSES
#define NAS_PASSES

include "mlir/Pass/PassBase.td"

def NasInstantiate : Pass<"nas-instantiate", "::mlir::ModuleOp"> {
  let summary = "Builds one flat nas.space per network: templates inlined, repetitions unrolled, decisions named by owner";
  let description = [{
    Roots are the networks whose parameters all have defaults and the
    `space` of every `nas.search`. For each, a `nas.space` receives the
    network's body with every `nas.apply` of a `nas.instance` replaced by the
    template's body (recursively), `nas.repeat` with a constant count
    unrolled, and constants folded between rounds. Each decision is renamed
    by who owns it: `key/name` for instances `shared` under `key`,
    `Template#i/name` for the i-th `independent` instance of a template in
    its enclosing template's body (`#i.j` for copy j of a repetition of it),
    prefixed by the path of the instance that contains it; names depend on
    the source only. A repetition whose count is a decision is unrolled to
    its largest count behind `nas.switch`, and its copies' ops carry
    `nas.active_if`. Instances that cannot be inlined (one alternative of a
    decision or of a condition, or a count that cannot be enumerated) stay as
    layers and are reported with a remark.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

def NasSpaceSize : Pass<"nas-space-size", "::mlir::ModuleOp"> {
  let summary = "Counts the architectures of each nas.space exactly";
  let description = [{
    Attaches `size` (a decimal string, arbitrary precision) and `decisions`
    (the number of distinct decisions) to every `nas.space`, and emits a
    remark with both. A decision counts once however many ops carry its
    name. Categorical decisions count their alternatives, integer ranges
    their values, `k of n` input choices n choose k, `any of n` 2^n. A float
    range is continuous: the space is then reported as infinite, with the
    count of its discrete part.
  }];
}

def NasMergeAlternatives : Pass<"nas-merge-alternatives", "::mlir::ModuleOp"> {
  let summary = "Merges alternatives of a choice that are the same, with a warning";
  let description = [{
    A choice that offers the same alternative twice (`[relu, identity,
    relu]`, `[3, 3, 5]`) would count one network twice in the space's size
    and weigh it double when sampling. In each template (and each space
    already lowered), alternatives that are the same value, equal constants
    or the same op with the same arguments in every op carrying the
    decision's name are merged into the first, with a warning at the choice.
    It runs before nas-instantiate, so every instance inherits the merge and
    unique counting (which reads templates) agrees. The decision then has
    fewer alternatives: IDs name the first one's label.
  }];
  let options = [
    Option<"warn", "warn", "bool", /*default=*/"true", "report each merge as a warning">,
  ];
}

def NasPruneZeroPaths : Pass<"nas-prune-zero-paths", "::mlir::ModuleOp"> {
  let summary = "Removes paths that are zero in every architecture from sums, with a warning";
  let description = [{
    In each `nas.space`, a feature map is zero in every architecture when
    it is the output of an op with trait `zero`, or of an op with trait
    `identity` or `pooling` applied to such a map (max and average pooling
    of zeros are zeros; ops with parameters are not assumed zero). A
    `nas.sum` drops those inputs while another input remains, with a warning
    at the path's source; what only fed them is then unreachable and
    erased. A zero path that is one alternative of a choice is not touched
    (it is zero in some architectures only). Runs after nas-infer-shapes, so
    a zero path's shape is still checked.
  }];
}

def NasInferShapes : Pass<"nas-infer-shapes", "::mlir::ModuleOp"> {
  let summary = "Checks channels and spatial sizes in every architecture of each nas.space";
  let description = [{
    Builds each feature map's (channels, height, width) as a function of the
    decisions, from the network's `nas.input_shape` and each layer's
    `nas.opdef` (its defaults region, then its body). A choice among layers
    gives a shape chosen by the same decision, so shapes stay exact.
    Checked for every combination of the decisions each rule depends on:
    inputs of `nas.sum` agree, inputs of `nas.concat` agree in height and
    width, candidates of an input choice agree, each op's requirements hold
    (those reading `in_channels`, `in_h`, `in_w` included), strides are at
    least 1, and every op produces channels. Ops pad 'same': a stride s maps
    a size n to ceil(n / s). A
    failure is an error at the source location naming the decision values
    that break it. Feature maps whose shape is the same in every
    architecture get a `shape` attribute.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def NasCountUnique : Pass<"nas-count-unique", "::mlir::ModuleOp"> {
  let summary = "Counts the architectures of each nas.space that compute different functions";
  let description = [{
    Enumerates every architecture of a space (up to `limit`) and counts the
    distinct canonical forms under two rules (docs/dialect.md): `benchmark`,
    NAS-Bench-201's own (a `zero` op, or any op on a zero term, is a zero
    term that still counts in its sum; an `identity` op passes its input
    through; a sum is its sorted terms), and `algebraic` (zero terms dropped
    from sums, sums flattened, a sum of one term is that term). Forms are
    computed per decision owner on its template (the nas.owners attribute of
    the space), with inputs and parameters as atoms. Attaches
    `unique_benchmark` and `unique_algebraic` and emits a remark.
  }];
  let options = [Option<"limit", "limit", "uint64_t", "1000000",
                        "Count only spaces with at most this many architectures">];
}

def NasPickConditions : Pass<"nas-pick-conditions", "::mlir::ModuleOp"> {
  let summary = "Marks operation choices used only when an input choice picks their edge";
  let description = [{
    In a DARTS-style cell, node j picks 2 of its incoming edges
    (`nas.pick`) and every edge has its own operation choice; the choice on
    an edge the pick leaves out changes nothing. A layer-valued
    `nas.categorical` all of whose uses are `nas.apply`s whose only uses are
    candidate i of input choices named P (one name, one position: the
    same cell design repeated) gets the condition `[P, "picks", i]` in its
    `nas.active_if`. Counting then counts it only
    where its edge is picked (a DARTS cell: 8^8 x 180 genotypes instead of
    8^14 x 180 decision vectors), and IDs read it as its first value where
    it is not: one architecture, one ID. Runs last, on the flat space.
  }];
}

#endif // NAS_PASSES
