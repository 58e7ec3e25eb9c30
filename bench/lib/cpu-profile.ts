import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  wallMs: number;
  /** Sampled time not idle, in ms. */
  busyMs: number;
  byFunction: Array<{ name: string; where: string; selfMs: number; share: number }>;
  byPackage: Array<{ name: string; selfMs: number; share: number }>;
}

/** Where a frame's code lives: a package, node internals, the app bundle, or V8 itself. */
function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, uncategorised)';
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/dist/apps/')) return 'app (dist bundle)';
  if (url.includes('/libs/') || url.includes('/apps/') || url.includes('/bench/')) return 'app (source)';
  return path.basename(url);
}

/** Self time by function and by package, from a .cpuprofile (Chrome DevTools format). */
export function summarizeCpuProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    // Each sample's time is the delta to the next sample.
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    }
  } else {
    const total = (profile.endTime - profile.startTime) / 1000;
    const hits = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0) || 1;
    for (const n of profile.nodes) self.set(n.id, ((n.hitCount ?? 0) / hits) * total);
  }
  const fn = new Map<string, { name: string; where: string; selfMs: number }>();
  const pkg = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const p = packageOf(url, name);
    if (p === '(idle)') continue;
    busy += ms;
    const short = url ? url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '') : '';
    const key = `${name}@${short}:${lineNumber}`;
    const entry = fn.get(key) ?? { name, where: short ? `${short}:${lineNumber + 1}` : p, selfMs: 0 };
    entry.selfMs += ms;
    fn.set(key, entry);
    pkg.set(p, (pkg.get(p) ?? 0) + ms);
  }
  const r = (x: number) => Math.round(x * 10) / 10;
  const share = (ms: number) => (busy ? Math.round((ms / busy) * 1000) / 10 : 0);
  return {
    file: path.basename(file),
    wallMs: r((profile.endTime - profile.startTime) / 1000),
    busyMs: r(busy),
    byFunction: [...fn.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((e) => ({ ...e, selfMs: r(e.selfMs), share: share(e.selfMs) })),
    byPackage: [...pkg.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, selfMs: r(ms), share: share(ms) })),
  };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) console.log(JSON.stringify(summarizeCpuProfile(file), null, 2));
}
