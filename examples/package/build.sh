#!/bin/sh
# Build the example package lsbinit-example-ticker_*.deb into OUTDIR
# (default: the current directory), from a copy of this directory so that
# the tree stays clean:
#   examples/package/build.sh [OUTDIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-.}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/lsbinit-example-ticker"
cp -R "$here/debian" "$here/example-ticker.conf" "$tmp/lsbinit-example-ticker/"
(cd "$tmp/lsbinit-example-ticker" && dpkg-buildpackage -us -uc -b)
cp "$tmp"/lsbinit-example-ticker_*.deb "$out/"
ls -1 "$out"/lsbinit-example-ticker_*.deb
