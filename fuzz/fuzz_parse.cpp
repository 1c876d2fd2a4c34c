//===- fuzz_parse.cpp - libFuzzer target: lexer and parser ----------------===//
//
// One buffer through parseModule (UTF-8 and nesting checks, ANTLR lexer and
// parser, AST builder) and the AST dump, on a stack as large as the compiler's.
// Syntax errors are expected; a crash, hang or leak is not.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "nasc/ASTDump.h"
#include "nasc/Parser.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***argv) {
  nasc::fuzz::ensureLargeStack(*argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  [&] {
    mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
    context.getDiagEngine().registerHandler([](mlir::Diagnostic &) { return mlir::success(); });
    llvm::SourceMgr sourceMgr;
    unsigned id = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(reinterpret_cast<const char *>(data), size),
                                             "fuzz.nas"),
        llvm::SMLoc());
    std::unique_ptr<nasc::Module> module = nasc::parseModule(sourceMgr, id, context);
    if (module)
      nasc::dumpAST(*module, llvm::nulls());
  }();
  return 0;
}
