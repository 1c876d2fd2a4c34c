//===- Mpi.h - The MPI world of a process nasc-run runs in ----------------===//
//
// nasc's evaluation workers run on MPI (Open MPI from Debian): `mpirun -np N
// nasc search ...` or `nasc search --workers N`, which starts the same with
// mpirun over local processes. This is the little of MPI nasc uses: the
// world's size and this process's rank, and JSON messages between ranks.
// No MPI type appears here: the runtime's other code includes this only.
//
// Waiting for a message polls (MPI_Iprobe) with a growing sleep instead of
// MPI's blocking receive, which spins a core: on a machine whose cores
// train networks, the coordinator waiting for results must not take one.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DIST_MPI_H
#define NASC_DIST_MPI_H

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

namespace nasc::dist {

using Json = nlohmann::json;

/// A received message.
struct Message {
  int source = -1;
  int tag = -1;
  Json body;
};

class Mpi {
public:
  /// The ranks of the world this process was started in by an MPI
  /// launcher (mpirun sets OMPI_COMM_WORLD_SIZE; MPICH's, PMI_SIZE), 0 when
  /// none started it: then nasc-run runs alone. Inline: nasc-run asks
  /// without linking MPI.
  static int launchedRanks() {
    for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
      if (const char *v = std::getenv(name); v && std::atoi(v) > 0)
        return std::atoi(v);
    return 0;
  }
  /// Whether this build has MPI (find_package(MPI) found it).
  static bool available();
  /// MPI_Init (once per process); std::runtime_error where the build has
  /// no MPI or the world cannot be joined.
  Mpi();
  /// MPI_Finalize.
  ~Mpi();
  Mpi(const Mpi &) = delete;
  Mpi &operator=(const Mpi &) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Ranks of the world on this machine (OMPI_COMM_WORLD_LOCAL_SIZE; 1 when
  /// the launcher does not say).
  static int localSize();

  static constexpr int kAnySource = -1;
  void send(int dest, int tag, const Json &body);
  /// The next message from `source` (kAnySource: any rank) with `tag`
  /// (negative: any tag).
  Message receive(int source = kAnySource, int tag = -1);
  /// Ends every rank of the world (MPI_Abort): what a rank does when it
  /// cannot tell the others to stop.
  [[noreturn]] void abort(int status);

private:
  int rank_ = 0, size_ = 1;
};

/// The path of `mpirun`, or "" when Open MPI's launcher is not installed.
std::string findMpirun();

} // namespace nasc::dist

#endif // NASC_DIST_MPI_H
