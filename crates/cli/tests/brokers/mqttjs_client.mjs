// MQTT.js against a broker: a subscriber and a publisher, QoS 0, 1 and 2, each message
// sent three times on the same topic. Prints one JSON line: what arrived, and how many
// PUBLISH packets carried a Topic Alias (and how many came with an empty topic, the
// alias alone).
// usage: node mqttjs_client.mjs <url> <protocol version 4|5> <tag>
import mqtt from 'mqtt';

const [url, version, tag] = process.argv.slice(2);
const protocolVersion = Number(version);
const base = { protocolVersion, clean: true, reconnectPeriod: 0, connectTimeout: 5000 };
const topic = `js/${tag}`;

function connect(id, extra = {}) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { ...base, clientId: `${id}-${tag}`, ...extra });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

const fail = (e) => {
  console.error(String(e && e.stack || e));
  process.exit(1);
};
setTimeout(() => fail('timed out'), 10000);

try {
  const subProps = protocolVersion === 5 ? { properties: { topicAliasMaximum: 10 } } : {};
  const sub = await connect('js-sub', subProps);
  const received = [];
  let aliases = 0;
  let aliasOnly = 0;
  sub.on('packetreceive', (p) => {
    if (p.cmd !== 'publish') return;
    if (p.properties && p.properties.topicAlias) aliases += 1;
    if (p.topic === '') aliasOnly += 1;
  });
  const expected = 9;
  const done = new Promise((resolve) => {
    sub.on('message', (t, payload) => {
      received.push([t, payload.toString()]);
      if (received.length === expected) resolve();
    });
  });
  await sub.subscribeAsync(`${topic}/#`, { qos: 2 });
  const pub = await connect('js-pub');
  for (const qos of [0, 1, 2]) {
    for (let n = 0; n < 3; n++) {
      await pub.publishAsync(`${topic}/${qos}`, `m${qos}.${n}`, { qos });
    }
  }
  await done;
  console.log(JSON.stringify({ received, aliases, aliasOnly }));
  await pub.endAsync();
  await sub.endAsync();
  process.exit(0);
} catch (e) {
  fail(e);
}
