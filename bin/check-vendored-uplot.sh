#!/usr/bin/env bash
# Checks that the chart library the admin console serves is exactly what the npm registry publishes:
#   bin/check-vendored-uplot.sh
# Reads package, version and integrity from the vendored copy's vendor.properties, downloads that version with
# 'npm pack', checks the tarball's sha512 against the recorded integrity (and against the registry's own), then
# compares each vendored file byte for byte with the package's. Needs npm and the registry; the build's
# VendoredUplotTest checks the same files against their recorded sha256 offline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=latchkey-server/src/main/resources/admin/vendor/uplot
prop() { sed -n "s/^$1=//p" "$dir/vendor.properties"; }
package=$(prop package); version=$(prop version); integrity=$(prop integrity)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
registry=$(cd "$work" && npm pack "$package@$version" --json --loglevel=error | sed -n 's/.*"integrity": "\(.*\)".*/\1/p')
tarball="$work/$package-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ] || [ "$registry" != "$integrity" ]; then
  echo "check-vendored-uplot: $package@$version integrity differs: recorded $integrity, tarball $actual, registry $registry" >&2
  exit 1
fi
tar xzf "$tarball" -C "$work"
for f in $(prop files); do
  if ! cmp -s "$work/package/$f" "$dir/$(basename "$f")"; then
    echo "check-vendored-uplot: $dir/$(basename "$f") differs from $package@$version's $f" >&2
    exit 1
  fi
done
echo "check-vendored-uplot: $package@$version matches the registry ($integrity)"
