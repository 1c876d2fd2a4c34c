//===- LanguageServer.h - `nasc lsp`: the Language Server Protocol --------===//
//
// A language server for .nas files over stdio (JSON-RPC with Content-Length
// framing, LSP 3.17): diagnostics on open and change (what `nasc check`
// reports, plus the shape errors of lowering, with ranges), hover (an op's
// signature and doc comment, a choice's domain and the decisions it becomes,
// a network's exact size), go to definition (templates, ops, constants,
// strategies, choices and nodes, imports) and completion (op and template
// names, an op's named parameters inside its call, decision names).
// docs/lsp.md describes it and how editors attach to it.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_LANGUAGESERVER_H
#define NASC_LANGUAGESERVER_H

#include <istream>
#include <ostream>
#include <string>

namespace nasc {

/// Serves requests read from `in` until `exit` (or end of input); answers
/// and notifications go to `out`. Returns the process's exit status: 0 after
/// shutdown + exit, 1 after exit without shutdown or at end of input.
int runLanguageServer(std::istream &in, std::ostream &out, const std::string &stdlib);

} // namespace nasc

#endif // NASC_LANGUAGESERVER_H
