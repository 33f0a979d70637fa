#!/usr/bin/env bash
# The whole test suite: type-check, format/lint/dependency/dead-code checks, then unit, vector, storage/HTTP (SQLite + PostgreSQL) and browser tests.
# PostgreSQL: the server named by TEST_DATABASE_URL, else PGlite in process (never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
npx tsc --noEmit -p .
npx tsc --noEmit -p src/pages/client
# Format, lint, the dependency rules (docs/architecture.md) and unused exports.
npm run --silent check
mkdir -p test-results
status=0
NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node -e '
const r = require("./test-results/vitest.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
