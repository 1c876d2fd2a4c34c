//===- DataTest.cpp - Datasets, readers, splits and the loader ------------===//
//
// Real data: the CIFAR-10 subset in ../shared/data and Debian's Fashion-MNIST
// (skipped where not installed). Bad inputs are written into a fresh temp
// folder per test, never next to the shared data.
//
//===----------------------------------------------------------------------===//
#include "nasc/data/Dataset.h"
#include "nasc/data/Loader.h"

#include <gtest/gtest.h>
#include <png.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace nasc::data;

namespace {

const std::string kCifar = NASC_SOURCE_DIR "/../shared/data/cifar10-subset";
const std::string kFashion = "/usr/share/datasets/fashion-mnist";

#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << "message: " << (msg)

template <typename F> std::string errorOf(F &&f) {
  try {
    f();
  } catch (const DataError &e) {
    return e.what();
  }
  return "(no DataError)";
}

using Bytes = std::vector<uint8_t>;

Bytes readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, const Bytes &b) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(b.data()), b.size());
}

void writeGz(const std::string &path, const Bytes &b) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, b.data(), b.size()), int(b.size()));
  gzclose(f);
}

Bytes gunzip(const std::string &path) {
  gzFile f = gzopen(path.c_str(), "rb");
  Bytes out, buf(1 << 20);
  int n;
  while ((n = gzread(f, buf.data(), buf.size())) > 0)
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  gzclose(f);
  return out;
}

void put32(Bytes &b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    b.push_back(uint8_t(v >> s));
}

Bytes idxImages(uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols, size_t pixels) {
  Bytes b;
  put32(b, magic);
  put32(b, n);
  put32(b, rows);
  put32(b, cols);
  for (size_t i = 0; i < pixels; ++i)
    b.push_back(uint8_t(i * 7));
  return b;
}

Bytes idxLabels(uint32_t magic, const std::vector<uint8_t> &labels) {
  Bytes b;
  put32(b, magic);
  put32(b, uint32_t(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

Bytes ppm(char kind, int w, int h, int maxval, const std::vector<int> &samples, const std::string &comment = "") {
  std::string head = std::string("P") + kind + "\n" + comment + std::to_string(w) + " " + std::to_string(h) + "\n" +
                     std::to_string(maxval) + "\n";
  Bytes b(head.begin(), head.end());
  for (int v : samples) {
    if (maxval > 255)
      b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
  }
  return b;
}

void writePng(const std::string &path, int w, int h, bool color, const Bytes &pixels) {
  fs::create_directories(fs::path(path).parent_path());
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = w;
  img.height = h;
  img.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  ASSERT_TRUE(png_image_write_to_file(&img, path.c_str(), 0, pixels.data(), 0, nullptr)) << img.message;
}

// A fresh folder per test, removed afterwards.
class DataTemp : public ::testing::Test {
protected:
  void SetUp() override {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = (fs::temp_directory_path() /
           ("nasc-data-" + std::to_string(getpid()) + "-" + info->test_suite_name() + "-" + info->name()))
              .string();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string at(const std::string &rel) const { return dir + "/" + rel; }
  std::string dir;
};

// Named suites, so --gtest_filter='Data*' and the output read well.
class DataCifarFiles : public DataTemp {};
class DataIdxFiles : public DataTemp {};
class DataImageFolder : public DataTemp {};

// A dataset whose pixels encode the sample index, to follow samples through
// splits and loaders.
Dataset indexed(const std::vector<int64_t> &labels, int64_t classes) {
  const int64_t n = labels.size();
  Dataset ds;
  ds.images = torch::zeros({n, 1, 2, 2}, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    ds.images[i][0][0][0] = int(i & 255);
    ds.images[i][0][0][1] = int(i >> 8);
  }
  ds.labels = torch::tensor(labels, torch::kInt64);
  ds.classes = classes;
  ds.name = "indexed";
  return ds;
}

std::vector<int64_t> indicesOf(const Dataset &ds) {
  std::vector<int64_t> out;
  auto a = ds.images.accessor<uint8_t, 4>();
  for (int64_t i = 0; i < ds.size(); ++i)
    out.push_back(a[i][0][0][0] + 256 * a[i][0][0][1]);
  return out;
}

} // namespace

// ---- CIFAR -----------------------------------------------------------------------

TEST(DataCifar, LoadsTheRealSubset) {
  Dataset train = loadCifar10(kCifar, true);
  Dataset test = loadCifar10(kCifar, false);
  EXPECT_EQ(train.size(), 5 * 1017);
  EXPECT_EQ(test.size(), 1017);
  EXPECT_EQ(train.size() + test.size(), 6102);
  EXPECT_EQ(train.images.sizes(), (std::vector<int64_t>{5085, 3, 32, 32}));
  EXPECT_EQ(train.images.scalar_type(), torch::kUInt8);
  EXPECT_EQ(train.labels.scalar_type(), torch::kInt64);
  EXPECT_EQ(train.classes, 10);
  EXPECT_EQ(train.name, "cifar10");
  for (const Dataset *d : {&train, &test}) {
    EXPECT_GE(d->labels.min().item<int64_t>(), 0);
    EXPECT_LE(d->labels.max().item<int64_t>(), 9);
    EXPECT_EQ(torch::bincount(d->labels).size(0), 10); // every class present
  }
  // The raw bytes: label first, then the R, G, B planes.
  Bytes b1 = readBytes(kCifar + "/data_batch_1.bin");
  Bytes b2 = readBytes(kCifar + "/data_batch_2.bin");
  ASSERT_EQ(b1.size(), 1017u * 3073u);
  EXPECT_EQ(train.labels[0].item<int64_t>(), b1[0]);
  EXPECT_EQ(train.images[0][0][0][0].item<int>(), b1[1]);
  EXPECT_EQ(train.images[0][1][0][0].item<int>(), b1[1 + 1024]);
  EXPECT_EQ(train.images[0][2][31][31].item<int>(), b1[3072]);
  EXPECT_EQ(train.labels[1].item<int64_t>(), b1[3073]);
  EXPECT_EQ(train.labels[1017].item<int64_t>(), b2[0]); // batches in order
  EXPECT_EQ(train.images[1017][0][0][5].item<int>(), b2[6]);

  Dataset viaName = loadDataset("cifar10", kCifar, false);
  EXPECT_TRUE(torch::equal(viaName.images, test.images));
  EXPECT_EQ(viaName.name, "cifar10");
}

TEST_F(DataCifarFiles, TruncatedFile) {
  Bytes b = readBytes(kCifar + "/test_batch.bin");
  b.resize(2 * 3073 + 100);
  writeBytes(at("test_batch.bin"), b);
  std::string msg = errorOf([&] { loadCifar10(dir, false); });
  EXPECT_HAS(msg, at("test_batch.bin"));
  EXPECT_HAS(msg, "truncated");
  EXPECT_HAS(msg, "expected 9219 bytes");
  EXPECT_HAS(msg, "got 6246");
}

TEST_F(DataCifarFiles, LabelOutOfRange) {
  Bytes b = readBytes(kCifar + "/test_batch.bin");
  b.resize(3 * 3073);
  b[2 * 3073] = 12;
  writeBytes(at("test_batch.bin"), b);
  std::string msg = errorOf([&] { loadCifar10(dir, false); });
  EXPECT_HAS(msg, at("test_batch.bin"));
  EXPECT_HAS(msg, "label 12 at record 2");
  EXPECT_HAS(msg, "classes 10");
}

TEST_F(DataCifarFiles, MissingAndEmptyFiles) {
  std::string msg = errorOf([&] { loadCifar10(dir, false); });
  EXPECT_HAS(msg, at("test_batch.bin"));
  EXPECT_HAS(msg, "no such file");
  EXPECT_HAS(errorOf([&] { loadCifar10(at("nope"), true); }), "nope");

  // Batches 1 and 2 only: the error names the first missing one.
  Bytes b = readBytes(kCifar + "/data_batch_1.bin");
  b.resize(3073);
  writeBytes(at("data_batch_1.bin"), b);
  writeBytes(at("data_batch_2.bin"), b);
  msg = errorOf([&] { loadCifar10(dir, true); });
  EXPECT_HAS(msg, at("data_batch_3.bin"));

  writeBytes(at("test_batch.bin"), {});
  msg = errorOf([&] { loadCifar10(dir, false); });
  EXPECT_HAS(msg, "empty file");
  EXPECT_HAS(msg, at("test_batch.bin"));

  fs::remove(at("test_batch.bin"));
  fs::create_directories(at("test_batch.bin"));
  msg = errorOf([&] { loadCifar10(dir, false); });
  EXPECT_HAS(msg, at("test_batch.bin"));
  EXPECT_HAS(msg, "directory");
}

TEST_F(DataCifarFiles, OfficialSubfolder) {
  Bytes b = readBytes(kCifar + "/test_batch.bin");
  b.resize(4 * 3073);
  writeBytes(at("cifar-10-batches-bin/test_batch.bin"), b);
  EXPECT_EQ(loadCifar10(dir, false).size(), 4);
}

TEST_F(DataCifarFiles, Cifar100FineLabels) {
  auto record = [](uint8_t coarse, uint8_t fine) {
    Bytes r(3074, 9);
    r[0] = coarse;
    r[1] = fine;
    return r;
  };
  Bytes b;
  for (auto [c, f] : std::vector<std::pair<int, int>>{{3, 57}, {19, 99}, {0, 0}}) {
    Bytes r = record(c, f);
    b.insert(b.end(), r.begin(), r.end());
  }
  writeBytes(at("train.bin"), b);
  Dataset ds = loadDataset("cifar100", dir, true);
  EXPECT_EQ(ds.classes, 100);
  EXPECT_EQ(ds.name, "cifar100");
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{3, 3, 32, 32}));
  EXPECT_EQ(ds.labels[0].item<int64_t>(), 57);
  EXPECT_EQ(ds.labels[1].item<int64_t>(), 99);

  Bytes bad = record(2, 100);
  writeBytes(at("test.bin"), bad);
  std::string msg = errorOf([&] { loadCifar100(dir, false); });
  EXPECT_HAS(msg, "label 100 at record 0");
  EXPECT_HAS(msg, at("test.bin"));
  writeBytes(at("test.bin"), record(20, 5));
  EXPECT_HAS(errorOf([&] { loadCifar100(dir, false); }), "coarse label");
  b.resize(3074 + 10);
  writeBytes(at("test.bin"), b);
  EXPECT_HAS(errorOf([&] { loadCifar100(dir, false); }), "expected 6148 bytes");
}

// ---- IDX -------------------------------------------------------------------------

TEST(DataIdx, FashionMnist) {
  if (!fs::exists(kFashion + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  Dataset train = loadDataset("fashion_mnist", kFashion, true);
  Dataset test = loadDataset("fashion_mnist", kFashion, false);
  EXPECT_EQ(train.images.sizes(), (std::vector<int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(test.images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(train.classes, 10);
  EXPECT_EQ(train.name, "fashion_mnist");
  EXPECT_EQ(train.class_names.size(), 10u);
  // Fashion-MNIST is balanced: 6,000 / 1,000 per class.
  EXPECT_TRUE(torch::equal(torch::bincount(train.labels), torch::full({10}, 6000, torch::kInt64)));
  EXPECT_TRUE(torch::equal(torch::bincount(test.labels), torch::full({10}, 1000, torch::kInt64)));
}

TEST_F(DataIdxFiles, RawAndGzipReadTheSame) {
  Bytes images = idxImages(0x803, 5, 4, 3, 5 * 12), labels = idxLabels(0x801, {0, 1, 2, 9, 4});
  writeBytes(at("raw/train-images-idx3-ubyte"), images);
  writeBytes(at("raw/train-labels-idx1-ubyte"), labels);
  fs::create_directories(at("gz"));
  writeGz(at("gz/train-images-idx3-ubyte.gz"), images);
  writeGz(at("gz/train-labels-idx1-ubyte.gz"), labels);
  Dataset raw = loadIdx(at("raw"), true), gz = loadIdx(at("gz"), true);
  EXPECT_EQ(raw.images.sizes(), (std::vector<int64_t>{5, 1, 4, 3}));
  EXPECT_TRUE(torch::equal(raw.images, gz.images));
  EXPECT_TRUE(torch::equal(raw.labels, gz.labels));
  EXPECT_EQ(raw.labels[3].item<int64_t>(), 9);
  EXPECT_EQ(raw.images[1][0][0][1].item<int>(), uint8_t(13 * 7));

  if (fs::exists(kFashion + "/t10k-images-idx3-ubyte.gz")) { // real data, gunzipped
    writeBytes(at("real/t10k-images-idx3-ubyte"), gunzip(kFashion + "/t10k-images-idx3-ubyte.gz"));
    writeBytes(at("real/t10k-labels-idx1-ubyte"), gunzip(kFashion + "/t10k-labels-idx1-ubyte.gz"));
    Dataset a = loadIdx(at("real"), false), b = loadIdx(kFashion, false);
    EXPECT_EQ(a.size(), 10000);
    EXPECT_TRUE(torch::equal(a.images, b.images));
    EXPECT_TRUE(torch::equal(a.labels, b.labels));
  }
}

TEST_F(DataIdxFiles, BadFiles) {
  const std::string images = at("t10k-images-idx3-ubyte"), labels = at("t10k-labels-idx1-ubyte");
  auto load = [&] { return errorOf([&] { loadIdx(dir, false); }); };
  std::string msg = load();
  EXPECT_HAS(msg, images);
  EXPECT_HAS(msg, "no such file");

  writeBytes(labels, idxLabels(0x801, {1, 2, 3, 4, 5}));
  writeBytes(images, idxImages(0x804, 5, 2, 2, 20));
  msg = load();
  EXPECT_HAS(msg, images);
  EXPECT_HAS(msg, "wrong magic number 0x00000804");

  writeBytes(images, idxImages(0x801, 5, 2, 2, 20)); // a label file in the image slot
  EXPECT_HAS(load(), "a label file");

  writeBytes(images, idxImages(0x803, 5, 2, 2, 16));
  msg = load();
  EXPECT_HAS(msg, images);
  EXPECT_HAS(msg, "truncated");
  EXPECT_HAS(msg, "expected 36 bytes");
  EXPECT_HAS(msg, "got 32");

  writeBytes(images, Bytes{0, 0});
  EXPECT_HAS(load(), "truncated");

  writeBytes(images, idxImages(0x803, 4, 2, 2, 16));
  msg = load();
  EXPECT_HAS(msg, "4 images");
  EXPECT_HAS(msg, "5 labels");

  writeBytes(images, idxImages(0x803, 5, 2, 2, 20));
  writeBytes(labels, idxLabels(0x801, {1, 2, 3, 10, 5}));
  msg = load();
  EXPECT_HAS(msg, labels);
  EXPECT_HAS(msg, "label 10 at record 3");

  writeBytes(labels, idxLabels(0x803, {1, 2, 3, 4, 5}));
  EXPECT_HAS(load(), "wrong magic number 0x00000803");

  // A gzip file cut short.
  fs::remove(labels);
  Bytes big = idxLabels(0x801, std::vector<uint8_t>(50000, 3));
  writeGz(labels + ".gz", big);
  Bytes gz = readBytes(labels + ".gz");
  gz.resize(gz.size() / 2);
  writeBytes(labels + ".gz", gz);
  msg = load();
  EXPECT_HAS(msg, labels + ".gz");
  EXPECT_HAS(msg, "gzip");
}

// ---- image folder ------------------------------------------------------------------

TEST_F(DataImageFolder, PpmPgmPng) {
  std::vector<int> rgb;
  for (int i = 0; i < 4 * 4 * 3; ++i)
    rgb.push_back(i * 5);
  writeBytes(at("train/cat/a.ppm"), ppm('6', 4, 4, 255, rgb, "# a comment\n"));
  std::vector<int> rgb16(rgb.size());
  for (size_t i = 0; i < rgb.size(); ++i)
    rgb16[i] = rgb[i] * 257; // 16-bit samples scale back to the same bytes
  writeBytes(at("train/cat/b.PPM"), ppm('6', 4, 4, 65535, rgb16));
  std::vector<int> grey(16);
  for (int i = 0; i < 16; ++i)
    grey[i] = 100 + i;
  writeBytes(at("train/dog/c.pgm"), ppm('5', 4, 4, 255, grey));
  { // 8x8, resized to 4x4 below
    Bytes px(8 * 8 * 3);
    for (size_t i = 0; i < px.size(); ++i)
      px[i] = i % 3 == 0 ? 200 : i % 3 == 1 ? 100 : 50;
    writePng(at("train/dog/d.png"), 8, 8, true, px);
  }
  writeBytes(at("train/dog/notes.txt"), {'h', 'i'}); // not an image: ignored
  writeBytes(at("README"), {'x'});

  Dataset ds = loadDataset("image_folder", dir, true, 4);
  EXPECT_EQ(ds.name, "image_folder");
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{4, 3, 4, 4}));
  EXPECT_EQ(ds.classes, 2);
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_TRUE(torch::equal(ds.labels, torch::tensor({0, 0, 1, 1}, torch::kInt64)));
  torch::Tensor want = torch::tensor(std::vector<int64_t>(rgb.begin(), rgb.end()))
                           .to(torch::kUInt8)
                           .view({4, 4, 3})
                           .permute({2, 0, 1});
  EXPECT_TRUE(torch::equal(ds.images[0], want)); // a.ppm, interleaved -> planes
  EXPECT_TRUE(torch::equal(ds.images[1], want)); // b.PPM, 16-bit
  // c.pgm: grey repeated on three channels.
  torch::Tensor g = torch::tensor(std::vector<int64_t>(grey.begin(), grey.end())).to(torch::kUInt8).view({4, 4});
  for (int c = 0; c < 3; ++c)
    EXPECT_TRUE(torch::equal(ds.images[2][c], g));
  // d.png: a constant image stays constant through the resize.
  EXPECT_TRUE(torch::equal(ds.images[3][0], torch::full({4, 4}, 200, torch::kUInt8)));
  EXPECT_TRUE(torch::equal(ds.images[3][2], torch::full({4, 4}, 50, torch::kUInt8)));

  // Enlarging works too.
  Dataset big = loadImageFolder(dir, true, 9);
  EXPECT_EQ(big.images.sizes(), (std::vector<int64_t>{4, 3, 9, 9}));
  EXPECT_EQ(big.images[3][1][4][4].item<int>(), 100);

  // No val/: no test split of its own.
  EXPECT_FALSE(hasTestSplit("image_folder", dir));
  EXPECT_HAS(errorOf([&] { loadImageFolder(dir, false, 4); }), "no val/ or test/");
  writeBytes(at("val/dog/e.pgm"), ppm('5', 4, 4, 255, grey));
  EXPECT_TRUE(hasTestSplit("image_folder", dir));
  Dataset val = loadImageFolder(dir, false, 4);
  EXPECT_EQ(val.size(), 1);
  EXPECT_EQ(val.labels[0].item<int64_t>(), 1); // dog's index in train's class list
  EXPECT_EQ(val.channels(), 3);                // grey, but train has colour: same as train
  writeBytes(at("val/horse/f.pgm"), ppm('5', 4, 4, 255, grey));
  EXPECT_HAS(errorOf([&] { loadImageFolder(dir, false, 4); }), "class 'horse'");
}

TEST_F(DataImageFolder, GreyAndOwnSize) {
  std::vector<int> grey(6, 7);
  writeBytes(at("train/a/1.pgm"), ppm('5', 3, 2, 255, grey));
  writeBytes(at("train/b/2.pgm"), ppm('5', 3, 2, 255, grey));
  Dataset ds = loadImageFolder(dir, true, 0);
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{2, 1, 2, 3}));
  // A colour image in test/ makes the grey training set 3 channels too.
  writePng(at("test/a/3.png"), 3, 2, true, Bytes(18, 9));
  EXPECT_EQ(loadImageFolder(dir, true, 0).images.sizes(), (std::vector<int64_t>{2, 3, 2, 3}));
  EXPECT_EQ(loadImageFolder(dir, false, 0).images.sizes(), (std::vector<int64_t>{1, 3, 2, 3}));
  fs::remove_all(at("test"));
  writeBytes(at("train/b/3.pgm"), ppm('5', 2, 2, 255, {1, 2, 3, 4}));
  std::string msg = errorOf([&] { loadImageFolder(dir, true, 0); });
  EXPECT_HAS(msg, "3.pgm");
  EXPECT_HAS(msg, "give a size");
}

TEST_F(DataImageFolder, BadImages) {
  writeBytes(at("train/cat/a.ppm"), ppm('6', 2, 2, 255, std::vector<int>(12, 1)));
  writeBytes(at("train/dog/bad.png"), {'h', 'e', 'l', 'l', 'o'});
  std::string msg = errorOf([&] { loadImageFolder(dir, true, 2); });
  EXPECT_HAS(msg, at("train/dog/bad.png"));
  EXPECT_HAS(msg, "cannot decode");

  // A PNG cut short.
  writePng(at("train/dog/bad.png"), 16, 16, true, Bytes(16 * 16 * 3, 77));
  Bytes png = readBytes(at("train/dog/bad.png"));
  png.resize(png.size() / 2);
  writeBytes(at("train/dog/bad.png"), png);
  EXPECT_HAS(errorOf([&] { loadImageFolder(dir, true, 2); }), "bad.png");
  fs::remove(at("train/dog/bad.png"));

  Bytes cut = ppm('6', 4, 4, 255, std::vector<int>(48, 1));
  cut.resize(cut.size() - 5);
  writeBytes(at("train/dog/cut.ppm"), cut);
  msg = errorOf([&] { loadImageFolder(dir, true, 2); });
  EXPECT_HAS(msg, "cut.ppm");
  EXPECT_HAS(msg, "truncated");
  fs::remove(at("train/dog/cut.ppm"));

  writeBytes(at("train/dog/ascii.ppm"), {'P', '3', '\n', '1', ' ', '1', '\n', '1', '\n', '1', ' ', '1', ' ', '1'});
  EXPECT_HAS(errorOf([&] { loadImageFolder(dir, true, 2); }), "P3 is not supported");
  fs::remove(at("train/dog/ascii.ppm"));

  writeBytes(at("train/dog/photo.jpg"), {0xff, 0xd8, 0xff, 0xe0});
  msg = errorOf([&] { loadImageFolder(dir, true, 2); });
  EXPECT_HAS(msg, at("train/dog"));
  EXPECT_HAS(msg, "no images");
  EXPECT_HAS(msg, "photo.jpg");

  EXPECT_HAS(errorOf([&] { loadImageFolder(at("none"), true, 2); }), at("none/train"));
}

TEST(DataLoadDataset, UnknownImplNamesTheKnownOnes) {
  std::string msg = errorOf([] { loadDataset("imagenet", "/tmp", true); });
  EXPECT_HAS(msg, "'imagenet'");
  EXPECT_HAS(msg, "cifar10, cifar100, mnist, fashion_mnist, image_folder");
  EXPECT_HAS(errorOf([] { hasTestSplit("svhn", "/tmp"); }), "'svhn'");
}

// ---- splits ---------------------------------------------------------------------

TEST(DataSplit, SizesStratificationDeterminism) {
  std::vector<int64_t> labels;
  for (int i = 0; i < 1000; ++i)
    labels.push_back(i % 10 == 0 ? 1 : 0); // 900 of class 0, 100 of class 1
  Dataset ds = indexed(labels, 2);
  auto [train, valid] = splitTrainValid(ds, 0.1, 7);
  EXPECT_EQ(valid.size(), 100);
  EXPECT_EQ(train.size(), 900);
  EXPECT_EQ((valid.labels == 1).sum().item<int64_t>(), 10); // 10% of each class
  EXPECT_EQ((valid.labels == 0).sum().item<int64_t>(), 90);
  // Disjoint, together everything, each part in the original order.
  std::vector<int64_t> ti = indicesOf(train), vi = indicesOf(valid);
  EXPECT_TRUE(std::is_sorted(ti.begin(), ti.end()));
  EXPECT_TRUE(std::is_sorted(vi.begin(), vi.end()));
  std::set<int64_t> all(ti.begin(), ti.end());
  all.insert(vi.begin(), vi.end());
  EXPECT_EQ(all.size(), 1000u);
  for (size_t k = 0; k < vi.size(); ++k)
    EXPECT_EQ(valid.labels[k].item<int64_t>(), labels[vi[k]]);

  auto again = splitTrainValid(ds, 0.1, 7);
  EXPECT_EQ(indicesOf(again.second), vi);
  auto other = splitTrainValid(ds, 0.1, 8);
  EXPECT_NE(indicesOf(other.second), vi);

  // Totals are exact even when no class divides evenly.
  EXPECT_EQ(splitTrainValid(indexed(std::vector<int64_t>{0, 0, 0, 1, 1, 1, 2}, 3), 0.5, 1).second.size(), 4);
  EXPECT_EQ(splitTrainValid(ds, 0.0, 1).second.size(), 0);
  EXPECT_HAS(errorOf([&] { splitTrainValid(ds, 1.0, 1); }), "valid_fraction");
}

TEST(DataSplit, CifarHalfAndSubset) {
  Dataset train = loadCifar10(kCifar, true);
  auto [a, b] = splitTrainValid(train, 0.5, 0);
  EXPECT_EQ(a.size() + b.size(), 5085);
  EXPECT_EQ(b.size(), 2543); // round(2542.5)
  EXPECT_EQ(a.images.sizes().slice(1), train.images.sizes().slice(1));

  Dataset s = subset(train, 0.1, 3);
  EXPECT_EQ(s.size(), 509);
  EXPECT_TRUE(torch::equal(s.images, subset(train, 0.1, 3).images));
  EXPECT_FALSE(torch::equal(s.labels, subset(train, 0.1, 4).labels) &&
               torch::equal(s.images, subset(train, 0.1, 4).images));
  EXPECT_EQ(subset(train, 1.0, 3).size(), 5085);
  EXPECT_HAS(errorOf([&] { subset(train, 0.0, 1); }), "fraction");
}

// ---- statistics -------------------------------------------------------------------

TEST(DataStats, ChannelStats) {
  Dataset ds;
  ds.images = torch::zeros({2, 1, 2, 2}, torch::kUInt8);
  ds.images[1].fill_(255);
  ds.labels = torch::zeros({2}, torch::kInt64);
  ds.classes = 1;
  Normalization n = channelStats(ds);
  ASSERT_EQ(n.mean.size(), 1u);
  EXPECT_FLOAT_EQ(n.mean[0], 0.5f);
  EXPECT_FLOAT_EQ(n.std[0], 0.5f);

  // The known CIFAR-10 statistics (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616).
  Normalization c = channelStats(loadCifar10(kCifar, true));
  ASSERT_EQ(c.mean.size(), 3u);
  const float mean[3] = {0.4914f, 0.4822f, 0.4465f}, stdv[3] = {0.2470f, 0.2435f, 0.2616f};
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(c.mean[k], mean[k], 0.02);
    EXPECT_NEAR(c.std[k], stdv[k], 0.02);
  }
}

// ---- loader ------------------------------------------------------------------------

TEST(DataLoader, DeterministicAndIndependentOfTorchRng) {
  Dataset train = loadCifar10(kCifar, true);
  Normalization norm = channelStats(train);
  LoaderOptions o;
  o.batch_size = 128;
  o.seed = 42;
  o.augment = {4, true};
  o.norm = norm;
  Loader a(train, o), b(train, o);
  EXPECT_EQ(a.numBatches(), 40);
  torch::manual_seed(1);
  Batch x, y;
  int64_t count = 0, seen = 0;
  while (a.next(x)) {
    torch::rand({100}); // draws from the global generator between batches
    ASSERT_TRUE(b.next(y));
    EXPECT_TRUE(torch::equal(x.images, y.images));
    EXPECT_TRUE(torch::equal(x.labels, y.labels));
    EXPECT_EQ(x.images.scalar_type(), torch::kFloat);
    EXPECT_EQ(x.images.size(1), 3);
    seen += x.labels.size(0);
    ++count;
  }
  EXPECT_FALSE(b.next(y));
  EXPECT_EQ(count, 40);
  EXPECT_EQ(seen, 5085);
  EXPECT_EQ(x.labels.size(0), 5085 - 39 * 128); // the last partial batch is kept

  // batch(i) is the same as reaching it with next().
  a.setEpoch(0);
  EXPECT_TRUE(torch::equal(a.batch(7).images, [&] {
    Loader c(train, o);
    Batch z;
    for (int i = 0; i <= 7; ++i)
      c.next(z);
    return z.images;
  }()));

  // Each epoch is a permutation; epochs and seeds differ.
  std::vector<int64_t> o0 = a.order();
  std::vector<int64_t> sorted = o0;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 5085; ++i)
    ASSERT_EQ(sorted[i], i);
  Batch e0 = a.batch(0);
  a.setEpoch(1);
  EXPECT_NE(a.order(), o0);
  EXPECT_FALSE(torch::equal(a.batch(0).images, e0.images));
  o.seed = 43;
  Loader d(train, o);
  EXPECT_NE(d.order(), o0);

  o.drop_last = true;
  EXPECT_EQ(Loader(train, o).numBatches(), 39);
}

TEST(DataLoader, NormalizesAndKeepsOrderWithoutShuffle) {
  Dataset test = loadCifar10(kCifar, false);
  Normalization norm = channelStats(test);
  Loader l(test, 100, /*shuffle=*/false, 0, Augment{}, norm);
  Batch b = l.batch(0);
  EXPECT_TRUE(torch::equal(b.labels, test.labels.narrow(0, 0, 100)));
  torch::Tensor mean = torch::tensor(norm.mean).view({1, 3, 1, 1}), stdv = torch::tensor(norm.std).view({1, 3, 1, 1});
  torch::Tensor want = (test.images.narrow(0, 0, 100).to(torch::kFloat) / 255 - mean) / stdv;
  EXPECT_TRUE(torch::allclose(b.images, want, 1e-5, 1e-5));
  // Over the whole set the normalized channels have mean 0 and std 1.
  std::vector<torch::Tensor> all;
  for (l.setEpoch(0); l.next(b);)
    all.push_back(b.images);
  torch::Tensor x = torch::cat(all).to(torch::kDouble);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(x.select(1, c).mean().item<double>(), 0.0, 1e-4);
    EXPECT_NEAR(x.select(1, c).std(false).item<double>(), 1.0, 1e-4);
  }
  // No normalization: pixels / 255.
  Loader raw(test, 10, false, 0);
  EXPECT_TRUE(torch::allclose(raw.batch(0).images, test.images.narrow(0, 0, 10).to(torch::kFloat) / 255));

  EXPECT_HAS(errorOf([&] { Loader(test, 0, false, 0); }), "batch_size");
  Normalization one{{0.5f}, {0.5f}};
  EXPECT_HAS(errorOf([&] { Loader(test, 8, false, 0, Augment{}, one); }), "3 channels");
}

// ---- augmentation ----------------------------------------------------------------

TEST(DataAugment, FlipAndCropOfACraftedImage) {
  // 1 channel 4x4, values 1..16 (no zeros, so padding is recognisable).
  torch::Tensor img = torch::arange(1, 17, torch::kInt64).to(torch::kUInt8).view({1, 1, 4, 4});
  torch::Tensor batch = img.expand({64, 1, 4, 4}).contiguous();

  torch::Tensor flipped = augmentBatch(batch, Augment{0, true}, 5);
  EXPECT_EQ(flipped.sizes(), batch.sizes());
  int same = 0, mirrored = 0;
  for (int j = 0; j < 64; ++j) {
    if (torch::equal(flipped[j], img[0]))
      ++same;
    else if (torch::equal(flipped[j], img[0].flip({2})))
      ++mirrored;
  }
  EXPECT_EQ(same + mirrored, 64);
  EXPECT_GT(same, 10);
  EXPECT_GT(mirrored, 10);

  // Crops: each output is the zero-padded image at some offset in [-2, 2]^2
  // (flipped or not), and several offsets occur.
  const int p = 2;
  torch::Tensor padded = torch::zeros({1, 4 + 2 * p, 4 + 2 * p}, torch::kUInt8);
  padded.narrow(1, p, 4).narrow(2, p, 4).copy_(img[0]);
  torch::Tensor out = augmentBatch(batch, Augment{p, true}, 9);
  EXPECT_EQ(out.sizes(), batch.sizes());
  std::set<std::tuple<int, int, bool>> offsets;
  for (int j = 0; j < 64; ++j) {
    bool found = false;
    for (int oy = 0; oy <= 2 * p && !found; ++oy)
      for (int ox = 0; ox <= 2 * p && !found; ++ox)
        for (bool f : {false, true}) {
          torch::Tensor crop = padded.narrow(1, oy, 4).narrow(2, ox, 4);
          if (f)
            crop = crop.flip({2});
          if (torch::equal(out[j], crop)) {
            offsets.insert({oy, ox, f});
            found = true;
            break;
          }
        }
    EXPECT_TRUE(found) << "sample " << j;
  }
  EXPECT_GT(offsets.size(), 10u);

  // Deterministic in the seed; no augmentation is the identity.
  EXPECT_TRUE(torch::equal(out, augmentBatch(batch, Augment{p, true}, 9)));
  EXPECT_FALSE(torch::equal(out, augmentBatch(batch, Augment{p, true}, 10)));
  EXPECT_TRUE(torch::equal(augmentBatch(batch, Augment{}, 9), batch));
}

TEST(DataAugment, LoaderSpeedOnCifar) {
  Dataset train = loadCifar10(kCifar, true);
  LoaderOptions o;
  o.batch_size = 128;
  o.augment = {4, true};
  o.norm = channelStats(train);
  Loader l(train, o);
  Batch b;
  l.next(b); // warm-up
  auto t0 = std::chrono::steady_clock::now();
  int64_t batches = 0;
  for (int epoch = 0; epoch < 3; ++epoch)
    for (l.setEpoch(epoch); l.next(b);)
      ++batches;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / batches;
  std::cout << "[ loader ] " << ms << " ms per batch of 128 (pad 4 + crop + flip + normalize)\n";
  RecordProperty("ms_per_batch", std::to_string(ms));
  EXPECT_LT(ms, 50.0); // loose: shared machines; a batch is about 1 ms
}
