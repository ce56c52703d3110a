// Shared by the browser tests and the perf script: launch Debian's Chromium through
// playwright-core with a fresh profile, open the served app, read the graph.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.KUBELOOP_URL ?? 'http://127.0.0.1:8080/';

// Without the background-networking flags Chromium dials Google's hosts, which this
// network refuses; --user-data-dir cannot be passed in args (Playwright refuses it).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch({ width = 1400, height = 900 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kubeloop-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width, height },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  const close = async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); };
  return { context, page, problems, close };
}

/// Opens the app and waits for the first graph.
export async function open(page, path = '') {
  await page.goto(BASE + path);
  await page.waitForSelector('svg.canvas g.node[data-kind="Deployment"]');
}

/// Graph nodes as plain objects (live ones, not those fading out).
export async function nodes(page, kind) {
  return page.$$eval(`g.node[data-kind="${kind}"]:not(.leaving)`, (els) => els.map((e) => ({
    name: e.dataset.name, phase: e.dataset.phase, ready: e.dataset.ready, status: e.dataset.status,
  })));
}

export async function waitFor(what, fn, { timeout = 30000, every = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/// Puts the caret right after `needle` in the editor, by keyboard-equivalent selection.
export async function caretAfter(page, needle) {
  await page.click('textarea.input');
  const ok = await page.$eval('textarea.input', (ta, needle) => {
    const i = ta.value.indexOf(needle);
    if (i < 0) return false;
    ta.focus();
    ta.setSelectionRange(i + needle.length, i + needle.length);
    return true;
  }, needle);
  if (!ok) throw new Error(`${needle} is not in the editor`);
}

export async function editorText(page) {
  return page.$eval('textarea.input', (ta) => ta.value);
}
