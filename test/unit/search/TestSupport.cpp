//===- TestSupport.cpp - Compiling .nas files for the search tests --------===//
//
// The tests read artefacts the compiler writes now (build/bin/nasc), not
// checked-in copies, so a compiler change that the runtime does not follow
// fails here.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace nasc_test {

std::string sourceDir() { return NASC_SOURCE_DIR; }
std::string nascBinary() { return std::string(NASC_BINARY_DIR) + "/bin/nasc"; }
std::string nb201Table() { return sourceDir() + "/../shared/data/nb201/nb201_cifar10.csv"; }

/// A directory of this process's own, removed at exit.
std::string tempDir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/nasc-search-tests-XXXXXX";
    if (!mkdtemp(tmpl))
      throw std::runtime_error("mkdtemp failed");
    static char path[sizeof tmpl]; // outlives static destructors, for atexit
    std::copy(tmpl, tmpl + sizeof tmpl, path);
    std::atexit([] {
      std::string cmd = std::string("rm -rf '") + path + "'";
      (void)!std::system(cmd.c_str());
    });
    return std::string(tmpl);
  }();
  return dir;
}

/// Runs `cmd` through the shell; its stdout (stderr too with `merge`).
std::string run(const std::string &cmd, int *status, bool merge) {
  std::string full = cmd + (merge ? " 2>&1" : "");
  FILE *p = popen(full.c_str(), "r");
  if (!p)
    throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  int rc = pclose(p);
  if (status)
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string writeFile(const std::string &name, const std::string &text) {
  std::string path = tempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

/// `nas` compiled to an artefact (once per file and process).
const nasc::runtime::Artefact &compiled(const std::string &nas) {
  static std::map<std::string, std::unique_ptr<nasc::runtime::Artefact>> cache;
  auto it = cache.find(nas);
  if (it != cache.end())
    return *it->second;
  std::string out = tempDir() + "/a" + std::to_string(cache.size()) + ".nasa";
  int status = 0;
  std::string log = run("'" + nascBinary() + "' compile '" + nas + "' --emit=artefact -o '" + out + "'", &status, true);
  if (status != 0)
    throw std::runtime_error("nasc compile " + nas + " failed:\n" + log);
  auto a = std::make_unique<nasc::runtime::Artefact>(nasc::runtime::loadArtefact(out));
  return *cache.emplace(nas, std::move(a)).first->second;
}

} // namespace nasc_test

nasc_test::Nb201::Nb201()
    : art(compiled(sourceDir() + "/examples/nb201_evolution.nas")), search(art.searches().at(0)),
      space(art.space("NB201Evolution.space"), &search),
      table(nasc::search::TableEstimator::fromSetting(space, search["settings"]["estimator"], sourceDir())) {}

double nasc_test::Nb201::valid(const nasc::runtime::Architecture &a) {
  return table->evaluate(a, {}).metrics.at("accuracy");
}

nasc_test::Nb201 &nasc_test::nb201() {
  static Nb201 nb;
  return nb;
}
