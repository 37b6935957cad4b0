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
echo "$passed passed, $failed failed, $skipped skipped"
if ((status != 0 || failed != 0 || passed == 0)); then exit 1; fi
