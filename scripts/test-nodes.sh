#!/usr/bin/env bash
# Runs the whole test suite once per Node.js version users run (20, 22 and 24 by default, or those
# given: scripts/test-nodes.sh 24), building once; arguments after `--` go to vitest
# (scripts/test-nodes.sh 22 24 -- test/unit). Each run puts that version's node first on PATH
# and starts vitest with it, so the CLI the tests spawn (process.execPath) and every `node` they
# call run on the version under test. Versions are pinned in scripts/fetch-node.sh; the node on
# PATH is used when it is the pinned one, otherwise the pinned build is fetched (and cached).
# Every version runs even when one fails; a version that cannot be fetched fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."

majors=()
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do majors+=("$1"); shift; done
[ "${1:-}" != -- ] || shift
[ "${#majors[@]}" -gt 0 ] || majors=(20 22 24)
results=.cache/test-results
mkdir -p "$results"

declare -A pinned
while read -r major version; do pinned[$major]=$version; done < <(scripts/fetch-node.sh --pinned)

# Resolves every runtime first, so a missing one fails before half an hour of tests.
declare -A node_of
for major in "${majors[@]}"; do
  [ -n "${pinned[$major]:-}" ] || { echo "test-nodes: no pinned Node.js $major in scripts/fetch-node.sh" >&2; exit 1; }
  if [ "$(node --version 2>/dev/null)" = "v${pinned[$major]}" ]; then
    node_of[$major]="$(command -v node)"
  else
    node_of[$major]="$(scripts/fetch-node.sh "$major")" || { echo "test-nodes: Node.js ${pinned[$major]} is needed and could not be fetched (see above)" >&2; exit 1; }
  fi
done

npm run build && npx tsc -p test/tsconfig.json || exit 1

failed=0
total_passed=0
total_failed=0
summary=()
for major in "${majors[@]}"; do
  node="${node_of[$major]}"
  report="$results/node-$major.json"
  rm -f "$report"
  echo
  echo "=== Node.js $("$node" --version) ($node)"
  started=$(date +%s)
  PATH="$(dirname "$node"):$PATH" "$node" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$report" "$@"
  status=$?
  seconds=$(($(date +%s) - started))
  [ "$status" -eq 0 ] || failed=1
  counts="$("$node" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped of ${r.numTotalTests} tests in ${r.testResults.length} files`);
  ' "$report" 2>/dev/null || echo "no results written")"
  read -r passed_here failed_here < <("$node" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests);
  ' "$report" 2>/dev/null || echo "0 1")
  total_passed=$((total_passed + passed_here))
  total_failed=$((total_failed + failed_here))
  summary+=("Node.js $("$node" --version): $( [ "$status" -eq 0 ] && echo passed || echo FAILED), $counts, ${seconds} s")
done

echo
echo "=== Test suite per Node.js version"
printf '%s\n' "${summary[@]}"
# The totals over every version, alone on the last line.
echo "${total_passed} passed, ${total_failed} failed"
exit "$failed"
