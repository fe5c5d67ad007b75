#!/usr/bin/env bash
# Installs everything llm-opt needs on a fresh Debian 12 machine (idempotent).
# Packages come only from Debian: LLVM/MLIR 22, ONNX protobuf classes, fmt,
# GoogleTest, ninja, ccache, and Python's onnx/numpy for test-model scripts.
set -euo pipefail

packages=(
  cmake ninja-build ccache g++
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libfmt-dev libgtest-dev
  python3-onnx python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
