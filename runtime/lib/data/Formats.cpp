//===- Formats.cpp - Checks of the CIFAR and IDX file formats -------------===//
#include "Formats.h"

#include "nasc/data/DataError.h"

#include <cstdio>

namespace nasc::data::detail {
namespace {

uint32_t be32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

} // namespace

std::vector<int64_t> checkIdx(const std::vector<uint8_t> &bytes, const std::string &path, uint32_t magic,
                              const char *kind) {
  const int rank = magic == kIdxImagesMagic ? 3 : 1;
  const int64_t header = 4 + 4 * rank;
  const int64_t size = static_cast<int64_t>(bytes.size());
  if (size < 4)
    throw DataError("'" + path + "': truncated file: expected at least " + std::to_string(header) +
                    " bytes (IDX header), got " + std::to_string(size));
  uint32_t got = be32(bytes.data());
  if (got != magic) {
    std::string hint;
    if (got == kIdxLabelsMagic || got == kIdxImagesMagic)
      hint = got == kIdxLabelsMagic ? ": a label file, not an image file" : ": an image file, not a label file";
    else if (bytes[0] == 0x1f && bytes[1] == 0x8b)
      hint = ": gzip data inside gzip data?";
    throw DataError("'" + path + "': wrong magic number " + hex(got) + " (expected " + hex(magic) + ", " + kind +
                    ")" + hint);
  }
  if (size < header)
    throw DataError("'" + path + "': truncated file: expected at least " + std::to_string(header) +
                    " bytes (IDX header), got " + std::to_string(size));
  std::vector<int64_t> dims;
  // Bounded so the product below cannot overflow on a corrupt header:
  // count < 2^32, rows * cols <= 2^24.
  for (int d = 0; d < rank; ++d) {
    int64_t v = be32(bytes.data() + 4 + 4 * d);
    if (d > 0 && (v == 0 || v > 4096))
      throw DataError("'" + path + "': bad image dimension " + std::to_string(v));
    dims.push_back(v);
  }
  int64_t want = header;
  int64_t per = 1;
  for (int d = 1; d < rank; ++d)
    per *= dims[d];
  want += dims[0] * per;
  if (size != want) {
    std::string what = size < want ? "truncated file: " : "trailing data: ";
    throw DataError("'" + path + "': " + what + "expected " + std::to_string(want) + " bytes (" +
                    std::to_string(dims[0]) + (rank == 3 ? " images" : " labels") + "), got " + std::to_string(size));
  }
  return dims;
}

void checkIdxLabels(const std::vector<uint8_t> &bytes, const std::string &path, int64_t classes) {
  for (size_t r = 0; 8 + r < bytes.size(); ++r) {
    int64_t label = bytes[8 + r];
    if (label >= classes)
      throw DataError("'" + path + "': label out of range (label " + std::to_string(label) + " at record " +
                      std::to_string(r) + ", classes " + std::to_string(classes) + ")");
  }
}

int64_t checkCifar(const std::vector<uint8_t> &bytes, const std::string &path, const CifarFormat &fmt) {
  const int64_t record = fmt.bytes + kCifarPixels;
  const int64_t size = static_cast<int64_t>(bytes.size());
  if (size == 0)
    throw DataError("'" + path + "': empty file (expected records of " + std::to_string(record) + " bytes)");
  if (size % record != 0) {
    int64_t want = (size / record + 1) * record;
    throw DataError("'" + path + "': truncated file: expected " + std::to_string(want) + " bytes (" +
                    std::to_string(size / record + 1) + " records of " + std::to_string(record) + "), got " +
                    std::to_string(size));
  }
  const int64_t n = size / record;
  for (int64_t r = 0; r < n; ++r) {
    const uint8_t *rec = bytes.data() + r * record;
    int64_t label = rec[fmt.fine];
    if (label >= fmt.classes)
      throw DataError("'" + path + "': label out of range (label " + std::to_string(label) + " at record " +
                      std::to_string(r) + ", classes " + std::to_string(fmt.classes) + ")");
    if (fmt.bytes == 2 && rec[1 - fmt.fine] >= fmt.coarse)
      throw DataError("'" + path + "': coarse label out of range (label " + std::to_string(rec[1 - fmt.fine]) +
                      " at record " + std::to_string(r) + ", coarse classes " + std::to_string(fmt.coarse) + ")");
  }
  return n;
}

} // namespace nasc::data::detail
