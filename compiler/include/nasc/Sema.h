//===- Sema.h - Semantic checks over a whole .nas compilation -------------===//
//
// Checks everything that can be known before lowering: names (with
// did-you-mean), argument names/counts/types, value ranges over every
// alternative of every choice, choice domains, cycles and unused nodes in
// cells, input choices, recursive templates, explicit decision sharing,
// search settings and objectives. Errors go to the MLIR diagnostic engine.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEMA_H
#define NASC_SEMA_H

#include "nasc/AST.h"

#include "mlir/IR/MLIRContext.h"

#include <vector>

namespace nasc {

struct SemaResult {
  unsigned errors = 0;
  unsigned warnings = 0;
  bool succeeded() const { return errors == 0; }
};

/// Checks `modules` (imports first, as ModuleLoader orders them) as one
/// program. Diagnostics are emitted through `context`.
SemaResult checkProgram(const std::vector<Module *> &modules, mlir::MLIRContext &context);

} // namespace nasc

#endif // NASC_SEMA_H
