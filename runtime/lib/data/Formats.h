//===- Formats.h - Checks of the CIFAR and IDX file formats ---------------===//
//
// The byte-level validation of the fixed-format readers, without torch: the
// readers (Cifar.cpp, Idx.cpp) copy into tensors only what these accepted,
// and the data fuzz target (fuzz/) runs them on arbitrary bytes.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DATA_FORMATS_H
#define NASC_DATA_FORMATS_H

#include <cstdint>
#include <string>
#include <vector>

namespace nasc::data::detail {

/// IDX ubyte files: images are rank 3 (magic 0x00000803), labels rank 1
/// (0x00000801).
constexpr uint32_t kIdxImagesMagic = 0x00000803, kIdxLabelsMagic = 0x00000801;

/// Checks the magic and the exact length of an IDX file; returns its
/// dimensions (image dimensions are in 1..4096). DataError naming `path`.
std::vector<int64_t> checkIdx(const std::vector<uint8_t> &bytes, const std::string &path, uint32_t magic,
                              const char *kind);

/// Checks that every label of an IDX label file (already through checkIdx)
/// is below `classes`.
void checkIdxLabels(const std::vector<uint8_t> &bytes, const std::string &path, int64_t classes);

/// A CIFAR binary record: `bytes` label bytes, then 3 x 32 x 32 pixels.
constexpr int64_t kCifarPixels = 3 * 32 * 32;
struct CifarFormat {
  int bytes;          // label bytes per record
  int fine;           // which of them is the label kept
  int64_t classes;    // bound of the kept label
  int64_t coarse = 0; // CIFAR-100: bound of the other (coarse) label
};

/// Checks a whole CIFAR binary file (not empty, whole records, every label
/// in range); returns the number of records. DataError naming `path`.
int64_t checkCifar(const std::vector<uint8_t> &bytes, const std::string &path, const CifarFormat &fmt);

} // namespace nasc::data::detail

#endif // NASC_DATA_FORMATS_H
