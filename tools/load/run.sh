#!/bin/sh
# Load test of the sandbox beside a bare hyper server, in one process on loopback.
#
# Builds the benchmark in release mode and runs it: a bare hyper server answering a fixed XML,
# a sandbox filled with LOAD_FILL payouts ("aged") and a fresh sandbox per round are driven in
# turn by one load generator (64 keep-alive connections, signed requests), interleaved, and
# the ratios are printed (the bare server is 1.00). Absolute figures depend on the machine and
# what else runs on it; the ratios, measured side by side in one run, are what count.
#
# Knobs (environment): LOAD_ROUNDS (5), LOAD_SECS per run (1.0), LOAD_FILL (150000),
# LOAD_CONNECTIONS (64), LOAD_RETENTION (the sandbox's default), LOAD_SERVER_THREADS (2);
# LOAD_PROFILE=balance|payout[-bare] runs one load alone, for a profiler (callgrind.sh counts
# its instructions per request); LOAD_LOG=1 logs each request, as the binary does.
#
# Usage: tools/load/run.sh
set -eu
cd "$(dirname "$0")/../.."
exec cargo bench -p freedompay-sandbox --bench load
