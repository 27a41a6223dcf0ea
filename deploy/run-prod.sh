#!/usr/bin/env bash
# The production topology without Docker: each service under gunicorn on its own
# port, each service's event worker as its own process (honcho runs them all),
# against this machine's PostgreSQL and Redis. Ports: catalog 8001, matching 8002,
# booking 8003, accounts 8004 (no event worker), the pages 8005, notify 8006; with nginx installed, a gateway on $PORT
# (8000) routes by prefix (the pages at /).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
PGHOST_URL=${PGHOST_URL:-postgresql://postgres@127.0.0.1:5432}
export CATALOG_DATABASE_URL=${CATALOG_DATABASE_URL:-$PGHOST_URL/unionhub_catalog}
export MATCHING_DATABASE_URL=${MATCHING_DATABASE_URL:-$PGHOST_URL/unionhub_matching}
export BOOKING_DATABASE_URL=${BOOKING_DATABASE_URL:-$PGHOST_URL/unionhub_booking}
export ACCOUNTS_DATABASE_URL=${ACCOUNTS_DATABASE_URL:-$PGHOST_URL/unionhub_accounts}
export NOTIFY_DATABASE_URL=${NOTIFY_DATABASE_URL:-$PGHOST_URL/unionhub_notify}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export PORT=${PORT:-8000}
export PYTHONUNBUFFERED=1

for db in unionhub_catalog unionhub_matching unionhub_booking unionhub_accounts unionhub_notify; do
  psql "$PGHOST_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql "$PGHOST_URL/postgres" -qc "CREATE DATABASE $db"
done
python -m services.cli migrate
if [ "${DEMO:-1}" != "0" ]; then
  python -m services.cli demo
fi

procfile=$(mktemp)
cp deploy/Procfile "$procfile"
if command -v nginx >/dev/null 2>&1; then
  mkdir -p var/nginx
  sed "s/listen 8000/listen $PORT/; s/catalog:8001/127.0.0.1:8001/; s/matching:8002/127.0.0.1:8002/; s/booking:8003/127.0.0.1:8003/; s/accounts:8004/127.0.0.1:8004/; s/notify:8006/127.0.0.1:8006/; s/web:8005/127.0.0.1:8005/" \
    deploy/nginx.conf > var/nginx/nginx.conf
  echo "gateway: nginx -p $PWD/var/nginx -c $PWD/var/nginx/nginx.conf -g 'daemon off; pid $PWD/var/nginx/nginx.pid;'" >> "$procfile"
  echo "gateway on http://127.0.0.1:$PORT (pages at /)"
  export WEB_API_URL=${WEB_API_URL:-http://127.0.0.1:$PORT}
else
  echo "nginx not installed: no gateway. Pages on http://127.0.0.1:8005; services: catalog :8001, matching :8002, booking :8003, accounts :8004, notify :8006"
  export WEB_API_URL=${WEB_API_URL:-catalog=http://127.0.0.1:8001,matching=http://127.0.0.1:8002,booking=http://127.0.0.1:8003,accounts=http://127.0.0.1:8004,notify=http://127.0.0.1:8006}
fi
exec honcho start -f "$procfile" -d "$PWD"
