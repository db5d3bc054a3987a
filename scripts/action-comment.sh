#!/usr/bin/env bash
# Posts the Markdown summary as one sticky pull-request comment: the comment
# carrying the marker below is updated in place, else one is created.
# Needs `pull-requests: write` and the GitHub CLI (present on GitHub-hosted
# runners). Inputs: GH_TOKEN, PR_NUMBER, REPOSITORY, MARKDOWN_FILE.
set -euo pipefail
marker='<!-- akslint:sticky-comment -->'
[[ "${PR_NUMBER:-}" =~ ^[0-9]+$ ]] || { echo "akslint: not a pull request; no comment"; exit 0; }
[[ "${REPOSITORY:-}" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { echo "::error::invalid repository name"; exit 2; }
body_file="$(mktemp "${RUNNER_TEMP:-/tmp}/akslint-comment.XXXXXX")"
{
  echo "$marker"
  # GitHub rejects comments over 65536 characters.
  head -c 60000 "$MARKDOWN_FILE"
  if [ "$(wc -c < "$MARKDOWN_FILE")" -gt 60000 ]; then
    printf '\n\n_Truncated: the full summary is in the job summary._\n'
  fi
} > "$body_file"
# Only a comment of our own is ours to update: anyone can post one that
# starts with the marker, and the token may edit it. GITHUB_TOKEN cannot
# read /user; its comments are github-actions[bot]'s.
me="$(gh api user --jq .login 2>/dev/null || true)"
[ -n "$me" ] || me='github-actions[bot]'
[[ "$me" =~ ^[A-Za-z0-9_.-]+(\[bot\])?$ ]] || { echo "::error::unexpected login"; exit 2; }
existing="$(gh api --paginate "repos/$REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.user.login == \"$me\" and (.body | startswith(\"$marker\"))) | .id" | head -n1)"
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$REPOSITORY/issues/comments/$existing" -F "body=@$body_file" >/dev/null
  echo "akslint: updated comment $existing"
else
  gh api --method POST "repos/$REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$body_file" >/dev/null
  echo "akslint: posted a comment on #$PR_NUMBER"
fi
rm -f -- "$body_file"
