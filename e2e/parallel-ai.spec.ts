// Two AI runs at once: Ada asks about one file and Ben about another; both runs stream at the
// same time, each as its own AI peer with its own cursor and colour in the editor of the person
// watching that file, and both threads show two runs editing. Both land as asked.
import { test, expect } from './fixtures.ts';
import { applyHunks, applyPatchText, MODEL_NAME, releaseModel, resetModel, scriptModel, startSessionWithModel, waitPaused, type PatchHunk } from './aiModel.ts';

const A = 'src/sum.ts';
const B = 'src/max.ts';
const SUM = ['export function sum(xs: number[]) {', '  let total = 0;', '  for (const x of xs) total += x;', '  return total;', '}', ''].join('\n');
const MAX = ['export function max(xs: number[]) {', '  return Math.max(...xs);', '}', ''].join('\n');
const ON_A: PatchHunk = { before: [], remove: ['  let total = 0;', '  for (const x of xs) total += x;', '  return total;'], add: ['  // Adds every number of xs.', '  return xs.reduce((total, x) => total + x, 0);'], after: [] };
const ON_B: PatchHunk = { before: [], remove: ['  return Math.max(...xs);'], add: ['  // The largest number of xs (-Infinity when empty).', '  return xs.reduce((m, x) => (x > m ? x : m), -Infinity);'], after: [] };

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('two runs on two files stream at the same time, each with its own AI cursor', async ({ request, person }) => {
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Two AIs', files: { [A]: SUM, [B]: MAX } }, {
    id: 'sum',
    text: 'Using reduce.',
    toolCall: { name: 'apply_patch', input: applyPatchText(A, [ON_A]) },
    // Held after the hunk's first new line, so both runs are mid-hunk together.
    pauseAt: `+${ON_A.add[0]}\n`,
    whenInputIncludes: 'sum with reduce',
  });
  await scriptModel(request, {
    id: 'max',
    text: 'Handling the empty list.',
    toolCall: { name: 'apply_patch', input: applyPatchText(B, [ON_B]) },
    pauseAt: `+${ON_B.add[0]}\n`,
    whenInputIncludes: 'max of an empty list',
  });
  await ada.openFile(A);
  await ben.openFile(B);
  await ada.page.getByTestId('ai-prompt').fill('Write sum with reduce');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await ben.page.getByTestId('ai-prompt').fill('Make max of an empty list -Infinity');
  await ben.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');

  // Both runs are mid-hunk at once.
  await waitPaused(request, 'sum');
  await waitPaused(request, 'max');
  for (const p of [ada, ben]) {
    await expect(p.page.locator('[data-testid="ai-run"][data-status="editing"]')).toHaveCount(2);
  }
  // Each watcher sees an AI cursor writing in the file they have open, with the AI's name.
  for (const [p, file, line] of [[ada, A, ON_A.add[0]], [ben, B, ON_B.add[0]]] as const) {
    await expect.poll(() => p.modelText(file).then((t) => (t ?? '').includes(line))).toBe(true);
    await expect.poll(() => p.remoteCursorLabels()).toContain(MODEL_NAME);
  }
  // Two AI peers, in two colours: each cursor is drawn in its peer's colour.
  const cursorColors = async (p: typeof ada) =>
    p.page.locator('.yRemoteSelectionHead').evaluateAll((els) => els.map((e) => getComputedStyle(e).borderColor));
  const colorA = (await cursorColors(ada))[0];
  const colorB = (await cursorColors(ben))[0];
  expect(colorA).toBeTruthy();
  expect(colorB).toBeTruthy();
  expect(colorA).not.toBe(colorB);
  await ada.screenshot('two-ai-runs');

  await releaseModel(request, 'sum');
  await releaseModel(request, 'max');
  for (const p of [ada, ben]) {
    await expect(p.page.locator('[data-testid="ai-run"][data-status="done"]')).toHaveCount(2);
    await expect.poll(() => p.docText(A)).toBe(applyHunks(SUM, [ON_A]));
    await expect.poll(() => p.docText(B)).toBe(applyHunks(MAX, [ON_B]));
  }
  await expect.poll(() => ada.modelText(A)).toBe(applyHunks(SUM, [ON_A]));
  await expect.poll(() => ben.modelText(B)).toBe(applyHunks(MAX, [ON_B]));
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});
