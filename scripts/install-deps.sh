#!/usr/bin/env bash
# Installs the Debian 12 packages lotse needs to build, run and test.
# Idempotent: does nothing (and needs no network) when all are present.
# Usage: scripts/install-deps.sh [--bench]   (as root, or with sudo)
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config
  # product libraries
  libsqlite3-dev libutf8proc-dev libstemmer-dev libmicrohttpd-dev
  libjansson-dev libxml2-dev libzip-dev libpoppler-glib-dev libcairo2-dev
  libtesseract-dev libleptonica-dev libgmime-3.0-dev libyaml-dev
  libargon2-dev liboath-dev libssl-dev libpcre2-dev libhyphen-dev
  libqrencode-dev libpng-dev libpango1.0-dev
  # runtime data: German OCR model, compound-splitting lexicon, a font
  tesseract-ocr-deu hunspell-de-de fonts-dejavu-core hyphen-de
  # tests: unit framework, integration tests, fixtures
  libcmocka-dev python3 sqlite3 qpdf poppler-utils curl procps zbar-tools
)
if [ "${1:-}" = "--bench" ]; then
  PKGS+=(libxapian-dev g++)
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=()
for p in "${PKGS[@]}"; do
  installed "$p" || missing+=("$p")
done
# libcurl (the openai backend): any of the three TLS flavours will do, and
# they conflict with each other, so only add one when none is present.
if ! installed libcurl4-openssl-dev && ! installed libcurl4-gnutls-dev &&
   ! installed libcurl4-nss-dev; then
  missing+=(libcurl4-openssl-dev)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "lotse: installing ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
