#!/usr/bin/env bash
# Run every test: host tests and QEMU boot tests (which build the ISO first).
# Installs missing Debian packages first. Ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
results=$(mktemp -d)
status=0
dotnet test CosmosKernel.Tests -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?
trx="$results/results.trx"
if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    echo
    echo "tests: ${passed:-0} passed, ${failed:-0} failed"
fi
rm -rf "$results"
exit $status
