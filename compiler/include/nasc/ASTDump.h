//===- ASTDump.h ----------------------------------------------------------===//
#ifndef NASC_ASTDUMP_H
#define NASC_ASTDUMP_H

#include "nasc/AST.h"
#include "llvm/Support/raw_ostream.h"

namespace nasc {
/// Prints `module` one node per line with `<line:col>` locations.
void dumpAST(const Module &module, llvm::raw_ostream &os);
} // namespace nasc

#endif // NASC_ASTDUMP_H
