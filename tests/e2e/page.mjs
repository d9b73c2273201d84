// Page helpers the client end-to-end scripts share: waiting for a condition in the page,
// a connection's status, filling in and saving its settings, and the packet inspector.

/** Waits until `fn` (in the page) returns a truthy value. */
export async function until(page, fn, arg, what, timeout = 15000) {
  try {
    await page.waitForFunction(fn, arg, { timeout });
  } catch {
    throw new Error(`timed out waiting for ${what}`);
  }
}

/** Waits until the selected connection's status contains `text`. */
export const statusIs = (page, text, what) =>
  until(page, (t) => document.querySelector('[data-testid="conn-status"]')?.textContent.includes(t), text, what ?? `status "${text}"`);

/** Opens the settings of the selected connection, sets URL, version and (if given) the
 *  client id, saves and connects. */
export async function configure(page, url, version, clientId) {
  const open = await page.$('[data-testid="url"]');
  if (!open) await page.click('button:has-text("Settings")');
  await page.fill('[data-testid="url"]', url);
  await page.selectOption('[data-testid="version"]', version);
  if (clientId !== undefined) await page.fill('[data-testid="client-id"]', clientId);
  await page.click('[data-testid="save-connect"]');
}

/** Adds a connection named `name` and opens its settings. */
export async function newConnection(page, name) {
  await page.click('[data-testid="add-connection"]');
  if (!(await page.$('[data-testid="url"]'))) await page.click('button:has-text("Settings")');
  await page.getByLabel("Name", { exact: true }).fill(name);
}

/** The hex of the packet shown in the inspector, read from the hex view's byte cells. */
export async function inspectorHex(page) {
  return page.$$eval('[data-testid="packet-detail"] [data-testid="hex-view"] .b[data-i]', (cells) =>
    cells.map((c) => c.textContent.trim()).join(" "),
  );
}

/** Selects the first or last packet of `kind` in the packet log. */
export async function selectPacket(page, kind, nth = "last") {
  await page.click('[data-testid="tab-packets"]');
  const rows = page.locator('[data-testid="pkt-kind"]', { hasText: new RegExp(`^${kind}$`) });
  await rows.first().waitFor({ timeout: 10000 });
  await (nth === "last" ? rows.last() : rows.first()).click();
  // The inspector is a module of its own, loaded on the first selection and drawing after
  // it: wait until it shows this packet, not the one selected before.
  await until(
    page,
    (kind) => document.querySelector('[data-testid="packet-detail"] h3')?.textContent.startsWith(`${kind} ·`),
    kind,
    `the inspector showing ${kind}`,
  );
}

/** How many rows of `kind` the packet log holds (the Packets tab must be open). */
export const packetCount = (page, kind) =>
  page.$$eval('[data-testid="pkt-kind"]', (k, kind) => k.filter((e) => e.textContent === kind).length, kind);
