//===- FrontEnd.h - The front end as `nasc check` / `nasc compile` run it ---===//
//
// The input becomes main.nas in the scratch folder and goes through the
// module loader (imports of std/... resolve to the source tree's stdlib/),
// the checker and, for Compile, code generation, lowering and the artefact
// writer, whose output the runtime's reader must accept.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_FUZZ_FRONTEND_H
#define NASC_FUZZ_FRONTEND_H

#include "FuzzSupport.h"

#include "nas/Artefact.h"
#include "nasc/MLIRGen.h"
#include "nasc/ModuleLoader.h"
#include "nasc/Pipeline.h"
#include "nasc/Sema.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

namespace nasc::fuzz {

enum class Stage { Check, Compile };

/// Runs the front end on `data` (on the main thread: LLVMFuzzerInitialize
/// calls ensureLargeStack); `onArtefact` gets the artefact (Compile).
inline void runFrontEnd(const uint8_t *data, size_t size, Stage stage,
                        const std::function<void(const std::string &)> &onArtefact = {}) {
  std::string path = writeScratch("main.nas", data, size);
  [&] {
    mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
    context.printOpOnDiagnostic(false);
    unsigned errors = 0;
    context.getDiagEngine().registerHandler([&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
        ++errors;
      return mlir::success();
    });
    llvm::SourceMgr sourceMgr;
    nasc::ModuleLoader loader(sourceMgr, context, NASC_STDLIB_DIR);
    nasc::Module *main = loader.load(path);
    if (!main)
      return;
    nasc::checkProgram(loader.modules(), context);
    if (errors || stage == Stage::Check)
      return;
    mlir::OwningOpRef<mlir::ModuleOp> module = nasc::mlirGen(context, loader.modules());
    if (!module || mlir::failed(nasc::lowerModule(*module)))
      return;
    llvm::FailureOr<std::string> artefact = mlir::nas::writeArtefact(*module, path);
    if (mlir::succeeded(artefact) && onArtefact)
      onArtefact(*artefact);
  }();
  removeScratch("main.nas");
}

} // namespace nasc::fuzz

#endif // NASC_FUZZ_FRONTEND_H
