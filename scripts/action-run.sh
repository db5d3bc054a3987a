#!/usr/bin/env bash
# Runs akslint once for the GitHub Action: SARIF to a file, annotations on
# stdout, the Markdown summary into $GITHUB_STEP_SUMMARY; records outputs.
#
# Inputs (environment, never interpolated into the script):
#   PLAN        one path or glob per line; paths may hold spaces
#   ARGS        extra akslint arguments, one per line (no shell parsing)
#   CONFIG      path to an .akslint.toml
#   SOURCE_DIR, FAIL_ON, SARIF_FILE, CATEGORY, AKSLINT_BIN
#
# Outputs: exit-code (akslint's status), findings, sarif-file. sarif-file is
# empty unless akslint finished (status 0 or 1): the SARIF of a run with
# errors is partial and would close open code-scanning alerts, so it is moved
# aside and never offered for upload. The step's own status is decided later
# from exit-code (fail-on).
set -uo pipefail

out="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
bin="${AKSLINT_BIN:-akslint}"
sarif="${SARIF_FILE:-akslint.sarif}"

fail() {
  # Workflow-command data: % CR LF escaped so nothing else is injected.
  local msg="$1"
  msg="${msg//'%'/'%25'}"
  msg="${msg//$'\r'/'%0D'}"
  msg="${msg//$'\n'/'%0A'}"
  echo "::error title=akslint::$msg"
  exit 2
}

# One output, in the delimiter form with a delimiter the value cannot hold.
set_output() {
  local name="$1" value="$2" delim
  delim="akslint_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  case "$value" in *"$delim"*) fail "output $name holds its delimiter" ;; esac
  printf '%s<<%s\n%s\n%s\n' "$name" "$delim" "$value" "$delim" >> "$out"
}

case "$sarif" in
  *$'\n'* | *$'\r'*) fail "sarif-file must not contain a line break" ;;
  '') fail "sarif-file must not be empty" ;;
esac
[ -n "${PLAN//[[:space:]]/}" ] || fail "plan is required"

# Plans: one per line; a line with glob characters is expanded (** included);
# a glob that matches nothing is passed as is, so akslint reports it missing
# (exit 2) instead of silently linting nothing.
shopt -s nullglob globstar
# The paths a glob matches; with IFS empty it is not split on blanks first
# ("my plans/*.json" is one pattern).
expand() {
  local IFS=
  # shellcheck disable=SC2206 # deliberate: expand the glob, nothing else
  matches=( $1 )
}
plans=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line%$'\r'}"
  # Trim surrounding blanks (YAML block scalars keep indentation of later lines).
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] || continue
  case "$line" in
    *[\*\?\[]*) expand "$line" ;;
    *) matches=() ;;
  esac
  if [ ${#matches[@]} -gt 0 ]; then
    plans+=( "${matches[@]}" )
  else
    plans+=( "$line" )
  fi
done <<< "$PLAN"
shopt -u nullglob globstar

json="$(mktemp "$tmp/akslint-json.XXXXXX")"
md="$(mktemp "$tmp/akslint-md.XXXXXX")"
args=( --format github --gate "${GATE:-all}" --category "${CATEGORY:-akslint}"
       --report "sarif=$sarif" --report "markdown=$md" --report "json=$json" )
[ -n "${FAIL_ON:-}" ] && args+=( --fail-on "$FAIL_ON" )
[ -n "${SOURCE_DIR:-}" ] && args+=( --source-dir "$SOURCE_DIR" )
[ -n "${CONFIG:-}" ] && args+=( --config "$CONFIG" )
# Extra arguments: one per line, taken literally.
while IFS= read -r line || [ -n "$line" ]; do
  line="${line%$'\r'}"
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && args+=( "$line" )
done <<< "${ARGS:-}"

"$bin" "${args[@]}" -- "${plans[@]}"
code=$?

[ -s "$md" ] && cat "$md" >> "$summary"
# Findings in the JSON report: one `"rule_id"` key per entry of the
# top-level `findings` list, at a fixed indentation (strings cannot hold a
# raw line break, so this cannot be faked); the `fixed` list is not counted.
findings=$(awk '
  /^  "findings": \[/ { inside = 1; next }
  /^  [^ ]/ { inside = 0 }
  inside && /^      "rule_id": "/ { n++ }
  END { print n + 0 }' "$json" 2>/dev/null) || findings=0

if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then
  set_output sarif-file "$sarif"
else
  # Errors: the SARIF (if any) is partial; keep it for inspection only.
  [ -f "$sarif" ] && mv -f -- "$sarif" "$sarif.partial"
  echo "::error title=akslint::akslint exited with status $code; the SARIF report is not uploaded (a partial report would close open alerts)"
  set_output sarif-file ""
fi
set_output findings "$findings"
set_output exit-code "$code"
set_output markdown-file "$md"
rm -f -- "$json"
exit 0
