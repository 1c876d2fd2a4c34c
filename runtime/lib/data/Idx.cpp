//===- Idx.cpp - IDX reader (MNIST, Fashion-MNIST) ------------------------===//
//
// IDX: a big-endian magic (0x00000803 for ubyte 3-d, 0x00000801 for ubyte
// 1-d), one big-endian uint32 per dimension, then the bytes. Files are read
// through zlib, which passes raw (not gzipped) files through unchanged.
//
//===----------------------------------------------------------------------===//
#include "Io.h"

#include "nasc/data/Dataset.h"

#include <cstdio>
#include <cstring>

namespace nasc::data {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803, kLabelsMagic = 0x00000801;

uint32_t be32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Checks the magic and the total length; returns the dimensions.
std::vector<int64_t> readHeader(const std::vector<uint8_t> &bytes, const std::string &path, uint32_t magic,
                                const char *kind) {
  const int rank = magic == kImagesMagic ? 3 : 1;
  const int64_t header = 4 + 4 * rank;
  const int64_t size = static_cast<int64_t>(bytes.size());
  if (size < 4)
    throw DataError("'" + path + "': truncated file: expected at least " + std::to_string(header) +
                    " bytes (IDX header), got " + std::to_string(size));
  uint32_t got = be32(bytes.data());
  if (got != magic) {
    std::string hint;
    if (got == kLabelsMagic || got == kImagesMagic)
      hint = got == kLabelsMagic ? ": a label file, not an image file" : ": an image file, not a label file";
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

// The first of name, name.gz, and the same with '.' before idx (as some
// mirrors spell them) that exists.
std::string findIdx(const std::string &root, const std::string &prefix, const std::string &kind) {
  std::vector<std::string> names = {prefix + "-" + kind, prefix + "." + kind};
  for (const auto &n : names)
    for (const char *ext : {"", ".gz"}) {
      std::string p = detail::joinPath(root, n + ext);
      if (detail::isFile(p))
        return p;
    }
  if (!detail::isDirectory(root))
    throw DataError("'" + root + "': no such folder (IDX files expected there)");
  throw DataError("'" + detail::joinPath(root, names[0]) + "': no such file (nor with .gz)");
}

} // namespace

Dataset loadIdx(const std::string &root, bool train, int64_t classes) {
  if (classes <= 0 || classes > 256)
    throw DataError("loadIdx: classes must be in 1..256, got " + std::to_string(classes));
  const std::string prefix = train ? "train" : "t10k";
  std::string imagesPath = findIdx(root, prefix, "images-idx3-ubyte");
  std::string labelsPath = findIdx(root, prefix, "labels-idx1-ubyte");

  std::vector<uint8_t> lb = detail::readMaybeGzip(labelsPath);
  std::vector<int64_t> ldims = readHeader(lb, labelsPath, kLabelsMagic, "idx1-ubyte labels");
  std::vector<uint8_t> ib = detail::readMaybeGzip(imagesPath);
  std::vector<int64_t> idims = readHeader(ib, imagesPath, kImagesMagic, "idx3-ubyte images");
  if (idims[0] != ldims[0])
    throw DataError("'" + imagesPath + "' holds " + std::to_string(idims[0]) + " images but '" + labelsPath +
                    "' holds " + std::to_string(ldims[0]) + " labels");
  if (idims[0] == 0)
    throw DataError("'" + imagesPath + "': no images");

  const int64_t n = idims[0];
  Dataset ds;
  ds.labels = torch::empty({n}, torch::kInt64);
  int64_t *lab = ds.labels.data_ptr<int64_t>();
  for (int64_t r = 0; r < n; ++r) {
    int64_t label = lb[8 + r];
    if (label >= classes)
      throw DataError("'" + labelsPath + "': label out of range (label " + std::to_string(label) + " at record " +
                      std::to_string(r) + ", classes " + std::to_string(classes) + ")");
    lab[r] = label;
  }
  ds.images = torch::empty({n, 1, idims[1], idims[2]}, torch::kUInt8);
  std::memcpy(ds.images.data_ptr<uint8_t>(), ib.data() + 16, static_cast<size_t>(n * idims[1] * idims[2]));
  ds.classes = classes;
  ds.name = "idx";
  return ds;
}

} // namespace nasc::data
