#!/usr/bin/env bash
# Starts (or stops) a local PostgreSQL for the ledger tests, idempotently, from Debian's packages.
#   .ci/postgres.sh start   installs postgresql if missing, starts cluster 15/main on 127.0.0.1:5432,
#                           creates role and database "cloudprovisioner" (password "cloudprovisioner")
#   .ci/postgres.sh stop    stops the cluster
# The tests find it through CLOUDPROVISIONER_TEST_POSTGRESQL_URL (printed by "start" as an export line).
set -euo pipefail
cmd="${1:-start}"
ver=15
if [ "$cmd" = stop ]; then
  command -v pg_ctlcluster >/dev/null && pg_ctlcluster "$ver" main stop -m fast 2>/dev/null || true
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null || [ ! -d "/etc/postgresql/$ver/main" ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$ver" main start >&2
fi
for i in $(seq 1 50); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 0.2
done
su postgres -c "psql -q -d postgres -tc \"SELECT 1 FROM pg_roles WHERE rolname='cloudprovisioner'\"" 2>/dev/null \
  | grep -q 1 || su postgres -c "psql -q -d postgres -c \"CREATE ROLE cloudprovisioner LOGIN PASSWORD 'cloudprovisioner'\"" >&2
su postgres -c "psql -q -d postgres -tc \"SELECT 1 FROM pg_database WHERE datname='cloudprovisioner'\"" \
  | grep -q 1 || su postgres -c "psql -q -d postgres -c \"CREATE DATABASE cloudprovisioner OWNER cloudprovisioner\"" >&2
echo "export CLOUDPROVISIONER_TEST_POSTGRESQL_URL=jdbc:postgresql://127.0.0.1:5432/cloudprovisioner"
