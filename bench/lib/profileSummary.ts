// Summarises a V8 .cpuprofile (written by `node --cpu-prof`) into self time per function and per
// package, so a fan-out run can say where a server's CPU went.
import { readFileSync } from 'node:fs';
import { printTable, fmt } from './stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a script lives: a package name, a project folder, node: internals or the engine. */
function owner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:internal.*/, 'node:internal');
  const project = /\/(server|lib|bench)\/(.*)$/.exec(url);
  return project ? `${project[1]}/${project[2].split('/')[0]}` : url;
}

export function summarizeProfile(file: string, title: string, top = 12): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((s, v) => s + v, 0);
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = owner(url, functionName);
    if (where === '(idle)') continue;
    const key = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byOwner.set(where, (byOwner.get(where) ?? 0) + us);
  }
  const busy = [...byOwner.values()].reduce((s, v) => s + v, 0);
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, fmt(us / 1000, 0), fmt((100 * us) / busy, 1)]);
  console.log(`\n${title}: ${fmt(busy / 1000, 0)} ms busy of ${fmt(total / 1000, 0)} ms sampled (profile ${file})`);
  printTable('  self time by package / folder', ['where', 'ms', '%'], rows(byOwner));
  printTable('  self time by function', ['function', 'ms', '%'], rows(byFunction));
}
