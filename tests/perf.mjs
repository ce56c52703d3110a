// Figures for the web app, printed (never asserted): keystroke -> error shown/cleared,
// apply -> graph updated, frames per second during a 1,000-pod rollout at 60x, bytes
// transferred (gzipped) and navigation -> first graph. Run: scripts/bench-web
import { gzipSync } from 'node:zlib';
import { launch, open, nodes, waitFor, caretAfter, editorText, BASE } from './harness.mjs';

const RUNS = Number(process.env.KUBELOOP_PERF_RUNS ?? 30);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (xs) => `median ${pct(xs, 0.5).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

// In the page: time from a key press to the DOM showing what it caused.
const INSTRUMENT = () => {
  window.__perf = { t0: 0, waiters: [] };
  addEventListener('keydown', () => { window.__perf.t0 = performance.now(); }, true);
  new MutationObserver(() => {
    const now = performance.now();
    window.__perf.waiters = window.__perf.waiters.filter((w) => { if (w.test()) { w.done(now - window.__perf.t0); return false; } return true; });
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
};
// Arms a waiter in the page (awaited, so it exists before the key is sent), then waits.
const arm = (page, test) => page.evaluate((src) => {
  const id = (window.__perf.n = (window.__perf.n ?? 0) + 1);
  window.__perf.results ??= {};
  window.__perf.results[id] = new Promise((done) => window.__perf.waiters.push({ test: new Function(`return (${src})`), done }));
  return id;
}, test);
const settled = (page, id) => page.evaluate((id) => window.__perf.results[id], id);

async function keystrokes(page, label) {
  await page.click('button.play'); // pause: measure the editor, not the ticks
  await caretAfter(page, 'replicas: ');
  await page.keyboard.press('End');
  const shown = [], cleared = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await arm(page, `document.querySelector('.err-mark') !== null`);
    await page.keyboard.type('x');
    shown.push(await settled(page, s));
    const c = await arm(page, `document.querySelector('.err-mark') === null`);
    await page.keyboard.press('Backspace');
    cleared.push(await settled(page, c));
  }
  console.log(`${label}: keystroke -> error shown   ${fmt(shown)}`);
  console.log(`${label}: keystroke -> error cleared ${fmt(cleared)}`);
  const applied = [];
  for (let i = 0; i < Math.min(RUNS, 15); i++) {
    const text = await editorText(page);
    const n = Number(/replicas: (\d+)/.exec(text)[1]);
    const next = i % 2 === 0 ? n + 1 : n - 1;
    await page.keyboard.press('End');
    for (let k = 0; k < String(n).length; k++) await page.keyboard.press('Backspace');
    await page.keyboard.type(String(next));
    // The Deployment node shows the new desired count once the apply reached the graph.
    const g = await arm(page, `(document.querySelector('g.node[data-kind="Deployment"] .detail')?.textContent ?? '').includes('/${next} ready')`);
    await page.keyboard.press('Control+Enter');
    applied.push(await settled(page, g));
  }
  console.log(`${label}: apply (Ctrl+Enter) -> graph updated ${fmt(applied)}`);
  await page.click('button.play');
}

/// The example at `n` replicas on enough nodes (110 pods each, room for the surge).
async function setReplicas(page, n) {
  const nodes = Array.from({ length: Math.ceil((n * 1.25) / 110) + 1 }, (_, i) =>
    `---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-${i + 1}\n  labels:\n    topology.kubernetes.io/zone: zone-${'abc'[i % 3]}\n`).join('');
  const text = (await editorText(page)).replace(/replicas: \d+/, `replicas: ${n}`) + nodes;
  await page.fill('textarea.input', text);
  await page.keyboard.press('Control+Enter');
}

const b = await launch();
const { page } = b;
await page.addInitScript(INSTRUMENT);

// Transfer size: every response of a fresh load, gzipped at level 9.
const bodies = [];
page.on('response', async (r) => { try { bodies.push([r.url(), (await r.body()).length, gzipSync(await r.body(), { level: 9 }).length]); } catch {} });
const firstGraph = [];
for (let i = 0; i < 5; i++) {
  await page.goto(BASE);
  await page.waitForSelector('g.node[data-kind="Deployment"]');
  firstGraph.push(await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return performance.now() - (nav ? nav.startTime : 0);
  }));
  if (i === 0) {
    await page.waitForTimeout(300);
    const seen = new Map(bodies.map(([u, raw, gz]) => [u.replace(BASE, ''), [raw, gz]]));
    let total = 0;
    for (const [u, [raw, gz]] of seen) { total += gz; console.log(`transfer: ${u.padEnd(48)} ${String(raw).padStart(9)} B raw ${String(gz).padStart(8)} B gzipped`); }
    console.log(`transfer: total ${(total / 1024).toFixed(1)} KiB gzipped (budget 900 KB)`);
  }
}
console.log(`navigation -> first graph drawn: ${fmt(firstGraph)}`);

await open(page);
await waitFor('3 ready pods', async () => (await nodes(page, 'Pod')).filter((p) => p.ready === 'true').length === 3);
await keystrokes(page, 'default example');

// 1,000 replicas.
await page.click('button.speed >> text=60×');
await setReplicas(page, 1000);
await page.click('button:has-text("Reset")');
let t = Date.now();
await waitFor('1000 ready pods', async () => (await page.$$('g.node[data-kind="Pod"][data-ready="true"]:not(.leaving)')).length === 1000, { timeout: 300000, every: 500 });
console.log(`1000 replicas: all ready ${(Date.now() - t) / 1000} s after the apply (60x)`);
await keystrokes(page, '1000 replicas');

// FPS while a 1,000-pod rolling update plays at 60x.
const text = (await editorText(page)).replace('image: nginx:1.25', 'image: nginx:1.26');
await page.fill('textarea.input', text);
await page.keyboard.press('Control+Enter');
t = Date.now();
const fps = await page.evaluate(() => new Promise((done) => {
  let frames = 0; const start = performance.now(); let worst = 0; let last = start;
  const frame = (now) => { frames++; worst = Math.max(worst, now - last); last = now;
    if (now - start < 10000) requestAnimationFrame(frame); else done({ fps: frames / ((now - start) / 1000), worst }); };
  requestAnimationFrame(frame);
}));
console.log(`1000-pod rolling update at 60x: ${fps.fps.toFixed(1)} frames/s over 10 s, longest frame ${fps.worst.toFixed(0)} ms`);
await waitFor('the rollout to finish', async () => {
  const d = await nodes(page, 'Deployment');
  return d[0]?.ready === 'true' && /nginx:1\.26/.test(await page.textContent('g.node[data-kind="Deployment"]'));
}, { timeout: 600000, every: 1000 });
console.log(`1000-pod rolling update at 60x: complete ${(Date.now() - t) / 1000} s after the apply (real time)`);
await b.close();
