// A hunk never lands in the lines where a person is typing right now: while Ada types on the
// first line of the hunk the AI is about to write, the hunk waits, the thread says whom for, and
// it lands once she pauses, with every character she typed where she typed it.
import { test, expect } from './fixtures.ts';
import { applyPatchText, releaseModel, resetModel, startSessionWithModel, waitPaused, type PatchHunk } from './aiModel.ts';

const FILE = 'src/sign.ts';
const SIGN = ['export function sign(n: number) {', '  return n > 0 ? 1 : -1;', '}', '', 'export function abs(n: number) {', '  return n < 0 ? -n : n;', '}', ''].join('\n');
const HUNK: PatchHunk = {
  before: ['export function sign(n: number) {'],
  remove: ['  return n > 0 ? 1 : -1;'],
  add: ['  if (n === 0) return 0;', '  return n > 0 ? 1 : -1;'],
  after: ['}'],
};
const AI_LINE = 'if (n === 0) return 0;';
const WAITING = 'Waiting for Ada Lovelace to finish this line…';

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('a hunk waits while a person types in its lines and lands after they stop, with their characters intact', async ({ request, person }) => {
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Typing hold', files: { [FILE]: SIGN } }, {
    id: 'hold',
    text: 'Zero has no sign.',
    toolCall: { name: 'apply_patch', input: applyPatchText(FILE, [HUNK]) },
    // Held before the hunk, until Ada is typing on its first line.
    pauseAt: `*** Update File: ${FILE}\n`,
  });
  await ada.openFile(FILE);
  await ben.openFile(FILE);
  await ben.page.getByTestId('ai-prompt').fill('Handle zero in sign()');
  await ben.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await waitPaused(request, 'hold');

  // Ada starts a comment at the end of the hunk's first line, then the model goes on.
  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+Home');
  await ada.page.keyboard.press('End');
  await ada.page.keyboard.type(' //');
  await releaseModel(request, 'hold');

  // She keeps typing, a key every 150 ms. The keys are typed by the page itself (Monaco's own
  // "type" command, as a key press runs it): on a loaded machine a key sent from the test runner
  // can take a second to arrive, and a pause of hers longer than the typing window would rightly
  // let the hunk land.
  let typed = ' //';
  await ada.page.evaluate(() => {
    const editor = window.__tandem!.monaco.editor.getEditors()[0];
    const w = window as unknown as { typed: string; typer: number };
    w.typed = '';
    w.typer = window.setInterval(() => {
      const ch = ' the sign of n'[w.typed.length] ?? '.';
      editor.trigger('keyboard', 'type', { text: ch });
      w.typed += ch;
    }, 150);
  });
  try {
    // The hunk waits, and everyone's thread says for whom; nothing of it is in anyone's text.
    const waiting = ben.page.getByTestId('ai-run-waiting');
    await expect(waiting).toHaveText(WAITING);
    await expect(ada.page.getByTestId('ai-run-waiting')).toHaveText(WAITING);
    for (let i = 0; i < 4; i++) {
      expect(await ben.modelText(FILE)).not.toContain(AI_LINE);
      expect(await ada.modelText(FILE)).not.toContain(AI_LINE);
      await ben.page.waitForTimeout(150);
    }
    await ben.screenshot('ai-waiting-for-typist');
  } finally {
    typed += await ada.page.evaluate(() => {
      const w = window as unknown as { typed: string; typer: number };
      window.clearInterval(w.typer);
      return w.typed;
    });
  }
  expect(typed.length).toBeGreaterThan(' //'.length + 4);

  // She stops: the hunk lands below her line, which is exactly as she typed it.
  const expected = SIGN.replace('{\n  return n > 0', `{${typed}\n  ${AI_LINE}\n  return n > 0`);
  for (const p of [ada, ben]) await expect.poll(() => p.modelText(FILE), { timeout: 30_000 }).toBe(expected);
  for (const p of [ada, ben]) {
    await expect(p.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');
    await expect(p.page.getByTestId('ai-run-waiting')).toHaveCount(0);
  }
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});
