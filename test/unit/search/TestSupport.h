//===- TestSupport.h - Compiling .nas files for the search tests ----------===//
#ifndef NASC_TEST_SEARCH_TESTSUPPORT_H
#define NASC_TEST_SEARCH_TESTSUPPORT_H

#include "nasc/runtime/Artefact.h"
#include "nasc/search/TableEstimator.h"

#include <memory>

#include <string>

namespace nasc_test {
std::string sourceDir();
std::string nascBinary();
std::string nb201Table();
/// A directory of this process's own, removed at exit.
std::string tempDir();
/// Runs `cmd` and returns its output (stderr too when `merge`).
std::string run(const std::string &cmd, int *status, bool merge);
std::string writeFile(const std::string &name, const std::string &text);
/// The artefact build/bin/nasc compiles from `nas` (once per file).
const nasc::runtime::Artefact &compiled(const std::string &nas);

/// The NB201Evolution search of examples/nb201_evolution.nas, its space and
/// its table (loaded once per test binary: 0.2 s).
struct Nb201 {
  const nasc::runtime::Artefact &art;
  nasc::runtime::Json search;
  nasc::runtime::Space space;
  std::unique_ptr<nasc::search::TableEstimator> table;
  Nb201();
  /// The table's validation accuracy of `a`.
  double valid(const nasc::runtime::Architecture &a);
};
Nb201 &nb201();
} // namespace nasc_test

#endif
