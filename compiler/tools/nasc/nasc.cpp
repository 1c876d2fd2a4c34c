//===- nasc.cpp - The nasc driver -----------------------------------------===//
//
//   nasc check FILE...                 report every mistake, exit 1 if any
//   nasc compile --emit=ast FILE       print the AST with locations
//   nasc viz FILE --format=html -o F   draw the search space
//
//===----------------------------------------------------------------------===//
#include "nas/Artefact.h"
#include "nasc/cli/CommandLine.h"
#include "nasc/ASTDump.h"
#include "nasc/LanguageServer.h"
#include "nasc/LargeStack.h"
#include "nasc/Lint.h"
#include "nasc/MLIRGen.h"
#include "nasc/Pipeline.h"
#include "nasc/ModuleLoader.h"
#include "nasc/Sema.h"
#include "nasc/Viz.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#ifdef __GLIBC__
#include <malloc.h>
#include <sys/mman.h>
#endif
#include <unistd.h>

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <iostream>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace nasc;

namespace {

const char *kUsage = R"(usage: nasc <command> [options] FILE...

commands:
  check FILE...          check each file and everything it imports; print every
                         mistake clang-style and exit 1 if there was an error
  compile FILE           compile one file; --emit chooses what to print
      --emit=ast         the abstract syntax tree, one node per line with <line:col>
      --emit=mlir        the nas dialect as generated from the source
      --emit=mlir-lowered  one flat nas.space per network: templates inlined,
                         repetitions unrolled, decisions named by owner, exact size
      --emit=artefact    the compiled search the runtime reads (docs/artefact.md);
                         the default when -o FILE.nasa is given
      --arch ID          with mlir-lowered or artefact: only the choice-free
                         network of that architecture (see info --arch)
      -o FILE            write the output to FILE instead of stdout
  lint FILE [--disable=NAME,...]
                         everything check reports, and warnings that help authors:
                         unused-definition, duplicate-alternative, always-true,
                         budget, darts-collapse, objective-conflict
  info FILE [--json]     every space: its decisions, their domains, its exact size,
                         unique architectures, parameter and FLOP ranges
      --arch ID          instead, one architecture: its canonical ID, hash,
                         parameters and multiply-accumulates (repeatable)
      --archs FILE       the same for every ID in FILE, one a line
      --space NAME       which space the IDs are of (when there are several)
  search FILE [options]  compile FILE and run its search with the LibTorch runtime
                         (nasc-run search, whose --help lists what it takes:
                         --strategy, --budget, --seed, --out DIR, --resume, ...)
  train FILE --arch ID   compile FILE and train one architecture standalone
  supernet FILE [--search S]
                         how the search's space shares weights: per layer place,
                         elastic (one tensor sliced per path, Once-for-All) or one
                         module per configuration, and each supernet mode's
                         parameter count (builds them with the LibTorch runtime)
  latency-table FILE -o TABLE.json [--device D] [--latency-batch N] [--search S]
                         measure every op configuration of the search's space on
                         this machine: the lookup table of hardware-aware search
                         (fbnet's and proxyless's `latency`)
      --fit FILE.csv --fit-device D
                         instead, fit per-op latencies to the whole networks'
                         latencies of device D in FILE (NAS-Bench-201's
                         nb201_latency_ms.csv: pixel3, raspi4, fpga, ...)
  export RUN_OR_FILE --format onnx -o NET.onnx [--arch ID] [--weights W.pt] [--batch N|dynamic]
                         one architecture with its trained weights (a run folder:
                         the best unless --arch; a .nas file: freshly initialized,
                         --seed) as an ONNX model, opset 13 (docs/export.md)
  report OUT -o F.html [--storage URI]
                         a search's run folder as one offline page: search curve,
                         Pareto front, decision marginals, one-shot epochs, the
                         best architecture drawn, every evaluation (sortable)
  lsp [--stdlib DIR]     a language server for editors on stdin/stdout (LSP:
                         diagnostics, hover, go to definition, completion)
  viz FILE               draw the space: each cell or block as its DAG with the
                         decisions on its edges, each network as its layers and
                         template instances (sharing key, repetitions)
      --format=dot       Graphviz DOT text (the default)
      --format=svg       SVG, rendered by Graphviz's 'dot' (must be on PATH)
      --format=html      a self-contained page: the SVG inline, with a legend
      -o FILE            write there instead of to stdout

options:
  --stdlib DIR           where `import "std/..."` looks (default: $NASC_STDLIB,
                         else the stdlib/ this nasc was built with)
  --verify-diagnostics   check the diagnostics against `expected-error {{...}}`
                         (and -warning, -note) comments in the sources instead of
                         printing them; exit 1 on any mismatch
  -h, --help             print this help

Options with a value take it as --option=VALUE or --option VALUE.
Sources are read up to 64 MiB; an empty file is checked with a warning.
)";

struct Options {
  std::string command;
  std::vector<std::string> files;
  std::string emit;
  std::string stdlib;
  bool verify = false;
  bool json = false;
  std::vector<std::string> archs; // info --arch / --archs
  std::set<std::string> disabled; // lint --disable=NAME,...
  std::string space;              // info --space
  std::string format; // viz
  std::string output; // viz -o
};

int usageError(const std::string &message) {
  llvm::errs() << "nasc: error: " << message << "\n" << "run 'nasc --help' for usage\n";
  return 2;
}

/// Counts what passes through and lets the next handler print it.
struct DiagnosticCounts {
  unsigned errors = 0, warnings = 0;
};

/// Reads `file` once with the source size limit before the loader does, so
/// /dev/zero or a 10 GB file is refused instead of read until memory runs
/// out. Returns the path the loader should read: `file`, or /dev/null for an
/// empty pipe or device (whose bytes are gone once read); nullopt after
/// printing the error.
std::optional<std::string> preflight(const std::string &file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0)
    return file; // the loader says it cannot read it, as before
  try {
    if (S_ISREG(st.st_mode)) {
      if (uint64_t(st.st_size) > cli::kSourceLimit)
        throw cli::InputError(file, "file is larger than the " + cli::describeLimit(cli::kSourceLimit) + " limit");
      return file;
    }
    if (cli::readFileLimited(file, cli::kSourceLimit).empty())
      return std::string("/dev/null");
  } catch (const cli::InputError &e) {
    llvm::errs() << file << ": error: " << e.reason() << "\n";
    return std::nullopt;
  }
  llvm::errs() << file << ": error: not a regular file (a pipe or a device); nasc reads sources from files\n";
  return std::nullopt;
}

/// Loads, checks and (for compile) emits one file. Returns the exit status.
int runOnFile(const Options &options, const std::string &file) {
  std::optional<std::string> readable = preflight(file);
  if (!readable)
    return 1;
  mlir::MLIRContext context;
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  DiagnosticCounts counts;

  // In verify mode every diagnostic is held back until all sources are in
  // the SourceMgr: the verifier reads expected-* comments of the buffers it
  // sees when it is created, imported files included.
  std::vector<mlir::Diagnostic> held;
  std::unique_ptr<mlir::SourceMgrDiagnosticHandler> printer;
  mlir::DiagnosticEngine::HandlerID holdId = 0;
  if (options.verify) {
    holdId = context.getDiagEngine().registerHandler([&](mlir::Diagnostic &diag) {
      held.push_back(std::move(diag));
      return mlir::success();
    });
  } else {
    printer = std::make_unique<mlir::SourceMgrDiagnosticHandler>(sourceMgr, &context);
  }
  auto countId = context.getDiagEngine().registerHandler([&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
      ++counts.errors;
    else if (diag.getSeverity() == mlir::DiagnosticSeverity::Warning)
      ++counts.warnings;
    return mlir::failure(); // pass it on
  });

  ModuleLoader loader(sourceMgr, context, options.stdlib);
  Module *main = loader.load(*readable);
  if (main)
    checkProgram(loader.modules(), context);
  // An empty file (or /dev/null) is a valid program with nothing in it:
  // most likely a mistake, so say so.
  if (main && main->decls.empty() && !options.verify)
    llvm::errs() << file << ": warning: the file declares nothing\n";

  if (options.verify) {
    context.getDiagEngine().eraseHandler(countId);
    context.getDiagEngine().eraseHandler(holdId);
    if (sourceMgr.getNumBuffers() == 0) {
      llvm::errs() << "nasc: error: cannot verify diagnostics of '" << file
                   << "': it could not be read\n";
      return 1;
    }
    mlir::SourceMgrDiagnosticVerifierHandler verifier(sourceMgr, &context);
    for (mlir::Diagnostic &diag : held)
      context.getDiagEngine().emit(std::move(diag));
    return mlir::failed(verifier.verify()) ? 1 : 0;
  }

  if (counts.errors > 0) {
    llvm::errs() << counts.errors << (counts.errors == 1 ? " error" : " errors");
    if (counts.warnings)
      llvm::errs() << " and " << counts.warnings
                   << (counts.warnings == 1 ? " warning" : " warnings");
    llvm::errs() << " generated.\n";
    return 1;
  }
  if (!main)
    return 1;
  // Output goes to -o FILE (removed again if writing fails) or stdout.
  auto write = [&](llvm::function_ref<bool(llvm::raw_ostream &)> fn) {
    std::error_code ec;
    llvm::ToolOutputFile out(options.output.empty() ? "-" : options.output, ec, llvm::sys::fs::OF_None);
    if (ec) {
      llvm::errs() << "nasc: error: cannot write '" << options.output << "': " << ec.message() << "\n";
      return 1;
    }
    if (!fn(out.os()))
      return 1;
    out.keep();
    return 0;
  };
  if (options.command == "compile" && options.emit == "ast")
    return write([&](llvm::raw_ostream &os) {
      dumpAST(*main, os);
      return true;
    });
  bool needsIR = options.command == "info" || options.command == "viz" || options.command == "lint" ||
                 (options.command == "compile" && options.emit != "ast");
  if (!needsIR)
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlirGen(context, loader.modules());
  if (!module)
    return 1;
  bool lowered = options.command == "info" || options.command == "lint" || options.emit == "mlir-lowered" ||
                 options.emit == "artefact";
  if (lowered && mlir::failed(lowerModule(*module, /*mergeAlternatives=*/options.command != "lint")))
    return 1;
  if (options.command == "compile" && !options.archs.empty() && mlir::failed(fixModule(*module, options.space, options.archs.front())))
    return 1;
  if (options.command == "lint") {
    unsigned warnings = lintProgram(loader.modules(), *main, *module, options.disabled, context);
    if (warnings)
      llvm::errs() << warnings << (warnings == 1 ? " warning" : " warnings") << " generated.\n";
    return 0;
  }
  if (options.command == "info") {
    if (!options.archs.empty())
      return mlir::succeeded(printArchitectures(*module, options.space, options.archs, llvm::outs())) ? 0 : 1;
    printInfo(*module, llvm::outs(), options.json);
    return 0;
  }
  if (options.command == "viz") {
    // A ToolOutputFile deletes a half-written -o file on failure.
    std::error_code ec;
    llvm::ToolOutputFile out(options.output.empty() ? "-" : options.output, ec, llvm::sys::fs::OF_None);
    if (ec) {
      llvm::errs() << "nasc: error: cannot write '" << options.output << "': " << ec.message() << "\n";
      return 1;
    }
    llvm::StringRef name = llvm::sys::path::filename(file);
    if (llvm::Error err = writeViz(*module, *parseVizFormat(options.format), name, out.os())) {
      llvm::errs() << "nasc: error: " << llvm::toString(std::move(err)) << "\n";
      return 1;
    }
    out.keep();
    return 0;
  }
  if (options.emit == "artefact") {
    llvm::FailureOr<std::string> artefact = mlir::nas::writeArtefact(*module, file);
    if (mlir::failed(artefact))
      return 1;
    return write([&](llvm::raw_ostream &os) {
      os << *artefact;
      return true;
    });
  }
  return write([&](llvm::raw_ostream &os) {
    module->print(os);
    os << "\n";
    return true;
  });
}

} // namespace

/// Compiles `source` into the artefact `output` (removed again on failure).
int compileArtefact(const std::string &source, const std::string &stdlib, const std::string &output) {
  Options compile;
  compile.command = "compile";
  compile.emit = "artefact";
  compile.stdlib = stdlib;
  compile.output = output;
  int status = runOnFile(compile, source);
  if (status)
    llvm::sys::fs::remove(output);
  return status;
}

/// nasc-run, beside this binary.
std::string runtimePath(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, (void *)&usageError);
  llvm::SmallString<256> runtime(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(runtime, "nasc-run");
  return runtime.str().str();
}

/// The arguments of a command that compiles one .nas file and hands the
/// rest to nasc-run: the file (the first argument that is not a flag or a
/// flag's value), --stdlib, the flags in `withValue` with their values (as
/// given: --flag value or --flag=value), and every other argument.
struct CompileArgs {
  std::string source, stdlib;
  std::vector<std::pair<std::string, std::string>> valued; // in order
  std::vector<std::string> others;
  std::optional<std::string> error; // a flag without its value
  /// The valued flags as nasc-run reads them: flag, value, flag, value...
  std::vector<std::string> flags() const {
    std::vector<std::string> out;
    for (const auto &[f, x] : valued)
      out.insert(out.end(), {f, x});
    return out;
  }
  /// The value of the last `flag` given, if any.
  std::optional<std::string> value(const std::string &flag) const {
    std::optional<std::string> v;
    for (const auto &[f, x] : valued)
      if (f == flag)
        v = x;
    return v;
  }
};

CompileArgs splitCompileArgs(const std::vector<std::string> &args, const std::set<std::string> &withValue) {
  CompileArgs out;
  for (size_t i = 1; i < args.size(); ++i) {
    cli::SplitArg split = cli::splitFlag(args[i]);
    if (withValue.count(split.flag) || split.flag == "--stdlib") {
      if (!split.value && i + 1 >= args.size()) {
        out.error = split.flag + " needs a value";
        return out;
      }
      std::string value = split.value ? *split.value : args[++i];
      if (split.flag == "--stdlib")
        out.stdlib = value;
      else
        out.valued.emplace_back(split.flag, value);
    } else if (out.source.empty() && !args[i].empty() && args[i][0] != '-') {
      out.source = args[i];
    } else {
      out.others.push_back(args[i]);
    }
  }
  return out;
}

/// `nasc search|train FILE.nas ...`: compiles FILE for OUT/space.nasa and
/// hands over to nasc-run (beside this binary), which links LibTorch.
int runRuntime(const char *argv0, std::vector<std::string> args) {
  // nasc-run's options that take a value (as --flag value or --flag=value):
  // their values are not the source file. nasc-run checks the values.
  static const std::set<std::string> withValue = {"--search", "--strategy", "--estimator", "--budget",
                                                  "--seed",   "--time-limit", "--epochs",  "--out",
                                                  "--source", "--arch",     "--device",    "--latency-batch",
                                                  "--latency-threads", "--stdlib",  "--workers", "--data-parallel", "--storage"};
  CompileArgs parsed = splitCompileArgs(args, withValue);
  if (parsed.error)
    return usageError(*parsed.error);
  const std::string &source = parsed.source, &stdlib = parsed.stdlib;
  // What goes on to nasc-run: every argument but the source and --stdlib.
  std::vector<std::string> rest = parsed.flags();
  rest.insert(rest.end(), parsed.others.begin(), parsed.others.end());
  bool hasOut = parsed.value("--out").has_value();
  std::string out = parsed.value("--out").value_or("");
  if (source.empty())
    return usageError("'" + args[0] + "' needs a .nas file");
  if (out.empty())
    out = "nasc-out/" + llvm::sys::path::stem(source).str();
  if (std::error_code ec = llvm::sys::fs::create_directories(out)) {
    llvm::errs() << "nasc: error: cannot create '" << out << "': " << ec.message() << "\n";
    return 1;
  }
  // The run folder's artefact belongs to its store: compiled here under a
  // name of this process's own, it replaces OUT/space.nasa only once
  // nasc-run has taken the folder (--install-artefact). A search refused
  // there (the folder in use, a store and no --resume, a resume of another
  // space or seed) removes it and leaves the folder as it was.
  std::string artefact = out + "/space.nasa";
  std::string temporary = artefact + "." + std::to_string(getpid()) + ".new";
  if (int status = compileArtefact(source, stdlib, temporary))
    return status;
  std::vector<std::string> forwarded{runtimePath(argv0), args[0], temporary, "--source", source,
                                     "--install-artefact", artefact};
  forwarded.insert(forwarded.end(), rest.begin(), rest.end());
  if (!hasOut)
    forwarded.insert(forwarded.end(), {"--out", out});
  std::vector<char *> argvOut;
  for (std::string &a : forwarded)
    argvOut.push_back(a.data());
  argvOut.push_back(nullptr);
  llvm::outs().flush();
  execv(argvOut[0], argvOut.data());
  int error = errno;
  llvm::sys::fs::remove(temporary);
  llvm::errs() << "nasc: error: cannot run the runtime '" << argvOut[0] << "': " << strerror(error)
               << " (build the nasc-run target)\n";
  return 1;
}

/// Runs nasc-run with `args` (args[0]: its path) and waits; removes
/// `temporary` (if not empty) afterwards. The runtime's exit status, or 1
/// when it cannot be started.
int runRuntimeAndWait(const std::vector<std::string> &args, const std::string &temporary) {
  std::vector<llvm::StringRef> argvOut(args.begin(), args.end());
  llvm::outs().flush();
  std::string error;
  int status = llvm::sys::ExecuteAndWait(args[0], argvOut, std::nullopt, {}, 0, 0, &error);
  if (!temporary.empty())
    llvm::sys::fs::remove(temporary);
  if (status < 0) {
    llvm::errs() << "nasc: error: cannot run the runtime '" << args[0] << "': " << error
                 << " (build the nasc-run target)\n";
    return 1;
  }
  return status;
}

/// `nasc latency-table FILE.nas -o TABLE.json ...`: compiles FILE into a
/// temporary artefact, runs `nasc-run latency-table` on it, removes it.
int runLatencyTable(const char *argv0, std::vector<std::string> args) {
  static const std::set<std::string> withValue = {"--search", "--device",     "--latency-batch", "--latency-threads", "--stdlib",
                                                  "-o",       "--out",        "--fit",           "--fit-device"};
  CompileArgs parsed = splitCompileArgs(args, withValue);
  if (parsed.error)
    return usageError(*parsed.error);
  const std::string &source = parsed.source, &stdlib = parsed.stdlib;
  std::string output;
  std::vector<std::string> rest;
  for (const auto &[flag, value] : parsed.valued)
    if (flag == "-o" || flag == "--out")
      output = value;
    else
      rest.insert(rest.end(), {flag, value});
  rest.insert(rest.end(), parsed.others.begin(), parsed.others.end());
  if (source.empty())
    return usageError("'latency-table' needs a .nas file");
  if (output.empty())
    return usageError("'latency-table' needs -o FILE (where the table goes)");
  std::string temporary = output + "." + std::to_string(getpid()) + ".nasa";
  if (int status = compileArtefact(source, stdlib, temporary))
    return status;
  std::vector<std::string> forwarded{runtimePath(argv0), "latency-table", temporary, "--source", source,
                                     "--out", output};
  forwarded.insert(forwarded.end(), rest.begin(), rest.end());
  return runRuntimeAndWait(forwarded, temporary);
}

/// `nasc supernet FILE.nas [--search S]`: compiles FILE into a temporary
/// artefact and runs `nasc-run supernet` on it (how the space shares
/// weights in each supernet mode).
int runSupernet(const char *argv0, std::vector<std::string> args) {
  CompileArgs parsed = splitCompileArgs(args, {"--search"});
  if (parsed.error)
    return usageError(*parsed.error);
  if (!parsed.others.empty())
    return usageError("'supernet' takes FILE.nas [--search NAME], not '" + parsed.others[0] + "'");
  const std::string &source = parsed.source, &stdlib = parsed.stdlib;
  std::vector<std::string> rest = parsed.flags();
  if (source.empty())
    return usageError("'supernet' needs a .nas file");
  std::string temporary = std::filesystem::temp_directory_path().string() + "/nasc-supernet-" +
                          std::to_string(getpid()) + ".nasa";
  if (int status = compileArtefact(source, stdlib, temporary))
    return status;
  std::vector<std::string> forwarded{runtimePath(argv0), "supernet", temporary, "--source", source};
  forwarded.insert(forwarded.end(), rest.begin(), rest.end());
  return runRuntimeAndWait(forwarded, temporary);
}

/// `nasc export RUN_OR_FILE [--arch ID] --format onnx -o NET.onnx ...`: a
/// run folder goes to nasc-run as it is (its artefact, best and weights); a
/// .nas file is compiled into a temporary artefact first (docs/export.md).
int runExport(const char *argv0, std::vector<std::string> args) {
  static const std::set<std::string> withValue = {"--arch", "--format", "-o", "--weights", "--search",
                                                  "--batch", "--seed", "--stdlib", "--reference-input",
                                                  "--reference-output", "--storage"};
  CompileArgs parsed = splitCompileArgs(args, withValue);
  if (parsed.error)
    return usageError(*parsed.error);
  if (!parsed.others.empty())
    return usageError("unexpected argument '" + parsed.others[0] + "' for export");
  const std::string &source = parsed.source, &stdlib = parsed.stdlib;
  std::vector<std::string> rest = parsed.flags();
  if (source.empty())
    return usageError("'export' needs a run folder or a .nas file");
  std::string temporary;
  std::string target = source;
  if (!llvm::sys::fs::is_directory(source)) {
    llvm::SmallString<128> path;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile("nasc-export", "nasa", path)) {
      llvm::errs() << "nasc: error: cannot make a temporary file: " << ec.message() << "\n";
      return 1;
    }
    temporary = path.str().str();
    if (int status = compileArtefact(source, stdlib, temporary))
      return status;
    target = temporary;
  }
  std::vector<std::string> forwarded{runtimePath(argv0), "export", target};
  forwarded.insert(forwarded.end(), rest.begin(), rest.end());
  return runRuntimeAndWait(forwarded, temporary);
}

/// `nasc report OUT -o FILE.html`: draws OUT/best.nas (nasc viz, SVG,
/// needs Graphviz's dot) into a temporary file and runs `nasc-run report`,
/// which reads the store and writes the page (docs/report.md).
int runReport(const char *argv0, std::vector<std::string> args) {
  std::string dir, output, stdlib, storage;
  for (size_t i = 1; i < args.size(); ++i) {
    cli::SplitArg split = cli::splitFlag(args[i]);
    if (split.flag == "-o" || split.flag == "--stdlib" || split.flag == "--storage") {
      if (!split.value && i + 1 >= args.size())
        return usageError(split.flag + " needs a value");
      (split.flag == "-o" ? output : split.flag == "--stdlib" ? stdlib : storage) =
          split.value ? *split.value : args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      return usageError("unknown option '" + args[i] +
                        "' for report (it takes OUT_DIR -o FILE.html [--storage URI] [--stdlib DIR])");
    } else if (dir.empty()) {
      dir = args[i];
    } else {
      return usageError("'report' takes one run folder");
    }
  }
  if (dir.empty())
    return usageError("'report' needs a run folder (the --out of nasc search)");
  if (output.empty())
    return usageError("'report' needs -o FILE.html");
  std::vector<std::string> forwarded{runtimePath(argv0), "report", dir, "-o", output};
  if (!storage.empty())
    forwarded.insert(forwarded.end(), {"--storage", storage});
  llvm::SmallString<256> best(dir);
  llvm::sys::path::append(best, "best.nas");
  std::string drawing = output + "." + std::to_string(getpid()) + ".svg";
  if (!llvm::sys::fs::exists(best)) {
    forwarded.insert(forwarded.end(), {"--drawing-note", "no best.nas in the run folder (nothing met the constraints yet, or the search has not finished)"});
  } else if (!llvm::sys::findProgramByName("dot")) {
    forwarded.insert(forwarded.end(), {"--drawing-note", "not drawn: Graphviz's dot is not installed (apt-get install graphviz)"});
  } else {
    Options viz;
    viz.command = "viz";
    viz.format = "svg";
    viz.output = drawing;
    viz.stdlib = stdlib;
    if (runOnFile(viz, best.str().str()) == 0)
      forwarded.insert(forwarded.end(), {"--drawing", drawing});
    else
      forwarded.insert(forwarded.end(), {"--drawing-note", "best.nas could not be drawn (see the messages above)"});
  }
  return runRuntimeAndWait(forwarded, drawing);
}

#ifdef __GLIBC__
/// A 10,000-line space allocates ~100 MB in small pieces; a fifth of the
/// compile went to page faults. The heap is grown once by 256 MB of address
/// space (nothing is touched, so nothing is used yet) and that range is
/// marked for transparent huge pages, as glibc's malloc.hugetlb=1 tunable
/// would: one fault per 2 MB instead of per 4 KB (10,000 lines: ~1.0 s ->
/// ~0.8 s). Where THP is off the advice is ignored.
void adviseHugePageHeap() {
  constexpr size_t kHuge = 2 << 20, kReserve = 256 << 20;
  mallopt(M_TOP_PAD, kReserve);
  // More than the heap has left, and not served by mmap: malloc must grow
  // the heap, by the pad.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  void *probe = malloc(4 << 20);
  mallopt(M_MMAP_THRESHOLD, 128 << 10);
  char *top = static_cast<char *>(sbrk(0));
  char *start = reinterpret_cast<char *>((reinterpret_cast<uintptr_t>(probe) + kHuge - 1) & ~(kHuge - 1));
  if (top > start)
    madvise(start, size_t(top - start) & ~(kHuge - 1), MADV_HUGEPAGE);
  free(probe);
}
#endif

static int runCommand(int argc, char **argv);

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // A compile allocates in many small pieces and frees most of it between
  // phases (the parse tree before lowering): keep freed memory instead of
  // giving it back to the kernel and faulting it in again.
#ifdef __GLIBC__
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  adviseHugePageHeap();
  mallopt(M_TOP_PAD, 16 << 20);
#endif
  // Checking and lowering recurse once per level of a source's expressions
  // (within the parser's limits): run them on a stack sized for that.
  return nasc::runOnLargeStack([&] { return runCommand(argc, argv); });
}

static int runCommand(int argc, char **argv) {
  Options options;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return usageError("no command given");
  if (args[0] == "search" || args[0] == "train")
    return runRuntime(argv[0], args);
  if (args[0] == "latency-table")
    return runLatencyTable(argv[0], args);
  if (args[0] == "supernet")
    return runSupernet(argv[0], args);
  if (args[0] == "report")
    return runReport(argv[0], args);
  if (args[0] == "export")
    return runExport(argv[0], args);
  if (args[0] == "lsp") { // a language server on stdin/stdout (docs/lsp.md)
    std::string stdlib;
    for (size_t i = 1; i < args.size(); ++i) {
      cli::SplitArg split = cli::splitFlag(args[i]);
      if (split.flag == "--stdlib" && (split.value || i + 1 < args.size()))
        stdlib = split.value ? *split.value : args[++i];
      else if (split.flag != "--stdio") // what editors pass to say the transport
        return usageError("'lsp' takes only --stdlib DIR (and --stdio)");
    }
    return runLanguageServer(std::cin, std::cout, stdlib);
  }
  cli::ArgReader reader(args);
  try {
    while (!reader.done()) {
      const std::string arg = reader.next();
      if (arg == "-h" || arg == "--help") {
        llvm::outs() << kUsage;
        return 0;
      }
      if (arg == "--verify-diagnostics" || arg == "--json") {
        if (reader.hasInlineValue())
          return usageError(arg + " takes no value");
        (arg == "--json" ? options.json : options.verify) = true;
      } else if (arg == "--disable") {
        llvm::SmallVector<llvm::StringRef> names;
        std::string list = reader.value();
        llvm::StringRef(list).split(names, ',', -1, false);
        for (llvm::StringRef name : names) {
          if (!llvm::is_contained(lintWarningNames(), name.str()))
            return usageError("unknown warning '" + name.str() + "' in --disable; the warnings are " +
                              llvm::join(lintWarningNames(), ", "));
          options.disabled.insert(name.str());
        }
      } else if (arg == "--space") {
        options.space = reader.value();
      } else if (arg == "--arch") {
        options.archs.push_back(reader.value());
      } else if (arg == "--archs") {
        std::string path = reader.value(), text;
        try {
          text = cli::readFileLimited(path, cli::kSourceLimit);
        } catch (const cli::InputError &e) {
          return usageError("--archs: " + std::string(e.what()));
        }
        llvm::SmallVector<llvm::StringRef> lines;
        llvm::StringRef(text).split(lines, '\n', -1, false);
        for (llvm::StringRef line : lines)
          if (!line.trim().empty() && !line.trim().starts_with("#"))
            options.archs.push_back(line.trim().str());
      } else if (arg == "--format") {
        options.format = reader.value();
      } else if (arg == "-o") {
        options.output = reader.value("a file");
      } else if (arg == "--emit") {
        options.emit = reader.value();
      } else if (arg == "--stdlib") {
        options.stdlib = reader.value("a directory");
      } else if (arg.size() > 1 && arg[0] == '-') {
        return usageError("unknown option '" + arg + "'");
      } else if (options.command.empty()) {
        options.command = arg;
      } else {
        options.files.push_back(arg);
      }
    }
  } catch (const cli::OptionError &e) {
    return usageError(e.what());
  }

  if (options.command.empty())
    return usageError("no command given");
  if (options.command != "check" && options.command != "compile" && options.command != "info" &&
      options.command != "viz" && options.command != "lint")
    return usageError("unknown command '" + options.command + "'; expected 'check', 'compile', 'info', 'lint' or 'viz'");
  if (options.files.empty())
    return usageError("'" + options.command + "' needs a .nas file");
  if (options.command == "compile") {
    if (options.files.size() != 1)
      return usageError("'compile' takes exactly one file");
    if (options.emit.empty())
      options.emit = llvm::StringRef(options.output).ends_with(".nasa") ? "artefact" : "ast";
    if (options.emit != "ast" && options.emit != "mlir" && options.emit != "mlir-lowered" &&
        options.emit != "artefact")
      return usageError("unknown --emit kind '" + options.emit +
                        "'; expected 'ast', 'mlir', 'mlir-lowered' or 'artefact'");
  } else if (!options.emit.empty()) {
    return usageError("--emit goes with 'compile'");
  }
  if (options.command == "info" && options.files.size() != 1)
    return usageError("'info' takes exactly one file");
  if (!options.disabled.empty() && options.command != "lint")
    return usageError("--disable goes with 'lint'");
  if (options.json && options.command != "info")
    return usageError("--json goes with 'info'");
  if ((!options.archs.empty() || !options.space.empty()) && options.command != "info" &&
      options.command != "compile")
    return usageError("--arch, --archs and --space go with 'info' and 'compile'");
  if (options.command == "compile" && !options.archs.empty() &&
      (options.archs.size() != 1 || (options.emit != "mlir-lowered" && options.emit != "artefact")))
    return usageError("'compile --arch' takes one architecture and --emit=mlir-lowered or artefact");
  if (options.command == "viz") {
    if (options.files.size() != 1)
      return usageError("'viz' takes exactly one file");
    if (options.format.empty())
      options.format = "dot";
    if (!parseVizFormat(options.format))
      return usageError("unknown --format '" + options.format + "'; expected 'dot', 'svg' or 'html'");
  } else if (!options.format.empty()) {
    return usageError("--format goes with 'viz'");
  } else if (!options.output.empty() && options.command != "compile") {
    return usageError("-o goes with 'compile' and 'viz'");
  }

  int status = 0;
  for (const std::string &file : options.files)
    status = std::max(status, runOnFile(options, file));
  return status;
}
