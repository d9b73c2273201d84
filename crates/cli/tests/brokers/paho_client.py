"""paho-mqtt (PyPI, pinned by the setup) against a broker: a subscriber and a publisher,
QoS 0, 1 and 2. Prints one JSON line with what arrived.

usage: python3 paho_client.py <port> <tcp|websockets> <4|5> <tag>
"""
import json
import sys
import threading

import paho.mqtt.client as mqtt

port, transport, version, tag = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
v5 = version == "5"
protocol = mqtt.MQTTv5 if v5 else mqtt.MQTTv311


def connect(name):
    kwargs = {} if v5 else {"clean_session": True}
    c = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"{name}-{tag}",
        protocol=protocol,
        transport=transport,
        **kwargs,
    )
    if transport == "websockets":
        c.ws_set_options(path="/mqtt")
    connected = threading.Event()
    c.on_connect = lambda *args: connected.set()
    c.connect("127.0.0.1", port, 30)
    c.loop_start()
    if not connected.wait(5):
        sys.exit(f"{name}: no CONNACK")
    return c


got = []
done = threading.Event()
subscribed = threading.Event()


def on_message(client, userdata, message):
    got.append([message.topic, message.payload.decode()])
    if len(got) == 3:
        done.set()


sub = connect("paho-sub")
sub.on_message = on_message
sub.on_subscribe = lambda *args: subscribed.set()
sub.subscribe(f"py/{tag}/#", qos=2)
if not subscribed.wait(5):
    sys.exit("no SUBACK")
pub = connect("paho-pub")
for qos in (0, 1, 2):
    pub.publish(f"py/{tag}/{qos}", f"m{qos}", qos=qos).wait_for_publish(5)
if not done.wait(10):
    sys.exit(f"only {got} arrived")
print(json.dumps({"received": sorted(got)}))
pub.disconnect()
sub.disconnect()
pub.loop_stop()
sub.loop_stop()
