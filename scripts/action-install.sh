#!/usr/bin/env bash
# Installs akslint for the GitHub Action: from the action's own source, or a
# released binary verified by its checksum when AKSLINT_VERSION is set.
set -euo pipefail
if [ -n "${AKSLINT_VERSION:-}" ]; then
  base="https://github.com/akslint/akslint/releases/download/v${AKSLINT_VERSION}"
  asset="akslint-x86_64-unknown-linux-gnu.tar.gz"
  tmp=$(mktemp -d)
  curl -fsSL -o "$tmp/$asset" "$base/$asset"
  curl -fsSL -o "$tmp/$asset.sha256" "$base/$asset.sha256"
  (cd "$tmp" && sha256sum -c "$asset.sha256")
  tar -xzf "$tmp/$asset" -C "$tmp"
  install -m 0755 "$tmp/akslint" "$HOME/.cargo/bin/akslint" 2>/dev/null || sudo install -m 0755 "$tmp/akslint" /usr/local/bin/akslint
elif ! command -v akslint >/dev/null 2>&1 || [ "$(akslint --version)" != "akslint $(grep -m1 '^version' "$ACTION_PATH/Cargo.toml" | cut -d'"' -f2)" ]; then
  cargo install --locked --path "$ACTION_PATH"
fi
akslint --version
