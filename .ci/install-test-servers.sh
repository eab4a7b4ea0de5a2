#!/usr/bin/env bash
# Installs the database servers that the connector tests start themselves (test/support/*-server.ts):
# PostgreSQL (initdb, pg_ctl, postgres) and MariaDB (mariadbd, mariadb-install-db) from Debian's
# packages. Idempotent: installs only what is missing, and does nothing when both are present.
# Kafka needs no install here: test/support/kafka-broker.ts fetches its jars with Maven (java + mvn).
# The packages' own services are not started (policy-rc.d), and none is enabled to start at boot
# in a container; the tests run private instances on free ports.
set -euo pipefail

have_postgres() {
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

have_mariadb() {
  { command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] ||
    [ -x /usr/sbin/mysqld ]; } &&
    { command -v mariadb-install-db >/dev/null 2>&1 || command -v mysql_install_db >/dev/null 2>&1; }
}

packages=()
have_postgres || packages+=(postgresql)
have_mariadb || packages+=(mariadb-server)

if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-test-servers: postgresql and mariadb-server already present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo -n)
  else
    echo "install-test-servers: need root (or sudo) to install: ${packages[*]}" >&2
    exit 1
  fi
fi

echo "install-test-servers: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep the packages' postinst scripts from starting system-wide servers on the default ports.
policy_rc=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy_rc" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy_rc" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$policy_rc"
  created_policy=1
fi
cleanup() {
  if [ "$created_policy" -eq 1 ]; then "${sudo_cmd[@]}" rm -f "$policy_rc"; fi
}
trap cleanup EXIT

"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${packages[@]}" >/dev/null
echo "install-test-servers: installed ${packages[*]}"
