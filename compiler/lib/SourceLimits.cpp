//===- SourceLimits.cpp - What the parser refuses before it parses --------===//
#include "SourceLimits.h"

#include "llvm/ADT/StringSwitch.h"

using namespace nasc;

std::optional<size_t> nasc::firstInvalidUtf8(llvm::StringRef bytes) {
  const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
  size_t n = bytes.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07, min = 0x10000;
    else
      return i; // a continuation byte or 0xF8..0xFF where a character starts
    if (i + len > n)
      return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80)
        return i; // the character that breaks off
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::nullopt;
}

/// Tokens after which an expression has ended: a `-` or `!` there is binary.
static bool endsOperand(llvm::StringRef t) {
  if (t.empty())
    return false;
  char c = t.front();
  if (c == ')' || c == ']' || c == '"' || (c >= '0' && c <= '9'))
    return true;
  if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
    return false;
  // Identifiers and literals end an operand; keywords that introduce or
  // continue an expression do not.
  return !llvm::StringSwitch<bool>(t)
              .Cases("if", "then", "else", "of", "any", "require", "output", "node", "let", true)
              .Cases("const", "choice", "return", "maximize", "minimize", true)
              .Default(false);
}

static bool isBinaryOperator(llvm::StringRef t) {
  return llvm::StringSwitch<bool>(t)
      .Cases("+", "-", "*", "/", "%", "<", "<=", ">", ">=", true)
      .Cases("==", "!=", "&&", "||", "|>", "then", "else", true)
      .Default(false);
}

bool NestingTracker::next(llvm::StringRef t) {
  bool prefix = (t == "-" || t == "!") && !afterOperand;
  Level &level = levels.back();
  if (prefix) {
    ++prefixRun;
  } else {
    prefixRun = 0;
    if (t == "(" || t == "[" || t == "{") {
      levels.push_back(Level{});
      ++depth;
    } else if (t == ")" || t == "]" || t == "}") {
      if (levels.size() > 1) {
        depth -= 1 + level.ifs + level.pows;
        chain -= level.binary;
        levels.pop_back();
      }
    } else if (t == "if") {
      ++level.ifs, ++depth;
    } else if (t == "**") {
      ++level.pows, ++depth;
    } else if (t == "," || t == ";") {
      depth -= level.ifs + level.pows;
      chain -= level.binary;
      level.ifs = level.pows = level.binary = 0;
    } else if (isBinaryOperator(t)) {
      depth -= level.pows;
      level.pows = 0;
      ++level.binary, ++chain;
    }
  }
  afterOperand = endsOperand(t);
  return depth + prefixRun <= kMaxNesting && chain <= kMaxChain;
}
