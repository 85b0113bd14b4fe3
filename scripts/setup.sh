#!/usr/bin/env bash
# Make .venv/ with every dependency pinned by hash (requirements.lock) and parley installed
# in editable mode. Does nothing when .venv is already up to date with the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.parley-installed
if [ -f "$stamp" ] && [ "$stamp" -nt requirements.lock ] && [ "$stamp" -nt pyproject.toml ]; then
    exit 0
fi
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "parley needs Python 3.11 or newer" >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
# the lock holds every package a dependency needs, each pinned by hash: install exactly it, with
# no resolving (which would look for a newer release where a package asks for an extra the pinned
# one lacks, as justext does of lxml, and then refuse it for having no hash)
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
touch "$stamp"
