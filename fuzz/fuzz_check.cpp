//===- fuzz_check.cpp - libFuzzer target: the whole front end (check) -----===//
#include "FrontEnd.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***argv) {
  nasc::fuzz::ensureLargeStack(*argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nasc::fuzz::runFrontEnd(data, size, nasc::fuzz::Stage::Check);
  return 0;
}
