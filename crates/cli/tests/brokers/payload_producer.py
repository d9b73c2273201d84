"""Publishes payloads encoded by Python's cbor2 and msgpack (PyPI) to a broker, with a raw
MQTT 3.1.1 client over a plain socket (no MQTT library needed): CONNECT, then one QoS 0
PUBLISH per payload, then DISCONNECT.

usage: payload_producer.py PORT TOPIC_PREFIX
"""

import socket
import struct
import sys

import cbor2
import msgpack

READING = {"device": "th-1", "temp": 21.5, "ok": True, "ids": [1, -2, 300], "raw": b"\x00\xff"}


def payloads():
    yield "cbor", cbor2.dumps(READING)
    yield "cbor-tag", cbor2.dumps(cbor2.CBORTag(1, 1700000000))
    yield "msgpack", msgpack.packb(READING, use_bin_type=True)
    yield "msgpack-ext", msgpack.packb([msgpack.ExtType(5, b"\xaa"), None, 2**40])


def remaining(n):
    out = b""
    while True:
        byte = n % 128
        n //= 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def string(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def packet(first, body):
    return bytes([first]) + remaining(len(body)) + body


def main():
    port, prefix = int(sys.argv[1]), sys.argv[2]
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(packet(0x10, string("MQTT") + b"\x04\x02\x00\x3c" + string("py-payload")))
    connack = s.recv(4)
    assert connack[:2] == b"\x20\x02" and connack[3] == 0, connack
    for name, body in payloads():
        s.sendall(packet(0x30, string(f"{prefix}/{name}") + body))
    s.sendall(b"\xe0\x00")
    s.close()


main()
