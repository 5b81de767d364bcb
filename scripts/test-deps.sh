#!/usr/bin/env bash
# Installs and starts the real components Lattice's tests use, on loopback
# only, and writes their addresses to .testenv/env for `make test`.
#
#   PostgreSQL  reference for golden tests and a metastore backend
#   ZooKeeper   discovery for the cluster tests (a private standalone server)
#   client drivers: psql, pgjdbc (Java), psycopg2/psycopg3/SQLAlchemy,
#               psqlODBC + unixODBC, node-postgres (npm)
#
# As root it installs missing Debian packages with apt; otherwise it prints
# the exact command and stops. It is idempotent: running it again reuses
# what is already up.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/.testenv"
mkdir -p "$state"

packages=(postgresql postgresql-client mariadb-server mariadb-client default-jre-headless libpostgresql-jdbc-java
  python3-psycopg2 python3-psycopg python3-sqlalchemy odbc-postgresql unixodbc nodejs npm zookeeper)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# A machine may have Java or Node.js installed outside Debian's packages.
if command -v java >/dev/null 2>&1; then missing=("${missing[@]/default-jre-headless}"); fi
if command -v node >/dev/null 2>&1; then missing=("${missing[@]/nodejs}"); fi
if command -v npm >/dev/null 2>&1; then missing=("${missing[@]/npm}"); fi
read -r -a missing <<< "${missing[*]}"
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-deps: missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: use the local server when it accepts the postgres superuser on
# 127.0.0.1:5432 without a password (as CI machines are set up); otherwise run
# a private cluster with trust authentication on a free loopback port.
pg_dsn=""
if psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=3" -Atqc 'select 1' >/dev/null 2>&1; then
  pg_dsn="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
else
  # Start the packaged cluster if it exists but is down, then retry.
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(ls /etc/postgresql 2>/dev/null)" ] && [ "$(id -u)" -eq 0 ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >/dev/null 2>&1 || true
    sleep 1
    if psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=3" -Atqc 'select 1' >/dev/null 2>&1; then
      pg_dsn="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
    fi
  fi
fi
if [ -z "$pg_dsn" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pgdata="$state/pg"
  port_file="$state/pg.port"
  run_as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    [ "$(id -u)" -eq 0 ] && chown postgres "$state" "$pgdata"
    run_as_pg "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  port=$(cat "$port_file" 2>/dev/null || true)
  if [ -z "$port" ] || ! psql "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable&connect_timeout=2" -Atqc 'select 1' >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" > "$port_file"
    run_as_pg "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp" start >/dev/null
  fi
  pg_dsn="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi

# MariaDB: a dedicated test user with a password, reachable over TCP. As
# root we can always reach the server through its socket to create it.
mysql_dsn="${LATTICE_TEST_MYSQL_DSN:-}"
if [ -z "$mysql_dsn" ]; then
  if ! mariadb -uroot -e 'select 1' >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do mariadb -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 1; done
  fi
  if [ "$(id -u)" -eq 0 ] && mariadb -uroot -e 'select 1' >/dev/null 2>&1; then
    mariadb -uroot -e "CREATE USER IF NOT EXISTS 'lattice_test'@'127.0.0.1' IDENTIFIED BY 'lattice_test';
      GRANT ALL PRIVILEGES ON *.* TO 'lattice_test'@'127.0.0.1'; FLUSH PRIVILEGES;"
    mysql_dsn="mysql://lattice_test:lattice_test@127.0.0.1:3306/"
  else
    echo "test-deps: MariaDB not reachable as root; set LATTICE_TEST_MYSQL_DSN=mysql://user:pass@127.0.0.1:3306/" >&2
  fi
fi

# node-postgres for the client tests.
if [ -f tests/clients/node/package.json ] && [ ! -d tests/clients/node/node_modules ]; then
  (cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# ZooKeeper: a private standalone server on a free loopback port, with its
# data under .testenv/zk. Short ticks let tests use short session timeouts.
zk_port_file="$state/zk.port"
zk_ok() { [ -n "${1:-}" ] && [ "$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf ruok >&3 && timeout 3 cat <&3) 2>/dev/null)" = imok ]; }
zk_port=$(cat "$zk_port_file" 2>/dev/null || true)
if ! zk_ok "$zk_port"; then
  zk_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "$zk_port" > "$zk_port_file"
  mkdir -p "$state/zk/data"
  cat > "$state/zk/zoo.cfg" <<ZK
tickTime=500
dataDir=$state/zk/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
minSessionTimeout=1000
maxSessionTimeout=60000
admin.enableServer=false
4lw.commands.whitelist=ruok,stat,srvr
ZK
  nohup java -cp "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar" -Dzookeeper.log.dir="$state/zk" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$state/zk/zoo.cfg" > "$state/zk/server.log" 2>&1 < /dev/null &
  echo $! > "$state/zk/pid"
  for _ in $(seq 1 60); do zk_ok "$zk_port" && break; sleep 0.5; done
  zk_ok "$zk_port" || { echo "test-deps: ZooKeeper did not start; see $state/zk/server.log" >&2; exit 1; }
fi

cat > "$state/env" <<ENV
export LATTICE_TEST_PG_DSN='$pg_dsn'
export LATTICE_TEST_MYSQL_DSN='$mysql_dsn'
export LATTICE_TEST_ZK='127.0.0.1:$zk_port'
ENV
echo "test-deps: PostgreSQL at $pg_dsn; MariaDB at ${mysql_dsn:-none}; ZooKeeper at 127.0.0.1:$zk_port"
