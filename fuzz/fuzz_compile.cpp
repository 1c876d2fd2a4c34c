//===- fuzz_compile.cpp - libFuzzer target: lowering to the artefact ------===//
//
// Check, code generation, lowering and the artefact writer. Every artefact
// the compiler writes must pass the runtime's reader: a rejection aborts
// (a crash for libFuzzer), printing the reader's error.
//
//===----------------------------------------------------------------------===//
#include "FrontEnd.h"

#include "nasc/runtime/Artefact.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int *, char ***argv) {
  nasc::fuzz::ensureLargeStack(*argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nasc::fuzz::runFrontEnd(data, size, nasc::fuzz::Stage::Compile, [](const std::string &artefact) {
    try {
      nasc::runtime::parseArtefact(artefact, "compiled.nasa");
    } catch (const nasc::runtime::ArtefactError &e) {
      std::fprintf(stderr, "fuzz_compile: the runtime rejects the compiler's artefact: %s\n", e.what());
      std::abort();
    }
  });
  return 0;
}
