//===- Lint.h - Warnings that help authors of search spaces ---------------===//
#ifndef NASC_LINT_H
#define NASC_LINT_H

#include "nasc/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <set>
#include <string>
#include <vector>

namespace nasc {

/// The names of lint's warnings (each silenced with --disable=NAME).
const std::vector<std::string> &lintWarningNames();

/// Emits lint's warnings for the checked program `modules` (whose file is
/// `main`) and its lowered module; returns how many.
unsigned lintProgram(const std::vector<Module *> &modules, const Module &main, mlir::ModuleOp lowered,
                     const std::set<std::string> &disabled, mlir::MLIRContext &context);

} // namespace nasc

#endif // NASC_LINT_H
