//===- make_seeds.cpp - Seeds the source tree cannot give the fuzzers -----===//
//
//   fuzz-seeds CORPUS_ROOT   writes CORPUS_ROOT/{store,data,cli}/seed-*
//
// Stores written through the Store API (so their checksums are right), small
// well-formed IDX, CIFAR, gzip, PNG, PGM and PPM files (prefixed with the
// byte that selects their reader in fuzz_data), and argument vectors.
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Store.h"

#include <png.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

static void writeBytes(const fs::path &path, const Bytes &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

static Bytes readBytes(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

static void be32(Bytes &b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    b.push_back(uint8_t(v >> s));
}

static Bytes idxImages(uint32_t n, uint32_t rows, uint32_t cols) {
  Bytes b;
  be32(b, 0x803), be32(b, n), be32(b, rows), be32(b, cols);
  for (uint32_t i = 0; i < n * rows * cols; ++i)
    b.push_back(uint8_t(i * 7));
  return b;
}

static Bytes prefixed(uint8_t which, const Bytes &b) {
  Bytes out{which};
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

static Bytes gzipped(const Bytes &raw, const fs::path &tmp) {
  gzFile f = gzopen(tmp.c_str(), "wb");
  gzwrite(f, raw.data(), unsigned(raw.size()));
  gzclose(f);
  Bytes b = readBytes(tmp);
  fs::remove(tmp);
  return b;
}

static Bytes png(int w, int h, int format) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = w, image.height = h, image.format = format;
  Bytes pixels(PNG_IMAGE_SIZE(image));
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t(i * 13);
  png_alloc_size_t size = 0;
  png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr);
  Bytes out(size);
  png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr);
  out.resize(size);
  return out;
}

static void stores(const fs::path &dir) {
  using namespace nasc::search;
  for (int variant = 0; variant < 3; ++variant) {
    fs::path db = dir / ("seed-" + std::to_string(variant) + ".db");
    fs::remove(db);
    {
      StoreMeta meta{"s", "f00d", variant == 1 ? "evolution" : "random", uint64_t(variant), 10};
      Store store(db.string(), meta, false);
      for (int i = 1; i <= 1 + 2 * variant; ++i) {
        Record r;
        r.seq = i;
        r.id = "a=" + std::to_string(i);
        r.hash = std::to_string(i * 977);
        r.arch.choice = {i % 3, i % 2};
        r.arch.real = {0.5 * i};
        r.eval.metrics = {{"accuracy", 0.1 * i}, {"params", 1000.0 * i}};
        r.eval.report = {{"loss", 1.0 / i}};
        if (variant == 2 && i == 2)
          r.eval.error = "out of memory";
        r.objectives = {0.1 * i};
        r.score = variant == 2 && i == 2 ? -INFINITY : 0.1 * i;
        r.feasible = i != 3;
        r.violated = i == 3 ? "params <= 2000" : "";
        r.cached = i == 4;
        r.seconds = 0.25 * i;
        store.append(r, nlohmann::json{{"population", {i, i + 1}}, {"rng", "123 456"}});
      }
      if (variant == 1)
        store.finish("budget");
    }
    // One file: fold the write-ahead log into the database.
    fs::remove(db.string() + ".lock");
    if (fs::exists(db.string() + "-wal") || fs::exists(db.string() + "-shm")) {
      std::cerr << "fuzz-seeds: " << db << " left a WAL behind\n";
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz-seeds CORPUS_ROOT\n";
    return 2;
  }
  fs::path root = argv[1];
  for (const char *d : {"store", "data", "cli"})
    fs::create_directories(root / d);

  stores(root / "store");

  fs::path data = root / "data";
  Bytes labels;
  be32(labels, 0x801), be32(labels, 3);
  labels.insert(labels.end(), {1, 9, 0});
  writeBytes(data / "seed-idx-images", prefixed(0, idxImages(2, 4, 4)));
  writeBytes(data / "seed-idx-labels", prefixed(1, labels));
  Bytes cifar10(1 + 3072, 7);
  cifar10[0] = 3;
  writeBytes(data / "seed-cifar10", prefixed(2, cifar10));
  Bytes cifar100(2 + 3072, 9);
  cifar100[0] = 4, cifar100[1] = 42;
  writeBytes(data / "seed-cifar100", prefixed(3, cifar100));
  writeBytes(data / "seed-png-grey", prefixed(4, png(3, 2, PNG_FORMAT_GRAY)));
  writeBytes(data / "seed-png-rgb", prefixed(4, png(4, 3, PNG_FORMAT_RGB)));
  writeBytes(data / "seed-png-rgba", prefixed(4, png(2, 2, PNG_FORMAT_RGBA)));
  std::string pgm = "P5\n3 2\n255\n";
  Bytes pgmBytes(pgm.begin(), pgm.end());
  pgmBytes.insert(pgmBytes.end(), {1, 2, 3, 4, 5, 6});
  writeBytes(data / "seed-pgm", prefixed(4, pgmBytes));
  std::string ppm = "P6\n# comment\n2 1\n65535\n";
  Bytes ppmBytes(ppm.begin(), ppm.end());
  ppmBytes.insert(ppmBytes.end(), 12, 0x80);
  writeBytes(data / "seed-ppm16", prefixed(4, ppmBytes));
  writeBytes(data / "seed-idx-gz", prefixed(5, gzipped(idxImages(1, 2, 3), data / "tmp.gz")));

  fs::path cli = root / "cli";
  std::vector<std::vector<std::string>> argvs = {
      {"--budget", "100", "--seed=7", "--resume"},
      {"--time-limit=2.5", "--epochs", "1e1", "--quiet"},
      {"--latency-batch", "64", "--out", "dir", "--strategy=evolution"},
      {"--budget=18446744073709551615", "--seed", "0"},
      {"--time-limit", "1e-3", "--json=1"},
  };
  int i = 0;
  for (const auto &args : argvs) {
    Bytes b;
    for (size_t k = 0; k < args.size(); ++k) {
      if (k)
        b.push_back(0);
      b.insert(b.end(), args[k].begin(), args[k].end());
    }
    writeBytes(cli / ("seed-" + std::to_string(i++)), b);
  }
  std::cout << "fuzz-seeds: wrote seeds under " << root << "\n";
  return 0;
}
