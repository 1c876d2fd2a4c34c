//===- Cifar.cpp - CIFAR-10 / CIFAR-100 binary readers --------------------===//
//
// Records are label byte(s) then 3072 bytes: the R, G and B planes of a 32x32
// image, row-major, which is already the [C, H, W] layout of a tensor.
//
//===----------------------------------------------------------------------===//
#include "Formats.h"
#include "Io.h"

#include "nasc/data/Dataset.h"

#include <cstring>

namespace nasc::data {
namespace {

constexpr int64_t kPixels = detail::kCifarPixels;
using Labels = detail::CifarFormat;

// detail::checkCifar validates every byte the copy below reads.
Dataset parseCifar(const std::string &path, const Labels &fmt) {
  std::vector<uint8_t> bytes = detail::readFile(path);
  const int64_t record = fmt.bytes + kPixels;
  const int64_t n = detail::checkCifar(bytes, path, fmt);
  Dataset ds;
  ds.images = torch::empty({n, 3, 32, 32}, torch::kUInt8);
  ds.labels = torch::empty({n}, torch::kInt64);
  uint8_t *img = ds.images.data_ptr<uint8_t>();
  int64_t *lab = ds.labels.data_ptr<int64_t>();
  for (int64_t r = 0; r < n; ++r) {
    const uint8_t *rec = bytes.data() + r * record;
    lab[r] = rec[fmt.fine];
    std::memcpy(img + r * kPixels, rec + fmt.bytes, kPixels);
  }
  ds.classes = fmt.classes;
  return ds;
}

// The official archives unpack into a subfolder; accept root pointing at
// either level.
std::string findFolder(const std::string &root, const std::string &subfolder, const std::string &probe,
                       const std::string &what) {
  // exists, not isFile: a directory in the file's place is reported as such.
  if (detail::exists(detail::joinPath(root, probe)))
    return root;
  std::string nested = detail::joinPath(root, subfolder);
  if (detail::exists(detail::joinPath(nested, probe)))
    return nested;
  if (!detail::isDirectory(root))
    throw DataError("'" + root + "': no such folder (" + what + " expected there)");
  throw DataError("'" + detail::joinPath(root, probe) + "': no such file (" + what + " expected under '" + root +
                  "' or '" + nested + "')");
}

Dataset concat(std::vector<Dataset> parts) {
  if (parts.size() == 1)
    return std::move(parts[0]);
  std::vector<torch::Tensor> images, labels;
  for (auto &p : parts) {
    images.push_back(p.images);
    labels.push_back(p.labels);
  }
  Dataset ds;
  ds.images = torch::cat(images);
  ds.labels = torch::cat(labels);
  ds.classes = parts[0].classes;
  return ds;
}

} // namespace

Dataset loadCifar10(const std::string &root, bool train) {
  std::vector<std::string> files;
  if (train)
    for (int i = 1; i <= 5; ++i)
      files.push_back("data_batch_" + std::to_string(i) + ".bin");
  else
    files.push_back("test_batch.bin");
  std::string dir = findFolder(root, "cifar-10-batches-bin", files[0], "CIFAR-10 binary files");
  std::vector<Dataset> parts;
  for (const auto &f : files)
    parts.push_back(parseCifar(detail::joinPath(dir, f), Labels{1, 0, 10}));
  Dataset ds = concat(std::move(parts));
  ds.name = "cifar10";
  ds.class_names = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return ds;
}

Dataset loadCifar100(const std::string &root, bool train) {
  std::string file = train ? "train.bin" : "test.bin";
  std::string dir = findFolder(root, "cifar-100-binary", file, "CIFAR-100 binary files");
  Dataset ds = parseCifar(detail::joinPath(dir, file), Labels{2, 1, 100, 20});
  ds.name = "cifar100";
  return ds;
}

} // namespace nasc::data
