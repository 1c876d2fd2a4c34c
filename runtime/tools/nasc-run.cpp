//===- nasc-run.cpp - The runtime: searches and trains compiled spaces ----===//
//
//   nasc-run search SPACE.nasa [options]   run the search the artefact holds
//   nasc-run train SPACE.nasa --arch ID    train one architecture standalone
//   nasc-run report OUT -o FILE.html [--drawing SVG]  a run folder as a page
//
// `nasc search FILE.nas` compiles the file and runs this. This executable
// does not link LibTorch (loading it costs most of a second): it runs
// table searches itself and hands every other run, with the same command
// line, to nasc-run-torch beside it (RunCommon.h).
//
//===----------------------------------------------------------------------===//
#include "RunCommon.h"
#include "nasc/dist/Mpi.h"
#include "nasc/cli/CommandLine.h"
#include "nasc/search/Report.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <iostream>
#include <vector>

using namespace nasc;
using namespace nasc::runtool;

namespace {

/// The run's artefact when this run is a table search this executable can
/// do: decided without printing anything; any doubt (an artefact that does
/// not load, a search block that is not there) goes to nasc-run-torch,
/// which says what is wrong as it always has.
std::optional<runtime::Artefact> runsHere(const Options &o) {
  // Workers (MPI) and devices are nasc-run-torch's.
  if (o.command != "search" || !o.device.empty() || o.deriveOnly || o.exportOnnx || o.workers > 0 ||
      o.dataParallel > 0 || o.asynchronous || dist::Mpi::launchedRanks() > 1)
    return std::nullopt;
  try {
    runtime::Artefact artefact = loadArtefact(o);
    if (isTableSearch(artefact, searchBlock(artefact, o), o))
      return artefact;
  } catch (const std::exception &) {
  }
  return std::nullopt;
}

/// Replaces this process by nasc-run-torch with the same arguments.
int handOver(char **argv) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path torch = (ec ? std::filesystem::path(argv[0]).parent_path() : self.parent_path()) /
                                "nasc-run-torch";
  std::vector<char *> args{const_cast<char *>(torch.c_str())};
  for (char **a = argv + 1; *a; ++a)
    args.push_back(*a);
  args.push_back(nullptr);
  ::execv(torch.c_str(), args.data());
  std::cerr << "nasc: error: cannot run " << torch.string() << ": " << std::strerror(errno)
            << " (build the nasc-run-torch target)\n";
  return 1;
}

/// `nasc-run report OUT -o FILE [--storage URI] [--drawing SVG |
/// --drawing-note TEXT]` (nasc report draws OUT/best.nas and runs this).
int runReport(int argc, char **argv) {
  std::string dir, output, drawing, note;
  Options located; // --storage: the run's store in PostgreSQL
  try {
    std::vector<std::string> args(argv + 2, argv + argc);
    cli::ArgReader reader(args);
    while (!reader.done()) {
      std::string arg = reader.next();
      if (arg == "-o")
        output = reader.value("a file");
      else if (arg == "--drawing")
        drawing = cli::readFileLimited(reader.value("a file"), 64 << 20);
      else if (arg == "--drawing-note")
        note = reader.value();
      else if (arg == "--storage")
        located.storage = reader.value("a PostgreSQL URI");
      else if (arg.size() > 1 && arg[0] == '-')
        return usage("unknown option '" + arg + "' for report");
      else if (dir.empty())
        dir = arg;
      else
        return usage("report takes one run folder");
    }
  } catch (const std::exception &e) {
    return usage(e.what());
  }
  if (dir.empty() || output.empty())
    return usage("report needs a run folder and -o FILE.html");
  try {
    std::string store = located.storage.empty() ? "" : storeLocation(located, dir);
    std::string html = search::renderReport(dir, {drawing, note, store});
    writeAtomically(output, html);
    std::cerr << "nasc: report of " << dir << " written to " << output << " (" << html.size() / 1024 << " KiB)\n";
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "nasc: error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "report")
    return runReport(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "export") // needs LibTorch (the weights)
    return handOver(argv);
  Options o;
  // Removes a temporary artefact when the run stops here (a bad option); a
  // hand-over replaces this process, so nasc-run-torch takes it on.
  PendingArtefact pending(o);
  // nasc-run-torch parses again (and checks --device, which needs LibTorch).
  int status = parseOptions(argc, argv, o, nullptr);
  if (status >= 0)
    return status;
  std::optional<runtime::Artefact> artefact = runsHere(o);
  if (!artefact)
    return handOver(argv);
  try {
    return runTableSearch(o, pending, std::move(artefact));
  } catch (const std::exception &e) {
    std::cerr << "nasc: error: " << e.what() << "\n";
    return 1;
  }
}
