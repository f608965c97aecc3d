#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need, only those
# that are missing (apt-get; run as root).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgtest-dev libgmock-dev
  libspdlog-dev libfmt-dev libboost-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libslirp-dev libglib2.0-dev   # --net user; slirp.pc requires glib-2.0
  qemu-system-x86   # the side-by-side tests boot guest.elf under QEMU microvm
  libbenchmark-dev  # bench/micro: Google Benchmark
  libseccomp-dev    # vmm/seccomp: per-thread system call allowlists
  zlib1g-dev        # tests/unit/bench: the gzipped kvm_pvm capture fixtures
  python3           # scripts/check-layers.py, run as a test (tests/layers)
  clang libclang-rt-14-dev  # tests/fuzz: libFuzzer and the sanitizer runtimes (scripts/fuzz-smoke.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
