//===- Parser.cpp - ANTLR parse tree to the nasc AST ----------------------===//
//
// The only file that includes ANTLR's generated headers. It owns the error
// strategy that turns ANTLR's recovery events into clang-style diagnostics
// ("expected ';'") and the walk that builds the project's own AST.
//
//===----------------------------------------------------------------------===//
#include "nasc/Parser.h"

#include "SourceLimits.h"
#include "nasc/Diagnostics.h"

#include "NasLexer.h"
#include "NasParser.h"
#include "antlr4-runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <array>
#include <cmath>
#include <map>
#include <set>

using namespace nasc;
using nasc_grammar::NasLexer;
using nasc_grammar::NasParser;

namespace {

//===----------------------------------------------------------------------===//
// Syntax errors
//===----------------------------------------------------------------------===//

/// How a token reads in a message: `';'`, `identifier`, `end of file`.
std::string describeTokenType(const antlr4::dfa::Vocabulary &vocab, size_t type) {
  if (type == antlr4::Token::EOF)
    return "end of file";
  switch (type) {
  case NasLexer::ID: return "identifier";
  case NasLexer::INT: return "integer";
  case NasLexer::FLOAT: return "number";
  case NasLexer::DURATION: return "duration";
  case NasLexer::STRING: return "string";
  default: break;
  }
  std::string literal = vocab.getLiteralName(type);
  return literal.empty() ? std::string(vocab.getSymbolicName(type)) : literal;
}

std::string describeToken(antlr4::Token *token) {
  if (token->getType() == antlr4::Token::EOF)
    return "end of file";
  return "'" + token->getText() + "'";
}

/// "';'", "';' or ','", "one of ';', ',', ')'". Expression starts collapse to
/// "an expression" so messages stay short.
std::string describeExpected(const antlr4::dfa::Vocabulary &vocab,
                             const antlr4::misc::IntervalSet &set) {
  std::vector<std::string> names;
  bool expression = set.contains(size_t(NasLexer::INT)) && set.contains(size_t(NasLexer::ID)) &&
                    set.contains(size_t(NasLexer::FLOAT));
  if (expression)
    names.push_back("an expression");
  bool identifier = set.contains(size_t(NasLexer::ID));
  for (size_t type : set.toList()) {
    // Keywords that are also accepted where a name is (parameter and setting
    // names) only clutter "expected identifier".
    std::string literal = vocab.getLiteralName(type);
    if ((identifier || expression) && literal.size() > 2 && std::isalpha(static_cast<unsigned char>(literal[1])) &&
        llvm::is_contained({"'metric'", "'strategy'", "'estimator'", "'dataset'", "'optimizer'", "'cell'",
                            "'block'", "'network'", "'input'", "'output'", "'node'", "'step'", "'log'"},
                           literal))
      continue;
    if (expression && (type == NasLexer::INT || type == NasLexer::ID ||
                       type == NasLexer::FLOAT || type == NasLexer::DURATION ||
                       type == NasLexer::STRING))
      continue;
    std::string name = describeTokenType(vocab, type);
    // Literal tokens that can only start an expression.
    if (expression && (name == "'['" || name == "'('" || name == "'-'" || name == "'!'" ||
                       name == "'if'" || name == "'true'" || name == "'false'"))
      continue;
    names.push_back(name);
  }
  if (names.empty())
    return "something else";
  if (names.size() == 1)
    return names[0];
  if (names.size() == 2)
    return names[0] + " or " + names[1];
  if (names.size() > 6)
    names.resize(6), names.push_back("...");
  return "one of " + llvm::join(names, ", ");
}

/// ANTLR counts columns in code points; diagnostics (and editors) count the
/// bytes of the UTF-8 line. This maps one to the other.
class Columns {
public:
  explicit Columns(llvm::StringRef buffer) : buffer(buffer) {
    lineStarts.push_back(0);
    bool ascii = true;
    for (size_t i = 0; i < buffer.size(); ++i) {
      ascii &= static_cast<unsigned char>(buffer[i]) < 0x80;
      if (buffer[i] == '\n') {
        asciiLine.push_back(ascii);
        lineStarts.push_back(i + 1);
        ascii = true;
      }
    }
    asciiLine.push_back(ascii);
  }

  /// The 1-based byte column of code point `cp` (0-based) on `line` (1-based).
  /// Constant time on ASCII lines; other lines map their code points once,
  /// so a long line costs linear time, not quadratic.
  unsigned byteColumn(size_t line, size_t cp) const {
    if (line == 0 || line > lineStarts.size() || asciiLine[line - 1])
      return cp + 1;
    std::vector<unsigned> &offsets = codePointOffsets[line];
    if (offsets.empty()) {
      size_t start = lineStarts[line - 1];
      size_t pos = start;
      while (pos < buffer.size() && buffer[pos] != '\n') {
        offsets.push_back(pos - start);
        unsigned char c = buffer[pos];
        pos += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
      }
      offsets.push_back(std::min(pos, buffer.size()) - start); // the end of the line
    }
    if (cp < offsets.size())
      return offsets[cp] + 1;
    return offsets.back() + (cp - offsets.size() + 1) + 1;
  }

private:
  llvm::StringRef buffer;
  std::vector<size_t> lineStarts;
  std::vector<bool> asciiLine;
  mutable std::map<size_t, std::vector<unsigned>> codePointOffsets;
};

/// Reports through the diagnostic engine, and only the first error of each
/// line: what ANTLR reports while resynchronising is noise.
class ErrorReporter {
public:
  ErrorReporter(mlir::MLIRContext &context, llvm::StringRef file, const Columns &columns)
      : context(context), file(file), columns(columns) {}

  /// `cp` is ANTLR's 0-based code-point column.
  void report(unsigned line, unsigned cp, const std::string &message) {
    if (!afterBoundary || line == lastLine || errors > kMaxErrors)
      return;
    if (errors == kMaxErrors) {
      ++errors;
      emitError(context, Loc{file, line, columns.byteColumn(line, cp)})
          << "too many syntax errors; stopping here";
      return;
    }
    lastLine = line;
    afterBoundary = false;
    ++errors;
    emitError(context, Loc{file, line, columns.byteColumn(line, cp)}) << message;
  }
  unsigned errorCount() const { return errors; }
  /// A statement ended (or recovery reached a new declaration): errors after
  /// this are new mistakes, not the parser stumbling over the last one.
  void boundary() { afterBoundary = true; }

private:
  static constexpr unsigned kMaxErrors = 20;
  mlir::MLIRContext &context;
  llvm::StringRef file;
  const Columns &columns;
  bool afterBoundary = true;
  unsigned lastLine = 0;
  unsigned errors = 0;
};

/// Where an error that is "after the previous token" should point: just past
/// its last character, as clang does for a missing ';' (0-based code point).
std::pair<unsigned, unsigned> endOf(antlr4::Token *token) {
  std::string text = token->getText();
  unsigned line = token->getLine();
  unsigned cp = token->getCharPositionInLine();
  for (char c : text) {
    if (c == '\n')
      ++line, cp = 0;
    else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) // a code point's first byte
      ++cp;
  }
  return {line, cp};
}

/// Whether `type` is a keyword: a literal token spelled with letters.
bool isKeyword(const antlr4::dfa::Vocabulary &vocab, size_t type) {
  std::string literal = vocab.getLiteralName(type);
  return literal.size() > 2 && std::isalpha(static_cast<unsigned char>(literal[1]));
}

/// The rule call that `ctx` returns to, if it names one.
antlr4::atn::RuleTransition *callOf(const antlr4::atn::ATN &atn, antlr4::RuleContext *ctx) {
  if (ctx->invokingState >= atn.states.size())
    return nullptr;
  antlr4::atn::ATNState *state = atn.states[ctx->invokingState];
  if (state->transitions.size() != 1 ||
      state->transitions[0]->getSerializationType() != antlr4::atn::Transition::RULE)
    return nullptr;
  return static_cast<antlr4::atn::RuleTransition *>(state->transitions[0]);
}

/// Whether every context from `ctx` up is still a call its parent made: a
/// context kept from earlier in the parse may since have been wrapped by a
/// left-recursive rule (`x` becoming the left operand of `x + y`), which
/// leaves it an invoking state that is no rule call.
bool consistent(const antlr4::atn::ATN &atn, antlr4::RuleContext *ctx) {
  for (; ctx && ctx->invokingState != antlr4::atn::ATNState::INVALID_STATE_NUMBER;
       ctx = dynamic_cast<antlr4::RuleContext *>(ctx->parent)) {
    antlr4::atn::RuleTransition *call = callOf(atn, ctx);
    auto *parent = dynamic_cast<antlr4::RuleContext *>(ctx->parent);
    if (!call || !parent || call->ruleIndex != ctx->getRuleIndex() ||
        atn.states[ctx->invokingState]->ruleIndex != parent->getRuleIndex())
      return false;
  }
  return ctx != nullptr;
}

/// Whether a name could stand at token `name`, the tokens from `from` up to
/// it read as they are and the token after it following it, when the parser
/// is at `state` in `ctx` with token `from` next. The ATN is walked through
/// rule calls and returns (`ctx` says where each rule returns to) to every
/// transition on an identifier. Told apart this way, `choice op: [...]` is a
/// keyword used as a name, while `node y =` followed by `output y;` on the
/// next line is a missing expression before a statement.
class NameLookahead {
public:
  /// `as`: what token `name` is read as, an identifier or itself.
  NameLookahead(antlr4::Parser *parser, size_t from, size_t name, size_t as = NasLexer::ID)
      : atn(parser->getATN()), stream(parser->getTokenStream()), from(from), name(name), as(as) {}

  bool fits(antlr4::atn::ATNState *state, antlr4::RuleContext *ctx, size_t at = 0, size_t depth = 0) {
    if (depth > kMaxDepth || visited.size() > kMaxStates || !visited.insert({state->stateNumber, ctx, at}).second)
      return false;
    if (state->getStateType() == antlr4::atn::ATNState::RULE_STOP) {
      // The rule ends: go on where `ctx` says it was called from.
      antlr4::atn::RuleTransition *call = ctx ? callOf(atn, ctx) : nullptr;
      return call && fits(call->followState, dynamic_cast<antlr4::RuleContext *>(ctx->parent), at, depth + 1);
    }
    for (antlr4::atn::Transition *t : state->transitions) {
      if (t->getSerializationType() == antlr4::atn::Transition::RULE) {
        frames.push_back(std::make_unique<antlr4::RuleContext>(ctx, state->stateNumber));
        if (fits(t->target, frames.back().get(), at, depth + 1))
          return true;
      } else if (t->isEpsilon()) {
        if (fits(t->target, ctx, at, depth + 1))
          return true;
      } else if (from + at < name) {
        if (t->matches(type(from + at), antlr4::Token::MIN_USER_TOKEN_TYPE, atn.maxTokenType) &&
            fits(t->target, ctx, at + 1, depth + 1))
          return true;
      } else if (t->matches(as, antlr4::Token::MIN_USER_TOKEN_TYPE, atn.maxTokenType) &&
                 atn.nextTokens(t->target, ctx).contains(type(name + 1))) {
        rule = state->ruleIndex;
        if (ctx && ctx->invokingState < atn.states.size())
          caller = atn.states[ctx->invokingState]->ruleIndex;
        return true;
      }
    }
    return false;
  }

  /// Whether the name that fits is one a declaration introduces (a
  /// constant, op, template, parameter, node, choice...), not a use of one.
  bool declares() const {
    switch (rule) {
    case NasParser::RuleConstDecl: case NasParser::RuleOpDecl: case NasParser::RuleExternDecl:
    case NasParser::RuleMetricDecl: case NasParser::RuleTemplateDecl: case NasParser::RuleStmt:
    case NasParser::RuleChoiceDecl: case NasParser::RuleSearchDecl: case NasParser::RuleSearchItem:
      return true;
    case NasParser::RuleParamName:
      return caller == NasParser::RuleParam;
    default:
      return false;
    }
  }
  /// Whether the name that fits is read in an expression.
  bool reads() const { return rule == NasParser::RulePrimary; }

private:
  size_t type(size_t index) const {
    return stream->get(std::min(index, stream->size() - 1))->getType();
  }

  // Bounds on the walk (the recursion depth, and the states seen): the
  // grammar's closures are far smaller.
  static constexpr size_t kMaxDepth = 1000, kMaxStates = 20000;
  const antlr4::atn::ATN &atn;
  antlr4::TokenStream *stream;
  size_t from, name, as;
  size_t rule = SIZE_MAX, caller = SIZE_MAX; // of the name that fits, and its caller
  std::set<std::tuple<size_t, antlr4::RuleContext *, size_t>> visited;
  std::vector<std::unique_ptr<antlr4::RuleContext>> frames;
};

class NasErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  explicit NasErrorStrategy(ErrorReporter &reporter) : reporter(reporter) {}

  /// Between top-level declarations, skip a stray token to the next
  /// declaration instead of ANTLR's default, which recovers in the `module`
  /// rule (its follow set is only end-of-file) and drops the rest of the file.
  void sync(antlr4::Parser *parser) override {
    if (!inErrorRecoveryMode(parser) && keywordAsName(parser))
      return;
    decisions[decisionCount++ % decisions.size()] = {parser->getState(), parser->getContext(),
                                                     parser->getTokenStream()->index()};
    if (parser->getContext()->getRuleIndex() == NasParser::RuleModule) {
      antlr4::misc::IntervalSet expecting = parser->getExpectedTokens();
      if (expecting.contains(parser->getTokenStream()->LA(1)))
        return;
      reportUnwantedToken(parser);
      consumeUntil(parser, expecting);
      reporter.boundary();
      return;
    }
    DefaultErrorStrategy::sync(parser);
  }

  /// Recovery that skips past a ';' or '}' leaves the broken statement behind.
  void recover(antlr4::Parser *parser, std::exception_ptr e) override {
    antlr4::TokenStream *stream = parser->getTokenStream();
    size_t before = stream->index();
    DefaultErrorStrategy::recover(parser, e);
    for (size_t i = before; i < stream->index(); ++i) {
      std::string text = stream->get(i)->getText();
      if (text == ";" || text == "}")
        reporter.boundary();
    }
  }

  void reportMatch(antlr4::Parser *parser) override {
    DefaultErrorStrategy::reportMatch(parser);
    std::string text = parser->getCurrentToken()->getText();
    if (text == ";" || text == "}")
      reporter.boundary();
  }

  /// A keyword where the parser matches a name: reported, then taken as
  /// the name it was meant to be.
  antlr4::Token *recoverInline(antlr4::Parser *parser) override {
    if (!inErrorRecoveryMode(parser)) {
      if (keywordAsName(parser)) {
        antlr4::Token *name = parser->getCurrentToken();
        parser->consume();
        return name;
      }
      // A decision went the wrong way before the keyword: in `f(1, op)` the
      // ',' was taken for a trailing one (the arguments end there rather
      // than fail). No name fits here any more; ask the last decisions
      // before the keyword. Reported there, ANTLR's recovery goes on quietly.
      size_t next = parser->getTokenStream()->index();
      for (size_t i = 1; i <= std::min(decisionCount, decisions.size()); ++i) {
        const Decision &d = decisions[(decisionCount - i) % decisions.size()];
        if (d.index < next && keywordAsName(parser, d.state, d.ctx, d.index, next)) {
          beginErrorCondition(parser); // the mistake is reported (or was, at its declaration)
          break;
        }
      }
    }
    return DefaultErrorStrategy::recoverInline(parser);
  }

protected:
  /// Never delete a statement's end to make an expression fit: in `x = ;`
  /// ANTLR would drop the ';' and parse the next statement's name as the
  /// value, turning one mistake into two.
  antlr4::Token *singleTokenDeletion(antlr4::Parser *parser) override {
    std::string text = parser->getCurrentToken()->getText();
    if (text == ";" || text == "}")
      return nullptr;
    return DefaultErrorStrategy::singleTokenDeletion(parser);
  }

  void reportNoViableAlternative(antlr4::Parser *parser,
                                 const antlr4::NoViableAltException &e) override {
    antlr4::Token *token = e.getOffendingToken();
    if (reportBadToken(token))
      return;
    // `[1, op]`: the decision at ',' (another element, or the list's end)
    // failed on the keyword after it.
    if (e.getOffendingToken() != e.getStartToken() &&
        keywordAsName(parser, e.getOffendingState(), e.getCtx(), e.getStartToken()->getTokenIndex(),
                      token->getTokenIndex()))
      return;
    at(token, "unexpected " + describeToken(token) +
                  expectedSuffix(parser, e.getExpectedTokens()));
  }

  void reportInputMismatch(antlr4::Parser *parser,
                           const antlr4::InputMismatchException &e) override {
    antlr4::Token *token = e.getOffendingToken();
    if (reportBadToken(token))
      return;
    std::string expected = describeExpected(parser->getVocabulary(), e.getExpectedTokens());
    afterPrevious(parser, "expected " + expected + ", found " + describeToken(token));
    endsStatement(parser, e.getExpectedTokens());
  }

  void reportFailedPredicate(antlr4::Parser *parser,
                             const antlr4::FailedPredicateException &e) override {
    at(e.getOffendingToken(), "unexpected " + describeToken(e.getOffendingToken()));
  }

  void reportUnwantedToken(antlr4::Parser *parser) override {
    if (inErrorRecoveryMode(parser))
      return;
    beginErrorCondition(parser);
    antlr4::Token *token = parser->getCurrentToken();
    if (reportBadToken(token))
      return;
    at(token, "unexpected " + describeToken(token) + expectedSuffix(parser, getExpectedTokens(parser)));
  }

  void reportMissingToken(antlr4::Parser *parser) override {
    if (inErrorRecoveryMode(parser))
      return;
    beginErrorCondition(parser);
    antlr4::Token *token = parser->getCurrentToken();
    if (reportBadToken(token))
      return;
    std::string expected = describeExpected(parser->getVocabulary(), getExpectedTokens(parser));
    afterPrevious(parser, "expected " + expected + ", found " + describeToken(token));
    endsStatement(parser, getExpectedTokens(parser));
  }

private:
  /// `choice op: [1, 2];`: a keyword where a name is expected, followed by
  /// what may follow the name. ANTLR would say "expected identifier, found
  /// 'op'" and then stumble over the rest of the statement; this says what
  /// is wrong and reads the keyword as the name, so that the statement
  /// parses on and the next mistake is reported as itself. A keyword
  /// reported once as a declared name is taken silently where an expression
  /// reads it (`choice op: ...` then `x |> op`): the declaration is the one
  /// mistake.
  ///
  /// The parser is at `state` in `ctx` with token `from` next; the keyword
  /// is token `name` (the same, or a later one when a decision that looks
  /// ahead failed on it).
  bool keywordAsName(antlr4::Parser *parser, size_t state, antlr4::RuleContext *ctx, size_t from,
                     size_t name) {
    antlr4::Token *token = parser->getTokenStream()->get(name);
    auto *writable = dynamic_cast<antlr4::WritableToken *>(token);
    if (!writable || !ctx || state >= parser->getATN().states.size() ||
        !isKeyword(parser->getVocabulary(), token->getType()) || !consistent(parser->getATN(), ctx))
      return false;
    NameLookahead lookahead(parser, from, name);
    if (!lookahead.fits(parser->getATN().states[state], ctx))
      return false;
    if (!lookahead.reads() || !declaredKeywords.count(token->getText()))
      at(token, "'" + token->getText() + "' is a keyword and cannot be used as a name");
    if (lookahead.declares())
      declaredKeywords.insert(token->getText());
    writable->setType(NasLexer::ID);
    return true;
  }

  /// The keyword is the next token. Where it may stand as itself, it is a
  /// name only when what follows it fits a name and does not fit the
  /// keyword: `f(node)`, where `node` would start `node=x`, or
  /// `choice = 3;` in a search, where it would start a choice.
  bool keywordAsName(antlr4::Parser *parser) {
    antlr4::TokenStream *stream = parser->getTokenStream();
    size_t next = stream->index();
    if (!isKeyword(parser->getVocabulary(), stream->LA(1)))
      return false;
    // Most places take no name (a statement's start): say so cheaply.
    antlr4::atn::ATNState *state = parser->getATN().states[parser->getState()];
    const antlr4::misc::IntervalSet &here = parser->getATN().nextTokens(state);
    if (!here.contains(size_t(NasLexer::ID)) &&
        !(here.contains(antlr4::Token::EPSILON) && parser->getExpectedTokens().contains(size_t(NasLexer::ID))))
      return false;
    if (NameLookahead(parser, next, next, stream->LA(1)).fits(state, parser->getContext()))
      return false;
    if (!keywordAsName(parser, parser->getState(), parser->getContext(), next, next))
      return false;
    // Read as a name, the keyword leaves nothing to recover from: what goes
    // wrong next is a mistake of its own (`search network { choice = 3; }`
    // is two).
    reporter.boundary();
    return true;
  }

  /// A missing ';' or '}' ends the statement as far as reporting goes: the
  /// parser goes on as if it were there, so the next mistake is a new one.
  void endsStatement(antlr4::Parser *parser, const antlr4::misc::IntervalSet &expected) {
    const antlr4::dfa::Vocabulary &vocab = parser->getVocabulary();
    for (size_t type : expected.toList())
      if (vocab.getLiteralName(type) == "';'" || vocab.getLiteralName(type) == "'}'") {
        reporter.boundary();
        return;
      }
  }

  std::string expectedSuffix(antlr4::Parser *parser, const antlr4::misc::IntervalSet &set) {
    if (set.isEmpty())
      return "";
    return "; expected " + describeExpected(parser->getVocabulary(), set);
  }

  /// Tokens that are errors of their own, whatever the parser expected.
  bool reportBadToken(antlr4::Token *token) {
    // Lexical mistakes stand alone: what the parser says next on the same
    // line is dropped (one error a line), later lines are new mistakes.
    if (token->getType() == NasLexer::UNKNOWN_CHAR)
      at(token, "invalid character " + describeToken(token));
    else if (token->getType() == NasLexer::UNTERMINATED_STRING)
      at(token, "unterminated string");
    else if (token->getType() == NasLexer::UNTERMINATED_COMMENT)
      at(token, "unterminated comment: '/*' has no closing '*/'");
    else
      return false;
    reporter.boundary();
    return true;
  }

  void at(antlr4::Token *token, const std::string &message) {
    reporter.report(token->getLine(), token->getCharPositionInLine(), message);
  }

  /// A missing token is best shown right after the token before it: the
  /// current token is often on the next line.
  void afterPrevious(antlr4::Parser *parser, const std::string &message) {
    antlr4::TokenStream *stream = parser->getTokenStream();
    antlr4::Token *current = parser->getCurrentToken();
    antlr4::Token *previous = current->getTokenIndex() > 0 ? stream->get(current->getTokenIndex() - 1) : nullptr;
    // Skip hidden tokens (none today, but the stream may carry them).
    if (previous && previous->getLine() != current->getLine() &&
        previous->getType() != antlr4::Token::EOF) {
      auto [line, col] = endOf(previous);
      reporter.report(line, col, message);
      return;
    }
    at(current, message);
  }

  ErrorReporter &reporter;
  /// Keywords reported as the names of declarations.
  std::set<std::string> declaredKeywords;
  /// The last places the parser synchronised before a decision: its state,
  /// context (the parser keeps every context until the parse ends) and
  /// next token.
  struct Decision {
    size_t state = 0;
    antlr4::RuleContext *ctx = nullptr;
    size_t index = SIZE_MAX;
  };
  std::array<Decision, 4> decisions;
  size_t decisionCount = 0;
};

/// The lexer never fails (unknown characters become UNKNOWN_CHAR tokens that
/// the parser reports), but ANTLR still wants a listener to silence stderr.
class SilentListener : public antlr4::BaseErrorListener {
public:
  explicit SilentListener(ErrorReporter &reporter) : reporter(reporter) {}
  void syntaxError(antlr4::Recognizer *, antlr4::Token *, size_t line, size_t col,
                   const std::string &msg, std::exception_ptr) override {
    // Only reached for errors our strategy did not already report.
    reporter.report(line, col, msg);
  }

private:
  ErrorReporter &reporter;
};

//===----------------------------------------------------------------------===//
// Parse tree to AST
//===----------------------------------------------------------------------===//

class ASTBuilder {
public:
  ASTBuilder(llvm::StringRef file, mlir::MLIRContext &context, const Columns &columns)
      : file(file), context(context), columns(columns) {}

  std::unique_ptr<Module> build(NasParser::ModuleContext *ctx) {
    auto module = std::make_unique<Module>();
    module->path = file.str();
    for (auto *top : ctx->topDecl())
      if (DeclPtr decl = buildTopDecl(top))
        module->decls.push_back(std::move(decl));
    return module;
  }

private:
  Loc loc(antlr4::Token *token) const {
    return Loc{file, static_cast<unsigned>(token->getLine()),
               columns.byteColumn(token->getLine(), token->getCharPositionInLine())};
  }
  Loc loc(antlr4::ParserRuleContext *ctx) const { return loc(ctx->getStart()); }
  Loc loc(antlr4::tree::TerminalNode *node) const { return loc(node->getSymbol()); }

  /// The source text of a rule as written (whitespace kept).
  std::string sourceText(antlr4::ParserRuleContext *ctx) const {
    antlr4::CharStream *input = ctx->getStart()->getInputStream();
    size_t start = ctx->getStart()->getStartIndex();
    size_t stop = ctx->getStop()->getStopIndex();
    if (stop < start)
      return ctx->getText();
    return input->getText(antlr4::misc::Interval(start, stop));
  }

  static std::string unquote(const std::string &quoted) {
    std::string out;
    for (size_t i = 1; i + 1 < quoted.size(); ++i) {
      char c = quoted[i];
      if (c == '\\' && i + 2 < quoted.size()) {
        char next = quoted[++i];
        switch (next) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default: out += next; break;
        }
        continue;
      }
      out += c;
    }
    return out;
  }

  /// The first direct child token of `ctx` spelled `spelling` (a keyword or
  /// punctuation of the rule), or the rule's first token.
  static antlr4::Token *childToken(antlr4::ParserRuleContext *ctx, llvm::StringRef spelling) {
    for (antlr4::tree::ParseTree *child : ctx->children)
      if (auto *terminal = dynamic_cast<antlr4::tree::TerminalNode *>(child))
        if (terminal->getText() == spelling)
          return terminal->getSymbol();
    return ctx->getStart();
  }

  std::string text(antlr4::tree::TerminalNode *node) const {
    return node ? node->getText() : std::string();
  }

  // ---- declarations --------------------------------------------------

  DeclPtr buildTopDecl(NasParser::TopDeclContext *ctx) {
    if (auto *d = ctx->importDecl())
      return std::make_unique<ImportDecl>(loc(d), unquote(d->STRING()->getText()),
                                          loc(d->STRING()));
    if (auto *d = ctx->constDecl())
      return buildConst(d);
    if (auto *d = ctx->opDecl())
      return buildOp(d);
    if (auto *d = ctx->externDecl())
      return buildExtern(d);
    if (auto *d = ctx->metricDecl())
      return buildMetric(d);
    if (auto *d = ctx->templateDecl())
      return buildTemplate(d);
    if (auto *d = ctx->searchDecl())
      return buildSearch(d);
    return nullptr;
  }

  std::unique_ptr<ConstDecl> buildConst(NasParser::ConstDeclContext *d) {
    std::optional<TypeRef> type;
    if (d->typeRef())
      type = buildType(d->typeRef());
    return std::make_unique<ConstDecl>(loc(d), text(d->ID()), loc(d->ID()), std::move(type),
                                       buildExpr(d->expr()));
  }

  DeclPtr buildOp(NasParser::OpDeclContext *d) {
    auto op = std::make_unique<OpDecl>(loc(d), text(d->ID()), loc(d->ID()));
    op->params = buildParams(d->paramList());
    op->impl = d->STRING() ? unquote(d->STRING()->getText()) : op->name;
    if (auto *body = d->opBody()) {
      for (auto *item : body->opItem()) {
        if (auto *p = dynamic_cast<NasParser::OpPropertyContext *>(item)) {
          op->properties.push_back({loc(p), text(p->ID()), buildExpr(p->expr())});
        } else if (auto *t = dynamic_cast<NasParser::OpTraitsContext *>(item)) {
          for (auto *id : t->ID())
            op->traits.push_back({loc(id), id->getText()});
        } else if (auto *r = dynamic_cast<NasParser::OpRequireContext *>(item)) {
          op->requires_.push_back(buildRequire(r->requireStmt()));
        }
      }
    }
    return op;
  }

  DeclPtr buildExtern(NasParser::ExternDeclContext *d) {
    ExternDecl::ExternKind kind;
    std::string k = d->kind->getText();
    if (k == "strategy")
      kind = ExternDecl::ExternKind::Strategy;
    else if (k == "estimator")
      kind = ExternDecl::ExternKind::Estimator;
    else if (k == "dataset")
      kind = ExternDecl::ExternKind::Dataset;
    else
      kind = ExternDecl::ExternKind::Optimizer;
    auto decl = std::make_unique<ExternDecl>(loc(d), kind, text(d->ID()), loc(d->ID()));
    decl->params = buildParams(d->paramList());
    decl->impl = d->STRING() ? unquote(d->STRING()->getText()) : decl->name;
    return decl;
  }

  DeclPtr buildMetric(NasParser::MetricDeclContext *d) {
    auto decl = std::make_unique<MetricDecl>(loc(d), text(d->ID()), loc(d->ID()));
    if (d->paramList()) {
      decl->hasParamList = true;
      decl->params = buildParams(d->paramList());
    }
    decl->type = buildType(d->typeRef());
    if (d->direction)
      decl->direction = d->direction->getText() == "maximize" ? MetricDecl::Direction::Maximize
                                                              : MetricDecl::Direction::Minimize;
    return decl;
  }

  DeclPtr buildTemplate(NasParser::TemplateDeclContext *d) {
    std::string k = d->kind->getText();
    auto kind = k == "cell"    ? TemplateDecl::TemplateKind::Cell
                : k == "block" ? TemplateDecl::TemplateKind::Block
                               : TemplateDecl::TemplateKind::Network;
    auto decl = std::make_unique<TemplateDecl>(loc(d), kind, text(d->ID()), loc(d->ID()));
    if (d->paramList())
      decl->params = buildParams(d->paramList());
    for (auto *s : d->stmt())
      if (StmtPtr stmt = buildStmt(s))
        decl->body.push_back(std::move(stmt));
    return decl;
  }

  DeclPtr buildSearch(NasParser::SearchDeclContext *d) {
    auto decl = std::make_unique<SearchDecl>(loc(d), text(d->ID()), loc(d->ID()));
    for (auto *item : d->searchItem()) {
      if (auto *s = dynamic_cast<NasParser::SettingContext *>(item)) {
        decl->settings.push_back({loc(s), s->settingKey()->getText(), loc(s->settingKey()),
                                  buildExpr(s->expr())});
      } else if (auto *o = dynamic_cast<NasParser::ObjectiveContext *>(item)) {
        auto dir = o->dir->getText() == "maximize" ? Objective::Direction::Maximize
                                                   : Objective::Direction::Minimize;
        decl->objectives.push_back({loc(o), dir, buildExpr(o->expr())});
      } else if (auto *r = dynamic_cast<NasParser::SearchRequireContext *>(item)) {
        decl->body.push_back(buildRequire(r->requireStmt()));
      } else if (auto *c = dynamic_cast<NasParser::SearchChoiceContext *>(item)) {
        decl->body.push_back(buildChoice(c->choiceDecl()));
      } else if (auto *c = dynamic_cast<NasParser::SearchConstContext *>(item)) {
        decl->body.push_back(buildConstStmt(c->constDecl()));
      } else if (auto *l = dynamic_cast<NasParser::SearchLetContext *>(item)) {
        decl->body.push_back(std::make_unique<BindingStmt>(Stmt::Kind::Let, loc(l), text(l->ID()),
                                                           loc(l->ID()), buildExpr(l->expr())));
      }
    }
    return decl;
  }

  std::vector<Param> buildParams(NasParser::ParamListContext *ctx) {
    std::vector<Param> params;
    if (!ctx)
      return params;
    for (auto *p : ctx->param()) {
      Param param;
      param.loc = loc(p);
      param.name = p->paramName()->getText();
      param.type = buildType(p->typeRef());
      if (p->expr())
        param.defaultValue = buildExpr(p->expr());
      params.push_back(std::move(param));
    }
    return params;
  }

  TypeRef buildType(NasParser::TypeRefContext *ctx) {
    TypeRef type;
    type.loc = loc(ctx);
    if (auto *n = dynamic_cast<NasParser::NamedTypeContext *>(ctx)) {
      type.kind = TypeRef::Kind::Named;
      type.name = n->getStart()->getText();
    } else if (auto *l = dynamic_cast<NasParser::ListTypeContext *>(ctx)) {
      type.kind = TypeRef::Kind::List;
      type.name = l->getStart()->getText();
    } else if (auto *t = dynamic_cast<NasParser::TensorTypeContext *>(ctx)) {
      type.kind = TypeRef::Kind::Tensor;
      type.name = "tensor";
      for (auto *e : t->expr())
        type.shape.push_back(buildExpr(e));
    }
    return type;
  }

  // ---- statements ----------------------------------------------------

  std::unique_ptr<RequireStmt> buildRequire(NasParser::RequireStmtContext *r) {
    std::string message = r->STRING() ? unquote(r->STRING()->getText()) : "";
    return std::make_unique<RequireStmt>(loc(r), buildExpr(r->expr()), message,
                                         sourceText(r->expr()));
  }

  StmtPtr buildConstStmt(NasParser::ConstDeclContext *d) {
    std::optional<TypeRef> type;
    if (d->typeRef())
      type = buildType(d->typeRef());
    return std::make_unique<BindingStmt>(Stmt::Kind::Const, loc(d), text(d->ID()), loc(d->ID()),
                                         buildExpr(d->expr()), std::move(type));
  }

  StmtPtr buildChoice(NasParser::ChoiceDeclContext *c) {
    Domain domain;
    auto *dctx = c->domain();
    domain.loc = loc(dctx);
    if (auto *s = dynamic_cast<NasParser::SubsetDomainContext *>(dctx)) {
      domain.kind = Domain::Kind::Subset;
      domain.values = buildExpr(s->expr());
    } else if (auto *e = dynamic_cast<NasParser::ExprDomainContext *>(dctx)) {
      if (auto *range = e->rangeTail()) {
        domain.kind = Domain::Kind::Range;
        domain.lo = buildExpr(e->first);
        domain.hi = buildExpr(range->hi);
        if (range->step)
          domain.step = buildExpr(range->step);
        domain.log = range->scale != nullptr;
      } else if (e->inputs) {
        domain.kind = Domain::Kind::Pick;
        domain.count = buildExpr(e->first);
        domain.values = buildExpr(e->inputs);
      } else {
        domain.kind = Domain::Kind::Values;
        domain.values = buildExpr(e->first);
      }
    }
    return std::make_unique<ChoiceStmt>(loc(c), text(c->ID()), loc(c->ID()), std::move(domain));
  }

  StmtPtr buildStmt(NasParser::StmtContext *s) {
    if (auto *i = dynamic_cast<NasParser::InputStmtContext *>(s)) {
      std::optional<TypeRef> type;
      if (i->typeRef())
        type = buildType(i->typeRef());
      return std::make_unique<InputStmt>(loc(i), text(i->ID()), loc(i->ID()), std::move(type));
    }
    if (auto *n = dynamic_cast<NasParser::NodeStmtContext *>(s))
      return std::make_unique<BindingStmt>(Stmt::Kind::Node, loc(n), text(n->ID()), loc(n->ID()),
                                           buildExpr(n->expr()));
    if (auto *l = dynamic_cast<NasParser::LetStmtContext *>(s))
      return std::make_unique<BindingStmt>(Stmt::Kind::Let, loc(l), text(l->ID()), loc(l->ID()),
                                           buildExpr(l->expr()));
    if (auto *c = dynamic_cast<NasParser::ConstStmtContext *>(s))
      return buildConstStmt(c->constDecl());
    if (auto *c = dynamic_cast<NasParser::ChoiceStmtContext *>(s))
      return buildChoice(c->choiceDecl());
    if (auto *r = dynamic_cast<NasParser::RequireStmtAltContext *>(s))
      return buildRequire(r->requireStmt());
    if (auto *o = dynamic_cast<NasParser::OutputStmtContext *>(s))
      return std::make_unique<OutputStmt>(loc(o), buildExpr(o->expr()));
    return nullptr;
  }

  // ---- expressions ---------------------------------------------------

  ExprPtr binary(antlr4::ParserRuleContext *ctx, antlr4::Token *op,
                 NasParser::ExprContext *lhs, NasParser::ExprContext *rhs) {
    return std::make_unique<BinaryExpr>(loc(op), op->getText(), buildExpr(lhs), buildExpr(rhs));
  }

  ExprPtr buildExpr(NasParser::ExprContext *e) {
    if (!e)
      return std::make_unique<IntExpr>(Loc{file, 0, 0}, 0);
    if (auto *p = dynamic_cast<NasParser::PrimaryExprContext *>(e))
      return buildPrimary(p->primary());
    if (auto *c = dynamic_cast<NasParser::CallExprContext *>(e)) {
      std::vector<Arg> args;
      if (c->args())
        for (auto *a : c->args()->arg())
          args.push_back({loc(a), a->paramName() ? a->paramName()->getText() : "", buildExpr(a->expr())});
      // The call's location is its '(' so that chained applications
      // (`conv(16)(x)`) get distinct positions.
      return std::make_unique<CallExpr>(loc(childToken(c, "(")), buildExpr(c->expr()),
                                        std::move(args));
    }
    if (auto *i = dynamic_cast<NasParser::IndexExprContext *>(e))
      return std::make_unique<IndexExpr>(loc(i->expr(1)), buildExpr(i->expr(0)), buildExpr(i->expr(1)));
    if (auto *s = dynamic_cast<NasParser::SharedExprContext *>(e))
      return std::make_unique<SharingExpr>(loc(childToken(s, "shared")), buildExpr(s->expr()), SharingExpr::Mode::Shared,
                                           s->sharingKey()->getText(), loc(s->sharingKey()));
    if (auto *s = dynamic_cast<NasParser::IndependentExprContext *>(e))
      return std::make_unique<SharingExpr>(loc(s->getStop()), buildExpr(s->expr()),
                                           SharingExpr::Mode::Independent, "", loc(s->getStop()));
    if (auto *p = dynamic_cast<NasParser::PowExprContext *>(e))
      return std::make_unique<BinaryExpr>(loc(childToken(p, "**")), "**", buildExpr(p->expr(0)),
                                          buildExpr(p->expr(1)));
    if (auto *u = dynamic_cast<NasParser::UnaryExprContext *>(e))
      return std::make_unique<UnaryExpr>(loc(u->op), u->op->getText(), buildExpr(u->expr()));
    if (auto *m = dynamic_cast<NasParser::MulExprContext *>(e))
      return binary(m, m->op, m->expr(0), m->expr(1));
    if (auto *a = dynamic_cast<NasParser::AddExprContext *>(e))
      return binary(a, a->op, a->expr(0), a->expr(1));
    if (auto *c = dynamic_cast<NasParser::CmpExprContext *>(e))
      return binary(c, c->op, c->expr(0), c->expr(1));
    if (auto *q = dynamic_cast<NasParser::EqExprContext *>(e))
      return binary(q, q->op, q->expr(0), q->expr(1));
    if (auto *a = dynamic_cast<NasParser::AndExprContext *>(e))
      return std::make_unique<BinaryExpr>(loc(childToken(a, "&&")), "&&", buildExpr(a->expr(0)),
                                          buildExpr(a->expr(1)));
    if (auto *o = dynamic_cast<NasParser::OrExprContext *>(e))
      return std::make_unique<BinaryExpr>(loc(childToken(o, "||")), "||", buildExpr(o->expr(0)),
                                          buildExpr(o->expr(1)));
    if (auto *i = dynamic_cast<NasParser::IfExprContext *>(e))
      return std::make_unique<IfExpr>(loc(i), buildExpr(i->expr(0)), buildExpr(i->expr(1)),
                                      buildExpr(i->expr(2)));
    if (auto *p = dynamic_cast<NasParser::PipeExprContext *>(e))
      return std::make_unique<PipeExpr>(loc(p->expr(1)), buildExpr(p->expr(0)), buildExpr(p->expr(1)));
    return std::make_unique<IntExpr>(loc(e), 0);
  }

  ExprPtr buildPrimary(NasParser::PrimaryContext *p) {
    Loc l = loc(p);
    if (auto *i = dynamic_cast<NasParser::IntLitContext *>(p)) {
      std::string digits = i->getText();
      digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
      int64_t value = 0;
      if (llvm::StringRef(digits).getAsInteger(10, value))
        emitError(context, l) << "integer literal '" << i->getText() << "' is too large",
            ++literalErrors;
      return std::make_unique<IntExpr>(l, value);
    }
    if (auto *f = dynamic_cast<NasParser::FloatLitContext *>(p)) {
      std::string digits = f->getText();
      digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
      double value = std::strtod(digits.c_str(), nullptr);
      if (!std::isfinite(value))
        emitError(context, l) << "number '" << f->getText() << "' is out of range",
            ++literalErrors;
      return std::make_unique<FloatExpr>(l, value);
    }
    if (auto *d = dynamic_cast<NasParser::DurationLitContext *>(p)) {
      std::string text = d->getText();
      llvm::StringRef spelling = text;
      size_t unitStart = spelling.find_first_not_of("0123456789_");
      std::string digits = spelling.substr(0, unitStart).str();
      digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
      llvm::StringRef unit = spelling.substr(unitStart);
      double scale = unit == "ms" ? 1e-3 : unit == "s" ? 1 : unit == "min" ? 60 : 3600;
      return std::make_unique<DurationExpr>(l, std::strtod(digits.c_str(), nullptr) * scale,
                                            spelling.str());
    }
    if (auto *s = dynamic_cast<NasParser::StringLitContext *>(p))
      return std::make_unique<StringExpr>(l, unquote(s->getText()));
    if (auto *b = dynamic_cast<NasParser::BoolLitContext *>(p))
      return std::make_unique<BoolExpr>(l, b->getText() == "true");
    if (auto *n = dynamic_cast<NasParser::NameRefContext *>(p))
      return std::make_unique<NameExpr>(l, n->getText());
    if (auto *list = dynamic_cast<NasParser::ListLitContext *>(p)) {
      std::vector<ExprPtr> elements;
      for (auto *e : list->expr())
        elements.push_back(buildExpr(e));
      return std::make_unique<ListExpr>(l, std::move(elements));
    }
    if (auto *paren = dynamic_cast<NasParser::ParenExprContext *>(p))
      return buildExpr(paren->expr());
    return std::make_unique<IntExpr>(l, 0);
  }

  llvm::StringRef file;
  mlir::MLIRContext &context;
  const Columns &columns;

public:
  unsigned literalErrors = 0;
};

} // namespace

std::unique_ptr<Module> nasc::parseModule(llvm::SourceMgr &sourceMgr, unsigned bufferId,
                                          mlir::MLIRContext &context) {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(bufferId);
  llvm::StringRef file = buffer->getBufferIdentifier();
  Columns columns(buffer->getBuffer());
  ErrorReporter reporter(context, file, columns);

  // ANTLR aborts the process on bytes that are not UTF-8: refuse them first.
  if (std::optional<size_t> bad = firstInvalidUtf8(buffer->getBuffer())) {
    llvm::StringRef before = buffer->getBuffer().take_front(*bad);
    size_t lineStart = before.rfind('\n');
    lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
    emitError(context, Loc{file, static_cast<unsigned>(before.count('\n') + 1),
                           static_cast<unsigned>(*bad - lineStart + 1)})
        << llvm::formatv("invalid UTF-8 byte 0x{0:X-2}; .nas sources are UTF-8",
                         static_cast<unsigned char>(buffer->getBuffer()[*bad]));
    return nullptr;
  }

  antlr4::ANTLRInputStream input(buffer->getBufferStart(), buffer->getBufferSize());
  NasLexer lexer(&input);
  lexer.removeErrorListeners();
  SilentListener listener(reporter);
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);

  // The parser, the AST builder and the checker recurse once per nesting
  // level: a nesting limit keeps any input within the stack.
  tokens.fill();
  NestingTracker nesting;
  for (antlr4::Token *token : tokens.getTokens()) {
    if (token->getType() == antlr4::Token::EOF || nesting.next(token->getText()))
      continue;
    Loc at{file, static_cast<unsigned>(token->getLine()),
           columns.byteColumn(token->getLine(), token->getCharPositionInLine())};
    if (nesting.chainTooLong())
      emitError(context, at) << "expression chains more than " << kMaxChain
                             << " binary operators; split it with 'let'";
    else
      emitError(context, at) << "expression nested more than " << kMaxNesting
                             << " levels deep (parentheses, brackets, and chains of 'if', '**' and prefix operators "
                                "each count one); split it with 'let'";
    return nullptr;
  }
  NasParser parser(&tokens);
  parser.removeErrorListeners();

  // Two-stage parsing: the fast SLL prediction parses every correct file;
  // only when it fails does the full LL parse run, with error reporting.
  NasParser::ModuleContext *tree = nullptr;
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    tree = parser.module();
  } catch (antlr4::ParseCancellationException &) {
    tokens.seek(0);
    parser.reset();
    parser.addErrorListener(&listener);
    parser.setErrorHandler(std::make_shared<NasErrorStrategy>(reporter));
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    tree = parser.module();
  }
  if (reporter.errorCount() > 0)
    return nullptr;
  ASTBuilder builder(file, context, columns);
  std::unique_ptr<Module> module = builder.build(tree);
  if (builder.literalErrors > 0)
    return nullptr;
  return module;
}
