//===- DataError.h - The error every data reader throws -------------------===//
//
// Its own header so the torch-free parts (file and image decoding) do not pay
// for torch's headers.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DATA_DATAERROR_H
#define NASC_DATA_DATAERROR_H

#include <stdexcept>

namespace nasc::data {

/// Bad input data or bad arguments to a data function; the message names the
/// file (where there is one) and what is wrong.
class DataError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace nasc::data

#endif // NASC_DATA_DATAERROR_H
