//===- ModuleLoader.h - Loading a .nas file and everything it imports -----===//
#ifndef NASC_MODULELOADER_H
#define NASC_MODULELOADER_H

#include "nasc/AST.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>
#include <vector>

namespace nasc {

/// The largest .nas source nasc reads, the main file or an import (the same
/// as the command line's limit, nasc_cli's kSourceLimit).
constexpr uint64_t kMaxSourceBytes = uint64_t(64) << 20;

/// Owns the source buffers and the ASTs of one compilation: the main file and
/// every file it imports, each loaded once.
class ModuleLoader {
public:
  ModuleLoader(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context, std::string stdlibDir);

  /// Reads, parses and follows the imports of `path`. Returns the main module,
  /// or null if any file could not be read or parsed, or an import is
  /// missing or cyclic (all reported).
  Module *load(llvm::StringRef path);
  /// The same for a source held in memory (the embedding API's
  /// compileSource): `name` is what diagnostics call it; its imports resolve
  /// from the directory `name` is in (the current one for a bare name).
  Module *loadSource(llvm::StringRef name, llvm::StringRef text);

  /// Every loaded module, imports before their importers; the main file last.
  const std::vector<Module *> &modules() const { return ordered; }

  /// The directory `import "std/..."` resolves against.
  static std::string defaultStdlibDir();

private:
  struct Entry {
    std::unique_ptr<Module> module;
    bool inProgress = false;
    bool failed = false;
  };
  /// `text`: the source itself (loadSource); null: read `path`.
  Module *loadFile(const std::string &path, const ImportDecl *importedFrom, const std::string *text = nullptr);
  std::string resolve(const ImportDecl &import, llvm::StringRef fromFile, bool &isStd);

  llvm::SourceMgr &sourceMgr;
  mlir::MLIRContext &context;
  std::string stdlibDir;
  llvm::StringMap<Entry> loaded; // by canonical path
  std::vector<std::string> stack; // canonical paths being loaded
  std::vector<const ImportDecl *> importStack;
  std::vector<Module *> ordered;
  bool anyFailure = false;
};

} // namespace nasc

#endif // NASC_MODULELOADER_H
