//===- MLIRGen.h - Lowering a checked .nas program to the nas dialect -----===//
#ifndef NASC_MLIRGEN_H
#define NASC_MLIRGEN_H

#include "nasc/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <vector>

namespace nasc {

/// Lowers `modules` (imports first, as ModuleLoader orders them; Sema must
/// have accepted them) into one MLIR module of the nas dialect, with source
/// locations on every op, and verifies it. Returns null after reporting an
/// error.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const std::vector<Module *> &modules);

} // namespace nasc

#endif // NASC_MLIRGEN_H
