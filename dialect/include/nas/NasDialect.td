//===- NasDialect.td - The nas dialect ---------------------*- tablegen -*-===//
#ifndef NAS_DIALECT
#define NAS_DIALECT

include "mlir/IR/OpBase.td"

def Nas_Dialect : Dialect {
  let name = "nas";
  let summary = "Neural architecture search spaces: decisions, layers and the networks they build";
  let description = [{
    The `nas` dialect holds a search space as a program that builds a network
    once every decision is fixed. Feature maps are `!nas.tensor` values;
    layers (an op with its parameters, or a template instance) are
    `!nas.layer` values, applied to tensors by `nas.apply`. Decisions are ops
    named by a string: ops with the same name are the same decision, so
    sharing a decision set between cell instances is a matter of naming.
    Scalars are builtin `i64`, `f64` and `i1` values computed with `arith`
    and `math`; the `nas.opdef` bodies that describe each operation's output
    channels, stride, parameters and FLOPs are written with them too.
    docs/dialect.md explains the design.
  }];
  let cppNamespace = "::mlir::nas";
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

class Nas_Op<string mnemonic, list<Trait> traits = []> : Op<Nas_Dialect, mnemonic, traits>;

#endif // NAS_DIALECT
