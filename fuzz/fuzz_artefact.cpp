//===- fuzz_artefact.cpp - libFuzzer target: the artefact reader ----------===//
//
// What nasa-check does (parseArtefact, then the summary it prints), then
// what nasc-run does next with an accepted artefact: each search's settings
// and its space as the runtime builds it, a few sampled architectures, their
// IDs read back. Rejections are ArtefactError (or, for a space with nothing
// to sample, the runtime_error that names it); anything else escaping, a
// JSON type error above all, is a hole in the reader's validation.
//
//===----------------------------------------------------------------------===//
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Space.h"
#include "nasc/search/Driver.h"

#include <cstdio>
#include <cstdlib>

using nasc::runtime::Architecture;
using nasc::runtime::Space;

static void exercise(const Space &space) {
  space.discreteSize();
  nasc::runtime::Rng rng(1);
  for (int i = 0; i < 3; ++i) {
    Architecture a;
    try {
      a = space.sample(rng);
    } catch (const std::runtime_error &) { // no architecture meets the requirements
      return;
    }
    std::string id = space.id(a);
    Space::hash(id);
    Architecture back = space.parseId(space.fullId(a));
    if (!(space.canonical(back) == space.canonical(a))) {
      std::fprintf(stderr, "fuzz_artefact: ID '%s' does not read back as the same architecture\n", id.c_str());
      std::abort();
    }
    space.violated(a);
    space.values(a);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nasc::runtime::Artefact artefact;
  try {
    artefact = nasc::runtime::parseArtefact(std::string(reinterpret_cast<const char *>(data), size), "fuzz.nasa");
  } catch (const nasc::runtime::ArtefactError &) {
    return 0;
  }
  // nasa-check's summary.
  for (const auto &s : artefact.spaces())
    (void)s.at("name").get<std::string>(), (void)s.at("nodes").size(), (void)s.at("decisions").size(),
        (void)s.value("size", std::string("?"));
  for (const auto &s : artefact.searches())
    (void)s.at("name").get<std::string>(), (void)s.at("objectives").size();
  // nasc-run: every space alone, and each search's space with its block.
  for (const auto &s : artefact.spaces()) {
    try {
      exercise(Space(s));
    } catch (const nasc::runtime::ArtefactError &) {
    }
  }
  for (const auto &search : artefact.searches()) {
    try {
      nasc::search::SearchDriver::settings(search);
      exercise(Space(artefact.space(search.at("settings").at("space").at("space").get<std::string>()), &search));
    } catch (const nasc::runtime::ArtefactError &) {
    }
  }
  return 0;
}
