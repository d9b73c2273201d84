#!/bin/sh
# The smart home's devices, simulated with the mqttscope CLI against a broker on loopback,
# in the form the sandbox broker's devices publish them (crates/sandbox/src/devices): the
# security status (retained) once, then the living-room temperature every 2 seconds,
# drifting around 21 °C. Stop it with Ctrl+C. The sandbox broker (`?broker=sandbox://home`,
# the dashboard's default) needs none of this: its devices are in the page.
#
#   sh simulate.sh [broker URL, default tcp://127.0.0.1:1883]
#
# Needs `mqttscope` on PATH (`cargo install --path crates/cli` from the repository root).
set -eu
broker="${1:-tcp://127.0.0.1:1883}"
mqttscope pub --url "$broker" -t home/security/status -m '{"state":"armed"}' -r -q 1
tenths=210
while true; do
  step=$(( $(od -An -N1 -tu1 /dev/urandom) % 5 - 2 ))
  tenths=$(( tenths + step ))
  mqttscope pub --url "$broker" -t home/livingroom/temperature -r \
    -m "{\"temperature\":$(( tenths / 10 )).$(( tenths % 10 )),\"unit\":\"C\"}"
  sleep 2
done
