//===- Diagnostics.h - Emitting diagnostics at .nas locations -------------===//
//
// nasc reports through MLIR's diagnostic engine so that source errors, pass
// errors and `--verify-diagnostics` tests share one mechanism; these helpers
// turn AST locations into MLIR locations.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DIAGNOSTICS_H
#define NASC_DIAGNOSTICS_H

#include "nasc/AST.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include <string>
#include <vector>

namespace nasc {

inline mlir::Location toLocation(mlir::MLIRContext &context, Loc loc) {
  if (!loc.isValid())
    return mlir::UnknownLoc::get(&context);
  return mlir::FileLineColLoc::get(&context, loc.file, loc.line, loc.col);
}

inline mlir::InFlightDiagnostic emitError(mlir::MLIRContext &context, Loc loc) {
  return mlir::emitError(toLocation(context, loc));
}
inline mlir::InFlightDiagnostic emitWarning(mlir::MLIRContext &context, Loc loc) {
  return mlir::emitWarning(toLocation(context, loc));
}
inline mlir::Diagnostic &attachNote(mlir::InFlightDiagnostic &diag,
                                    mlir::MLIRContext &context, Loc loc) {
  return diag.attachNote(toLocation(context, loc));
}

/// The closest of `candidates` to `name` by edit distance, or "" when none is
/// close enough to be a plausible typo.
std::string closestName(llvm::StringRef name, const std::vector<std::string> &candidates);

/// "; did you mean 'x'?" or "".
std::string didYouMean(llvm::StringRef name, const std::vector<std::string> &candidates);

} // namespace nasc

#endif // NASC_DIAGNOSTICS_H
