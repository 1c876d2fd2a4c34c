//===- Pipeline.h - From a checked program to the lowered nas IR ----------===//
#ifndef NASC_PIPELINE_H
#define NASC_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace nasc {

/// Runs nas-merge-alternatives (unless `mergeAlternatives` is false: lint
/// reports the duplicates as written, by its own warning), nas-instantiate,
/// canonicalization, CSE and nas-infer-shapes on `module` (shape errors are errors), then records
/// each space's exact size and decision count as attributes. Errors are
/// reported through the context's diagnostic engine.
mlir::LogicalResult lowerModule(mlir::ModuleOp module, bool mergeAlternatives = true);

/// `nasc info`: every space with its decisions, domains and exact size, as
/// text or JSON.
void printInfo(mlir::ModuleOp module, llvm::raw_ostream &os, bool json);

/// `nasc compile --arch ID`: the space (chosen as for printArchitectures)
/// becomes the choice-free network of that architecture; other spaces go.
mlir::LogicalResult fixModule(mlir::ModuleOp module, llvm::StringRef spaceName, llvm::StringRef id);

/// `nasc info --arch`: one line per architecture ID of `ids` (tab-separated:
/// canonical ID, hash, parameters, multiply-accumulates), in the space named
/// `spaceName` (empty: the only space, or the only search's). Errors name the
/// bad ID and go to the context's diagnostic engine; returns failure then.
mlir::LogicalResult printArchitectures(mlir::ModuleOp module, llvm::StringRef spaceName,
                                       const std::vector<std::string> &ids, llvm::raw_ostream &os);

} // namespace nasc

#endif // NASC_PIPELINE_H
