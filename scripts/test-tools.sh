#!/usr/bin/env bash
# Makes sure the programs the tests run for real are here (npm test runs it first, as does .ci/run).
# As root it installs what is missing from Debian's packages, as `npm run example` installs the
# Pushgateway, and stops the services those packages start (the tests start their own on free
# ports). Otherwise it names the one line that installs them, and fails.
set -euo pipefail

# One line per tool: the command that must exist, then the Debian package holding it.
need_apt=()
need() { command -v "$1" >/dev/null 2>&1 || need_apt+=("$2"); }
need prometheus-pushgateway prometheus-pushgateway
need prometheus prometheus
need promtool prometheus
need prometheus-node-exporter prometheus-node-exporter
need victoria-metrics victoria-metrics
# vmagent comes in the same package, in front of two VictoriaMetrics in the scaling-out test.
need vmagent victoria-metrics
need htpasswd apache2-utils
need openssl openssl
need curl curl
# A real HTTP proxy for the proxy tests; update-ca-certificates and runuser for the trust-store and textfile-mode tests.
need tinyproxy tinyproxy
need update-ca-certificates ca-certificates
need runuser util-linux
# The progress line is tested under a real terminal (tmux); peak RSS is read with Python's resource module.
need tmux tmux
need python3 python3

[ "${#need_apt[@]}" -gt 0 ] || exit 0
mapfile -t need_apt < <(printf '%s\n' "${need_apt[@]}" | sort -u)
if [ "$(id -u)" != 0 ]; then
  echo "The tests need: ${need_apt[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need_apt[*]}" >&2
  exit 1
fi
echo "Installing ${need_apt[*]} with apt-get"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
# The services just installed are not ours (systemd where there is one, the init scripts otherwise).
for service in prometheus prometheus-pushgateway prometheus-node-exporter victoria-metrics tinyproxy; do
  systemctl stop "$service" >/dev/null 2>&1 || service "$service" stop >/dev/null 2>&1 || true
done
