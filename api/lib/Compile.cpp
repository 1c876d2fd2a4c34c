//===- Compile.cpp - The front end as a call: source in, artefact out ------===//
//
// What `nasc compile --emit=artefact` does, with the diagnostics collected
// into the CompileError instead of printed, and the lowered module kept for
// `info` (the exact unique count and cost ranges the runtime does not
// compute). The only file of libnasc that sees MLIR.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

#include "nas/Artefact.h"
#include "nasc/LargeStack.h"
#include "nasc/MLIRGen.h"
#include "nasc/ModuleLoader.h"
#include "nasc/Pipeline.h"
#include "nasc/Sema.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

namespace nasc::api {

struct Compiled::Module {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::mutex infoLock; // info() may be asked from several threads
  std::optional<std::string> info;
};

Compiled::Compiled() = default;
Compiled::~Compiled() = default;

std::shared_ptr<Compiled> compile(const std::string &source, const std::string &name, const std::string &stdlib) {
  auto out = std::make_shared<Compiled>();
  out->mlir = std::make_unique<Compiled::Module>();
  mlir::MLIRContext &context = out->mlir->context;
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::SourceMgrDiagnosticHandler printer(sourceMgr, &context, os);
  unsigned errors = 0, warnings = 0;
  context.getDiagEngine().registerHandler([&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
      ++errors;
    else if (diag.getSeverity() == mlir::DiagnosticSeverity::Warning)
      ++warnings;
    return mlir::failure(); // on to the printer
  });
  bool ok = false;
  // The checker and code generator recurse per expression level: the
  // caller's stack (a Python thread's 8 MiB) is not what the parser's
  // limits were sized for.
  runOnLargeStack([&] {
    ModuleLoader loader(sourceMgr, context, stdlib);
    nasc::Module *main = loader.loadSource(name, source);
    if (main)
      checkProgram(loader.modules(), context);
    if (!main || errors)
      return 1;
    out->mlir->module = mlirGen(context, loader.modules());
    if (!out->mlir->module || mlir::failed(lowerModule(*out->mlir->module)))
      return 1;
    llvm::FailureOr<std::string> artefact = mlir::nas::writeArtefact(*out->mlir->module, name);
    if (mlir::failed(artefact))
      return 1;
    out->artefact = std::move(*artefact);
    ok = true;
    return 0;
  });
  os.flush();
  if (!ok || errors) {
    if (errors)
      diagnostics += std::to_string(errors) + (errors == 1 ? " error" : " errors") +
                     (warnings ? " and " + std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings")
                               : std::string()) +
                     " generated.\n";
    if (diagnostics.empty())
      diagnostics = name + ": error: does not compile\n";
    throw CompileError(diagnostics);
  }
  out->warnings = diagnostics;
  return out;
}

std::string Compiled::info() {
  std::lock_guard<std::mutex> lock(mlir->infoLock);
  if (!mlir->info) {
    std::string text;
    llvm::raw_string_ostream os(text);
    printInfo(*mlir->module, os, /*json=*/true);
    os.flush();
    mlir->info = std::move(text);
  }
  return *mlir->info;
}

} // namespace nasc::api
