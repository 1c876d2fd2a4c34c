//===- Internal.h - What libnasc's files share (not installed) -------------===//
#ifndef NASC_API_INTERNAL_H
#define NASC_API_INTERNAL_H

#include "nasc/nasc.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Space.h"
#include "nasc/search/Store.h"
#include "nasc/search/Study.h"

#include <memory>
#include <string>

namespace nasc::api {

/// One compilation: the artefact, and the lowered MLIR module behind an
/// opaque pointer (Compile.cpp), kept for `info`.
struct Compiled {
  struct Module;
  Compiled();
  ~Compiled();
  std::unique_ptr<Module> mlir;
  std::string artefact;
  std::string warnings;
  /// `nasc info --json` of the module (computed once: exact unique counts
  /// can take seconds).
  std::string info();
};

/// Compiles `source` (diagnostics call it `name`; imports resolve from its
/// directory). CompileError with the diagnostics.
std::shared_ptr<Compiled> compile(const std::string &source, const std::string &name, const std::string &stdlib);

/// A decision's domain value as a host reads it (an ID's text typed: an
/// integer, a float, true/false, a list of picked inputs, else a string).
Json valueOfText(const runtime::Decision &d, const std::string &text);

} // namespace nasc::api

namespace nasc {

struct Program::Impl {
  std::shared_ptr<api::Compiled> compiled;
  runtime::Artefact artefact;
};

struct Space::Impl {
  std::shared_ptr<Program::Impl> program;
  Json spaceJson;
  /// The search block (with its hyperparameters) or a study's own.
  std::shared_ptr<Json> search;
  std::unique_ptr<runtime::Space> space;
  std::vector<Decision> decisions;
  std::string name;

  Architecture toHost(const runtime::Architecture &a) const;
  runtime::Architecture fromHost(const Architecture &a) const;
};

} // namespace nasc

#endif // NASC_API_INTERNAL_H
