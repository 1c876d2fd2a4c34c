//===- SemaInternal.h - What the checker and the evaluator share ----------===//
#ifndef NASC_LIB_SEMAINTERNAL_H
#define NASC_LIB_SEMAINTERNAL_H

#include "nasc/AST.h"
#include "nasc/Diagnostics.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <set>
#include <string>
#include <tuple>

namespace nasc {

/// Names the language provides without a declaration.
bool isBuiltinFunction(llvm::StringRef name);
/// The implicit ints of an op's defaults and body: in_channels, in_h, in_w.
bool isOpImplicit(llvm::StringRef name);

/// Emits diagnostics, drops exact repeats (a template instantiated many times
/// reports each mistake once) and counts what it emitted.
class DiagSink {
public:
  explicit DiagSink(mlir::MLIRContext &context) : context(context) {}

  /// Returns null when the same error was already reported at `loc`.
  std::optional<mlir::InFlightDiagnostic> error(Loc loc, const std::string &message) {
    if (!seen.insert({loc.file.str(), loc.line, loc.col, message}).second)
      return std::nullopt;
    ++errors;
    auto diag = emitError(context, loc);
    diag << message;
    return diag;
  }
  std::optional<mlir::InFlightDiagnostic> warning(Loc loc, const std::string &message) {
    if (!seen.insert({loc.file.str(), loc.line, loc.col, message}).second)
      return std::nullopt;
    ++warnings;
    auto diag = emitWarning(context, loc);
    diag << message;
    return diag;
  }
  void note(std::optional<mlir::InFlightDiagnostic> &diag, Loc loc, const std::string &message) {
    if (diag)
      attachNote(*diag, context, loc) << message;
  }

  mlir::MLIRContext &context;
  unsigned errors = 0;
  unsigned warnings = 0;

private:
  std::set<std::tuple<std::string, unsigned, unsigned, std::string>> seen;
};

/// The whole program as the checks see it: every top-level name.
struct Program {
  llvm::StringMap<const Decl *> globals;
  DiagSink &sink;
};

/// Evaluates constant parts of the program for every template instance it
/// can reach and checks values: op requirements over every alternative of
/// every choice, template requirements that can never hold, choice domains,
/// repeat counts, network input shapes, search budgets. Ill-typed parts
/// evaluate to unknown and are not judged again.
void checkValues(Program &program, const std::vector<Module *> &modules);

} // namespace nasc

#endif // NASC_LIB_SEMAINTERNAL_H
