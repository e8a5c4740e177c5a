// A tinted file glyph by extension, so the tree reads at a glance.
import { FileIcon } from './icons.tsx';

const TINTS: Record<string, string> = {
  ts: 'text-sky-400', tsx: 'text-sky-400', js: 'text-yellow-300', jsx: 'text-yellow-300', mjs: 'text-yellow-300',
  cjs: 'text-yellow-300', json: 'text-amber-400', css: 'text-pink-400', scss: 'text-pink-400', less: 'text-pink-400',
  html: 'text-orange-400', md: 'text-zinc-300', mdx: 'text-zinc-300', py: 'text-emerald-400', go: 'text-cyan-400',
  rs: 'text-orange-300', java: 'text-red-400', rb: 'text-red-400', sh: 'text-lime-400', yml: 'text-violet-300',
  yaml: 'text-violet-300', toml: 'text-violet-300', sql: 'text-teal-300', c: 'text-blue-300', cpp: 'text-blue-300',
  h: 'text-blue-300', svg: 'text-amber-300', txt: 'text-zinc-400',
};

export function FileGlyph({ name, size = 15 }: { name: string; size?: number }) {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return <FileIcon size={size} className={`shrink-0 ${TINTS[ext] ?? 'text-zinc-500'}`} />;
}
