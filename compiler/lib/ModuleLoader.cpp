//===- ModuleLoader.cpp ---------------------------------------------------===//
#include "nasc/ModuleLoader.h"
#include "nasc/Diagnostics.h"
#include "nasc/Parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

#ifndef NASC_STDLIB_DIR
#define NASC_STDLIB_DIR "stdlib"
#endif

using namespace nasc;

ModuleLoader::ModuleLoader(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
                           std::string stdlibDir)
    : sourceMgr(sourceMgr), context(context), stdlibDir(std::move(stdlibDir)) {
  if (this->stdlibDir.empty())
    this->stdlibDir = defaultStdlibDir();
}

std::string ModuleLoader::defaultStdlibDir() {
  if (const char *env = std::getenv("NASC_STDLIB"))
    if (*env)
      return env;
  return NASC_STDLIB_DIR;
}

static std::string canonical(llvm::StringRef path) {
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(path, real))
    return std::string(real);
  return path.str();
}

std::string ModuleLoader::resolve(const ImportDecl &import, llvm::StringRef fromFile,
                                  bool &isStd) {
  llvm::StringRef name = import.name;
  llvm::SmallString<256> path;
  isStd = name.starts_with("std/");
  if (isStd) {
    path = stdlibDir;
    llvm::sys::path::append(path, name.drop_front(4));
  } else if (llvm::sys::path::is_absolute(name)) {
    path = name;
  } else {
    path = llvm::sys::path::parent_path(fromFile);
    llvm::sys::path::append(path, name);
  }
  if (!llvm::sys::path::has_extension(path) || llvm::sys::path::extension(path) != ".nas")
    if (!llvm::sys::fs::exists(path))
      path += ".nas";
  return std::string(path);
}

/// "; did you mean 'std/ops'?" when a file next to the missing one has a
/// close name.
static std::string suggestSibling(llvm::StringRef missingPath, llvm::StringRef written) {
  llvm::StringRef dir = llvm::sys::path::parent_path(missingPath);
  std::vector<std::string> stems;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".nas")
      stems.push_back(llvm::sys::path::stem(it->path()).str());
  std::string best = closestName(llvm::sys::path::stem(missingPath), stems);
  if (best.empty())
    return "";
  llvm::StringRef parent = llvm::sys::path::parent_path(written);
  std::string suggestion = parent.empty() ? best : (parent + "/" + best).str();
  return "; did you mean '" + suggestion + "'?";
}

Module *ModuleLoader::load(llvm::StringRef path) {
  Module *main = loadFile(path.str(), nullptr);
  return anyFailure ? nullptr : main;
}

Module *ModuleLoader::loadSource(llvm::StringRef name, llvm::StringRef text) {
  std::string source = text.str();
  Module *main = loadFile(name.str(), nullptr, &source);
  return anyFailure ? nullptr : main;
}

Module *ModuleLoader::loadFile(const std::string &path, const ImportDecl *importedFrom, const std::string *text) {
  std::string key = canonical(path);
  auto it = loaded.find(key);
  if (it != loaded.end()) {
    if (it->second.inProgress) {
      // A cycle: name every file on it, starting where it closes.
      auto start = std::find(stack.begin(), stack.end(), key);
      std::vector<std::string> chain;
      for (auto i = start; i != stack.end(); ++i)
        chain.push_back(llvm::sys::path::filename(*i).str());
      chain.push_back(llvm::sys::path::filename(key).str());
      auto diag = emitError(context, importedFrom->nameLoc)
                  << "import cycle: " << llvm::join(chain, " -> ");
      size_t offset = start - stack.begin();
      for (size_t i = offset + 1; i < importStack.size(); ++i)
        attachNote(diag, context, importStack[i]->nameLoc)
            << "'" << llvm::sys::path::filename(stack[i - 1]) << "' imports '"
            << llvm::sys::path::filename(stack[i]) << "' here";
      anyFailure = true;
      return nullptr;
    }
    return it->second.module.get();
  }

  // Imports are regular files of at most kMaxSourceBytes: reading /dev/zero
  // or a pipe never ends (docs/language.md, "Limits"). The command line
  // checks the main file itself (and takes /dev/null as an empty file).
  llvm::sys::fs::file_status status;
  if (importedFrom && !llvm::sys::fs::status(path, status) && llvm::sys::fs::exists(status)) {
    std::string problem;
    if (!llvm::sys::fs::is_regular_file(status))
      problem = "not a regular file";
    else if (status.getSize() > kMaxSourceBytes)
      problem = "file is larger than the " + std::to_string(kMaxSourceBytes >> 20) + " MiB limit";
    if (!problem.empty()) {
      anyFailure = true;
      emitError(context, importedFrom->nameLoc) << "cannot import '" << importedFrom->name << "' ('" << path
                                                << "'): " << problem;
      return nullptr;
    }
  }
  auto bufferOrErr = text ? llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>>(
                                llvm::MemoryBuffer::getMemBuffer(*text, path, /*RequiresNullTerminator=*/false))
                          : llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!bufferOrErr) {
    anyFailure = true;
    if (importedFrom) {
      emitError(context, importedFrom->nameLoc)
          << "cannot find imported file '" << importedFrom->name << "' (looked for '" << path
          << "')" << suggestSibling(path, importedFrom->name);
    } else {
      llvm::errs() << "nasc: error: cannot read '" << path
                   << "': " << bufferOrErr.getError().message() << "\n";
    }
    return nullptr;
  }
  // The buffer keeps the path as written so diagnostics show what the user typed.
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy((*bufferOrErr)->getBuffer(), path), llvm::SMLoc());

  Entry &entry = loaded[key];
  entry.inProgress = true;
  stack.push_back(key);
  importStack.push_back(importedFrom);

  std::unique_ptr<Module> module = parseModule(sourceMgr, bufferId, context);
  if (!module) {
    anyFailure = true;
  } else {
    for (DeclPtr &decl : module->decls) {
      auto *import = llvm::dyn_cast<ImportDecl>(decl.get());
      if (!import)
        continue;
      bool isStd = false;
      import->resolvedPath = resolve(*import, path, isStd);
      loadFile(import->resolvedPath, import);
    }
  }

  stack.pop_back();
  importStack.pop_back();
  Entry &done = loaded[key];
  done.inProgress = false;
  done.module = std::move(module);
  if (done.module)
    ordered.push_back(done.module.get());
  return done.module.get();
}
