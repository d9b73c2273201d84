"""A Sparkplug B edge node written with pysparkplug, against a broker on loopback: NBIRTH and
a device's DBIRTH on connect, data sent by alias alone, a lost message (a sequence number
skipped), device data, and a clean disconnect (NDEATH).

Usage: sparkplug_producer.py PORT
"""

import sys
import time

import pysparkplug as sp
from pysparkplug import DataType, Metric


def wait(until, what):
    deadline = time.monotonic() + 10
    while not until():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(0.05)


def main(port):
    t = 1700000000000
    node = sp.EdgeNode(
        "plant",
        "gw1",
        metrics=[
            Metric(t, "Temperature", DataType.FLOAT, value=21.5, alias=1),
            Metric(t, "Level", DataType.INT8, value=-1, alias=2),
            Metric(t, "Flags", DataType.BOOLEAN_ARRAY, value=(True, False, True), alias=3),
        ],
    )
    node.register(
        sp.Device(
            "pump",
            [
                Metric(t, "Speed", DataType.INT16, value=-300, alias=10),
                Metric(t, "Names", DataType.STRING_ARRAY, value=("a", "bc"), alias=11),
            ],
        )
    )
    node.connect("127.0.0.1", port=port, blocking=False)
    wait(lambda: node._connected, "the connection")
    time.sleep(0.3)
    # Data by alias alone, with no name or data type: the host must know them from NBIRTH.
    ndata = sp.NData(t, seq=node._seq, metrics=(Metric(t, None, DataType.FLOAT, value=22.0, alias=1),))
    topic = sp.Topic(message_type=sp.MessageType.NDATA, group_id="plant", edge_node_id="gw1")
    node._client.publish(sp.Message(topic=topic, payload=ndata, qos=sp.QoS.AT_MOST_ONCE, retain=False), include_dtypes=False)
    # A message lost on the way: its sequence number is used and never published.
    _ = node._seq
    node.update_device("pump", [Metric(t, "Speed", DataType.INT16, value=5, alias=10)])
    time.sleep(0.3)
    node.disconnect()


if __name__ == "__main__":
    main(int(sys.argv[1]))
