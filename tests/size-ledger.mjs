// The size ledger: which crates, and which of our modules, the shipped wasm's code comes
// from. Trunk's wasm-bindgen output is optimised again exactly as index.html asks
// (wasm-opt -Oz with the same flags), keeping the function names (-g) so each body can
// be attributed. Figures, not assertions. Run: scripts/bench-web (after the build), or
//   node tests/size-ledger.mjs [target/wasm-bindgen/release/kubeloop-web_bg.wasm]
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const input = process.argv[2] ?? 'target/wasm-bindgen/release/kubeloop-web_bg.wasm';
if (!existsSync(input)) {
  console.error(`size ledger: ${input} not found (build the app first: trunk build --release)`);
  process.exit(1);
}
const html = readFileSync('index.html', 'utf8');
const params = (html.match(/data-wasm-opt-params="([^"]*)"/)?.[1] ?? '').split(/\s+/).filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'kubeloop-ledger-'));
const out = join(dir, 'named.wasm');
try {
  execFileSync('node_modules/.bin/wasm-opt', ['-Oz', '-g', ...params, input, '-o', out], { stdio: 'inherit' });
  report(readFileSync(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function report(bytes) {
  let pos = 8;
  const u32 = () => { let r = 0, s = 0, b; do { b = bytes[pos++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const name = () => { const n = u32(); const t = bytes.subarray(pos, pos + n).toString(); pos += n; return t; };
  let imported = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 2) { // imports: count the functions
      for (let n = u32(); n > 0; n--) {
        name(); name();
        const kind = bytes[pos++];
        if (kind === 0) { u32(); imported++; } else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); } else { pos += 2; }
      }
    } else if (id === 10) { // code
      for (let n = u32(), i = 0; i < n; i++) { const len = u32(); bodies.push(len); pos += len; }
    } else if (id === 11) {
      data += size;
    } else if (id === 0 && name() === 'name') {
      while (pos < end) {
        const sub = bytes[pos++];
        const len = u32();
        const subEnd = pos + len;
        if (sub === 1) for (let n = u32(); n > 0; n--) { const idx = u32(); names.set(idx, name()); }
        pos = subEnd;
      }
    }
    pos = end;
  }
  // `<a::b::C as d::E>::f` and `a::b::f::h123`: the crate is the first path segment.
  // `<A as B>::f` counts for A, unless A is foreign and B ours (`<Pod as
  // kubeloop::kinds::KindDef>::row` is kubeloop::kinds).
  const path = (n) => {
    const m = n.match(/^<+([^ ]+) as ([^>]+)>/);
    const mine = (x) => /^kubeloop(_web)?::/.test(x);
    const p = m ? (!mine(m[1]) && mine(m[2]) ? m[2] : m[1]) : n.replace(/^<+/, '').replace(/^impl\s+/, '');
    return p.replace(/\[[0-9a-f]+\]/g, '').split(/::|\s|</).filter(Boolean);
  };
  const byCrate = new Map(), byModule = new Map();
  let code = 0;
  bodies.forEach((len, i) => {
    code += len;
    const segs = path(names.get(imported + i) ?? '?');
    const crate = segs[0] ?? '?';
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + len);
    if (crate === 'kubeloop' || crate === 'kubeloop_web') {
      const module = segs.slice(0, segs[1] === 'controllers' || segs[1] === 'kinds' || segs[1] === 'cluster' ? 3 : 2).join('::');
      byModule.set(module, (byModule.get(module) ?? 0) + len);
    }
  });
  const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KiB`;
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(`size ledger: code of the optimised wasm by where it comes from (raw bytes; the transfer figure above is the gzipped total)`);
  console.log(`  code ${kb(code)} in ${bodies.length} functions, data ${kb(data)}`);
  console.log('  by crate:');
  for (const [c, n] of top(byCrate, 15)) console.log(`    ${kb(n)}  ${c}`);
  console.log('  by our module:');
  for (const [m, n] of top(byModule, 20)) console.log(`    ${kb(n)}  ${m}`);
}
