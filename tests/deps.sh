#!/usr/bin/env bash
# deps.sh [fuzz] - install what shardcrawl needs to build and test, on
# Debian 12: the libraries (from Debian's archive) and the npm packages the
# tests use (into tests/node_modules, never globally); with "fuzz", clang and
# its fuzzer runtime too.  Does nothing when all is there.
set -eu
cd "$(dirname "$0")/.."

pkgs="gcc make pkg-config libc6-dev libcurl4-openssl-dev libxml2-dev zlib1g-dev
      liblz4-dev libssl-dev libpsl-dev libdeflate-dev libisal-dev libyaml-dev publicsuffix ca-certificates
      valgrind openssl libhiredis-dev redis-server"
[ "${1:-}" = fuzz ] && pkgs="$pkgs clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "deps: need root (or sudo) to install:$missing" >&2; exit 1; }
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f tests/node_modules/warcio/package.json ] ||
   [ ! -f tests/node_modules/parse5-sax-parser/package.json ]; then
	echo "deps: installing the npm test packages into tests/node_modules"
	(cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi
