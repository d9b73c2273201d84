#!/bin/sh
# The smart home's devices, simulated with the mqttscope CLI against a broker on loopback:
# the security status (retained) once, then the living-room temperature every 2 seconds,
# drifting around 21 °C. Stop it with Ctrl+C.
#
#   sh simulate.sh [broker URL, default tcp://127.0.0.1:1883]
#
# Needs `mqttscope` on PATH (`cargo install --path crates/cli` from the repository root).
set -eu
broker="${1:-tcp://127.0.0.1:1883}"
mqttscope pub --url "$broker" -t home/security/status -m armed -r -q 1
tenths=210
while true; do
  step=$(( $(od -An -N1 -tu1 /dev/urandom) % 5 - 2 ))
  tenths=$(( tenths + step ))
  mqttscope pub --url "$broker" -t home/livingroom/temperature -r \
    -m "{\"celsius\": $(( tenths / 10 )).$(( tenths % 10 ))}"
  sleep 2
done
