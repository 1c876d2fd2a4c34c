//===- Mpi.cpp - The MPI world of a process nasc-run runs in --------------===//
#include "nasc/dist/Mpi.h"

#if NASC_HAVE_MPI
// The C API only: Open MPI's deprecated C++ bindings need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace nasc::dist;

bool Mpi::available() { return NASC_HAVE_MPI; }

int Mpi::localSize() {
  const char *n = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  int v = n ? std::atoi(n) : 0;
  return v > 0 ? v : 1;
}

std::string nasc::dist::findMpirun() {
  const char *path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / "mpirun";
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) || std::filesystem::is_symlink(candidate, ec))
      return candidate.string();
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return "";
}

#if NASC_HAVE_MPI

Mpi::Mpi() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized && MPI_Init(nullptr, nullptr) != MPI_SUCCESS)
    throw std::runtime_error("cannot join the MPI world (MPI_Init failed)");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Mpi::~Mpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Finalize();
}

void Mpi::send(int dest, int tag, const Json &body) {
  std::string text = body.dump();
  if (text.size() > size_t(INT32_MAX))
    throw std::runtime_error("MPI message to rank " + std::to_string(dest) + " is too long");
  if (MPI_Send(text.data(), int(text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI: cannot send to rank " + std::to_string(dest));
}

Message Mpi::receive(int source, int tag) {
  MPI_Status status;
  int flag = 0;
  // Spin briefly (a table lookup answers within microseconds), then sleep
  // longer and longer up to 2 ms (a training answers in seconds).
  std::chrono::microseconds nap(20);
  for (int polls = 0;; ++polls) {
    MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, &flag, &status);
    if (flag)
      break;
    if (polls > 2000) {
      std::this_thread::sleep_for(nap);
      nap = std::min(nap * 2, std::chrono::microseconds(2000));
    }
  }
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::vector<char> buf(size_t(count) + 1);
  MPI_Recv(buf.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  Message m;
  m.source = status.MPI_SOURCE;
  m.tag = status.MPI_TAG;
  try {
    m.body = Json::parse(buf.data(), buf.data() + count);
  } catch (const Json::exception &e) {
    throw std::runtime_error("MPI: rank " + std::to_string(m.source) + " sent a message that is not JSON: " +
                             e.what());
  }
  return m;
}

void Mpi::abort(int status) {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);
}

#else

Mpi::Mpi() {
  throw std::runtime_error("this nasc was built without MPI (install libopenmpi-dev and openmpi-bin, as "
                           "scripts/setup.sh does, and build again)");
}
Mpi::~Mpi() = default;
void Mpi::send(int, int, const Json &) {}
Message Mpi::receive(int, int) { return {}; }
void Mpi::abort(int status) { std::_Exit(status); }

#endif
