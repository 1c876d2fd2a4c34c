//===- Idx.cpp - IDX reader (MNIST, Fashion-MNIST) ------------------------===//
//
// IDX: a big-endian magic (0x00000803 for ubyte 3-d, 0x00000801 for ubyte
// 1-d), one big-endian uint32 per dimension, then the bytes. Files are read
// through zlib, which passes raw (not gzipped) files through unchanged.
//
//===----------------------------------------------------------------------===//
#include "Formats.h"
#include "Io.h"

#include "nasc/data/Dataset.h"

#include <cstring>

namespace nasc::data {
namespace {

constexpr uint32_t kImagesMagic = detail::kIdxImagesMagic, kLabelsMagic = detail::kIdxLabelsMagic;

// Checks the magic and the total length; returns the dimensions.
std::vector<int64_t> readHeader(const std::vector<uint8_t> &bytes, const std::string &path, uint32_t magic,
                                const char *kind) {
  return detail::checkIdx(bytes, path, magic, kind);
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
  detail::checkIdxLabels(lb, labelsPath, classes);
  for (int64_t r = 0; r < n; ++r)
    lab[r] = lb[8 + r];
  ds.images = torch::empty({n, 1, idims[1], idims[2]}, torch::kUInt8);
  std::memcpy(ds.images.data_ptr<uint8_t>(), ib.data() + 16, static_cast<size_t>(n * idims[1] * idims[2]));
  ds.classes = classes;
  ds.name = "idx";
  return ds;
}

} // namespace nasc::data
