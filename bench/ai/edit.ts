// The edit the model streams in the throughput/latency benchmark: an apply_patch update hunk
// that replaces one line of a small module with `lines` generated lines, each ending in a
// numbered marker (#L0001#) so the page can tell when each line has arrived.
import { tokenize } from '../../server/testing/modelServer/modelServer.ts';

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

/** The patch, the file's text once applied, and its size in the model server's tokens. */
export function streamedEdit(path: string, name: string, lines: number): StreamedEdit {
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
  const expected = seedText(name).replace('  out.push("placeholder");', added.join('\n'));
  return { patch, expected, lines, tokens: tokenize(patch).length };
}

/** Average tokens per added line, to size an edit for a wanted duration. */
export const TOKENS_PER_LINE = tokenize(line(1234) + '\n').length;
