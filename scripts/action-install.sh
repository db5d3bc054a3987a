#!/usr/bin/env bash
# Installs akslint for the GitHub Action.
#
#   action-install.sh resolve   decide how to install; writes the outputs
#                               mode (release|source), version, target,
#                               bin-dir and cache-key
#   action-install.sh install   install into BIN_DIR (MODE, VERSION, TARGET
#                               from the resolve step); writes the output bin
#
# Release mode (the action used at a tag such as v0.2.0, or the `version`
# input): downloads the release archive of this runner's target and its
# .sha256, verifies the checksum, and extracts the binary. Nothing compiles.
# Source mode (a branch or commit ref, or a local `uses: ./`): `cargo install`
# of the action's own source, cached under a key computed from that source.
set -euo pipefail

out="${GITHUB_OUTPUT:-/dev/null}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
repo_url="${AKSLINT_REPOSITORY_URL:-https://github.com/akslint/akslint}"

die() { echo "::error title=akslint install::$1"; exit 2; }
semver='^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'

target_triple() {
  case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

resolve() {
  local version="${INPUT_VERSION:-}" ref="${ACTION_REF:-}" mode target key dir
  version="${version#v}"
  # github.action_ref is empty in some nested composite actions; the runner
  # checks actions out under .../_actions/OWNER/REPO/REF, so fall back to that.
  if [ -z "$ref" ] && [[ "${ACTION_PATH:-}" == */_actions/*/*/* ]]; then
    ref="$(basename "$ACTION_PATH")"
  fi
  target="$(target_triple)"
  if [ -z "$version" ] && [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    version="${ref#v}"
  fi
  if [ -n "$version" ]; then
    [[ "$version" =~ $semver ]] || die "version must look like 1.2.3 (got an invalid value)"
    [ -n "$target" ] || die "no released binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; use the action at a branch to build from source"
    mode=release
    key="akslint-release-$version-$target"
  else
    mode=source
    # The cache key changes whenever the action's source changes.
    local hash
    hash="$(cd "$ACTION_PATH" && find Cargo.toml Cargo.lock build.rs src rules -type f -print0 \
      | LC_ALL=C sort -z | xargs -0 cat | sha256_stdin)"
    key="akslint-source-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$hash"
  fi
  dir="${AKSLINT_HOME:-$HOME/.akslint}/$key"
  # On Windows, Git Bash's /c/Users/... is no path for actions/cache (a
  # Node program): give it C:/Users/..., which bash reads too.
  if command -v cygpath >/dev/null 2>&1; then dir="$(cygpath -m "$dir")"; fi
  {
    echo "mode=$mode"
    echo "version=$version"
    echo "target=$target"
    echo "bin-dir=$dir"
    echo "cache-key=$key"
  } >> "$out"
  echo "akslint: $mode install (${version:-source at ${ref:-local checkout}}), cache key $key"
}

sha256_stdin() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
  else shasum -a 256 | cut -d' ' -f1; fi
}

install() {
  local dir="${BIN_DIR:?}" exe=akslint
  [ "${TARGET:-}" = x86_64-pc-windows-msvc ] && exe=akslint.exe
  if [ -x "$dir/$exe" ]; then
    echo "akslint: cached binary $dir/$exe"
  elif [ "${MODE:-}" = release ]; then
    [[ "${VERSION:-}" =~ $semver ]] || die "invalid version"
    local ext=tar.gz
    [ "$TARGET" = x86_64-pc-windows-msvc ] && ext=zip
    local asset="akslint-v$VERSION-$TARGET.$ext" work
    work="$(mktemp -d "$tmp/akslint-install.XXXXXX")"
    local base="$repo_url/releases/download/v$VERSION"
    curl -fsSL --retry 3 -o "$work/$asset" "$base/$asset" || die "could not download $asset"
    curl -fsSL --retry 3 -o "$work/$asset.sha256" "$base/$asset.sha256" || die "could not download $asset.sha256"
    local want got
    want="$(cut -d' ' -f1 < "$work/$asset.sha256" | tr -d '\r\n')"
    got="$(sha256 "$work/$asset")"
    [ -n "$want" ] && [ "$want" = "$got" ] || die "checksum mismatch for $asset (expected $want, got $got)"
    mkdir -p "$dir"
    if [ "$ext" = zip ]; then unzip -q -o "$work/$asset" -d "$work/x"; else mkdir -p "$work/x"; tar -xzf "$work/$asset" -C "$work/x"; fi
    local found
    found="$(find "$work/x" -type f -name "$exe" | head -n1)"
    [ -n "$found" ] || die "$asset holds no $exe"
    cp "$found" "$dir/$exe"
    chmod 0755 "$dir/$exe"
    rm -rf -- "$work"
  else
    command -v cargo >/dev/null 2>&1 || die "building from source needs cargo (use the action at a release tag for a prebuilt binary)"
    echo "::warning title=akslint::building akslint from source (the action is used at an untagged ref); pin a release tag for a prebuilt binary"
    CARGO_TARGET_DIR="$tmp/akslint-target" cargo install --locked --path "${ACTION_PATH:?}" --root "$dir.root"
    mkdir -p "$dir"
    cp "$dir.root/bin/$exe" "$dir/$exe"
  fi
  "$dir/$exe" --version
  echo "bin=$dir/$exe" >> "$out"
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  *) echo "usage: $0 resolve|install" >&2; exit 2 ;;
esac
