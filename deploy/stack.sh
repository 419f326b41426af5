#!/usr/bin/env bash
# The production stack on one machine, all on loopback (`make stack`, `make stack-stop`):
# redis, nginx in front of two gunicorn nodes, and the task worker, against the one PostgreSQL.
# Everything this starts keeps its pid file, log and data under var/stack/.
#
#   deploy/stack.sh start    (re)start everything; returns once /healthz answers through nginx
#   deploy/stack.sh stop     stop what `start` started
#   deploy/stack.sh status   say what runs
#
# Ports (override by environment): STACK_HTTP_PORT=8080, STACK_NODE_PORTS="8101 8102",
# STACK_REDIS_PORT=6390. The Makefile runs `setup`, `collectstatic` and var/secret-key first.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_DIR=$PWD
STACK=$APP_DIR/var/stack
BIN=$APP_DIR/.venv/bin
HTTP_PORT=${STACK_HTTP_PORT:-8080}
NODE_PORTS=${STACK_NODE_PORTS:-8101 8102}
REDIS_PORT=${STACK_REDIS_PORT:-6390}

say() { echo "stack: $*"; }

alive() {  # alive PIDFILE: the process named in the file runs
    [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pidfile() {  # stop_pidfile NAME: SIGTERM, wait up to 25 s (gunicorn's graceful 20 s), then SIGKILL
    local file=$STACK/$1.pid pid
    alive "$file" || { rm -f "$file"; return 0; }
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 250); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then say "$1 did not stop, killing $pid"; kill -KILL "$pid" || true; fi
    rm -f "$file"
    say "stopped $1"
}

ensure_packages() {
    command -v nginx >/dev/null && command -v redis-server >/dev/null && return 0
    if [[ $(id -u) -ne 0 ]]; then
        say "nginx and redis-server are needed: apt-get install nginx redis-server (as root)"; exit 1
    fi
    say "installing nginx and redis-server"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx redis-server >/dev/null
}

node_env() {  # the environment of `make serve`, plus what a node behind nginx needs
    local secret
    secret=$(cat "$APP_DIR/var/secret-key")
    export DJANGO_DEBUG=false DJANGO_HTTPS=false
    export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$secret}"
    export VOTER_HASH_KEY="${VOTER_HASH_KEY:-$secret-voters}"
    export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
    export DJANGO_SITE_URL="${DJANGO_SITE_URL:-http://127.0.0.1:$HTTP_PORT}"
    export DJANGO_TRUSTED_PROXY_COUNT=1
    export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"
    export DJANGO_TASKS_BACKEND=database
    export DJANGO_MEDIA_ACCEL_REDIRECT=/protected-media/
}

start_redis() {
    mkdir -p "$STACK/redis"
    # A cache only: no snapshots, no append-only file; the oldest keys go first when full.
    cat >"$STACK/redis.conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $STACK/redis.pid
logfile $STACK/redis.log
dir $STACK/redis
save ""
appendonly no
maxmemory 256mb
maxmemory-policy allkeys-lru
CONF
    redis-server "$STACK/redis.conf"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    say "redis on 127.0.0.1:$REDIS_PORT"
}

start_nginx() {
    local servers="" port media_root
    for port in $NODE_PORTS; do servers+="    server 127.0.0.1:$port max_fails=3 fail_timeout=10s;"$'\n'; done
    media_root=${DJANGO_MEDIA_ROOT:-$APP_DIR/var/media}
    mkdir -p "$STACK/nginx-tmp" "$media_root"
    # The site is deploy/nginx/fairportal.conf.in, rendered exactly as for production.
    UPSTREAM_SERVERS="${servers%$'\n'}" LISTEN=127.0.0.1:$HTTP_PORT SERVER_NAME="127.0.0.1 localhost" \
        TLS="    # plain HTTP on loopback: no certificate" STATIC_ROOT=$APP_DIR/staticfiles/ \
        MEDIA_ROOT=${media_root%/}/ LOG_DIR=$STACK/ \
        python3 "$APP_DIR/deploy/render_site.py" "$APP_DIR/deploy/nginx/fairportal.conf.in" \
        >"$STACK/fairportal-site.conf"
    # Our own instance: its own pid file, logs and temporary files, beside any system nginx.
    # As root, workers run as root too so they can read the uploads gunicorn (root here) wrote
    # 0640; production's nginx runs as www-data in the app's group (deploy/README.md).
    cat >"$STACK/nginx.conf" <<CONF
$([[ $(id -u) -eq 0 ]] && echo "user root;")
worker_processes 1;
pid $STACK/nginx.pid;
error_log $STACK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $STACK/nginx-tmp/body;
    proxy_temp_path $STACK/nginx-tmp/proxy;
    fastcgi_temp_path $STACK/nginx-tmp/fastcgi;
    uwsgi_temp_path $STACK/nginx-tmp/uwsgi;
    scgi_temp_path $STACK/nginx-tmp/scgi;
    include $STACK/fairportal-site.conf;
}
CONF
    nginx -t -q -p "$STACK" -c "$STACK/nginx.conf" -e "$STACK/nginx-error.log"
    nginx -p "$STACK" -c "$STACK/nginx.conf" -e "$STACK/nginx-error.log"
    say "nginx on http://127.0.0.1:$HTTP_PORT/"
}

start_nodes() {
    local n=0 port
    for port in $NODE_PORTS; do
        n=$((n + 1))
        GUNICORN_BIND=127.0.0.1:$port setsid nohup "$BIN/gunicorn" --config gunicorn.conf.py \
            --pid "$STACK/web-$n.pid" --name "fairportal-web-$n" fairportal.wsgi \
            >>"$STACK/web-$n.log" 2>&1 </dev/null &
        say "gunicorn node $n on 127.0.0.1:$port (log var/stack/web-$n.log)"
    done
}

start_worker() {
    setsid nohup "$BIN/python" manage.py db_worker >>"$STACK/worker.log" 2>&1 </dev/null &
    echo $! >"$STACK/worker.pid"
    say "task worker (log var/stack/worker.log)"
}

probe() {  # probe URL: it answers 2xx within 2 s (Python's urllib: curl may be missing)
    "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null
}

all_healthy() {  # through nginx, and each node on its own, so a half-started node is not missed
    local port
    probe "http://127.0.0.1:$HTTP_PORT/healthz" || return 1
    for port in $NODE_PORTS; do probe "http://127.0.0.1:$port/healthz" || return 1; done
}

wait_healthy() {
    for _ in $(seq 60); do
        if all_healthy; then
            say "ready: http://127.0.0.1:$HTTP_PORT/  (admin: http://127.0.0.1:$HTTP_PORT/kk/admin/; stop: make stack-stop)"
            return 0
        fi
        sleep 0.5
    done
    say "no healthy answer after 30 s; see var/stack/*.log"
    tail -n 20 "$STACK"/web-*.log "$STACK"/nginx-error.log >&2
    exit 1
}

stop() {
    stop_pidfile nginx
    local n=0 port
    for port in $NODE_PORTS; do n=$((n + 1)); stop_pidfile "web-$n"; done
    stop_pidfile worker
    stop_pidfile redis
}

status() {
    local name
    for name in nginx web-1 web-2 worker redis; do
        if alive "$STACK/$name.pid"; then say "$name runs (pid $(cat "$STACK/$name.pid"))"; else say "$name is stopped"; fi
    done
}

case "${1:-}" in
    start)
        ensure_packages
        mkdir -p "$STACK"
        stop  # a second `make stack` restarts everything with the current code
        node_env
        start_redis
        start_nodes
        start_worker
        start_nginx
        wait_healthy
        ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
