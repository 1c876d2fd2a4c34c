"""An ONNX file nasc exported, checked by tools that are not nasc's: ONNX's
own checker and strict shape inference (python3-onnx), then run by OpenCV's
DNN module (python3-opencv) on real CIFAR-10 test images; its output must
equal LibTorch's on the same images within 1e-4.

    check_onnx.py prepare IMAGES.bin N             write N normalized CIFAR-10 test images (float32)
    check_onnx.py check MODEL.onnx IMAGES.bin LIBTORCH.bin
"""
import os
import sys

import numpy as np

CIFAR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "data", "cifar10-subset",
                     "test_batch.bin")


def prepare(path, n):
    raw = np.fromfile(os.environ.get("NASC_CIFAR_TEST", CIFAR), dtype=np.uint8).reshape(-1, 3073)[:n]
    images = raw[:, 1:].reshape(n, 3, 32, 32).astype(np.float32) / 255.0
    mean = images.mean(axis=(0, 2, 3), keepdims=True)
    std = images.std(axis=(0, 2, 3), keepdims=True)
    ((images - mean) / std).astype(np.float32).tofile(path)
    print(f"{n} CIFAR-10 test images written")


def check(model_path, images_path, reference_path):
    import cv2
    import onnx
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    def shape(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
    dims, out_dims = shape(inferred.graph.input[0]), shape(inferred.graph.output[0])
    print(f"onnx checker: ok, opset {model.opset_import[0].version}, input {dims}, output {out_dims}")
    x = np.fromfile(images_path, dtype=np.float32)
    if isinstance(dims[0], str):  # a dynamic batch: as many as the file holds
        assert dims[0] == out_dims[0], "input and output batch differ"
        dims[0] = out_dims[0] = x.size // int(np.prod(dims[1:]))
    x = x.reshape(dims)
    expected = np.fromfile(reference_path, dtype=np.float32).reshape(out_dims)
    net = cv2.dnn.readNetFromONNX(model_path)
    net.setInput(x)
    got = net.forward().reshape(out_dims)
    diff = float(np.abs(got - expected).max())
    scale = float(np.abs(expected).max())
    print(f"OpenCV {cv2.__version__} against LibTorch on {dims[0]} images: max |difference| {diff:.2e} "
          f"(outputs up to {scale:.3g})")
    assert diff <= 1e-4, f"OpenCV and LibTorch differ by {diff}"
    assert np.array_equal(got.argmax(1), expected.argmax(1)), "the predicted classes differ"
    print("same predictions")


if sys.argv[1] == "prepare":
    prepare(sys.argv[2], int(sys.argv[3]))
else:
    check(*sys.argv[2:5])
