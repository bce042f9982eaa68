#!/usr/bin/env bash
# A hot standby of the local PostgreSQL, for dluan's read replica (dluan/replica.py):
#   scripts/replica.sh start|stop|pause|resume|status|remove
# start   copies the primary (127.0.0.1:5432) with pg_basebackup into a second
#         cluster on port 5433, streaming through a replication slot, and starts it;
#         run again, it starts the existing standby (or does nothing if it runs).
# stop    stops the standby (the slot keeps the WAL it has not read: start soon,
#         or `remove`).
# pause   pauses WAL replay on the standby (it falls behind: the lag test);
# resume  resumes it.
# status  says whether it runs, streams and how far behind it is (exit 3 when stopped).
# remove  stops the standby, deletes its data directory and the primary's slot.
# Run as root (it works as the postgres user) or as postgres. The primary's
# pg_hba.conf gets a replication line from 127.0.0.1, and a reload, only if
# replication from there is not already allowed.
# Environment: PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), REPLICA_PORT (5433),
# REPLICA_DATA (/var/lib/postgresql/<major>/replica), REPLICA_SLOT (dluan_replica).
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_SLOT=${REPLICA_SLOT:-dluan_replica}
PG_USER=${PG_USER:-postgres}
command=${1:-status}

die() {
  echo "replica.sh: $*" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  as_postgres() { runuser -u postgres -- "$@"; }
elif [ "$(id -un)" = postgres ]; then
  as_postgres() { "$@"; }
else
  die "run it as root or as the postgres user (it runs PostgreSQL's own tools as postgres)"
fi

primary_sql() {
  as_postgres psql -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PG_USER" \
    -d postgres -v ON_ERROR_STOP=1 -c "$1"
}
replica_sql() {
  as_postgres psql -X -q -At -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PG_USER" \
    -d postgres -v ON_ERROR_STOP=1 -c "$1"
}

pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" \
  || die "the primary does not answer at $PRIMARY_HOST:$PRIMARY_PORT"
major=$(primary_sql "SELECT current_setting('server_version_num')::int / 10000")
BIN=/usr/lib/postgresql/$major/bin
[ -x "$BIN/pg_ctl" ] || die "$BIN/pg_ctl is missing (postgresql-$major)"
REPLICA_DATA=${REPLICA_DATA:-/var/lib/postgresql/$major/replica}
LOG=${REPLICA_LOG:-/var/log/postgresql/postgresql-$major-replica.log}

running() {
  [ -f "$REPLICA_DATA/PG_VERSION" ] \
    && as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1
}

replication_allowed() {
  as_postgres psql -X -q -At -c "IDENTIFY_SYSTEM" \
    "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PG_USER dbname=postgres replication=true" \
    >/dev/null 2>&1
}

allow_replication() {
  replication_allowed && return 0
  local hba method
  hba=$(primary_sql "SHOW hba_file")
  # The same method as the primary's own rule for 127.0.0.1, else passwords.
  method=$(awk '$1 == "host" && $4 == "127.0.0.1/32" {print $5; exit}' "$hba")
  method=${method:-scram-sha-256}
  echo "Allowing replication from 127.0.0.1 ($method) in $hba"
  sed -i "1i host replication $PG_USER 127.0.0.1/32 $method  # dluan scripts/replica.sh" "$hba"
  primary_sql "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  replication_allowed || die "replication from 127.0.0.1 is still refused: see $hba"
}

slot_exists() {
  [ "$(primary_sql "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT'")" = 1 ]
}

drop_slot() {
  if slot_exists; then
    primary_sql "SELECT pg_drop_replication_slot('$REPLICA_SLOT')" >/dev/null
  fi
}

write_config() {
  # A Debian primary keeps its configuration in /etc: the standby gets its own,
  # with the limits a hot standby must hold at least as high as the primary's.
  local settings="" name value
  for name in max_connections max_worker_processes max_wal_senders \
    max_prepared_transactions max_locks_per_transaction shared_buffers \
    work_mem effective_cache_size random_page_cost timezone; do
    value=$(primary_sql "SHOW $name")
    settings+="$name = '$value'"$'\n'
  done
  as_postgres tee "$REPLICA_DATA/postgresql.conf" >/dev/null <<EOF
# The dluan read replica (scripts/replica.sh): a hot standby of $PRIMARY_HOST:$PRIMARY_PORT.
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
# The primary keeps the rows a long read on the standby still needs, rather than
# the standby cancelling the read.
hot_standby_feedback = on
wal_level = replica
logging_collector = off
$settings
EOF
  as_postgres cp "$(primary_sql "SHOW hba_file")" "$REPLICA_DATA/pg_hba.conf"
  as_postgres cp "$(primary_sql "SHOW ident_file")" "$REPLICA_DATA/pg_ident.conf"
}

make_standby() {
  local level
  level=$(primary_sql "SHOW wal_level")
  [ "$level" != minimal ] || die "the primary has wal_level = minimal: set it to replica and restart it"
  allow_replication
  echo "Copying the primary into $REPLICA_DATA (pg_basebackup)"
  rm -rf "$REPLICA_DATA"
  drop_slot
  mkdir -p -m 700 "$REPLICA_DATA"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$REPLICA_DATA"
  as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PG_USER" \
    -D "$REPLICA_DATA" -R -X stream -C -S "$REPLICA_SLOT" --checkpoint=fast
  write_config
}

wait_streaming() {
  local state=""
  for _ in $(seq 1 120); do
    state=$(replica_sql "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
    [ "$state" = streaming ] && return 0
    sleep 0.25
  done
  die "the standby on port $REPLICA_PORT does not stream (receiver: ${state:-none}); see $LOG"
}

start() {
  if running; then
    wait_streaming
    echo "The standby runs on port $REPLICA_PORT"
    return 0
  fi
  if [ ! -f "$REPLICA_DATA/standby.signal" ] || ! slot_exists; then
    make_standby
  fi
  touch "$LOG" && chown postgres: "$LOG" 2>/dev/null || true
  # fd 9 (the lock) closed: the server would hold it for as long as it runs.
  if ! as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" -l "$LOG" -w -t 300 start \
    >/dev/null 9>&-; then
    tail -n 20 "$LOG" >&2
    die "the standby did not start: see $LOG (a hot standby waits for the primary's long transactions to end)"
  fi
  wait_streaming
  echo "The standby runs on port $REPLICA_PORT"
}

stop() {
  if running; then
    as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null 9>&-
  fi
  echo "The standby is stopped"
}

status() {
  if ! running; then
    echo "stopped"
    return 3
  fi
  replica_sql "SELECT 'running on port $REPLICA_PORT, receiver ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')
    || ', replay ' || pg_get_wal_replay_pause_state()
    || ', lag ' || CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN '0'
       ELSE coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1)::text, '?') END || ' s'"
}

exec 9>/tmp/dluan-replica.lock
flock 9
case $command in
  start) start ;;
  stop) stop ;;
  pause)
    running || die "the standby is not running"
    replica_sql "SELECT pg_wal_replay_pause()" >/dev/null
    echo "Replay paused"
    ;;
  resume)
    running || die "the standby is not running"
    replica_sql "SELECT pg_wal_replay_resume()" >/dev/null
    echo "Replay resumed"
    ;;
  status) status ;;
  remove)
    stop
    rm -rf "$REPLICA_DATA"
    drop_slot
    echo "The standby and its slot are removed"
    ;;
  *) die "usage: $0 start|stop|pause|resume|status|remove" ;;
esac
