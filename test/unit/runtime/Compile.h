//===- Compile.h - Test helper: .nas source to a loaded artefact ----------===//
#ifndef NASC_TEST_RUNTIME_COMPILE_H
#define NASC_TEST_RUNTIME_COMPILE_H

#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Space.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace nasc::test {

/// Compiles `file` (relative to the project root) with the built nasc.
inline runtime::Artefact compileFile(const std::string &file) {
  std::string out = testing::TempDir() + "/" + std::to_string(std::hash<std::string>{}(file)) + ".nasa";
  std::string cmd = std::string(NASC_BINARY_DIR) + "/bin/nasc compile " + NASC_SOURCE_DIR + "/" + file +
                    " --emit=artefact -o " + out;
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("could not compile " + file);
  return runtime::loadArtefact(out);
}

/// Compiles .nas source text (it may import std/...).
inline runtime::Artefact compileSource(const std::string &name, const std::string &source) {
  std::string dir = testing::TempDir() + "/nas-src";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/" + name + ".nas";
  std::ofstream(path) << source;
  std::string out = dir + "/" + name + ".nasa";
  std::string cmd = std::string(NASC_BINARY_DIR) + "/bin/nasc compile " + path + " --emit=artefact -o " + out;
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("could not compile " + path);
  return runtime::loadArtefact(out);
}

/// NAS-Bench-201 at C=4, N=1 in a search `Tiny` (random, 2 evaluations):
/// a real space small enough for unit tests.
inline const char *kTinyNb201 = R"(
import "std/ops";
import "std/search";
import "std/spaces/nb201";
search Tiny {
  space = NasBench201(C=4, N=1);
  strategy = random();
  evaluations = 2;
  maximize accuracy;
}
)";

/// An artefact and the space of its first search.
struct CompiledSpace {
  runtime::Artefact artefact;
  std::unique_ptr<runtime::Space> space;
};

/// kTinyNb201 compiled (as `name`.nas in the test's temporary directory).
inline CompiledSpace tinyNb201(const std::string &name) {
  CompiledSpace c{compileSource(name, kTinyNb201), nullptr};
  c.space = std::make_unique<runtime::Space>(c.artefact.space("Tiny.space"), &c.artefact.searches()[0]);
  return c;
}

} // namespace nasc::test

#endif
