//===- ImageDecode.h - PNG and binary PPM/PGM decoding --------------------===//
//
// No torch here: decoding is plain byte work and this file compiles in a
// second. The format is recognised by content, not by the file's extension.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DATA_IMAGEDECODE_H
#define NASC_DATA_IMAGEDECODE_H

#include <cstdint>
#include <string>
#include <vector>

namespace nasc::data::detail {

/// 8-bit pixels, interleaved [H, W, C]; channels is 1 (grey) or 3 (RGB).
struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

/// Decodes PNG (any bit depth, palette, alpha: composited onto black) or
/// binary PGM / PPM (P5 / P6, maxval up to 65535, scaled to 8 bits).
/// DataError naming `path` on anything else or on corrupt data.
Image decodeImage(const std::vector<uint8_t> &bytes, const std::string &path);

/// readFile + decodeImage.
Image readImage(const std::string &path);

/// The channels (1 or 3) decodeImage would give, from the file's header only;
/// 0 when the file cannot be read or recognised (decoding it will say why).
int peekChannels(const std::string &path);

} // namespace nasc::data::detail

#endif // NASC_DATA_IMAGEDECODE_H
