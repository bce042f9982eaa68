#!/usr/bin/env bash
# The offline app's libraries, fetched from npm (no other host) at pinned versions
# and copied under static/vendor/ with their licences: Workbox's production
# builds (loaded by static/js/sw.js with importScripts) and idb's UMD build
# (loaded by the service worker and the pages, static/js/outbox-store.js).
# Run it to re-fetch them, e.g. after changing a version below.
set -euo pipefail
WORKBOX=7.4.0
IDB=8.0.3
WORKBOX_PACKAGES=(workbox-core workbox-routing workbox-strategies workbox-precaching)

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION: unpack the package's tarball into $work/NAME
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  mkdir -p "$work/$1"
  tar -xzf "$work/$1-$2.tgz" -C "$work/$1" --strip-components=1
}

target="$root/static/vendor/workbox"
rm -rf "$target" && mkdir -p "$target"
for package in "${WORKBOX_PACKAGES[@]}"; do
  fetch "$package" "$WORKBOX"
  # With its source map: collectstatic's manifest checks the file it names.
  cp "$work/$package/build/$package.prod.js" "$work/$package/build/$package.prod.js.map" "$target/"
done
cp "$work/workbox-core/LICENSE" "$target/LICENSE"
echo "$WORKBOX" >"$target/VERSION"

target="$root/static/vendor/idb"
rm -rf "$target" && mkdir -p "$target"
fetch idb "$IDB"
cp "$work/idb/build/umd.js" "$target/idb.umd.js"
cp "$work/idb/LICENSE" "$target/LICENSE"
echo "$IDB" >"$target/VERSION"
echo "Workbox $WORKBOX and idb $IDB copied under static/vendor/"
