#!/usr/bin/env bash
# Headless Chromium for the dashboard tests: prints the paths of `chromium` and `chromedriver`.
# When either is missing and we run as root, installs Debian's chromium and chromium-driver
# packages (non-interactive); otherwise says what to install.
set -euo pipefail

die() { echo "chromium.sh: $*" >&2; exit 1; }

found() { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }

if ! found; then
    [ "$(id -u)" -eq 0 ] || die "chromium and chromedriver are not installed: install Debian's 'chromium' and 'chromium-driver' packages, or run as root to have them installed"
    command -v apt-get >/dev/null || die "chromium is not installed and there is no apt-get to install it"
    exec 9>/tmp/parley-chromium.lock
    flock -w 900 9 || die "timed out waiting for /tmp/parley-chromium.lock"
    if ! found; then
        echo "chromium.sh: installing chromium and chromium-driver with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2 || die "apt-get update failed"
        apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2 || die "apt-get install failed"
    fi
fi
found || die "chromium or chromedriver still missing after the install"
echo "$(command -v chromium)"
echo "$(command -v chromedriver)"
