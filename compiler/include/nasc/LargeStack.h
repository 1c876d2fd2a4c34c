//===- LargeStack.h - Run the compiler on a stack sized for it --*- C++ -*-===//
#ifndef NASC_LARGESTACK_H
#define NASC_LARGESTACK_H

#include "llvm/ADT/STLFunctionalExtras.h"

namespace nasc {

/// The stack the compiler runs on. The checker and code generator recurse
/// once per level of an expression tree (about 1 KiB a level), and the
/// parser's limits (kMaxNesting, kMaxChain in lib/SourceLimits.h) keep every
/// accepted source within it. Reserved address space only: pages are
/// touched as the recursion reaches them.
constexpr size_t kCompilerStackBytes = size_t(512) << 20;

/// Runs `fn` on a thread with a kCompilerStackBytes stack and returns its
/// result (on the calling thread if such a thread cannot be made).
int runOnLargeStack(llvm::function_ref<int()> fn);

} // namespace nasc

#endif
