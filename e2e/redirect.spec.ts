// Redirecting the AI mid-run from the panel: while it writes its second hunk, Ben types a
// follow-up and steers (Ctrl/⌘+Enter). The hunk in progress is rolled back (never left
// half-written), the hunk already applied stays, the run goes on with his instruction and writes
// something else, and both people's threads show the redirect in place. Ctrl/⌘+Shift+Enter
// queues a follow-up as a run of its own instead.
import { test, expect } from './fixtures.ts';
import { applyPatchText, releaseModel, resetModel, scriptModel, startSessionWithModel, waitPaused, type PatchHunk } from './aiModel.ts';

const FILE = 'src/events.ts';
const TEXT = [
  'export function on(name: string, cb: () => void) {',
  '  handlers.set(name, cb);',
  '}',
  '',
  'export function emit(name: string) {',
  '  handlers.get(name)?.();',
  '}',
  '',
].join('\n');
const FIRST: PatchHunk = { before: [], remove: ['  handlers.set(name, cb);'], add: ['  handlers.set(name, cb); // one per name'], after: [] };
const PROMISE: PatchHunk = { before: [], remove: ['  handlers.get(name)?.();'], add: ['  return new Promise<void>((resolve) => {', '    handlers.get(name)?.();', '    resolve();', '  });'], after: [] };
const CALLBACK: PatchHunk = { before: [], remove: ['  handlers.get(name)?.();'], add: ['  handlers.get(name)?.(); // callbacks stay'], after: [] };

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('steering mid-run rolls back the hunk in progress and the AI goes on with the new instruction; queueing makes a run of its own', async ({ request, person }) => {
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Redirect', files: { [FILE]: TEXT } }, {
    id: 'promise',
    text: 'Making emit return a promise.',
    toolCall: { name: 'apply_patch', input: applyPatchText(FILE, [FIRST, PROMISE]) },
    // Held inside the second hunk, its first new line written.
    pauseAt: `+${PROMISE.add[0]}\n`,
  });
  await scriptModel(request, { id: 'callback', text: 'Keeping the callback API.', toolCall: { name: 'apply_patch', input: applyPatchText(FILE, [CALLBACK]) } });
  await ada.openFile(FILE);
  await ben.openFile(FILE);
  await ada.page.getByTestId('ai-prompt').fill('Make emit return a promise');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await waitPaused(request, 'promise');
  await expect.poll(() => ben.modelText(FILE)).toContain(PROMISE.add[0]);

  // While it works, Ben's panel offers Steer and Queue; he steers.
  await expect(ben.page.getByTestId('ai-send')).toHaveText('Steer');
  await expect(ben.page.getByTestId('ai-queue')).toBeVisible();
  await ben.page.getByTestId('ai-prompt').fill('no, keep the callback API');
  await ben.screenshot('ai-steer-offered');
  await ben.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await expect(ben.page.getByTestId('ai-prompt')).toHaveValue('');

  // The half-written hunk is gone, the first stays, and the AI wrote what Ben asked for instead.
  const expected = TEXT.replace('  handlers.set(name, cb);', FIRST.add[0]).replace('  handlers.get(name)?.();', CALLBACK.add[0]);
  for (const p of [ada, ben]) await expect.poll(() => p.modelText(FILE)).toBe(expected);
  for (const p of [ada, ben]) {
    const run = p.page.locator('[data-testid="ai-run"]');
    await expect(run).toHaveAttribute('data-status', 'done');
    await expect(run.getByTestId('ai-redirect')).toHaveText('↪Ben Okri redirected: no, keep the callback API');
    await expect(run.locator('[data-testid="ai-hunk"]')).toHaveCount(3);
    await expect(run.locator('[data-testid="ai-hunk"][data-status="rolledBack"]')).toContainText('redirected by Ben Okri');
  }
  await ada.screenshot('ai-redirected');
  // The paused request was ended by Tandem, not released by the test.
  await expect(ben.page.getByTestId('ai-send')).toHaveText('Send');

  // A follow-up queued while a run works becomes a run of its own, after it.
  await scriptModel(
    request,
    { id: 'long', text: 'Thinking about it.', pauseAt: 'Thinking', toolCall: { name: 'apply_patch', input: applyPatchText(FILE, [{ before: [], remove: ['}'], add: ['} // on'], after: ['', 'export function emit(name: string) {'] }]) } },
    { id: 'follow', text: 'Logged.' },
  );
  await ada.page.getByTestId('ai-prompt').fill('Mark the end of on()');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await waitPaused(request, 'long');
  await ben.page.getByTestId('ai-prompt').fill('then log every emit');
  await ben.page.getByTestId('ai-prompt').press('ControlOrMeta+Shift+Enter');
  await expect(ben.page.locator('[data-testid="ai-run"]')).toHaveCount(3);
  await releaseModel(request, 'long');
  const runs = ada.page.locator('[data-testid="ai-run"]');
  await expect(runs.nth(2)).toHaveAttribute('data-status', 'done');
  await expect(runs.nth(2)).toContainText('then log every emit');
  await expect(runs.nth(1).getByTestId('ai-redirect')).toHaveAttribute('data-mode', 'queue');
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});
