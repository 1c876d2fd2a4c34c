//===- fuzz_lsp.cpp - libFuzzer target: `nasc lsp` on a stream of bytes ---===//
//
// The input is everything an editor could send: Content-Length framing,
// JSON-RPC messages, and the documents inside them, which go through the
// whole front end (check, generation, lowering) as in `nasc lsp`. Seeds
// (scripts/fuzz.sh) are whole sessions over the stdlib and examples.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "nasc/LanguageServer.h"

#include <sstream>

extern "C" int LLVMFuzzerInitialize(int *, char ***argv) {
  nasc::fuzz::ensureLargeStack(*argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char *>(data), size));
  std::ostringstream out;
  nasc::runLanguageServer(in, out, NASC_STDLIB_DIR);
  return 0;
}
