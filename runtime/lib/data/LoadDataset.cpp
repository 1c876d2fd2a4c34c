//===- LoadDataset.cpp - Dataset by implementation name -------------------===//
//
// The names are the implementation strings of std/search's dataset
// declarations (`dataset cifar10(...) = "cifar10";`).
//
//===----------------------------------------------------------------------===//
#include "Io.h"

#include "nasc/data/Dataset.h"

namespace nasc::data {

const std::vector<std::string> &datasetImpls() {
  static const std::vector<std::string> impls = {"cifar10", "cifar100", "mnist", "fashion_mnist", "image_folder"};
  return impls;
}

static std::string knownList() {
  std::string s;
  for (const auto &i : datasetImpls())
    s += (s.empty() ? "" : ", ") + i;
  return s;
}

Dataset loadDataset(const std::string &impl, const std::string &root, bool train, int64_t size) {
  Dataset ds;
  if (impl == "cifar10")
    ds = loadCifar10(root, train);
  else if (impl == "cifar100")
    ds = loadCifar100(root, train);
  else if (impl == "mnist" || impl == "fashion_mnist")
    ds = loadIdx(root, train, 10);
  else if (impl == "image_folder")
    ds = loadImageFolder(root, train, size);
  else
    throw DataError("unknown dataset implementation '" + impl + "' (known: " + knownList() + ")");
  ds.name = impl;
  if (impl == "fashion_mnist")
    ds.class_names = {"t-shirt/top", "trouser", "pullover", "dress", "coat",
                      "sandal",      "shirt",   "sneaker",  "bag",   "ankle boot"};
  else if (impl == "mnist")
    ds.class_names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  return ds;
}

bool hasTestSplit(const std::string &impl, const std::string &root) {
  if (impl == "image_folder")
    return detail::isDirectory(detail::joinPath(root, "val")) || detail::isDirectory(detail::joinPath(root, "test"));
  for (const auto &i : datasetImpls())
    if (i == impl)
      return true;
  throw DataError("unknown dataset implementation '" + impl + "' (known: " + knownList() + ")");
}

} // namespace nasc::data
