#!/usr/bin/env bash
# Makes this machine ready to run report-ingest and its tests:
# PostgreSQL and RabbitMQ from Debian packages (installed if missing), started without
# systemd, waited for, and the database created. Idempotent: safe to run again.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

log() { printf '[setup] %s\n' "$*" >&2; }

need_pkgs=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_pkgs+=(postgresql postgresql-client)
command -v rabbitmq-server >/dev/null 2>&1 || need_pkgs+=(rabbitmq-server)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  # policy-rc.d stops the packages' init scripts from trying to start services here.
  $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

# --- PostgreSQL -------------------------------------------------------------------
PGVER=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGVER" ]; then
  PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
  log "creating cluster $PGVER/main"
  $SUDO pg_createcluster "$PGVER" main >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "starting PostgreSQL $PGVER"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PGVER" main start || true
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { log "PostgreSQL did not come up"; exit 1; }

psql_admin() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"
  else sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; fi
}
# The role used by the tests and the demo: postgres with a password, so password
# authentication (Debian's default for TCP) works as well as trust.
psql_admin -c "ALTER ROLE postgres WITH PASSWORD 'postgres'" >/dev/null
if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='report_ingest'" | grep -q 1; then
  log "creating database report_ingest"
  psql_admin -c "CREATE DATABASE report_ingest" >/dev/null
fi

# --- RabbitMQ -----------------------------------------------------------------------
rabbit_up() { $SUDO rabbitmqctl -q status >/dev/null 2>&1; }
if ! rabbit_up; then
  log "starting RabbitMQ"
  $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
  sleep 2
  pidfile=$(ls /var/lib/rabbitmq/mnesia/*.pid 2>/dev/null | head -1 || true)
  if [ -n "$pidfile" ]; then
    $SUDO rabbitmqctl wait --timeout 120 "$pidfile" >/dev/null
  fi
fi
for _ in $(seq 1 120); do rabbit_up && break; sleep 1; done
rabbit_up || { log "RabbitMQ did not come up"; exit 1; }
# Wait until the AMQP listener accepts connections.
for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
log "PostgreSQL $PGVER and RabbitMQ $( $SUDO rabbitmqctl -q version 2>/dev/null || echo '?') are ready"
