#!/usr/bin/env bash
# What the test suite needs from Debian: Chromium for the browser tests, poppler's
# pdftotext to read PDFs back, Pango for WeasyPrint, Java and npm for the Nu HTML
# checker. As root it installs what is missing; otherwise it names what to install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi 'dejavu' || missing+=(fonts-dejavu-core)
# The W3C Nu HTML checker (scripts/vnu.sh): Java, and npm to fetch it once.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# backup/restore on PostgreSQL (the client's major version must match the server's).
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
# The nginx site of deploy/ (tests/test_deploy_nginx.py), its certificate made by openssl.
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need these Debian packages, which are missing: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
exit 1
