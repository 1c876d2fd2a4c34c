//===- ImageDecode.cpp - PNG and binary PPM/PGM decoding ------------------===//
#include "ImageDecode.h"
#include "Io.h"

#include "nasc/data/DataError.h"

#include <png.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>

namespace nasc::data::detail {
namespace {

// Far above any image a NAS run trains on, low enough that a corrupt header
// cannot ask for gigabytes.
constexpr int64_t kMaxPixels = int64_t(1) << 26;

const uint8_t kPngSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

[[noreturn]] void fail(const std::string &path, const std::string &what) {
  throw DataError("cannot decode image '" + path + "': " + what);
}

void checkSize(const std::string &path, int64_t w, int64_t h) {
  if (w <= 0 || h <= 0 || w * h > kMaxPixels)
    fail(path, "bad size " + std::to_string(w) + "x" + std::to_string(h));
}

// ---- PNM ----

struct PnmReader {
  const std::vector<uint8_t> &b;
  const std::string &path;
  size_t pos = 2;

  void skipSpaceAndComments() {
    while (pos < b.size()) {
      if (b[pos] == '#') {
        while (pos < b.size() && b[pos] != '\n' && b[pos] != '\r')
          ++pos;
      } else if (std::isspace(b[pos])) {
        ++pos;
      } else {
        break;
      }
    }
  }

  int64_t number(const char *what) {
    skipSpaceAndComments();
    if (pos >= b.size() || !std::isdigit(b[pos]))
      fail(path, std::string("bad PNM header: expected the ") + what);
    int64_t v = 0;
    while (pos < b.size() && std::isdigit(b[pos])) {
      v = v * 10 + (b[pos++] - '0');
      if (v > (int64_t(1) << 30))
        fail(path, std::string("bad PNM header: ") + what + " too large");
    }
    return v;
  }
};

Image decodePnm(const std::vector<uint8_t> &b, const std::string &path) {
  char kind = static_cast<char>(b[1]);
  if (kind != '5' && kind != '6')
    fail(path, std::string("PNM variant P") + kind + " is not supported (only binary P5 PGM and P6 PPM)");
  PnmReader r{b, path};
  int64_t w = r.number("width");
  int64_t h = r.number("height");
  int64_t maxval = r.number("maxval");
  checkSize(path, w, h);
  if (maxval < 1 || maxval > 65535)
    fail(path, "bad PNM maxval " + std::to_string(maxval));
  // Exactly one whitespace byte separates the header from the raster.
  if (r.pos >= b.size() || !std::isspace(b[r.pos]))
    fail(path, "bad PNM header: no whitespace after maxval");
  ++r.pos;
  Image img;
  img.width = static_cast<int>(w);
  img.height = static_cast<int>(h);
  img.channels = kind == '6' ? 3 : 1;
  const int64_t samples = w * h * img.channels;
  const int bytesPer = maxval < 256 ? 1 : 2;
  const int64_t have = static_cast<int64_t>(b.size() - r.pos);
  if (have < samples * bytesPer)
    fail(path, "truncated file: expected " + std::to_string(r.pos + samples * bytesPer) + " bytes, got " +
                   std::to_string(b.size()));
  img.pixels.resize(samples);
  const uint8_t *src = b.data() + r.pos;
  for (int64_t i = 0; i < samples; ++i) {
    int64_t v = bytesPer == 1 ? src[i] : (int64_t(src[2 * i]) << 8 | src[2 * i + 1]);
    if (v > maxval)
      fail(path, "sample " + std::to_string(v) + " above maxval " + std::to_string(maxval));
    img.pixels[i] = static_cast<uint8_t>(maxval == 255 ? v : (v * 255 + maxval / 2) / maxval);
  }
  return img;
}

// ---- PNG ----

Image decodePng(const std::vector<uint8_t> &b, const std::string &path) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  // The simplified API catches libpng's longjmp errors itself and reports
  // them in png.message: nothing jumps over C++ frames.
  if (!png_image_begin_read_from_memory(&png, b.data(), b.size())) {
    std::string msg = png.message;
    png_image_free(&png);
    fail(path, "bad PNG: " + msg);
  }
  // 16-bit files without gamma data are far more often sRGB than linear.
  png.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
  const bool color = png.format & PNG_FORMAT_FLAG_COLOR;
  png.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  if (int64_t(png.width) * png.height > kMaxPixels) {
    png_image_free(&png);
    checkSize(path, png.width, png.height);
  }
  Image img;
  img.width = static_cast<int>(png.width);
  img.height = static_cast<int>(png.height);
  img.channels = color ? 3 : 1;
  img.pixels.assign(PNG_IMAGE_SIZE(png), 0); // zeros: alpha composites onto black
  if (!png_image_finish_read(&png, nullptr, img.pixels.data(), 0, nullptr)) {
    std::string msg = png.message;
    png_image_free(&png);
    fail(path, "bad PNG: " + msg);
  }
  return img;
}

} // namespace

Image decodeImage(const std::vector<uint8_t> &b, const std::string &path) {
  if (b.empty())
    fail(path, "empty file");
  if (b.size() >= 8 && std::memcmp(b.data(), kPngSig, 8) == 0)
    return decodePng(b, path);
  if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7')
    return decodePnm(b, path);
  if (b.size() >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
    fail(path, "JPEG is not supported (convert the images to PNG)");
  fail(path, "not a PNG, PPM (P6) or PGM (P5) file");
}

Image readImage(const std::string &path) { return decodeImage(readFile(path), path); }

int peekChannels(const std::string &path) {
  std::unique_ptr<FILE, int (*)(FILE *)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f)
    return 0;
  uint8_t head[8] = {0};
  size_t n = std::fread(head, 1, sizeof head, f.get());
  if (n >= 2 && head[0] == 'P')
    return head[1] == '6' ? 3 : head[1] == '5' ? 1 : 0;
  if (n < 8 || std::memcmp(head, kPngSig, 8) != 0)
    return 0;
  std::rewind(f.get());
  // Reads the chunks before the image data only (a palette decides colour).
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_stdio(&png, f.get()))
    return 0;
  int channels = (png.format & PNG_FORMAT_FLAG_COLOR) ? 3 : 1;
  png_image_free(&png);
  return channels;
}

} // namespace nasc::data::detail
