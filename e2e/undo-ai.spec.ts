// Undo boundaries with the AI: a person types, an AI run then edits the
// same file, and the person's Ctrl+Z, pressed again and again, undoes only their own typing; the
// AI's text stays (it is undone only through review). Redo brings back only theirs.
import { test, expect } from './fixtures.ts';
import { applyHunks, applyPatchText, resetModel, startSessionWithModel, type PatchHunk } from './aiModel.ts';

const FILE = 'src/shapes.ts';
const SHAPES = [
  'export function area(w: number, h: number): number {',
  '  return w * h;',
  '}',
  '',
  'export function perimeter(w: number, h: number): number {',
  '  return 2 * (w + h);',
  '}',
  '',
].join('\n');

const HUNKS: PatchHunk[] = [
  { before: ['export function area(w: number, h: number): number {'], remove: ['  return w * h;'], add: ['  const area = w * h;', '  return area;'], after: ['}'] },
  { before: ['export function perimeter(w: number, h: number): number {'], remove: ['  return 2 * (w + h);'], add: ['  // Twice the sum of the sides.', '  return 2 * (w + h);'], after: ['}'] },
];
const TOP = '// Shapes, by Ada\n';
const BOTTOM = '// more shapes soon\n';

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('after an AI run, a person’s repeated Ctrl+Z undoes only their own edits; the AI text stays', async ({ request, person }) => {
  const turn = { text: 'Naming the results.', toolCall: { name: 'apply_patch', input: applyPatchText(FILE, HUNKS) }, rate: 400 };
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Undo with the AI', files: { [FILE]: SHAPES } }, turn);
  await ada.openFile(FILE);
  await ben.openFile(FILE);

  // Ada types at the top and the bottom (two undo steps: the pause splits them).
  await ada.typeAtStart(TOP);
  await ada.page.waitForTimeout(700);
  await ada.typeAtEnd(BOTTOM);
  await expect.poll(() => ben.modelText(FILE)).toBe(TOP + SHAPES + BOTTOM);

  // The AI edits the same file, between her two edits.
  await ada.page.getByTestId('ai-prompt').fill(`Name the results in ${FILE}`);
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await expect(ada.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');
  const withAi = applyHunks(SHAPES, HUNKS);
  await expect.poll(() => ada.modelText(FILE)).toBe(TOP + withAi + BOTTOM);

  // Ctrl+Z again and again: her two edits go, the AI's stay, for both people.
  await ada.focusEditor();
  for (let i = 0; i < 6; i++) {
    await ada.page.keyboard.press('ControlOrMeta+z');
    await ada.page.waitForTimeout(100);
  }
  await expect.poll(() => ada.modelText(FILE)).toBe(withAi);
  await expect.poll(() => ben.modelText(FILE)).toBe(withAi);
  // The AI's changes are still pending review: only review decides about them.
  await ada.page.getByTestId('side-tab-review').click();
  await expect(ada.page.getByTestId('review-hunk')).toHaveCount(2);

  // Redo brings back only hers (pressed past the end: however her typing was grouped into steps).
  await ada.focusEditor();
  for (let i = 0; i < 6; i++) {
    await ada.page.keyboard.press('ControlOrMeta+Shift+z');
    await ada.page.waitForTimeout(100);
  }
  await expect.poll(() => ben.modelText(FILE)).toBe(TOP + withAi + BOTTOM);
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});
