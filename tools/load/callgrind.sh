#!/bin/sh
# Instructions per request of one server under callgrind: independent of the machine's load,
# unlike the rates of run.sh.
#
# Runs the load benchmark with LOAD_PROFILE (one load alone, 8 connections, 4 seconds) under
# valgrind's callgrind, collecting only the server's connection tasks, and divides by the
# requests answered (the calls of the request-signature check for the sandbox, of the body
# read for the bare server). Needs valgrind.
#
# Usage: tools/load/callgrind.sh payout|balance[-bare|-floor] [OUT-FILE]
# (`-bare`: the bare server; `-floor`: the floor server, which only reads the form, checks its
# signature and signs and writes a reply of the sandbox's shape.)
# Then `callgrind_annotate --inclusive=yes OUT-FILE` shows where the instructions go.
set -eu
cd "$(dirname "$0")/../.."
profile="${1:?payout or balance, alone or with -bare or -floor}"
out="${2:-target/callgrind.$profile.out}"
bin=$(cargo bench -p freedompay-sandbox --bench load --no-run 2>&1 \
    | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -n 1)
case "$profile" in
    *-bare) collect='*load::bare_server*'; per='collected::Collected<B>::to_bytes' ;;
    *-floor) collect='*load::floor_server*'; per='collected::Collected<B>::to_bytes' ;;
    *) collect='*freedompay_sandbox::server::connection*'; per='canonical::verify(_tree)?' ;;
esac
LOAD_PROFILE="$profile" LOAD_SECS=4 LOAD_CONNECTIONS=8 valgrind --tool=callgrind \
    --toggle-collect="$collect" --callgrind-out-file="$out" "$bin" >/dev/null 2>&1
total=$(callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
requests=$(callgrind_annotate --tree=calling "$out" 2>/dev/null | grep -E "=> .*$per \(" | head -n 1 \
    | sed 's/.*(\([0-9,]*\)x).*/\1/' | tr -d ,)
echo "$profile: $requests requests, $((total / requests)) instructions per request ($out)"
