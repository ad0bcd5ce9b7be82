#!/usr/bin/env bash
# The configuration parser's fuzzer alone: scripts/fuzz-config.sh [seconds] (see fuzz.sh).
exec "$(dirname "$0")/fuzz.sh" "${1:-60}" config
