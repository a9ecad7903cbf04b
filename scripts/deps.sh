#!/usr/bin/env bash
# Installs the Debian packages Amity needs that are missing (as root, or through sudo).
# Usage: scripts/deps.sh [build|test|bench]   (each includes the ones before it)
#        scripts/deps.sh fuzz                  (build, and clang with libFuzzer: make fuzz)
set -euo pipefail
level=${1:-build}
pkgs=(g++ make cmake ninja-build pkg-config nodejs npm
      libboost-dev libboost-locale-dev libsqlite3-dev nlohmann-json3-dev libexpected-dev
      libcli11-dev libspdlog-dev libfmt-dev libsodium-dev libicu-dev libcsv-dev libmagic-dev libpqxx-dev libssl-dev iso-codes
      libgtest-dev libgmock-dev libbenchmark-dev)
case "$level" in
  test|bench) pkgs+=(postgresql chromium fonts-noto-core) ;;&
  bench) pkgs+=(wrk nginx-light python3) ;;
  fuzz) pkgs+=(clang libclang-rt-dev llvm) ;;  # llvm: llvm-symbolizer for the sanitizers' reports
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from elsewhere than Debian (a newer Node on the PATH): accept a working one.
if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then missing=("${missing[@]/npm}"); fi
if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null; then missing=("${missing[@]/nodejs}"); fi
read -r -a missing <<<"${missing[*]}"
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
