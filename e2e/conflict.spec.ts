// A person changes the very characters the AI is about to change (after the model read the file,
// before its hunk lands): the hunk is refused, the person's edit stays in every page, the thread
// and the Review panel say who changed it and show the AI's version, and "Ask AI again" starts a
// run on the file as it is now.
import { test, expect } from './fixtures.ts';
import { applyPatchText, releaseModel, resetModel, scriptModel, startSessionWithModel, waitPaused } from './aiModel.ts';

const FILE = 'src/retry.ts';
const POLICY = ['export const policy = {', '  retries: 3,', "  backoff: 'linear',", '};', ''].join('\n');

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('the AI and a person change the same number: the hunk is refused with who, the person keeps theirs, the AI can be asked again', async ({ request, person }) => {
  const { session, people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Conflict', files: { [FILE]: POLICY } }, {
    id: 'conflict',
    text: 'Raising the retries.',
    toolCall: { name: 'apply_patch', input: applyPatchText(FILE, [{ before: ['export const policy = {'], remove: ['  retries: 3,'], add: ['  retries: 5,'], after: ["  backoff: 'linear',"] }]) },
    // Held before its first token: the model has read the file, its edit has not landed.
    pauseAfterTokens: 0,
  });
  await ada.openFile(FILE);
  await ben.openFile(FILE);
  await ada.page.getByTestId('ai-prompt').fill('Use 5 retries in src/retry.ts');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await waitPaused(request, 'conflict');

  // Ada changes 3 to 4 while the model is writing.
  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+Home');
  await ada.page.keyboard.press('ArrowDown');
  await ada.page.keyboard.press('End');
  await ada.page.keyboard.press('ArrowLeft');
  await ada.page.keyboard.press('Backspace');
  await ada.page.keyboard.type('4');
  const adaVersion = POLICY.replace('retries: 3', 'retries: 4');
  await expect.poll(async () => (await request.get(`/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } }).then((r) => r.json())).files[FILE]).toBe(adaVersion);
  await releaseModel(request, 'conflict');

  // The thread: the run is done, its one change not applied, saying who and why.
  const refused = ada.page.locator('[data-testid="ai-hunk"][data-status="refused"]');
  await expect(refused).toContainText('Ada Lovelace changed this text while the AI was writing');
  await expect(ben.page.locator('[data-testid="ai-hunk"][data-status="refused"]')).toContainText('Ada Lovelace changed this text');
  await expect(ada.page.locator('[data-testid="ai-run"]').first()).toHaveAttribute('data-status', 'done');
  // Ada's edit is what both pages and the document hold.
  for (const p of [ada, ben]) {
    await expect.poll(() => p.modelText(FILE)).toBe(adaVersion);
    expect(await p.docText(FILE)).toBe(adaVersion);
  }

  // The Review panel lists it with the AI's version to compare.
  await ada.page.getByTestId('side-tab-review').click();
  const conflict = ada.page.getByTestId('review-conflict');
  await expect(conflict).toHaveCount(1);
  await expect(conflict).toHaveAttribute('data-file', FILE);
  await expect(ada.page.getByTestId('review-conflict-reason')).toContainText('Ada Lovelace changed this text while the AI was writing');
  await conflict.getByText("The AI's version").click();
  await expect(ada.page.getByTestId('review-conflict-ai')).toContainText('retries: 5,');
  await ada.screenshot('review-conflict');

  // Ask AI again: a new run reads the file as it is now (with Ada's 4) and its edit applies.
  await scriptModel(request, { id: 'again', text: 'Done.', toolCall: { name: 'apply_patch', input: applyPatchText(FILE, [{ before: ['export const policy = {'], remove: ['  retries: 4,'], add: ['  retries: 5, // was 4'], after: ["  backoff: 'linear',"] }]) } });
  await ada.page.getByTestId('review-conflict-retry').click();
  const merged = POLICY.replace('retries: 3,', 'retries: 5, // was 4');
  for (const p of [ada, ben]) await expect.poll(() => p.modelText(FILE)).toBe(merged);
  // The conflict belongs to the earlier run: the panel now shows the new pending change instead.
  await expect(conflict).toHaveCount(0);
  await expect(ada.page.getByTestId('review-hunk')).toHaveCount(1);
  expect(ada.errors, ada.errors.join('\n')).toEqual([]);
});
