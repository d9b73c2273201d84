// The timer worker: the browser driver's timers run here because a dedicated worker's
// timers are not throttled when the tab is in the background, while the page's are
// (to once a second, then once a minute in Chromium), which would starve MQTT keep-alive.
// Protocol: the page posts [id, delayMs] to arm timer `id` (a negative delay cancels
// it); the worker posts `id` back when it fires.
"use strict";
const timers = new Map();
onmessage = (event) => {
  const [id, delay] = event.data;
  clearTimeout(timers.get(id));
  timers.delete(id);
  if (delay >= 0) {
    timers.set(id, setTimeout(() => {
      timers.delete(id);
      postMessage(id);
    }, delay));
  }
};
