#!/usr/bin/env bash
# The main job end to end on this machine: install the components, boot the lab, measure
# replication lag, render the report, shut the lab down. Any step failing stops the script
# (and still shuts the lab down).
set -euo pipefail
cd "$(dirname "$0")/.."

authlab() { node bin/authlab.js "$@"; }
trap 'authlab down >/dev/null 2>&1 || true' EXIT

authlab install
authlab up
authlab experiment replication-lag --count "${DEMO_ROWS:-1000}" --rate "${DEMO_RATE:-100}"
authlab report
authlab down
trap - EXIT
