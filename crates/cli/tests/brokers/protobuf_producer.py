"""Publishes protobuf payloads written by Google's Python protobuf runtime, with classes
protoc (grpcio-tools) generates from proto/telemetry.proto, to a broker on loopback.

Usage: protobuf_producer.py PORT TOPIC_PREFIX       publishes two readings
       protobuf_producer.py --read HEX               prints a Reading as JSON
"""

import os
import sys
import tempfile

from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))


def classes():
    out = tempfile.mkdtemp(prefix="mqttscope-pb-")
    proto = os.path.join(HERE, "proto")
    args = ["protoc", f"-I{proto}", f"--python_out={out}", "telemetry.proto", "units.proto"]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    import telemetry_pb2  # noqa: E402

    return telemetry_pb2


def readings(pb):
    full = pb.Reading(
        sensor="line-4/th-1",
        offset=-3,
        counter=-9000000000,
        temperature=21.5,
        pressure=1013.25,
        ok=True,
        raw=b"\x00\xff",
        mode=pb.RUNNING,
        samples=[1, -2, 300],
        tags=["a", "ü"],
        serial=2**64 - 1,
    )
    full.flow.value = 3.25
    full.flow.unit = "l/min"
    full.errors["jam"] = 2
    stopped = pb.Reading(sensor="line-4/th-2", mode=pb.STOPPED, samples=[])
    return [("full", full), ("stopped", stopped)]


def publish(port, prefix):
    import paho.mqtt.client as mqtt

    pb = classes()
    client = mqtt.Client(client_id="protobuf-producer")
    client.connect("127.0.0.1", port)
    client.loop_start()
    for name, message in readings(pb):
        client.publish(f"{prefix}/{name}", message.SerializeToString(), qos=1).wait_for_publish()
    client.loop_stop()
    client.disconnect()


def read(hex_bytes):
    from google.protobuf import json_format

    pb = classes()
    message = pb.Reading.FromString(bytes.fromhex(hex_bytes))
    print(json_format.MessageToJson(message, preserving_proto_field_name=True, indent=None, sort_keys=True))


if __name__ == "__main__":
    if sys.argv[1] == "--read":
        read(sys.argv[2])
    else:
        publish(int(sys.argv[1]), sys.argv[2])
