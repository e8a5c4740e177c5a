// Remote caret name labels: shown when the caret appears or starts moving, then faded, even while
// that person keeps typing (so a label never sits over the line above for long, the AI's
// included); hovering the caret shows it again.
import { test, expect, startSession, ADA, BEN, type SessionPage } from './fixtures.ts';

const FILE = 'notes.ts';

/** Opacity of the name label on the other person's caret, as Ada's page draws it now. */
async function labelOpacity(p: SessionPage): Promise<number> {
  const values = await p.page.locator('.yRemoteSelectionHead').evaluateAll((els) => els.map((e) => Number(getComputedStyle(e, '::after').opacity)));
  expect(values.length).toBe(1);
  return values[0];
}

/**
 * The highest opacity the label has had since this call, sampled by Ada's page every frame: the
 * label is up for 1.5 s, which polling from the test can miss on a loaded machine.
 */
async function watchLabel(p: SessionPage): Promise<() => Promise<number>> {
  await p.page.evaluate(() => {
    const w = window as unknown as { labelMax: number; labelWatch?: number };
    if (w.labelWatch !== undefined) cancelAnimationFrame(w.labelWatch);
    w.labelMax = 0;
    const sample = () => {
      const head = document.querySelector('.yRemoteSelectionHead');
      if (head) w.labelMax = Math.max(w.labelMax, Number(getComputedStyle(head, '::after').opacity));
      w.labelWatch = requestAnimationFrame(sample);
    };
    sample();
  });
  return () => p.page.evaluate(() => (window as unknown as { labelMax: number }).labelMax);
}

test('a caret’s name shows when it starts moving, fades while it keeps moving, and shows on hover', async ({ request, person }) => {
  const lines = Array.from({ length: 12 }, (_, i) => `// line ${i + 1}`).join('\n') + '\n';
  const { people } = await startSession(request, person, { title: 'Labels', files: { [FILE]: lines } }, [ADA, BEN]);
  const [ada, ben] = people;
  await ada.openFile(FILE);
  const shownOnArrival = await watchLabel(ada);
  await ben.openFile(FILE);
  await ben.focusEditor();
  await ben.page.keyboard.press('ControlOrMeta+End');

  // Ben's caret appears for Ada: labelled, then faded.
  await expect.poll(() => ada.remoteCursorLabels()).toEqual([BEN.name]);
  await expect.poll(shownOnArrival).toBe(1);
  await expect.poll(() => labelOpacity(ada), { timeout: 10_000 }).toBe(0);

  // Ben types steadily (a key every 120 ms, from his page): the label shows as he starts, then
  // fades although he is still typing.
  const shownSinceStart = await watchLabel(ada);
  await ben.page.evaluate(() => {
    const editor = window.__tandem!.monaco.editor.getEditors()[0];
    const w = window as unknown as { typer: number };
    w.typer = window.setInterval(() => editor.trigger('keyboard', 'type', { text: 'x' }), 120);
  });
  try {
    await expect.poll(shownSinceStart).toBe(1);
    await expect.poll(() => labelOpacity(ada), { timeout: 10_000 }).toBe(0);
    const before = await ada.modelText(FILE);
    await expect.poll(() => ada.modelText(FILE)).not.toBe(before);
    await ada.screenshot('cursor-label-faded-while-typing');
  } finally {
    await ben.page.evaluate(() => window.clearInterval((window as unknown as { typer: number }).typer));
  }

  // Hovering his caret shows the name. First his last keys reach Ada (a caret still moving would
  // leave the pointer where it was: a fresh run failed so on a loaded machine); the pointer is
  // moved onto the caret again while the label is not up yet (it may have been re-drawn).
  const bensText = await ben.modelText(FILE);
  await expect.poll(() => ada.modelText(FILE)).toBe(bensText);
  const head = ada.page.locator('.yRemoteSelectionHead');
  await expect(async () => {
    await ada.page.mouse.move(0, 0);
    await head.hover({ force: true });
    await expect.poll(() => labelOpacity(ada), { timeout: 2_000 }).toBe(1);
  }).toPass({ timeout: 30_000 });
  await ada.screenshot('cursor-label-hover');
  expect(ada.errors).toEqual([]);
});
