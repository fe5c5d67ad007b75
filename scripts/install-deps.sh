#!/usr/bin/env bash
# Installs everything llm-opt needs on a fresh Debian 12 machine (idempotent).
# Packages come only from Debian: LLVM/MLIR 22, ONNX protobuf classes, fmt,
# GoogleTest, ninja, ccache, and Python's onnx/numpy for test-model scripts.
#
#   scripts/install-deps.sh            the build and test dependencies
#   scripts/install-deps.sh --bench    also ONNX Runtime for node (onnxruntime-node,
#                                      from npm, into <repo>/node_modules) for the
#                                      benchmark scripts in scripts/bench/
set -euo pipefail

bench=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    *) echo "install-deps: unknown argument '$arg' (usage: $0 [--bench])" >&2; exit 2 ;;
  esac
done

packages=(
  cmake ninja-build ccache g++
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libfmt-dev libgtest-dev nlohmann-json3-dev
  libopenblas-openmp-dev libdnnl-dev
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

if [ "$bench" -eq 1 ]; then
  repo="$(cd "$(dirname "$0")/.." && pwd)"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "install-deps: installing nodejs npm"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  if [ ! -f "$repo/node_modules/onnxruntime-node/package.json" ]; then
    # The package's install script downloads optional GPU binaries and fails
    # offline; the CPU library ships in the package itself. --no-save and
    # --no-package-lock keep package.json / package-lock.json out of the repo.
    echo "install-deps: installing onnxruntime-node into $repo/node_modules"
    npm install --prefix "$repo" --ignore-scripts --no-save --no-package-lock \
      --no-audit --no-fund onnxruntime-node
  fi
fi
