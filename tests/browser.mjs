// End-to-end tests of the built app in real headless Chromium. Run by scripts/test
// (which builds dist/ and serves it on 127.0.0.1); prints one line per test.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { launch, open, nodes, waitFor, caretAfter, editorText, BASE } from './harness.mjs';

/// Everything the page loads, gzipped, must stay within this (the budget).
const BUDGET_BYTES = 900 * 1000;

const ARTIFACTS = process.env.KUBELOOP_ARTIFACTS ?? 'target/browser';
mkdirSync(ARTIFACTS, { recursive: true });

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const readyPods = async (page) => (await nodes(page, 'Pod')).filter((p) => p.ready === 'true');

test('the page opens with the example and three pods become ready', async ({ page }) => {
  await open(page);
  assert.match(await editorText(page), /name: my-app/);
  assert.equal((await nodes(page, 'ReplicaSet')).length, 1);
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3);
  const pods = await nodes(page, 'Pod');
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => p.phase === 'Running' && p.name.startsWith('my-app-')), JSON.stringify(pods));
  const clock = await page.textContent('.clock .elapsed');
  assert.notEqual(clock, '0:00:00', 'the virtual clock runs');
  await page.screenshot({ path: `${ARTIFACTS}/opened.png` });
});

test('typing a new image rolls the Deployment out to a second ReplicaSet', async ({ page }) => {
  await open(page);
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3);
  const [first] = await nodes(page, 'ReplicaSet');
  await page.click('button.speed >> text=60×');
  await caretAfter(page, 'image: nginx:1.25');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('6');
  // Half-typed `nginx:1.26` is valid, so it applies after the pause.
  const second = await waitFor('a second ReplicaSet', async () => {
    const rs = await nodes(page, 'ReplicaSet');
    return rs.find((r) => r.name !== first.name && r.name.startsWith('my-app-'));
  });
  await waitFor('the rollout to complete', async () => {
    const pods = await readyPods(page);
    const all = await nodes(page, 'Pod');
    return pods.length === 3 && all.length === 3 && all.every((p) => p.name.startsWith(second.name + '-'));
  }, { timeout: 60000 });
  const [deploy] = await nodes(page, 'Deployment');
  assert.equal(deploy.ready, 'true');
  const events = await page.$$eval('.events tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.ok(events.some((e) => e.includes('ScalingReplicaSet') && e.includes(`Scaled up replica set ${second.name}`)), events.join('\n'));
  await page.screenshot({ path: `${ARTIFACTS}/rolled-out.png` });
});

test('invalid YAML marks the right line and keeps the graph', async ({ page, problems }) => {
  await open(page);
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3);
  const text = await editorText(page);
  const line = text.split('\n').findIndex((l) => l === '  replicas: 3') + 1;
  await caretAfter(page, 'replicas: 3');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('-1');
  const mark = await waitFor('the error mark', () => page.$(`.err-mark[data-line="${line}"]`));
  const message = await mark.textContent();
  assert.match(message, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
  assert.equal(await page.textContent('.gutter .ln.err'), String(line));
  await page.waitForTimeout(1200);
  assert.equal((await readyPods(page)).length, 3, 'the last good state keeps running');
  // A YAML syntax error, then fixed: the error goes away as you type.
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('[3');
  await waitFor('a syntax error', async () => (await page.$$('.err-mark')).length > 0 && /yaml/.test(await page.textContent('.errors')));
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('3');
  await waitFor('no errors', async () => (await page.$$('.err-mark')).length === 0);
  await page.screenshot({ path: `${ARTIFACTS}/invalid.png` });
  assert.deepEqual(problems, []);
});

test('a reload restores the text', async ({ page }) => {
  await open(page);
  await caretAfter(page, 'replicas: 3');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('5');
  await page.keyboard.press('Control+Enter');
  await waitFor('5 pods', async () => (await nodes(page, 'Pod')).length === 5);
  await page.reload();
  await page.waitForSelector('g.node[data-kind="Deployment"]');
  assert.match(await editorText(page), /replicas: 5/);
  await waitFor('5 pods after reload', async () => (await nodes(page, 'Pod')).length === 5);
});

test('selecting a pod marks its document and shows it live', async ({ page }) => {
  await open(page);
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3);
  await page.click('g.node[data-kind="Pod"] >> nth=0');
  await page.waitForSelector('.inspector[data-kind="Pod"]');
  const inspector = await page.textContent('.inspector');
  assert.match(inspector, /owned by replicaset\/my-app-/);
  assert.match(inspector, /Ready\s*True/);
  assert.match(inspector, /Started/);
  const marked = await page.$$('.highlight .cl.sel');
  assert.ok(marked.length > 20, `the Deployment's document is marked (${marked.length} lines)`);
  await page.check('.events input[type=checkbox]');
  const objects = await page.$$eval('.events tbody tr td:nth-child(4)', (tds) => tds.map((t) => t.textContent));
  assert.ok(objects.length > 0 && objects.every((o) => o.startsWith('pod/')), objects.join(','));
});

test('the examples menu loads a stuck rollout that plays out', async ({ page }) => {
  await open(page);
  await page.selectOption('select[aria-label="Load an example"]', 'stuck-rollout');
  await page.click('button.speed >> text=60×');
  await waitFor('the step that changes the image', async () => /nginx:1\.26/.test(await editorText(page)), { timeout: 20000 });
  await page.click('g.node[data-kind="Deployment"]');
  await waitFor('ProgressDeadlineExceeded', async () => /Progressing\s*False\s*ProgressDeadlineExceeded/.test(await page.textContent('.inspector')), { timeout: 30000 });
  assert.equal((await readyPods(page)).length, 3, 'the old pods keep serving');
  const pods = await nodes(page, 'Pod');
  assert.ok(pods.some((p) => p.ready === 'false'), 'the new pod is not ready');
});

test('the mysql example makes three ordered pods with three bound claims and their volumes', async ({ page }) => {
  await open(page);
  await page.selectOption('select[aria-label="Load an example"]', 'mysql');
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3, { timeout: 20000 });
  const pods = (await nodes(page, 'Pod')).map((p) => p.name).sort();
  assert.deepEqual(pods, ['mysql-0', 'mysql-1', 'mysql-2']);
  await waitFor('3 bound claims', async () => (await nodes(page, 'PersistentVolumeClaim')).filter((c) => c.ready === 'true').length === 3);
  const claims = (await nodes(page, 'PersistentVolumeClaim')).map((c) => c.name).sort();
  assert.deepEqual(claims, ['data-mysql-0', 'data-mysql-1', 'data-mysql-2']);
  const volumes = await nodes(page, 'PersistentVolume');
  assert.equal(volumes.length, 3);
  assert.ok(volumes.every((v) => v.name.startsWith('pvc-') && v.ready === 'true'), JSON.stringify(volumes));
  assert.equal(await page.locator('path.edge.uses').count(), 3, 'each pod is linked to its claim');
  assert.equal(await page.locator('path.edge.bound-to').count(), 3, 'each claim to its volume');
  await page.screenshot({ path: `${ARTIFACTS}/mysql.png` });
});

test('time controls: pause, step and reset', async ({ page }) => {
  await open(page);
  await page.click('button.play');
  const paused = await page.textContent('.clock .elapsed');
  await page.waitForTimeout(1500);
  assert.equal(await page.textContent('.clock .elapsed'), paused, 'paused time stands still');
  const before = await page.textContent('.clock .wall');
  await page.click('text=Step');
  await waitFor('the clock to move', async () => (await page.textContent('.clock .wall')) !== before);
  await page.click('text=Reset');
  await waitFor('time zero', async () => (await page.textContent('.clock .elapsed')) === '0:00:00');
  assert.equal((await nodes(page, 'Pod')).length, 3);
});

test('panning and zooming keep the selection and survive live updates', async ({ page }) => {
  await open(page);
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3);
  await page.click('g.node[data-kind="ReplicaSet"]');
  await page.waitForSelector('.inspector[data-kind="ReplicaSet"]');
  const viewBox = () => page.getAttribute('svg.canvas', 'viewBox');
  const before = await viewBox();
  const box = await page.$eval('svg.canvas', (e) => e.getBoundingClientRect().toJSON());
  await page.mouse.move(box.x + 20, box.bottom - 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.bottom - 60, { steps: 5 });
  await page.mouse.up();
  const panned = await viewBox();
  assert.notEqual(panned, before, 'dragging pans');
  assert.ok(await page.$('.inspector[data-kind="ReplicaSet"]'), 'a drag does not deselect');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await waitFor('the zoom', async () => (await viewBox()) !== panned);
  const zoomed = await viewBox();
  await page.waitForTimeout(1500); // live ticks
  assert.equal(await viewBox(), zoomed, 'live updates keep the view');
  await page.click('button:has-text("Fit")');
  await waitFor('the fitted view', async () => (await viewBox()) === before);
});

test('the keyboard reaches and selects graph nodes', async ({ page }) => {
  await open(page);
  await page.focus('g.node[data-kind="Deployment"]');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.inspector[data-kind="ReplicaSet"]');
  assert.ok((await page.$$('.highlight .cl.sel')).length > 20, 'its document is marked');
});

test('narrow screens put the editor above the graph', async ({ page }) => {
  await page.setViewportSize({ width: 420, height: 860 });
  await open(page);
  const editor = await page.$eval('.editor', (e) => e.getBoundingClientRect().toJSON());
  const graph = await page.$eval('.graph', (e) => e.getBoundingClientRect().toJSON());
  assert.ok(editor.bottom <= graph.top + 1, `editor ${JSON.stringify(editor)} above graph ${JSON.stringify(graph)}`);
  await waitFor('3 ready pods', async () => (await readyPods(page)).length === 3);
  await page.screenshot({ path: `${ARTIFACTS}/narrow.png`, fullPage: true });
});

test('everything the page loads fits the 900 KB gzipped budget', async ({ page }) => {
  const loaded = [];
  page.on('response', async (r) => { try { loaded.push([r.url(), gzipSync(await r.body(), { level: 9 }).length]); } catch {} });
  await open(page);
  await page.waitForTimeout(300);
  const total = loaded.reduce((n, [, gz]) => n + gz, 0);
  const list = loaded.map(([u, gz]) => `${u.replace(BASE, '') || 'index.html'} ${gz}`).join(', ');
  assert.ok(loaded.some(([u]) => u.endsWith('.wasm')), list);
  assert.ok(total <= BUDGET_BYTES, `${total} bytes gzipped > ${BUDGET_BYTES}: ${list}`);
  console.log(`     transfer ${total} bytes gzipped (${list})`);
});

test('the build uses relative URLs, so it can be served from any sub-path', async ({ page }) => {
  const html = await (await fetch(BASE)).text();
  // Attributes may be unquoted in the minified page.
  const urls = [...html.matchAll(/(?:href=|src=|module_or_path: |from )['"]?([^'"\s>]+)/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
  assert.ok(urls.length >= 3, urls.join(' '));
  assert.ok(urls.every((u) => u.startsWith('./')), urls.join(' '));
});

let failed = 0;
for (const t of tests) {
  const started = Date.now();
  const b = await launch();
  try {
    await t.fn(b);
    assert.deepEqual(b.problems, [], 'no page or console errors');
    console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}\n     ${e.stack ?? e}`);
    await b.page.screenshot({ path: `${ARTIFACTS}/failed-${tests.indexOf(t)}.png` }).catch(() => {});
  } finally {
    await b.close();
  }
}
console.log(`${tests.length - failed} passed, ${failed} failed; screenshots in ${ARTIFACTS}/`);
process.exit(failed ? 1 : 0);
