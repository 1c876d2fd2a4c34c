//===- Parser.h - .nas source text to AST ---------------------------------===//
#ifndef NASC_PARSER_H
#define NASC_PARSER_H

#include "nasc/AST.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace nasc {

/// Parses buffer `bufferId` of `sourceMgr` into a Module. Syntax errors are
/// emitted through `context`'s diagnostic engine, clang-style, each saying
/// what was expected. Returns null when the file has syntax errors.
std::unique_ptr<Module> parseModule(llvm::SourceMgr &sourceMgr, unsigned bufferId,
                                    mlir::MLIRContext &context);

} // namespace nasc

#endif // NASC_PARSER_H
