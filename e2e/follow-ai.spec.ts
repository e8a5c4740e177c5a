// Following the AI across files: when a run starts, "Follow the AI" is
// offered; the follower's editor opens each file the AI edits, in turn, and keeps the AI's caret
// in view, far down a long file too. (Following a person: e2e/follow.spec.ts.)
import { test, expect, type SessionPage } from './fixtures.ts';
import { isPaused, releaseModel, resetModel, startSessionWithModel, waitPaused } from './aiModel.ts';

const LONG = Array.from({ length: 300 }, (_, i) => `export const line${i + 1} = ${i + 1};`).join('\n') + '\n';
const SEED = { 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n', 'src/long.ts': LONG, 'README.md': '# Follow the AI\n' };

/** One apply_patch over two files: a small change to src/a.ts, then one near the end of src/long.ts. */
const NEW_LINES = Array.from({ length: 8 }, (_, i) => `export const added${i + 1} = ${i + 1}; // written by the AI, step ${i + 1}`);
const PATCH = [
  '*** Begin Patch',
  '*** Update File: src/a.ts',
  '@@',
  ' export const a = 1;',
  '-export const b = 2;',
  '+export const b = 3; // the AI changed this',
  '+export const c = 4; // and added this',
  '*** Update File: src/long.ts',
  '@@',
  ' export const line279 = 279;',
  '-export const line280 = 280;',
  ...NEW_LINES.map((l) => `+${l}`),
  ' export const line281 = 281;',
  '*** End Patch',
  '',
].join('\n');

async function lineVisible(p: SessionPage, line: number): Promise<boolean> {
  return p.page.evaluate((l) => {
    const ranges = window.__tandem?.monaco.editor.getEditors()[0]?.getVisibleRanges() ?? [];
    return ranges.some((r) => r.startLineNumber <= l && l <= r.endLineNumber);
  }, line);
}

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('following the AI opens each file it edits and keeps its caret in view', async ({ request, person }) => {
  // The model holds before its first token (Ben takes the offer to follow), after its line in
  // src/a.ts, and with src/long.ts half written: each check below happens mid-run on any machine.
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Follow the AI', files: SEED }, {
    id: 'follow',
    text: 'Updating both files.',
    toolCall: { name: 'apply_patch', input: PATCH },
    rate: 25,
    pauseAfterTokens: 0,
    pauseAt: ['+export const b = 3; // the AI changed this\n', `+${NEW_LINES[2]}\n`],
  });
  await ben.openFile('README.md');

  await ada.page.getByTestId('ai-prompt').fill('Update src/a.ts and src/long.ts');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');

  // Ben is offered to follow the AI when the run starts (above the editor, over none of its
  // code), and takes it.
  await waitPaused(request, 'follow', 1);
  const offer = ben.page.getByTestId('follow-ai-offer');
  await expect(offer).toBeVisible();
  const offerBox = (await offer.boundingBox())!;
  const codeBox = (await ben.page.locator('[data-testid="code-editor"]').first().boundingBox())!;
  expect(offerBox.y + offerBox.height).toBeLessThanOrEqual(codeBox.y + 1);
  await ben.screenshot('follow-ai-offer');
  await ben.page.getByTestId('follow-ai').click();
  await expect(ben.page.getByTestId('follow-indicator')).toContainText('Following the AI');
  await releaseModel(request, 'follow');

  // The AI edits src/a.ts: Ben's editor is there while it writes.
  await waitPaused(request, 'follow', 2);
  await expect.poll(() => ben.modelText('src/a.ts').then((t) => (t ?? '').includes('the AI changed this'))).toBe(true);
  await expect.poll(() => ben.activeModelPath(), { intervals: [50] }).toBe('src/a.ts');
  expect(await isPaused(request, 'follow'), 'the AI is still writing src/a.ts').toBe(true);
  await releaseModel(request, 'follow');

  // Then src/long.ts: Ben's view switches and scrolls down to the AI's caret, while it writes.
  await waitPaused(request, 'follow', 3);
  await expect.poll(() => ben.modelText('src/long.ts').then((t) => (t ?? '').includes('added3 ='))).toBe(true);
  await expect.poll(() => ben.activeModelPath(), { intervals: [50] }).toBe('src/long.ts');
  await expect.poll(() => lineVisible(ben, 281), { intervals: [50] }).toBe(true);
  const midRun = (await ben.modelText('src/long.ts')) ?? '';
  expect(midRun.includes('added1 =') && !midRun.includes('added8 ='), 'src/long.ts is half written').toBe(true);
  expect(await lineVisible(ben, 1)).toBe(false);
  await expect(ben.page.getByTestId('follow-indicator')).toContainText('src/long.ts');
  expect(await isPaused(request, 'follow'), 'the AI is still writing src/long.ts').toBe(true);
  await ben.screenshot('follow-ai');

  // Esc hands the view back, mid-run; the offer does not come back for this run.
  await ben.page.keyboard.press('Escape');
  await expect(ben.page.getByTestId('follow-indicator')).toHaveCount(0);
  expect(await offer.count()).toBe(0);
  await releaseModel(request, 'follow');
  await expect(ada.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');
  await expect(offer).toHaveCount(0);
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});
