//===- ImageFolder.cpp - One folder per class of PNG/PPM/PGM images -------===//
//
// root/train/<class>/<image>; root/val/ (or root/test/) for the held-out
// set, with the same class names. Everything is decoded up front into one
// uint8 tensor: the search trains many networks on the same data.
//
//===----------------------------------------------------------------------===//
#include "ImageDecode.h"
#include "Io.h"

#include "nasc/data/Dataset.h"

#include <ATen/ops/_upsample_bilinear2d_aa.h>
#include <ATen/ops/upsample_bilinear2d.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace nasc::data {
namespace {

bool hidden(const fs::path &p) { return p.filename().string().rfind('.', 0) == 0; }

std::vector<std::string> classFolders(const std::string &dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !hidden(it->path()))
      names.push_back(it->path().filename().string());
  if (ec)
    throw DataError("'" + dir + "': cannot list folder: " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

bool isImageName(const fs::path &p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".ppm" || ext == ".pgm";
}

// Sorted, so the sample order (and with it every seeded split) does not
// depend on the file system's listing order.
std::vector<std::string> imageFiles(const std::string &dir) {
  std::vector<std::string> files;
  std::string other;
  int64_t others = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || hidden(it->path()))
      continue;
    if (isImageName(it->path())) {
      files.push_back(it->path().string());
    } else {
      ++others;
      if (other.empty())
        other = it->path().filename().string();
    }
  }
  if (ec)
    throw DataError("'" + dir + "': cannot list folder: " + ec.message());
  if (files.empty())
    throw DataError("class folder '" + dir + "' has no images (.png, .ppm, .pgm)" +
                    (others ? " but " + std::to_string(others) + " other file(s), e.g. '" + other + "'" : ""));
  std::sort(files.begin(), files.end());
  return files;
}

// [C, h, w] uint8 -> [C, size, size] uint8. Antialiased when shrinking, or
// large images would alias badly.
torch::Tensor resize(const torch::Tensor &chw, int64_t size) {
  torch::Tensor x = chw.unsqueeze(0).to(torch::kFloat);
  bool shrink = chw.size(1) > size || chw.size(2) > size;
  torch::Tensor y = shrink ? at::_upsample_bilinear2d_aa(x, {size, size}, false, c10::nullopt, c10::nullopt)
                           : at::upsample_bilinear2d(x, {size, size}, false, c10::nullopt, c10::nullopt);
  return y.round_().clamp_(0, 255).to(torch::kUInt8).squeeze(0);
}

// The held-out folder: val/, else test/, else "".
std::string heldOutDir(const std::string &root) {
  for (const char *name : {"val", "test"}) {
    std::string d = detail::joinPath(root, name);
    if (detail::isDirectory(d))
      return d;
  }
  return "";
}

using Samples = std::vector<std::pair<std::string, int64_t>>;

// (file, class index) of every image under dir/<class>/, classes named as in
// the training folder.
Samples listSamples(const std::string &dir, const std::string &trainDir,
                    const std::map<std::string, int64_t> &classIndex) {
  std::vector<std::string> here = classFolders(dir);
  if (here.empty())
    throw DataError("'" + dir + "': no class folders in it");
  Samples samples;
  for (const auto &c : here) {
    auto it = classIndex.find(c);
    if (it == classIndex.end())
      throw DataError("'" + detail::joinPath(dir, c) + "': class '" + c + "' has no folder in '" + trainDir + "'");
    for (auto &f : imageFiles(detail::joinPath(dir, c)))
      samples.emplace_back(std::move(f), it->second);
  }
  return samples;
}

} // namespace

Dataset loadImageFolder(const std::string &root, bool train, int64_t size) {
  const std::string trainDir = detail::joinPath(root, "train");
  if (!detail::isDirectory(trainDir))
    throw DataError("'" + trainDir + "': no such folder (image_folder expects " + root + "/train/<class>/<images>)");
  std::vector<std::string> classes = classFolders(trainDir);
  if (classes.empty())
    throw DataError("'" + trainDir + "': no class folders in it");
  std::map<std::string, int64_t> classIndex;
  for (size_t i = 0; i < classes.size(); ++i)
    classIndex[classes[i]] = static_cast<int64_t>(i);

  const std::string heldOut = heldOutDir(root);
  if (!train && heldOut.empty())
    throw DataError("'" + root + "': no val/ or test/ folder (split the training set instead)");
  const std::string dir = train ? trainDir : heldOut;
  Samples samples = listSamples(dir, trainDir, classIndex);

  std::vector<detail::Image> decoded;
  decoded.reserve(samples.size());
  int channels = 1;
  for (const auto &s : samples) {
    decoded.push_back(detail::readImage(s.first));
    channels = std::max(channels, decoded.back().channels);
  }
  // Train and held-out sets must agree on the channels a network sees: a
  // grey split still gets 3 if the other one has colour (headers only).
  const std::string other = train ? heldOut : trainDir;
  if (channels == 1 && !other.empty()) {
    Samples otherSamples;
    try {
      otherSamples = listSamples(other, trainDir, classIndex);
    } catch (const DataError &) {
      // Reported when that split is loaded; not this split's problem.
    }
    for (const auto &s : otherSamples)
      if (detail::peekChannels(s.first) == 3) {
        channels = 3;
        break;
      }
  }
  int64_t h = size, w = size;
  if (size <= 0) {
    h = decoded[0].height;
    w = decoded[0].width;
    for (size_t i = 0; i < decoded.size(); ++i)
      if (decoded[i].height != h || decoded[i].width != w)
        throw DataError("'" + samples[i].first + "' is " + std::to_string(decoded[i].width) + "x" +
                        std::to_string(decoded[i].height) + " but '" + samples[0].first + "' is " + std::to_string(w) +
                        "x" + std::to_string(h) + ": give a size to resize them to");
  }

  const int64_t n = static_cast<int64_t>(samples.size());
  Dataset ds;
  ds.images = torch::empty({n, channels, h, w}, torch::kUInt8);
  ds.labels = torch::empty({n}, torch::kInt64);
  int64_t *labels = ds.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    detail::Image &img = decoded[i];
    torch::Tensor chw = torch::from_blob(img.pixels.data(), {img.height, img.width, img.channels}, torch::kUInt8)
                            .permute({2, 0, 1});
    if (img.height != h || img.width != w)
      chw = resize(chw, h);
    ds.images[i].copy_(chw.expand({channels, h, w})); // grey -> RGB by repeating the plane
    labels[i] = samples[i].second;
    std::vector<uint8_t>().swap(img.pixels); // decoded images can be large: free as we go
  }
  ds.classes = static_cast<int64_t>(classes.size());
  ds.name = "image_folder";
  ds.class_names = classes;
  return ds;
}

} // namespace nasc::data
