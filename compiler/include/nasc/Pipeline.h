//===- Pipeline.h - From a checked program to the lowered nas IR ----------===//
#ifndef NASC_PIPELINE_H
#define NASC_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace nasc {

/// Runs nas-instantiate, canonicalization, CSE and nas-infer-shapes on
/// `module` (shape errors are errors), then records
/// each space's exact size and decision count as attributes. Errors are
/// reported through the context's diagnostic engine.
mlir::LogicalResult lowerModule(mlir::ModuleOp module);

/// `nasc info`: every space with its decisions, domains and exact size, as
/// text or JSON.
void printInfo(mlir::ModuleOp module, llvm::raw_ostream &os, bool json);

} // namespace nasc

#endif // NASC_PIPELINE_H
