//===- NasPasses.h - Passes over the nas dialect --------------------------===//
#ifndef NAS_NASPASSES_H
#define NAS_NASPASSES_H

#include "nas/NasDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/APInt.h"

#include <memory>
#include <optional>

namespace mlir::nas {

#define GEN_PASS_DECL
#include "nas/NasPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "nas/NasPasses.h.inc"

/// The exact size of a space: the product of its distinct decisions' domain
/// sizes. `continuous` is set when a float range makes it infinite (the
/// count is then that of the discrete decisions).
struct SpaceSize {
  llvm::APInt count;
  unsigned decisions = 0;
  bool continuous = false;
  /// Decimal digits of `count`.
  std::string str() const;
};

/// Counts the decisions of `space`. Fails (with an error at the op) when a
/// domain is not a constant.
FailureOr<SpaceSize> countSpace(SpaceOp space);

} // namespace mlir::nas

#endif // NAS_NASPASSES_H
