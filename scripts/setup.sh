#!/usr/bin/env bash
# Installs every Debian package nasc needs to build, test and run. Idempotent:
# a second run on a set-up machine only confirms what is there.
set -euo pipefail

PACKAGES=(
  # compiler toolchain and build
  cmake ninja-build g++ pkg-config lld-19 ccache
  # fuzzing and sanitizer builds (scripts/fuzz.sh, scripts/sanitize.sh): clang with libFuzzer, ASan, UBSan
  clang-19 libclang-rt-19-dev
  # LLVM/MLIR 19 (all four by name: libmlir-19-dev pulls neither tools nor llvm-dev)
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  zlib1g-dev libzstd-dev libedit-dev libcurl4-openssl-dev uuid-dev
  # ANTLR4 tool (Java) and C++ runtime
  libantlr4-runtime-dev antlr4 default-jre-headless
  # runtime: LibTorch with a fast BLAS, experiment store, JSON
  libtorch-dev libopenblas0-pthread libsqlite3-dev nlohmann-json3-dev
  # image-folder datasets (PNG)
  libpng-dev
  # tests: lit runs on python3, gtest for runtime APIs
  python3 libgtest-dev libgmock-dev
  # the Python module (api/python, pybind11) and its PyTorch example
  python3-dev pybind11-dev python3-torch
  # ONNX export (ONNX's protobuf schema) and its independent checks (checker, OpenCV DNN)
  libonnx-dev libprotobuf-dev python3-onnx python3-opencv python3-numpy
  # scale-out: evaluation workers on Open MPI (nasc search --workers N, mpirun)
  libopenmpi-dev openmpi-bin
  # data-parallel supernet training: LibTorch's c10d Gloo process groups need Gloo's headers
  libgloo-dev
  # a store several machines share (--storage postgresql://...): libpq, and the
  # server and client the store's test starts on loopback (test/dist/test_postgres.py)
  libpq-dev postgresql postgresql-client
  # drawing spaces
  graphviz
  # a real editor for the language server's test (Neovim's built-in LSP client),
  # a real browser for the report's (headless Chromium)
  neovim chromium
  # real data for the default example
  dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
