#!/usr/bin/env bash
# Creates target/reader-venv with the pinned readers the export tests use.
# Safe to run from many test processes at once (one installs, the others
# wait on the lock) and cheap when the venv already matches
# requirements.txt (a stamp holds the requirements it was built from).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/reader-venv
reqs=tests/readers/requirements.txt
mkdir -p target
exec 9>target/reader-venv.lock
flock 9
if [ -x "$venv/bin/python" ] && cmp -s "$reqs" "$venv/rushes-requirements.txt"; then
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$reqs"
cp "$reqs" "$venv/rushes-requirements.txt"
