#!/usr/bin/env bash
# Every test: type check, then all Vitest projects. Same as `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npm test
