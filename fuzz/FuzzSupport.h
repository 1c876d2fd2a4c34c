//===- FuzzSupport.h - What the fuzz targets share ------------------------===//
//
// Targets that must read a file (the module loader, the data readers, the
// store) write the input into a private folder made once per process under
// $TMPDIR (mkdtemp) and remove what they wrote after each input.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_FUZZ_FUZZSUPPORT_H
#define NASC_FUZZ_FUZZSUPPORT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace nasc::fuzz {

/// The process's private scratch folder.
inline const std::string &scratchDir() {
  static const std::string dir = [] {
    const char *tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/nasc-fuzz-XXXXXX";
    if (!::mkdtemp(templ.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    // Removed at exit; libFuzzer exits through exit() on its own limits too.
    static std::string keep = templ;
    std::atexit([] {
      std::string cmd = "rm -rf '" + keep + "'";
      if (std::system(cmd.c_str()) != 0) {
      }
    });
    return templ;
  }();
  return dir;
}

/// Writes `size` bytes to `name` in the scratch folder; returns its path.
inline std::string writeScratch(const std::string &name, const uint8_t *data, size_t size) {
  std::string path = scratchDir() + "/" + name;
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

/// The compiler recurses once per nesting level and runs on a 512 MiB stack
/// (nasc::runOnLargeStack). A thread per input costs milliseconds under ASan,
/// so the front-end targets run on the main thread instead, whose stack is
/// made as large: called from LLVMFuzzerInitialize, this raises the stack
/// limit and re-executes the process once if it is lower (the limit in force
/// at exec decides how far the main stack can grow).
inline void ensureLargeStack(char **argv) {
  constexpr rlim_t want = rlim_t(1) << 30;
  struct rlimit rl;
  if (::getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
    return;
  if (std::getenv("NASC_FUZZ_REEXEC")) // raised once already: the hard limit is lower
    return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
  if (::setrlimit(RLIMIT_STACK, &rl) != 0)
    return;
  ::setenv("NASC_FUZZ_REEXEC", "1", 1);
  ::execv("/proc/self/exe", argv);
}

inline void removeScratch(const std::string &name) { ::unlink((scratchDir() + "/" + name).c_str()); }

} // namespace nasc::fuzz

#endif // NASC_FUZZ_FUZZSUPPORT_H
