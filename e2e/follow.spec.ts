// Following: clicking someone in the people panel (or their avatar) opens their file and keeps
// their caret in view as they move across files; typing, scrolling or Esc hands the view back.
import { test, expect, startSession, ADA, ALAN, type SessionPage } from './fixtures.ts';

const LONG = Array.from({ length: 300 }, (_, i) => `const line${i + 1} = ${i + 1};`).join('\n') + '\n';
const SEED = { 'src/a.ts': 'export const a = 1;\n', 'src/long.ts': LONG, 'README.md': '# Follow\n' };

/** Lines currently on screen in this page's editor. */
function visibleLines(p: SessionPage): Promise<{ first: number; last: number } | null> {
  return p.page.evaluate(() => {
    const ranges = window.__tandem?.monaco.editor.getEditors()[0]?.getVisibleRanges() ?? [];
    if (ranges.length === 0) return null;
    return { first: ranges[0].startLineNumber, last: ranges[ranges.length - 1].endLineNumber };
  });
}

async function lineVisible(p: SessionPage, line: number): Promise<boolean> {
  const v = await visibleLines(p);
  return v !== null && v.first <= line && line <= v.last;
}

test('following a person across files keeps their caret in view; typing or Esc stops it', async ({ request, person }) => {
  const { people: [ada, alan] } = await startSession(request, person, { title: 'Follow', files: SEED }, [ADA, ALAN]);
  await ada.openFile('src/a.ts');
  await alan.openFile('README.md');

  // Alan follows Ada from the people panel: her file opens in his view.
  await alan.page.locator('[data-testid="people-item"][data-name="Ada Lovelace"]').click();
  await expect(alan.page.getByTestId('follow-indicator')).toContainText('Following Ada Lovelace');
  await expect(alan.page.getByTestId('follow-indicator')).toContainText('Esc to stop');
  await expect.poll(() => alan.activeModelPath()).toBe('src/a.ts');

  // Ada opens another file and goes to its end: Alan's view goes with her, down to her caret.
  await ada.openFile('src/long.ts');
  await expect.poll(() => alan.activeModelPath()).toBe('src/long.ts');
  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+End');
  await ada.page.keyboard.type('// Ada was here');
  await expect.poll(() => lineVisible(alan, 301)).toBe(true);
  await alan.screenshot('follow-person');

  // She jumps to the top and types again: Alan's view scrolls back up.
  await ada.page.keyboard.press('ControlOrMeta+Home');
  await ada.page.keyboard.type('// top ');
  await expect.poll(() => lineVisible(alan, 1)).toBe(true);
  expect(await lineVisible(alan, 301)).toBe(false);

  // And to a third file.
  await ada.openFile('README.md');
  await expect.poll(() => alan.activeModelPath()).toBe('README.md');

  // Alan types: following ends, and Ada's next move no longer drags his view.
  await alan.typeAtEnd('mine');
  await expect(alan.page.getByTestId('follow-indicator')).toHaveCount(0);
  await ada.openFile('src/a.ts');
  await alan.page.waitForTimeout(400);
  expect(await alan.activeModelPath()).toBe('README.md');

  // Following again from the avatar in the header, then Esc stops it.
  await alan.page.locator('[data-testid="presence-avatar"][data-name="Ada Lovelace"]').click();
  await expect.poll(() => alan.activeModelPath()).toBe('src/a.ts');
  await expect(alan.page.getByTestId('follow-indicator')).toBeVisible();
  await alan.page.keyboard.press('Escape');
  await expect(alan.page.getByTestId('follow-indicator')).toHaveCount(0);

  // Scrolling oneself also hands the view back.
  await alan.page.locator('[data-testid="people-item"][data-name="Ada Lovelace"]').click();
  await expect(alan.page.getByTestId('follow-indicator')).toBeVisible();
  await alan.page.locator('[data-testid="code-editor"]').hover();
  await alan.page.mouse.wheel(0, 200);
  await expect(alan.page.getByTestId('follow-indicator')).toHaveCount(0);

  expect(ada.errors).toEqual([]);
  expect(alan.errors).toEqual([]);
});
