// The edit the model streams in the throughput/latency benchmark: an apply_patch update hunk
// that replaces one line of a small module with `lines` generated lines, each ending in a
// numbered marker (#L0001#) so the page can tell when each line has arrived.
import { tokenize } from '../../modelServer/modelServer.ts';

export const MARKER = /#L(\d+)#/;

export function seedText(name: string): string {
  return [
    `// ${name}: a generated table`,
    'export function table(): string[] {',
    '  const out: string[] = [];',
    '  out.push("placeholder");',
    '  return out;',
    '}',
    '',
  ].join('\n');
}

function line(i: number): string {
  const n = String(i).padStart(4, '0');
  return `  out.push(format(${i}, "entry ${i} of the generated table", ${(i * 7) % 97})); // #L${n}#`;
}

export interface StreamedEdit {
  patch: string;
  expected: string;
  lines: number;
  tokens: number;
}

/**
 * The patch, the file's text once applied, and its size in the model server's tokens. `seed` is
 * the file's text before the run when it is more than seedText(name) (it must hold seedText's
 * lines once).
 */
export function streamedEdit(path: string, name: string, lines: number, seed = seedText(name)): StreamedEdit {
  const added = Array.from({ length: lines }, (_, i) => line(i + 1));
  const patch = [
    '*** Begin Patch',
    `*** Update File: ${path}`,
    '@@ export function table(): string[] {',
    '   const out: string[] = [];',
    '-  out.push("placeholder");',
    ...added.map((l) => `+${l}`),
    '   return out;',
    '*** End Patch',
    '',
  ].join('\n');
  const expected = seed.replace('  out.push("placeholder");', added.join('\n'));
  return { patch, expected, lines, tokens: tokenize(patch).length };
}

/** Average tokens per added line, to size an edit for a wanted duration. */
export const TOKENS_PER_LINE = tokenize(line(1234) + '\n').length;

/**
 * `count` lines of small TypeScript functions (about 36 characters a line), numbered from
 * `first` so that every function's first line is unique in a file built from several blocks.
 */
export function fillerLines(count: number, first = 1): string[] {
  const out: string[] = [];
  for (let i = first; out.length < count; i++) {
    out.push(
      `/** Helper ${i}: scales a value and keeps it in range. */`,
      `export function helper${i}(value: number, limit = 1000): number {`,
      `  const scaled = value * ${i} + offsets[${i % 16}];`,
      '  if (scaled > limit) return scaled % 97;',
      `  return Math.round(scaled / ${(i % 5) + 1});`,
      '}',
      '',
    );
  }
  return out.slice(0, count);
}

/** The first helper number of fillerLines() after `count` lines from 1 (seven lines per helper). */
export const nextHelper = (count: number): number => Math.ceil(count / 7) + 1;

/**
 * A file of about `lines` lines with seedText's table in the middle: the streamed hunk lands
 * there, inside a file whose size is the variable.
 */
export function largeSeed(name: string, lines: number): string {
  const table = seedText(name).split('\n');
  // Whole helpers before the table, so it does not open inside a function.
  const before = Math.floor((lines - table.length) / 14) * 7;
  const after = lines - table.length - before;
  return [...fillerLines(before, 1), ...table, ...fillerLines(after, nextHelper(before))].join('\n') + '\n';
}

/**
 * A small earlier edit that the watcher case leaves pending review: two lines in place of one,
 * in the second helper after the table, so the streamed hunk above it shifts its decorations.
 */
export function pendingEdit(path: string, seed: string): { patch: string; expected: string } {
  const after = seed.slice(seed.indexOf('export function table()'));
  const k = Number(/export function helper(\d+)\(/.exec(after)?.[1] ?? Number.NaN) + 1;
  const head = `export function helper${k}(value: number, limit = 1000): number {`;
  const old = `  const scaled = value * ${k} + offsets[${k % 16}];`;
  if (!seed.includes(`${head}\n${old}\n`)) throw new Error(`pendingEdit: ${path} has no helper ${k} after its table`);
  const added = [`  const scaled = value * ${k} + offsets[${k % 16}] + 1;`, '  if (scaled < 0) return 0;'];
  const patch = ['*** Begin Patch', `*** Update File: ${path}`, `@@ ${head}`, `-${old}`, ...added.map((l) => `+${l}`), '*** End Patch', ''].join('\n');
  return { patch, expected: seed.replace(`${head}\n${old}\n`, `${head}\n${added.join('\n')}\n`) };
}
