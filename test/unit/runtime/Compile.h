//===- Compile.h - Test helper: .nas source to a loaded artefact ----------===//
#ifndef NASC_TEST_RUNTIME_COMPILE_H
#define NASC_TEST_RUNTIME_COMPILE_H

#include "nasc/runtime/Artefact.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

} // namespace nasc::test

#endif
