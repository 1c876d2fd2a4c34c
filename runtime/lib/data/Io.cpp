//===- Io.cpp - Reading whole files with errors that name them ------------===//
#include "Io.h"

#include "nasc/data/DataError.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace fs = std::filesystem;

namespace nasc::data::detail {

bool isFile(const std::string &path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool exists(const std::string &path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

bool isDirectory(const std::string &path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

std::string joinPath(const std::string &a, const std::string &b) {
  if (a.empty())
    return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

// fopen succeeds on a directory on Linux; say what is really wrong.
static void checkReadable(const std::string &path) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (!fs::exists(st))
    throw DataError("'" + path + "': no such file");
  if (fs::is_directory(st))
    throw DataError("'" + path + "': is a directory, not a file");
}

std::vector<uint8_t> readFile(const std::string &path) {
  checkReadable(path);
  std::unique_ptr<FILE, int (*)(FILE *)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f)
    throw DataError("'" + path + "': cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  std::error_code ec;
  if (auto size = fs::file_size(path, ec); !ec)
    bytes.reserve(size);
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0)
    bytes.insert(bytes.end(), buf, buf + n);
  if (std::ferror(f.get()))
    throw DataError("'" + path + "': read error: " + std::strerror(errno));
  return bytes;
}

std::vector<uint8_t> readMaybeGzip(const std::string &path) {
  checkReadable(path);
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    throw DataError("'" + path + "': cannot open: " + std::strerror(errno));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, &gzclose);
  gzbuffer(f, 1 << 17);
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = 0;
      const char *msg = gzerror(f, &err);
      throw DataError("'" + path + "': corrupt gzip data: " + (msg ? msg : "unknown error"));
    }
    if (n == 0)
      break;
    bytes.insert(bytes.end(), buf.begin(), buf.begin() + n);
  }
  // A gzip stream cut short ends reading without a negative count; zlib
  // records it as Z_BUF_ERROR.
  int err = Z_OK;
  const char *msg = gzerror(f, &err);
  if (err != Z_OK && err != Z_STREAM_END)
    throw DataError("'" + path + "': " + (err == Z_BUF_ERROR ? std::string("truncated gzip file")
                                                              : "corrupt gzip data: " + std::string(msg ? msg : "")));
  return bytes;
}

} // namespace nasc::data::detail
