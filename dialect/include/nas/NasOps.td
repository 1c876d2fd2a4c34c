//===- NasOps.td - Operations of the nas dialect -----------*- tablegen -*-===//
#ifndef NAS_OPS
#define NAS_OPS

include "nas/NasDialect.td"
include "nas/NasTypes.td"
include "nas/NasAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Declarations: operations, templates, metrics, runtime components
//===----------------------------------------------------------------------===//

def Nas_OpDefOp : Nas_Op<"opdef", [Symbol, IsolatedFromAbove,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "an operation the runtime provides, with its shape and cost rules";
  let description = [{
    Declares an operation bound to the runtime kernel `impl`. Both regions
    take the operation's parameters (named by `params`) followed by the input
    feature map's `in_channels`, `in_h` and `in_w`.

    `defaults` computes the value of every parameter a `nas.layer` leaves
    out, in order (a default may read the parameters before it and the
    input), and ends in `nas.yield` with one value per parameter; parameters
    without a default yield their own block argument.

    `body` ends in `nas.properties`: the output channels, the spatial stride,
    the learnable parameters and the multiply-accumulates per sample.
    `nas.require` ops in it state what the arguments must satisfy.

    ```mlir
    nas.opdef @conv impl "conv2d" params ["out", "kernel"] traits ["convolution"] defaults {
    ^bb0(%out: i64, %kernel: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
      %c3 = arith.constant 3 : i64
      nas.yield %in_channels, %c3 : i64, i64
    } body {
    ^bb0(%out: i64, %kernel: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
      %c1 = arith.constant 1 : i64
      %ok = arith.cmpi sge, %kernel, %c1 : i64
      nas.require %ok {text = "kernel >= 1"}
      %p = arith.muli %kernel, %out : i64
      nas.properties out_channels %out stride %c1 params %p flops %p : i64, i64
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$impl, StrArrayAttr:$param_names,
                       StrArrayAttr:$op_traits);
  let regions = (region SizedRegion<1>:$defaults, SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `impl` $impl `params` $param_names `traits` $op_traits attr-dict-with-keyword
    `defaults` $defaults `body` $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The number of operation parameters (the block takes three more).
    unsigned getNumParams() { return getParamNames().size(); }
  }];
}

def Nas_PropertiesOp : Nas_Op<"properties", [Terminator, HasParent<"OpDefOp">, Pure]> {
  let summary = "what an operation produces, ending its nas.opdef";
  let description = [{
    ```mlir
    nas.properties out_channels %out stride %s params %p flops %f : i64, i64
    ```
  }];
  let arguments = (ins I64:$out_channels, I64:$stride, AnyTypeOf<[I64, F64]>:$params,
                       AnyTypeOf<[I64, F64]>:$flops);
  let assemblyFormat = [{
    `out_channels` $out_channels `stride` $stride `params` $params `flops` $flops attr-dict
    `:` type($params) `,` type($flops)
  }];
}

def Nas_YieldOp : Nas_Op<"yield", [Terminator, HasParent<"OpDefOp">, Pure]> {
  let summary = "the parameter values of a nas.opdef's defaults region";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

def Nas_TemplateOp : Nas_Op<"template", [Symbol, IsolatedFromAbove, SingleBlock,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "a cell, block or network: a function from parameters and inputs to a feature map";
  let description = [{
    The body's block arguments are the parameters (named by `params`, any
    scalar, string or layer type) followed by the input feature maps (named
    by `inputs`). Decisions inside belong to each instance; how instances
    share them is said where they are instantiated (`nas.instance`).

    ```mlir
    nas.template cell @Cell params ["c"] inputs ["x0"] {
    ^bb0(%c: i64, %x0: !nas.tensor):
      %id = nas.layer @identity() names []
      %conv = nas.layer @conv(%c) names ["out"] : i64
      %op = nas.categorical "e0_1" [%id, %conv] labels ["skip", "conv"] : !nas.layer
      %x1 = nas.apply %op(%x0)
      nas.output %x1
    }
    ```
  }];
  let arguments = (ins Nas_TemplateKind:$kind, SymbolNameAttr:$sym_name, StrArrayAttr:$param_names,
                       StrArrayAttr:$input_names, OptionalAttr<ArrayAttr>:$param_defaults);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind $sym_name `params` $param_names `inputs` $input_names attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    unsigned getNumParams() { return getParamNames().size(); }
    unsigned getNumInputs() { return getInputNames().size(); }
  }];
}

def Nas_SpaceOp : Nas_Op<"space", [Symbol, IsolatedFromAbove, SingleBlock,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "a search space: one network, instantiated, with all its decisions";
  let description = [{
    What `nas-instantiate` makes of a network: every template instance
    inlined, fixed repetitions unrolled, and each decision named by who owns
    it (`key/name` for instances shared under `key`, the instance path for
    independent ones). The block arguments are the network's inputs.

    ```mlir
    nas.space @NasBench201 network @NasBench201 inputs ["image"] {
    ^bb0(%image: !nas.tensor):
      ...
      nas.output %logits
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$network, StrArrayAttr:$input_names);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name `network` $network `inputs` $input_names attr-dict-with-keyword $body";
}

def Nas_OutputOp : Nas_Op<"output", [Terminator, ParentOneOf<["TemplateOp", "SpaceOp"]>, Pure]> {
  let summary = "the feature map a template produces";
  let description = [{
    ```mlir
    nas.output %x3
    ```
  }];
  let arguments = (ins Nas_TensorType:$value);
  let assemblyFormat = "$value attr-dict";
}

def Nas_MetricDefOp : Nas_Op<"metricdef", [Symbol]> {
  let summary = "a metric measured when an architecture is evaluated";
  let description = [{
    ```mlir
    nas.metricdef @latency params ["device"] direction "minimize" : f64
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$param_names,
                       OptionalAttr<StrAttr>:$direction, TypeAttr:$type);
  let assemblyFormat = "$sym_name `params` $param_names (`direction` $direction^)? attr-dict `:` $type";
}

def Nas_ExternDefOp : Nas_Op<"externdef", [Symbol]> {
  let summary = "a runtime component: a strategy, estimator, dataset or optimizer";
  let description = [{
    ```mlir
    nas.externdef strategy @evolution impl "evolution" params ["population", "sample"]
    ```
  }];
  let arguments = (ins Nas_ExternKind:$kind, SymbolNameAttr:$sym_name, StrAttr:$impl,
                       StrArrayAttr:$param_names);
  let assemblyFormat = "$kind $sym_name `impl` $impl `params` $param_names attr-dict";
}

//===----------------------------------------------------------------------===//
// Layers and feature maps
//===----------------------------------------------------------------------===//

def Nas_LayerOp : Nas_Op<"layer", [Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "an operation with its arguments, as a layer";
  let description = [{
    `args` bind the parameters named by `names`; the others take the
    defaults of the `nas.opdef`.

    ```mlir
    %l = nas.layer @relu_conv_bn(%c16, %c3) names ["out", "kernel"] : i64, i64
    %r = nas.layer @relu() names []
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$op, Variadic<AnyType>:$args, StrArrayAttr:$names);
  let results = (outs Nas_LayerType:$result);
  let assemblyFormat = "$op `(` $args `)` `names` $names attr-dict (`:` type($args)^)?";
  let hasVerifier = 1;
}

def Nas_InstanceOp : Nas_Op<"instance", [Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a template instance, as a layer";
  let description = [{
    `sharing` says who owns the decisions of the instance: `shared` instances
    with one `key` (in one enclosing template) share one decision set,
    `independent` ones get their own, and `root` is the network a search
    explores.

    ```mlir
    %cell = nas.instance shared "nb201_cell" @NB201Cell() names []
    %block = nas.instance independent @MnasBlock(%c24, %c2, %c2) names ["filters", "layers", "stride"] : i64, i64, i64
    ```
  }];
  let arguments = (ins Nas_Sharing:$sharing, OptionalAttr<StrAttr>:$key, FlatSymbolRefAttr:$template_name,
                       Variadic<AnyType>:$args, StrArrayAttr:$names);
  let results = (outs Nas_LayerType:$result);
  let assemblyFormat = [{
    $sharing ($key^)? $template_name `(` $args `)` `names` $names attr-dict (`:` type($args)^)?
  }];
  let hasVerifier = 1;
}

def Nas_RepeatOp : Nas_Op<"repeat", [Pure]> {
  let summary = "a single-input layer applied `count` times in sequence";
  let description = [{
    The count may be a decision (depth search); 0 is the identity.

    ```mlir
    %stage = nas.repeat %n, %cell
    ```
  }];
  let arguments = (ins I64:$count, Nas_LayerType:$layer);
  let results = (outs Nas_LayerType:$result);
  let assemblyFormat = "$count `,` $layer attr-dict";
  let hasVerifier = 1;
}

def Nas_ApplyOp : Nas_Op<"apply", [AlwaysSpeculatableImplTrait,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "applies a layer to feature maps";
  let description = [{
    Every application of a layer with weights is a layer of its own, as a
    PyTorch module instantiation is: it allocates its weights (a
    `MemoryEffects::Allocate` on its result), so CSE never merges two of
    them, even with equal layers and inputs. Only an application of an op
    that is `parameter_free` and not `stochastic` is free of effects and
    may be merged with an equal one.

    ```mlir
    %y = nas.apply %conv(%x)
    %c = nas.apply %cell(%s0, %s1)
    ```
  }];
  let arguments = (ins Nas_LayerType:$layer, Variadic<Nas_TensorType>:$inputs);
  let results = (outs Nas_TensorType:$result);
  let assemblyFormat = "$layer `(` $inputs `)` attr-dict";
}

def Nas_SumOp : Nas_Op<"sum", [Pure]> {
  let summary = "element-wise sum of feature maps (lists are flattened)";
  let description = [{
    ```mlir
    %x2 = nas.sum %a, %b : !nas.tensor, !nas.tensor
    ```
  }];
  let arguments = (ins Variadic<Nas_AnyTensor>:$inputs);
  let results = (outs Nas_TensorType:$result);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs)";
  let hasVerifier = 1;
}

def Nas_ConcatOp : Nas_Op<"concat", [Pure]> {
  let summary = "concatenation of feature maps along the channels (lists are flattened)";
  let description = [{
    ```mlir
    %out = nas.concat %x2, %x3, %x4, %x5 : !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor
    ```
  }];
  let arguments = (ins Variadic<Nas_AnyTensor>:$inputs);
  let results = (outs Nas_TensorType:$result);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs)";
  let hasVerifier = 1;
}

def Nas_InputShapeOp : Nas_Op<"input_shape"> {
  let summary = "the shape of a network input: channels, height, width";
  let description = [{
    Shape inference starts from these. The sizes may be decisions
    (resolution search).

    ```mlir
    nas.input_shape %image [%c3, %c32, %c32]
    ```
  }];
  let arguments = (ins Nas_TensorType:$input, I64:$channels, I64:$height, I64:$width);
  let assemblyFormat = "$input ` ` `[` $channels `,` $height `,` $width `]` attr-dict";
}

def Nas_SwitchOp : Nas_Op<"switch", [Pure]> {
  let summary = "the feature map at a decided index: the output of a repetition of decided depth";
  let description = [{
    `nas-instantiate` unrolls `repeat(n, L)` with a decided `n` to the
    largest count, and selects the output after `n` copies. `id` names the
    switch for the decisions of the copies it can cut off (their
    `nas.active_if` conditions).

    ```mlir
    %y = nas.switch %depth [%x, %y1, %y2, %y3] {id = "repeat#0"}
    ```
  }];
  let arguments = (ins I64:$index, Variadic<Nas_TensorType>:$alternatives, StrAttr:$id);
  let results = (outs Nas_TensorType:$result);
  let assemblyFormat = "$index ` ` `[` $alternatives `]` attr-dict";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Nas_ItemOp : Nas_Op<"item", [Pure]> {
  let summary = "one feature map of an input choice's picks";
  let description = [{
    ```mlir
    %a = nas.item %in0[%c0]
    ```
  }];
  let arguments = (ins Nas_TensorListType:$list, I64:$index);
  let results = (outs Nas_TensorType:$result);
  let assemblyFormat = "$list `[` $index `]` attr-dict";
}

//===----------------------------------------------------------------------===//
// Decisions
//===----------------------------------------------------------------------===//

def Nas_CategoricalOp : Nas_Op<"categorical", [Pure]> {
  let summary = "a decision among alternatives: values or layers";
  let description = [{
    The result is the chosen alternative. All ops with one `name` are one
    decision. `labels` name the alternatives as the source wrote them (what
    architecture IDs and benchmark tables use).

    ```mlir
    %w = nas.categorical "width" [%c16, %c32] : i64
    %op = nas.categorical "e0_1" [%none, %skip] labels ["none", "skip_connect"] : !nas.layer
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<AnyType>:$alternatives, OptionalAttr<StrArrayAttr>:$labels);
  let results = (outs AnyType:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Nas_RangeOp : Nas_Op<"range", [Pure, AllTypesMatch<["lo", "hi", "step", "result"]>]> {
  let summary = "a decision over a numeric range";
  let description = [{
    Integers from `lo` to `hi` by `step`, or floats between `lo` and `hi`
    (`step` is then not used: write 0.0), sampled on a log scale with `log`.

    ```mlir
    %d = nas.range "depth" %c1 to %c4 step %c1 : i64
    %lr = nas.range "lr" %lo to %hi step %one log : f64
    ```
  }];
  let arguments = (ins StrAttr:$name, AnyTypeOf<[I64, F64]>:$lo, AnyTypeOf<[I64, F64]>:$hi,
                       AnyTypeOf<[I64, F64]>:$step, UnitAttr:$log);
  let results = (outs AnyTypeOf<[I64, F64]>:$result);
  let assemblyFormat = "$name $lo `to` $hi `step` $step (`log` $log^)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Nas_PickOp : Nas_Op<"pick", [Pure]> {
  let summary = "an input choice: exactly `count` of the candidate feature maps";
  let description = [{
    ```mlir
    %in3 = nas.pick "in3" %c2 of [%a, %b, %c]
    %x3 = nas.sum %in3 : !nas.tensors
    ```
  }];
  let arguments = (ins StrAttr:$name, I64:$count, Variadic<Nas_TensorType>:$candidates);
  let results = (outs Nas_TensorListType:$result);
  let assemblyFormat = "$name $count `of` ` ` `[` $candidates `]` attr-dict";
  let hasVerifier = 1;
}

def Nas_SubsetOp : Nas_Op<"subset", [Pure]> {
  let summary = "an input choice: any subset of the candidate feature maps";
  let description = [{
    ```mlir
    %skips = nas.subset "skip3" of [%l1, %l2]
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<Nas_TensorType>:$candidates);
  let results = (outs Nas_TensorListType:$result);
  let assemblyFormat = "$name `of` ` ` `[` $candidates `]` attr-dict";
  let hasVerifier = 1;
}

def Nas_CountOp : Nas_Op<"count", [Pure]> {
  let summary = "how many feature maps an input choice picks";
  let description = [{
    `len()` of an input choice: the count `k` of a `nas.pick`, the number
    of candidates a `nas.subset` picks (a decision). A `sum` or `concat`
    whose inputs are only `any of` choices requires a count of at least 1.

    ```mlir
    %n = nas.count %skips
    ```
  }];
  let arguments = (ins Nas_TensorListType:$list);
  let results = (outs I64:$result);
  let assemblyFormat = "$list attr-dict";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Constraints, metrics, objectives and search settings
//===----------------------------------------------------------------------===//

def Nas_RequireOp : Nas_Op<"require"> {
  let summary = "a constraint: over decisions it prunes the space, over metrics it is a hard limit";
  let description = [{
    `text` is the condition as written in the source, `message` the user's
    explanation.

    ```mlir
    nas.require %ok {text = "width % heads == 0"}
    ```
  }];
  let arguments = (ins I1:$condition, OptionalAttr<StrAttr>:$text, OptionalAttr<StrAttr>:$message);
  let assemblyFormat = "$condition attr-dict";
  let hasCanonicalizeMethod = 1;
}

def Nas_StringOp : Nas_Op<"string", [Pure, ConstantLike]> {
  let summary = "a string constant";
  let description = [{
    ```mlir
    %dev = nas.string "pixel3"
    ```
  }];
  let arguments = (ins StrAttr:$value);
  let results = (outs Nas_StringType:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def Nas_StringEqOp : Nas_Op<"string_eq", [Pure, Commutative]> {
  let summary = "whether two strings are equal";
  let description = [{
    ```mlir
    %is_relu = nas.string_eq %act, %relu
    ```
  }];
  let arguments = (ins Nas_StringType:$lhs, Nas_StringType:$rhs);
  let results = (outs I1:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict";
  let hasFolder = 1;
}

def Nas_MetricOp : Nas_Op<"metric", [Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a metric of the architecture being evaluated";
  let description = [{
    ```mlir
    %acc = nas.metric @accuracy() names [] : f64
    %lat = nas.metric @latency(%dev) names ["device"] : (!nas.string) -> f64
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$metric, Variadic<AnyType>:$args, StrArrayAttr:$names);
  let results = (outs AnyTypeOf<[I64, F64]>:$result);
  let assemblyFormat = "$metric `(` $args `)` `names` $names attr-dict `:` functional-type($args, $result)";
}

def Nas_ExternOp : Nas_Op<"extern", [Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a configured runtime component";
  let description = [{
    ```mlir
    %s = nas.extern @evolution(%c50) names ["population"] : i64
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$component, Variadic<AnyType>:$args, StrArrayAttr:$names);
  let results = (outs Nas_ConfigType:$result);
  let assemblyFormat = "$component `(` $args `)` `names` $names attr-dict (`:` type($args)^)?";
}

def Nas_SearchOp : Nas_Op<"search", [Symbol, SingleBlock, NoTerminator, NoRegionArguments,
    IsolatedFromAbove]> {
  let summary = "a search: its space, settings, objectives and constraints";
  let description = [{
    ```mlir
    nas.search @S {
      %space = nas.instance root @NasBench201() names []
      nas.setting "space" = %space : !nas.layer
      %acc = nas.metric @accuracy() names [] : () -> f64
      nas.objective maximize %acc : f64
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
}

def Nas_SettingOp : Nas_Op<"setting", [HasParent<"SearchOp">]> {
  let summary = "one search setting";
  let description = [{
    ```mlir
    nas.setting "evaluations" = %c300 : i64
    ```
  }];
  let arguments = (ins StrAttr:$key, AnyType:$value);
  let assemblyFormat = "$key `=` $value attr-dict `:` type($value)";
}

def Nas_ObjectiveOp : Nas_Op<"objective", [HasParent<"SearchOp">]> {
  let summary = "a quantity the search maximizes or minimizes";
  let description = [{
    Several objectives in one search make it multi-objective (Pareto).

    ```mlir
    nas.objective maximize %reward : f64
    ```
  }];
  let arguments = (ins Nas_Direction:$direction, AnyTypeOf<[I64, F64]>:$value);
  let assemblyFormat = "$direction $value attr-dict `:` type($value)";
}

#endif // NAS_OPS
