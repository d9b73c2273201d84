// The `mqttscope` client's dedicated worker: the core, its WebSocket and its timer run
// here, off the page's main thread, where timers are not throttled in background tabs
// (keep-alive goes on). The page's Client talks to the Driver by messages.
import { Driver } from "./driver.js";

const driver = new Driver((message, transfer) => postMessage(message, transfer));
// The page posts what one of its tasks asked, in order, as one array.
onmessage = (e) => {
  for (const m of e.data) driver.handle(m);
};
