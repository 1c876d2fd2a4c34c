//===- Onnx.h - A child network as an ONNX model ---------------------------===//
//
// The network of one architecture with its weights, written with ONNX's own
// protobuf schema (Debian's libonnx-dev), opset 13, IR version 8: input
// "image" [batch, C, H, W] float, output "logits" [batch, classes]. Each
// kernel is written as the ONNX nodes that compute what its LibTorch module
// computes in eval mode (batch norm with running statistics, dropout as
// identity); a kernel with no ONNX form is refused by name. docs/export.md.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_ONNX_H
#define NASC_NN_ONNX_H

#include "nasc/nn/Network.h"

#include <string>
#include <vector>

namespace nasc::nn {

/// The serialized ModelProto of `net` (a child network) for inputs of
/// `batch` images; batch 0 writes a dynamic batch (dimension "batch").
/// Throws std::invalid_argument naming the op and kernel that cannot be
/// written.
std::string exportOnnx(Network &net, const Space &space, int64_t batch, const std::string &name);

/// The kernels exportOnnx writes.
std::vector<std::string> onnxKernels();

} // namespace nasc::nn

#endif // NASC_NN_ONNX_H
