#!/usr/bin/env bash
# The W3C Nu HTML checker (vnu-jar from npm, run on Java 17), installed once under
# .cache/vnu (ignored by git) and then run with the arguments given, e.g.
#   scripts/vnu.sh --errors-only --format json page1.html page2.html
set -euo pipefail
VERSION=26.9.27
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.cache/vnu"
jar="$prefix/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$jar" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "vnu.sh: npm is missing (apt-get install npm)" >&2
    exit 2
  fi
  npm install --silent --no-save --no-audit --no-fund --prefix "$prefix" "vnu-jar@$VERSION" >&2
fi
if ! command -v java >/dev/null 2>&1; then
  echo "vnu.sh: java is missing (apt-get install default-jre-headless)" >&2
  exit 2
fi
exec java -Xss1024k -jar "$jar" "$@"
