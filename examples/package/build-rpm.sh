#!/bin/sh
# Build the example package lsbinit-example-ticker-*.noarch.rpm into
# OUTDIR (default: the current directory) with rpmbuild, from the files the
# Debian package ships too:
#   examples/package/build-rpm.sh [OUTDIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-.}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/SOURCES"
cp "$here/example-ticker.conf" "$here/README.md" "$here/../../LICENSE" "$tmp/SOURCES/"
cp "$here/debian/lsbinit-example-ticker.example-ticker.service" "$tmp/SOURCES/example-ticker.service"
cp "$here/debian/lsbinit-example-ticker.example-ticker.init" "$tmp/SOURCES/example-ticker.init"
# --nodeps: a Debian host has no systemd-rpm-macros package to satisfy
# BuildRequires (the spec falls back on its own scriptlets there).
rpmbuild -bb --nodeps --define "_topdir $tmp" "$here/rpm/lsbinit-example-ticker.spec"
cp "$tmp"/RPMS/noarch/lsbinit-example-ticker-*.rpm "$out/"
ls -1 "$out"/lsbinit-example-ticker-*.rpm
