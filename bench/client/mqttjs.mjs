// MQTT.js side of `cargo xtask bench client`: one subscriber and one publisher through the
// broker at <url>, <count> messages of <size> bytes at <qos>, MQTT 3.1.1. Prints one JSON
// line: {"received": n, "ms": elapsed from the first publish to the last message}.
// Usage: node mqttjs.mjs <url> <qos> <count> <size>
import mqtt from 'mqtt';

const [url, qosArg, countArg, sizeArg] = process.argv.slice(2);
const qos = Number(qosArg);
const count = Number(countArg);
const payload = Buffer.alloc(Number(sizeArg), 0x61);
const topic = `bench/mqttjs/${process.pid}/${qos}`;
const opts = { protocolVersion: 4, clean: true, reconnectPeriod: 0, wsOptions: { protocol: 'mqtt' } };

function connect(id) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { ...opts, clientId: `${id}-${process.pid}` });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

const sub = await connect('mqttjs-sub');
await new Promise((resolve, reject) => sub.subscribe(topic, { qos }, (e) => (e ? reject(e) : resolve())));
const pub = await connect('mqttjs-pub');

let received = 0;
let start = 0;
const done = new Promise((resolve) => {
  sub.on('message', () => {
    received += 1;
    if (received === count) resolve();
  });
  setTimeout(resolve, 60000);
});

start = performance.now();
for (let i = 0; i < count; i += 1) {
  pub.publish(topic, payload, { qos });
}
await done;
const ms = performance.now() - start;
console.log(JSON.stringify({ received, ms }));
pub.end(true);
sub.end(true);
process.exit(0);
