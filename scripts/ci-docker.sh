#!/usr/bin/env bash
# Makes a Docker engine reachable for the docker-runtime tests, on a machine that can pull no
# image: installs Debian's docker.io, starts a dockerd of our own (its own socket, data root
# and pid file, vfs storage, no changes to the host's firewall), then builds the small
# stand-in images the tests name in their image override map.
#
# Usage: export DOCKER_HOST=unix:///run/authlab-docker.sock; bash scripts/ci-docker.sh [stop]
# The stand-ins are honest about what they are: real PostgreSQL and Redis binaries from
# Debian behind the official images' documented interface (env, command, data path), and
# the host's Node binary as the base of the lab-services image. They are not the official
# images, which cannot be tested here.
set -euo pipefail
cd "$(dirname "$0")/.."

SOCKET=/run/authlab-docker.sock
DATA_ROOT=/var/lib/authlab-docker
EXEC_ROOT=/run/authlab-docker
PID_FILE=/run/authlab-docker.pid
LOG_FILE=/tmp/authlab-dockerd.log
DOCKER=/usr/bin/docker
export DOCKER_HOST="unix://$SOCKET"

engine_answers() {
  [ -x "$DOCKER" ] && "$DOCKER" version >/dev/null 2>&1
}

stop_engine() {
  if [ -f "$PID_FILE" ]; then
    local pid
    pid=$(cat "$PID_FILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
}

if [ "${1:-}" = stop ]; then
  stop_engine
  exit 0
fi

echo "== docker: packages"
# nginx and Prometheus from Debian become stand-ins for their official images below.
if ! [ -x /usr/sbin/dockerd ] || ! [ -x /bin/busybox ] || ! [ -x /usr/sbin/nginx ] ||
   ! [ -x /usr/bin/prometheus ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io busybox-static nginx-light prometheus >/dev/null
fi

echo "== docker: engine on $SOCKET"
if ! engine_answers; then
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  # No default bridge, no iptables or forwarding changes: the lab creates its own network,
  # and docker-proxy publishes its ports on 127.0.0.1.
  setsid /usr/sbin/dockerd --host "unix://$SOCKET" --data-root "$DATA_ROOT" \
    --exec-root "$EXEC_ROOT" --pidfile "$PID_FILE" --storage-driver vfs \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    >"$LOG_FILE" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do engine_answers && break; sleep 0.5; done
  if ! engine_answers; then
    echo "dockerd did not answer on $SOCKET within 60 s; its log:" >&2
    tail -n 30 "$LOG_FILE" >&2
    exit 1
  fi
fi
"$DOCKER" version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}})'

# --- stand-in images -------------------------------------------------------------------

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Copies files with their shared libraries (as ldd lists them) into a root file system.
copy_with_libs() {
  local root=$1
  shift
  for file in "$@"; do
    mkdir -p "$root$(dirname "$file")"
    cp -L "$file" "$root$file"
    # A file without shared libraries makes grep fail; that is not an error here.
    { ldd "$file" 2>/dev/null | grep -o '/[^ ]*' || true; } | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
    done
  done
}

new_root() {
  local root="$WORK/$1"
  mkdir -p "$root"/{bin,etc,tmp,root} && chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh cat echo ls mkdir rm sleep env id ps grep; do
    ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  echo "$root"
}

import_root() {
  local root=$1 tag=$2
  shift 2
  tar -C "$root" -c . | "$DOCKER" import "$@" - "$tag" >/dev/null
  echo "built $tag"
}

echo "== docker: stand-in images"

# PostgreSQL 15 from Debian, started the way the official image starts: PGDATA initialised
# from POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB on first start, then `postgres ARGS`.
pg=$(new_root postgres)
pg_bin=/usr/lib/postgresql/15/bin
copy_with_libs "$pg" "$pg_bin/postgres" "$pg_bin/initdb" "$pg_bin/pg_isready" \
  /usr/lib/postgresql/15/lib/*.so
mkdir -p "$pg/usr/share/postgresql" "$pg/var/lib/postgresql/data" "$pg/var/run/postgresql" \
  "$pg/usr/local/bin"
cp -r /usr/share/postgresql/15 "$pg/usr/share/postgresql/15"
cp -r /usr/share/zoneinfo "$pg/usr/share/zoneinfo"
printf 'postgres:x:999:999::/var/lib/postgresql:/bin/sh\n' >>"$pg/etc/passwd"
printf 'postgres:x:999:\n' >>"$pg/etc/group"
chown -R 999:999 "$pg/var/lib/postgresql" "$pg/var/run/postgresql"
chmod 700 "$pg/var/lib/postgresql/data"
cat >"$pg/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Stand-in for the official image's entrypoint: the same variables and data path.
set -e
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" >/tmp/pwfile
  initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile=/tmp/pwfile \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null
  rm -f /tmp/pwfile
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  if [ -n "$POSTGRES_DB" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec "$@"
EOF
chmod 755 "$pg/usr/local/bin/docker-entrypoint.sh"
import_root "$pg" authlab-test/postgres:15 \
  --change "ENV PATH=$pg_bin:/usr/local/bin:/bin" \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'USER 999' \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]'

# Redis from Debian, with the official image's paths: /data and /usr/local/etc/redis.
rd=$(new_root redis)
copy_with_libs "$rd" /usr/bin/redis-server /usr/bin/redis-cli
mkdir -p "$rd/data" "$rd/usr/local/etc/redis"
import_root "$rd" authlab-test/redis:7 \
  --change 'ENV PATH=/usr/bin:/bin' \
  --change 'WORKDIR /data' \
  --change 'CMD ["redis-server"]'

# nginx from Debian, run the way the official image runs it: `nginx -g 'daemon off;'` with
# the lab's /etc/nginx/nginx.conf, its workers as the nginx user.
ng=$(new_root nginx)
copy_with_libs "$ng" /usr/sbin/nginx
mkdir -p "$ng/etc/nginx" "$ng/var/log/nginx" "$ng/var/run" \
  "$ng"/var/lib/nginx/{body,proxy,fastcgi,uwsgi,scgi}
printf 'nginx:x:101:101::/nonexistent:/bin/false\n' >>"$ng/etc/passwd"
printf 'nginx:x:101:\n' >>"$ng/etc/group"
import_root "$ng" authlab-test/nginx:1 \
  --change 'ENV PATH=/usr/sbin:/bin' \
  --change 'CMD ["nginx", "-g", "daemon off;"]'

# Prometheus from Debian at the official image's paths: /bin/prometheus as the entry point,
# data in /prometheus.
pr=$(new_root prometheus)
copy_with_libs "$pr" /usr/bin/prometheus
mv "$pr/usr/bin/prometheus" "$pr/bin/prometheus"
mkdir -p "$pr/prometheus" "$pr/etc/prometheus"
ln -sf busybox "$pr/bin/wget"
import_root "$pr" authlab-test/prometheus:2 \
  --change 'ENV PATH=/bin' \
  --change 'WORKDIR /prometheus' \
  --change 'ENTRYPOINT ["/bin/prometheus"]'

# The host's Node as the base image of the lab-services Dockerfile (its NODE_IMAGE).
nd=$(new_root node)
copy_with_libs "$nd" "$(readlink -f "$(command -v node)")"
mkdir -p "$nd/usr/local/bin"
mv "$nd$(readlink -f "$(command -v node)")" "$nd/usr/local/bin/node"
printf 'node:x:1000:1000::/home/node:/bin/sh\n' >>"$nd/etc/passwd"
printf 'node:x:1000:\n' >>"$nd/etc/group"
mkdir -p "$nd/home/node" && chown 1000:1000 "$nd/home/node"
import_root "$nd" authlab-test/node:host \
  --change 'ENV PATH=/usr/local/bin:/bin' \
  --change 'CMD ["node"]'

"$DOCKER" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^authlab-test/'

# Re-imported tags leave the previous images dangling; this engine is ours alone.
"$DOCKER" image prune -f >/dev/null
