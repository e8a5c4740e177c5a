// The AI as a real-time peer, in the test build with the local model server as the provider:
// A asks; A and B watch the text appear progressively with the AI's cursor
// and status; B keeps typing in the same file and loses nothing; the thread shows the run and its
// figures; Stop mid-run leaves no half-written hunk.
import { test, expect, createSession, type SessionPage } from './fixtures.ts';
import { applyHunks, applyPatchText, isPaused, MODEL_NAME, releaseModel, resetModel, startSessionWithModel, waitPaused, type PatchHunk } from './aiModel.ts';

const CALC = [
  '// calc.ts: small arithmetic helpers',
  'export const VERSION = 1;',
  '',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function sub(a: number, b: number): number {',
  '  return a - b;',
  '}',
  '',
  'export function div(a: number, b: number): number {',
  '  return a / b;',
  '}',
  '// end of helpers',
  '',
].join('\n');

const CALC_HUNKS: PatchHunk[] = [
  {
    before: ['export function add(a: number, b: number): number {'],
    remove: ['  return a + b;'],
    add: ['  // Adds two finite numbers.', '  const sum = a + b;', '  if (!Number.isFinite(sum)) throw new RangeError("overflow");', '  return sum;'],
    after: ['}'],
  },
  {
    before: ['export function sub(a: number, b: number): number {'],
    remove: ['  return a - b;'],
    add: ['  // Subtracts b from a.', '  const difference = a - b;', '  return difference;'],
    after: ['}'],
  },
  {
    before: ['export function div(a: number, b: number): number {'],
    remove: ['  return a / b;'],
    add: [
      '  // Divides, refusing a zero divisor and results that are not finite.',
      '  if (b === 0) throw new RangeError("division by zero");',
      '  if (!Number.isFinite(a)) throw new RangeError("the dividend must be finite");',
      '  if (!Number.isFinite(b)) throw new RangeError("the divisor must be finite");',
      '  const quotient = a / b;',
      '  if (!Number.isFinite(quotient)) throw new RangeError("the quotient overflowed");',
      '  return quotient;',
    ],
    after: ['}'],
  },
];

/** Where the model holds while Ben types: hunk 1 written, hunk 2 begun. */
const MID_RUN = '+  // Subtracts b from a.\n';

/** The part of calc.ts the AI edits (B never types between these lines). */
function aiRegion(text: string | null): string {
  if (!text) return '';
  const start = text.indexOf('export const VERSION');
  const end = text.indexOf('// end of helpers');
  return start >= 0 && end > start ? text.slice(start, end) : '';
}

async function typeAt(p: SessionPage, key: 'ControlOrMeta+Home' | 'ControlOrMeta+End', text: string): Promise<void> {
  await p.focusEditor();
  await p.page.keyboard.press(key);
  await p.page.keyboard.type(text);
}

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('A asks, A and B watch the AI type while B keeps typing in the same file; the thread shows the run', async ({ request, person }) => {
  const { session, people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'AI pairing', files: { 'src/calc.ts': CALC, 'README.md': '# Calc\n' } }, {
    id: 'pairing',
    text: 'I will make each helper check its result and say what it does.',
    toolCall: { name: 'apply_patch', input: applyPatchText('src/calc.ts', CALC_HUNKS) },
    // A modest rate, so the watchers below see the text arrive in steps (about 10 s of output) …
    rate: 30,
    firstTokenDelayMs: 200,
    // … and a hold inside hunk 2 while Ben types, so his typing lands mid-run on any machine.
    pauseAt: MID_RUN,
  });
  await ada.openFile('src/calc.ts');
  await ben.openFile('src/calc.ts');

  // The panel is there, says which model, and which file and caret go with the request.
  await expect(ada.page.getByTestId('ai-model')).toHaveText(MODEL_NAME);
  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+Home');
  await ada.page.keyboard.press('ArrowDown');
  await ada.page.keyboard.press('Shift+ArrowDown');
  await expect(ada.page.getByTestId('ai-context')).toHaveText('src/calc.ts · lines 2–3 selected');

  // Ctrl/Cmd+I from the editor focuses the prompt; Ctrl/Cmd+Enter sends.
  await ada.page.keyboard.press('ControlOrMeta+i');
  await expect(ada.page.getByTestId('ai-prompt')).toBeFocused();
  await ada.page.keyboard.type('Make the helpers check their results (src/calc.ts).');
  await ada.page.keyboard.press('ControlOrMeta+Enter');
  await expect(ada.page.getByTestId('ai-prompt')).toHaveValue('');

  // Both watch: poll Monaco's text in each page and keep every distinct state of the AI's region.
  const original = aiRegion(CALC);
  const final = aiRegion(applyHunks(CALC, CALC_HUNKS));
  const seen = { ada: new Set<string>(), ben: new Set<string>() };
  const cursorSeen = { ada: false, ben: false };
  const statusSeen = { ada: false, ben: false };
  let watching = true;
  const watch = async (p: SessionPage, key: 'ada' | 'ben') => {
    while (watching) {
      const region = aiRegion(await p.modelText('src/calc.ts'));
      if (region && region !== original && region !== final) seen[key].add(region);
      if (!cursorSeen[key] && (await p.remoteCursorLabels()).includes(MODEL_NAME)) cursorSeen[key] = true;
      if (!statusSeen[key] && /editing|thinking/.test((await p.page.getByTestId('ai-presence-status').textContent().catch(() => null)) ?? '')) statusSeen[key] = true;
      await p.page.waitForTimeout(50);
    }
  };
  const watchers = Promise.all([watch(ada, 'ada'), watch(ben, 'ben')]);

  // While the AI streams, Ben types above the edited region and below it, in the same file.
  await waitPaused(request, 'pairing');
  await expect.poll(() => ben.modelText('src/calc.ts').then((t) => (t ?? '').includes('  // Subtracts b from a.\n')), { intervals: [50] }).toBe(true);
  const top = '// Ben: reviewed live\n';
  const bottom = '// Ben: more helpers soon\n';
  await typeAt(ben, 'ControlOrMeta+Home', top);
  const streamingAfterTop = aiRegion(await ben.modelText('src/calc.ts')) !== final;
  await typeAt(ben, 'ControlOrMeta+End', bottom);
  const streamingAfterBottom = aiRegion(await ben.modelText('src/calc.ts')) !== final;
  // Ben's typing happened while the AI was still writing: it reached Ada with the run mid-stream.
  expect({ streamingAfterTop, streamingAfterBottom }).toEqual({ streamingAfterTop: true, streamingAfterBottom: true });
  await expect.poll(() => ada.modelText('src/calc.ts').then((t) => (t ?? '').startsWith(top) && (t ?? '').endsWith(bottom))).toBe(true);
  expect(await isPaused(request, 'pairing'), 'the model is still mid-run').toBe(true);
  for (const p of [ada, ben]) await expect(p.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'editing');
  await ada.screenshot('ai-mid-run');
  await releaseModel(request, 'pairing');

  // The run finishes for both.
  for (const p of [ada, ben]) await expect(p.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');
  watching = false;
  await watchers;

  const expected = top + applyHunks(CALC, CALC_HUNKS) + bottom;
  await expect.poll(() => ada.modelText('src/calc.ts')).toBe(expected);
  await expect.poll(() => ben.modelText('src/calc.ts')).toBe(expected);
  const files = await (await request.get(`/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } })).json();
  expect(files.files['src/calc.ts']).toBe(expected);

  // Progressive: several intermediate states in each browser, the AI's labelled cursor and status.
  expect(seen.ada.size, 'intermediate states seen by Ada').toBeGreaterThanOrEqual(3);
  expect(seen.ben.size, 'intermediate states seen by Ben').toBeGreaterThanOrEqual(3);
  expect(cursorSeen).toEqual({ ada: true, ben: true });
  expect(statusSeen).toEqual({ ada: true, ben: true });

  // The thread, for both: who asked what about which file, the explanation, hunks, figures.
  for (const p of [ada, ben]) {
    const run = p.page.locator('[data-testid="ai-run"]');
    await expect(run.getByTestId('ai-run-by')).toHaveText('Ada Lovelace');
    await expect(run.getByTestId('ai-run-target')).toHaveText('src/calc.ts · lines 2–3');
    await expect(run).toContainText('Make the helpers check their results');
    await expect(run.getByTestId('ai-explanation')).toContainText('I will make each helper check its result');
    await expect(run.locator('[data-testid="ai-hunk"][data-status="applied"]')).toHaveCount(3);
    await expect(run.getByTestId('ai-figures')).toContainText(/first token \d+ ms/);
    await expect(run.getByTestId('ai-figures')).toContainText(/\d+ tokens/);
    await expect(run.getByTestId('ai-figures')).toContainText(/\d+ tok\/s/);
  }
  await expect(ben.page.locator('[data-testid="people-item"][data-kind="ai"]')).toHaveAttribute('data-name', MODEL_NAME);
  await ada.screenshot('ai-after');
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});

const SHAPES = [
  'export function area(w: number, h: number): number {',
  '  return w * h;',
  '}',
  '',
  'export function perimeter(w: number, h: number): number {',
  '  return 2 * (w + h);',
  '}',
  '',
  'export function diagonal(w: number, h: number): number {',
  '  return Math.hypot(w, h);',
  '}',
  '',
].join('\n');

const LONG_ADD = Array.from({ length: 14 }, (_, i) => `  const step${i + 1} = ${i + 1}; // working through the perimeter, step ${i + 1}`);
const SHAPES_HUNKS: PatchHunk[] = [
  { before: ['export function area(w: number, h: number): number {'], remove: ['  return w * h;'], add: ['  // Area of a w × h rectangle.', '  return w * h;'], after: ['}'] },
  { before: ['export function perimeter(w: number, h: number): number {'], remove: ['  return 2 * (w + h);'], add: [...LONG_ADD, '  return 2 * (w + h);'], after: ['}'] },
  { before: ['export function diagonal(w: number, h: number): number {'], remove: ['  return Math.hypot(w, h);'], add: ['  // Length of the diagonal.', '  return Math.hypot(w, h);'], after: ['}'] },
];

test('Stop mid-run keeps the completed hunks and leaves no half-written one', async ({ request, person }) => {
  const { session, people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'AI stop', files: { 'src/shapes.ts': SHAPES } }, {
    id: 'stop',
    text: 'Documenting the shapes.',
    toolCall: { name: 'apply_patch', input: applyPatchText('src/shapes.ts', SHAPES_HUNKS) },
    rate: 30,
    // Held with the long second hunk partly written, until Ben stops the run.
    pauseAt: `+${LONG_ADD[1]}\n`,
  });
  await ada.openFile('src/shapes.ts');
  await ben.openFile('src/shapes.ts');

  await ada.page.getByTestId('ai-prompt').fill('Document the shapes in src/shapes.ts');
  await ada.page.getByTestId('ai-send').click();

  // Wait until the long second hunk is partly written, then Ben stops the run.
  await waitPaused(request, 'stop');
  await expect.poll(() => ben.modelText('src/shapes.ts').then((t) => (t ?? '').includes('step2 =') && !(t ?? '').includes('step14 ='))).toBe(true);
  expect(await isPaused(request, 'stop'), 'the model is still mid-run').toBe(true);
  await ben.page.getByTestId('ai-stop').click();

  for (const p of [ada, ben]) await expect(p.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'cancelled');
  await expect(ada.page.getByTestId('ai-cancelled')).toContainText('stopped by Ben Okri');
  // Stopping closed the model's stream while it was held (nobody released it).
  await expect.poll(() => isPaused(request, 'stop')).toBe(false);

  // The file is the original plus only the hunks that completed: the first, not the second.
  const runId = await ada.page.locator('[data-testid="ai-run"]').getAttribute('data-run-id');
  const run = await (await request.get(`/api/sessions/${session.id}/ai/${runId}`, { headers: { authorization: `Bearer ${session.collab.editParams.token}` } })).json();
  const statuses = (run.hunks as { status: string }[]).map((h) => h.status);
  expect(statuses[0]).toBe('applied');
  expect(statuses[1]).toBe('rolledBack');
  expect(statuses.length).toBeLessThanOrEqual(2);
  const expected = applyHunks(SHAPES, SHAPES_HUNKS.slice(0, 1));
  await expect.poll(() => ada.modelText('src/shapes.ts')).toBe(expected);
  await expect.poll(() => ben.modelText('src/shapes.ts')).toBe(expected);
  await expect(ada.page.locator('[data-testid="ai-hunk"][data-status="rolledBack"]')).toHaveCount(1);
  await ada.screenshot('ai-stopped');
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});

test('a viewer sees the thread but cannot ask, and is told why', async ({ request, person }) => {
  const session = await createSession(request, { title: 'AI viewer', files: { 'notes.md': '# Notes\n' } });
  const vera = await person('Vera Viewer');
  await vera.goto(session.viewUrl);
  await vera.waitSynced();
  await expect(vera.page.getByTestId('ai-panel')).toBeVisible();
  await expect(vera.page.getByTestId('ai-prompt')).toHaveCount(0);
  await expect(vera.page.getByTestId('ai-viewer-note')).toContainText('only people with the edit link can ask the AI');
  const res = await request.post(`/api/sessions/${session.id}/ai`, {
    headers: { authorization: `Bearer ${session.collab.viewParams.token}` },
    data: { prompt: 'hi' },
  });
  expect(res.status()).toBe(403);
});
