//===- fuzz_data.cpp - libFuzzer target: the dataset file readers ---------===//
//
// The first byte picks the reader, the rest is the file:
//   0 IDX images, 1 IDX labels (and their range), 2 CIFAR-10 binary,
//   3 CIFAR-100 binary, 4 image decoding (PNG, PGM, PPM),
//   5 a gzipped (or raw) IDX file as loadIdx reads it: zlib, then the checks.
// These are the torch-free parts of runtime/lib/data: everything that reads
// bytes from a file. The readers then only copy what was accepted into
// tensors (runtime/lib/data/Cifar.cpp, Idx.cpp). Bad input must be a
// DataError; anything else escaping, or a crash, is a bug.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "../runtime/lib/data/Formats.h"
#include "../runtime/lib/data/ImageDecode.h"
#include "../runtime/lib/data/Io.h"
#include "nasc/data/DataError.h"

#include <cstdio>
#include <cstdlib>

using namespace nasc::data;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  const int which = data[0] % 6;
  std::vector<uint8_t> bytes(data + 1, data + size);
  try {
    switch (which) {
    case 0:
      detail::checkIdx(bytes, "images", detail::kIdxImagesMagic, "idx3-ubyte images");
      break;
    case 1:
      detail::checkIdx(bytes, "labels", detail::kIdxLabelsMagic, "idx1-ubyte labels");
      detail::checkIdxLabels(bytes, "labels", 10);
      break;
    case 2:
      detail::checkCifar(bytes, "data_batch_1.bin", detail::CifarFormat{1, 0, 10});
      break;
    case 3:
      detail::checkCifar(bytes, "train.bin", detail::CifarFormat{2, 1, 100, 20});
      break;
    case 4: {
      detail::Image img = detail::decodeImage(bytes, "image.png");
      if (img.pixels.size() != size_t(img.width) * img.height * img.channels ||
          (img.channels != 1 && img.channels != 3)) {
        std::fprintf(stderr, "fuzz_data: decodeImage returned %dx%dx%d with %zu bytes\n", img.width, img.height,
                     img.channels, img.pixels.size());
        std::abort();
      }
      break;
    }
    case 5: {
      std::string path = nasc::fuzz::writeScratch("train-images-idx3-ubyte.gz", bytes.data(), bytes.size());
      std::vector<uint8_t> raw;
      try {
        raw = detail::readMaybeGzip(path);
      } catch (...) {
        nasc::fuzz::removeScratch("train-images-idx3-ubyte.gz");
        throw;
      }
      nasc::fuzz::removeScratch("train-images-idx3-ubyte.gz");
      detail::checkIdx(raw, path, detail::kIdxImagesMagic, "idx3-ubyte images");
      break;
    }
    }
  } catch (const DataError &) {
  }
  return 0;
}
