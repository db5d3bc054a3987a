#!/usr/bin/env bash
# Packages one release binary: dist/akslint-TAG-TARGET.tar.gz (.zip for
# Windows) holding the binary, README and licences, and beside it
# ARCHIVE.sha256 in `sha256sum` format. Used by .github/workflows/release.yml
# on each target and by tests/action.rs on the host's debug build.
#
#   release-package.sh TAG TARGET BINARY [OUT_DIR]
set -euo pipefail
tag="$1" target="$2" binary="$3" out="${4:-dist}"
[[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "bad tag: $tag" >&2; exit 2; }
[[ "$target" =~ ^[a-z0-9_]+(-[a-z0-9_]+){2,3}$ ]] || { echo "bad target: $target" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
name="akslint-$tag-$target"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
mkdir "$stage/$name"
cp "$binary" "$stage/$name/"
for f in README.md LICENSE LICENSE-MIT LICENSE-APACHE; do
  [ -f "$root/$f" ] && cp "$root/$f" "$stage/$name/"
done
case "$target" in
  *windows*)
    archive="$name.zip"
    (cd "$stage" && if command -v 7z >/dev/null 2>&1; then 7z a -tzip -bd "$out/$archive" "$name" >/dev/null; else zip -qr "$out/$archive" "$name"; fi) ;;
  *)
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$out/$archive" "$name" ;;
esac
rm -rf -- "$stage"
cd "$out"
if command -v sha256sum >/dev/null 2>&1; then sha256sum "$archive" > "$archive.sha256"
else shasum -a 256 "$archive" > "$archive.sha256"; fi
cat "$archive.sha256"
