#!/usr/bin/env bash
# Runs every test suite: installs what is missing (scripts/setup.sh), builds once, then runs the
# test projects and prints one closing line "N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
"$root/scripts/setup.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Nightshift.slnx --no-restore -c Release --nologo "-clp:ErrorsOnly;NoSummary"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Nightshift.slnx --no-build -c Release --nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=3000000 || status=$?

passed=0 failed=0 skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
# The failures again, at the end where a CI log's tail shows them: each test's name and the first lines of its message.
if ((failed != 0)); then
  echo "failed tests:"
  for trx in "$results"/*.trx; do
    awk '
      function unescape(s) {
        gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&#xD;/, "", s)
        gsub(/&#xA;/, " ", s); gsub(/&amp;/, "\\&", s); return s
      }
      /<UnitTestResult / { failed = 0; inmsg = 0 }
      /<UnitTestResult / && /outcome="Failed"/ {
        name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
        print "  FAILED " unescape(name); failed = 1; lines = 0; next
      }
      failed && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
      inmsg {
        end = sub(/<\/Message>.*/, "")
        if (lines < 12) print "    " unescape($0); lines++
        if (end) { inmsg = 0; failed = 0 }
      }
      /<\/UnitTestResult>/ { failed = 0; inmsg = 0 }
    ' "$trx"
  done
fi
echo "$passed passed, $failed failed, $skipped skipped"
if ((status != 0 || failed != 0 || passed == 0)); then exit 1; fi
