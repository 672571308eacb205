#!/usr/bin/env bash
# Run every test: host tests and QEMU boot tests (which build the ISO first).
# Installs missing Debian packages first. Ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
# The whole solution, as Visual Studio and Rider build it (F5) and as `dotnet build`
# does at the root, in both configurations: a solution that no longer loads or a
# project that builds only in one configuration fails here (issue 14). The Release
# build is also the one the tests run, so `dotnet test` does not build again.
for configuration in Debug Release; do
    echo "[test] dotnet build CosmosKernel.sln -c $configuration"
    if ! dotnet build CosmosKernel.sln -c "$configuration" -v quiet -nologo; then
        echo "[test] the solution does not build in $configuration: no test was run" >&2
        exit 1
    fi
done
results=$(mktemp -d)
# A test that hangs (a host test looping, a boot the harness failed to stop) is ended
# after 20 minutes and named in the output, instead of silently using up CI's 90.
# The longest test that works (the first boot test, which builds the ISO) takes under 10.
status=0
dotnet test CosmosKernel.Tests -c Release --no-build --blame-hang-timeout 20m --blame-hang-dump-type none --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?
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
