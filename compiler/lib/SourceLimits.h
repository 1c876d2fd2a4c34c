//===- SourceLimits.h - What the parser refuses before it parses -*- C++ -*-===//
//
// Checks that run on the raw bytes and on the token stream before ANTLR's
// recursive-descent parser sees a file, so that no input can abort the
// process (ANTLR throws on invalid UTF-8) or overflow the stack (the parser,
// the AST builder and the checker recurse once per nesting level).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_LIB_SOURCELIMITS_H
#define NASC_LIB_SOURCELIMITS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>

namespace nasc {

/// The deepest expression nesting a source may have (docs/language.md,
/// "Limits"): parentheses, brackets and braces, chains of `if`, `**` and
/// prefix operators each count one level.
constexpr unsigned kMaxNesting = 256;

/// The most binary operators one expression may chain (`1 + 1 + ... + 1`):
/// each is a level of the syntax tree, and the checker and code generator
/// use about 1 KiB of stack per level (nasc runs on a 512 MiB stack).
constexpr unsigned kMaxChain = 100000;

/// The offset of the first byte that is not part of valid UTF-8 (overlong
/// forms, surrogates and code points above U+10FFFF are invalid too).
std::optional<size_t> firstInvalidUtf8(llvm::StringRef bytes);

/// Follows the nesting of a token stream, one token at a time.
class NestingTracker {
public:
  /// Feeds the next token's text; returns false once the nesting passes
  /// kMaxNesting or a chain passes kMaxChain (at this token).
  bool next(llvm::StringRef token);
  /// Whether the last refusal was for a chain (else for nesting).
  bool chainTooLong() const { return chain > kMaxChain; }

private:
  struct Level {
    unsigned ifs = 0;  // `if`s open at this bracket level (until `,` or `;`)
    unsigned pows = 0; // the current chain of `**` (right-associative)
    unsigned binary = 0; // binary operators since the last `,` or `;`
  };
  llvm::SmallVector<Level, 16> levels{Level{}};
  unsigned depth = 0;       // inner bracket levels plus their `if`s and `**`s
  unsigned prefixRun = 0;   // consecutive prefix operators
  unsigned chain = 0;       // binary operators in the open levels
  bool afterOperand = false; // the previous token ends an operand
};

} // namespace nasc

#endif
