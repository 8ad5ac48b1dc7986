#!/usr/bin/env bash
# Creates target/reader-venv with the pinned readers the export tests use.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/reader-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/readers/requirements.txt
