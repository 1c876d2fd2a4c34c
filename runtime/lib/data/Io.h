//===- Io.h - Reading whole files with errors that name them -----------===//
#ifndef NASC_DATA_IO_H
#define NASC_DATA_IO_H

#include <cstdint>
#include <string>
#include <vector>

namespace nasc::data::detail {

/// The bytes of `path`; DataError naming it when it is missing or unreadable.
std::vector<uint8_t> readFile(const std::string &path);

/// The decompressed bytes of a gzip file (raw files are read as they are:
/// zlib passes them through); DataError on a missing or corrupt file.
std::vector<uint8_t> readMaybeGzip(const std::string &path);

/// a/b, without doubling a '/'.
std::string joinPath(const std::string &a, const std::string &b);

bool isFile(const std::string &path);
bool exists(const std::string &path);
bool isDirectory(const std::string &path);

} // namespace nasc::data::detail

#endif // NASC_DATA_IO_H
