#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: listens on 127.0.0.1 only, trusts local users,
# keeps its files under DIR.
#   scripts/postgres.sh start DIR   start it and print its URL (initdb on first use; as root,
#                                   installs Debian's postgresql package when missing); when
#                                   it is already running, just print the URL
#   scripts/postgres.sh stop DIR    stop it; the data stays for the next start
#   scripts/postgres.sh url DIR     print the URL of the running server
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user.
# When that user cannot reach DIR (a checkout under /root), or DIR is too long for a unix
# socket path, the server's files go to a private directory under /tmp, recorded in DIR/home.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] && [[ $1 =~ ^(start|stop|url)$ ]] || { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
command=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd -P)
database=parley_test
superuser=parley    # the cluster's bootstrap superuser: the tests create and drop databases

# one command at a time per DIR: two test sessions starting at once must not both run initdb
exec 9>>"$dir/lock"
flock -w 600 9 || die "timed out waiting for $dir/lock"

# run a command as the server's user; without the lock, which a server started would keep
if [ "$(id -u)" -eq 0 ]; then
    server_user=postgres
    as_server() { (cd / && runuser -u "$server_user" -- "$@" 9>&-); }
else
    server_user=$(id -un)
    as_server() { "$@" 9>&-; }
fi

# the bin directory of an installed PostgreSQL: the one on PATH, else Debian's newest
find_bindir() {
    local candidate
    for candidate in "$(dirname "$(readlink -f "$(command -v initdb || echo /nonexistent)")")" \
                     $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/psql" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# Debian's package, without letting apt start its own cluster as a system-wide daemon
install_postgres() {
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed: install the 'postgresql' package, or run as root to have it installed"
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get to install it"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # invoke-rc.d asks this policy before starting a service; 101 means "not now"
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    echo "postgres.sh: installing PostgreSQL with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends postgresql >&2 || die "apt-get install postgresql failed"
}

# where the server's files live: DIR, or the directory DIR/home names
choose_home() {
    home=$(cat "$dir/home" 2>/dev/null || true)
    if [ -n "$home" ] && [ -d "$home" ]; then
        return
    fi
    home=$dir
    [ "$server_user" = "$(id -un)" ] || chown "$server_user" "$dir"
    # a socket path ($home/.s.PGSQL.65535) has at most 107 bytes
    if [ ${#home} -gt 87 ] || ! as_server test -w "$home" -a -x "$home"; then
        home=$(mktemp -d /tmp/parley-pgtest.XXXXXX)
        [ "$server_user" = "$(id -un)" ] || chown "$server_user" "$home"
    fi
    echo "$home" > "$dir/home"
}

running() {
    [ -f "$home/data/PG_VERSION" ] && as_server "$bindir/pg_ctl" status -D "$home/data" >/dev/null 2>&1
}

url() {
    echo "postgresql://$superuser@127.0.0.1:$(cat "$dir/port")/$database"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    if ! bindir=$(find_bindir); then
        install_postgres
        bindir=$(find_bindir) || die "no initdb, pg_ctl and psql found after installing PostgreSQL"
    fi
    if [ "$(id -u)" -eq 0 ] && ! id -u "$server_user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$server_user"
    fi
    choose_home
    if running; then
        url
        return
    fi
    if [ ! -f "$home/data/PG_VERSION" ]; then
        rm -rf "$home/data"
        out=$(as_server "$bindir/initdb" -D "$home/data" -U "$superuser" -A trust -E UTF8 --no-locale --no-sync 2>&1) \
            || die "initdb failed: $out"
        cat >> "$home/data/postgresql.conf" <<EOF
# parley's test server: loopback only, durability traded for speed
listen_addresses = '127.0.0.1'
unix_socket_directories = '$home'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
        printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$home/data/pg_hba.conf"
    fi
    free_port > "$dir/port"
    out=$(as_server "$bindir/pg_ctl" start -w -t 60 -D "$home/data" -l "$home/server.log" -o "-p $(cat "$dir/port")" 2>&1) \
        || die "the server did not start: $out $(tail -n 5 "$home/server.log" 2>/dev/null)"
    local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(cat "$dir/port")" -U "$superuser" -d postgres)
    if [ -z "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
        "${psql[@]}" -c "CREATE DATABASE $database" >/dev/null
    fi
    url
}

stop() {
    bindir=$(find_bindir) || return 0
    home=$(cat "$dir/home" 2>/dev/null) || return 0
    if running; then
        as_server "$bindir/pg_ctl" stop -w -m fast -D "$home/data" >/dev/null
    fi
}

case $command in
    start) start ;;
    stop) stop ;;
    url) bindir=$(find_bindir) || die "PostgreSQL is not installed"
         home=$(cat "$dir/home" 2>/dev/null) && running || die "no server is running for $dir"
         url ;;
esac
