#!/usr/bin/env bash
# Runs akslint once for the GitHub Action: SARIF to a file, annotations on
# stdout, the Markdown summary into $GITHUB_STEP_SUMMARY; records outputs.
# The step's own status is decided later from the exit code (fail-on), so
# the SARIF is always written and uploaded.
set -uo pipefail
: "${PLAN:?plan is required}"
out="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
sarif="${SARIF_FILE:-akslint.sarif}"
json=$(mktemp)

shopt -s nullglob globstar
# shellcheck disable=SC2206
plans=( $PLAN )
[ ${#plans[@]} -gt 0 ] || plans=( "$PLAN" )

args=( --format github --fail-on "${FAIL_ON:-low}" --gate "${GATE:-all}" --category "${CATEGORY:-akslint}"
       --report "sarif=$sarif" --report "markdown=$json.md" --report "json=$json" )
[ -n "${SOURCE_DIR:-}" ] && args+=( --source-dir "$SOURCE_DIR" )
# shellcheck disable=SC2206
[ -n "${EXTRA_ARGS:-}" ] && args+=( $EXTRA_ARGS )

akslint "${args[@]}" "${plans[@]}"
code=$?

[ -f "$json.md" ] && cat "$json.md" >> "$summary"
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$json" 2>/dev/null || echo 0)
{
  echo "sarif-file=$sarif"
  echo "findings=$findings"
  echo "exit-code=$code"
} >> "$out"
exit 0
