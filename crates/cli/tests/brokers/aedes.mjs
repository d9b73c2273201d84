// aedes over WebSocket on 127.0.0.1 for the native driver's interop tests.
// aedes writes CONNACK (and other packets) in several pieces, so they arrive over more
// than one WebSocket frame: the client's framer must reassemble them [MQTT-6.0.0-2].
// Usage: node aedes.mjs <port>; prints "ready" once listening.
import http from 'node:http';
import { createRequire } from 'node:module';
import { WebSocketServer, createWebSocketStream } from 'ws';

const require = createRequire(import.meta.url);
const aedes = require('aedes')();

const port = Number(process.argv[2]);
const server = http.createServer();
const wss = new WebSocketServer({
  server,
  handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
});
wss.on('connection', (ws) => {
  aedes.handle(createWebSocketStream(ws));
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
