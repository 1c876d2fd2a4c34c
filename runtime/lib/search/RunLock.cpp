//===- RunLock.cpp - One search per run folder -------------------------------===//
#include "nasc/search/RunLock.h"
#include "nasc/search/Store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace nasc::search;

namespace {
std::string folderOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}
} // namespace

RunLock::RunLock(const std::string &lockPath) {
  // SQLite's own locks are per transaction and would let two searches
  // interleave their rows; this one is held for the search's lifetime.
  fd_ = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw StoreError(lockPath + ": cannot create the run's lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char buf[32] = {0};
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, size_t(n)) : std::string();
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
      pid.pop_back();
    release();
    if (err == EWOULDBLOCK)
      throw StoreError("run folder " + folderOf(lockPath) + " is in use by another search" +
                       (pid.empty() ? std::string() : " (process " + pid + ")") + " holding " + lockPath +
                       ": wait for it to finish, or pass another --out folder");
    throw StoreError(lockPath + ": cannot lock: " + std::strerror(err));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the note; only the message to a second
    // process loses the pid.
  }
}

RunLock::~RunLock() { release(); }

void RunLock::release() {
  if (fd_ >= 0)
    ::close(fd_); // releases the lock
  fd_ = -1;
}
