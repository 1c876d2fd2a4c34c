//===- TestSupport.h - Compiling .nas files for the search tests ----------===//
#ifndef NASC_TEST_SEARCH_TESTSUPPORT_H
#define NASC_TEST_SEARCH_TESTSUPPORT_H

#include "nasc/runtime/Artefact.h"

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
} // namespace nasc_test

#endif
