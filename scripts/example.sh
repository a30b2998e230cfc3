#!/usr/bin/env bash
# Pushes fixtures/example_data.csv with csv-push. Uses $PUSHGATEWAY_URL when set; otherwise a
# Pushgateway on localhost:9091, starting one there (and installing it on Debian as root) if none runs.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
[ -f dist/cli.js ] || npm run build

if [ -z "${PUSHGATEWAY_URL:-}" ]; then
  export PUSHGATEWAY_URL=http://127.0.0.1:9091
  if curl -fsS "$PUSHGATEWAY_URL/-/ready" >/dev/null 2>&1; then
    echo "Using the Pushgateway already running at $PUSHGATEWAY_URL"
  else
    if ! command -v prometheus-pushgateway >/dev/null 2>&1; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing prometheus-pushgateway with apt-get..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-pushgateway >/dev/null
      else
        echo "No Pushgateway found: install one (sudo apt-get install prometheus-pushgateway) or set PUSHGATEWAY_URL." >&2
        exit 1
      fi
    fi
    log="${TMPDIR:-/tmp}/csv-push-example-pushgateway.log"
    nohup prometheus-pushgateway --web.listen-address=127.0.0.1:9091 --persistence.file= >"$log" 2>&1 &
    echo "Started a local Pushgateway at $PUSHGATEWAY_URL (pid $!, log $log; stop it with: kill $!)"
    for _ in $(seq 1 100); do
      curl -fsS "$PUSHGATEWAY_URL/-/ready" >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
fi

npx csv-push fixtures/example_data.csv --job example_job
echo
echo "What the gateway now holds for job example_job:"
curl -fsS "$PUSHGATEWAY_URL/metrics" | grep -E '^example_data\{' || true
