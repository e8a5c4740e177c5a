// Tabs when many files are open: the active tab is always in view, a menu lists every open file,
// two files with one name show their folders, and the presence dots say who has the file open.
import { test, expect, startSession, ADA, BEN, type SessionPage } from './fixtures.ts';

const MODULES = Array.from({ length: 12 }, (_, i) => `module-number-${String(i + 1).padStart(2, '0')}.ts`);
const FILES: Record<string, string> = Object.fromEntries([...MODULES, 'api/index.ts', 'web/index.ts'].map((p) => [p, `// ${p}\n`]));

/** Whether the tab lies wholly inside the visible part of the tab strip. */
async function inView(p: SessionPage, path: string): Promise<boolean> {
  const strip = await p.page.getByTestId('tab-strip').boundingBox();
  const tab = await p.tab(path).boundingBox();
  return !!strip && !!tab && tab.x >= strip.x - 1 && tab.x + tab.width <= strip.x + strip.width + 1;
}

test('many open tabs: the active one stays in view, the menu reaches every file, same names show folders', async ({ request, person }) => {
  const { people } = await startSession(request, person, { title: 'Tabs', files: FILES }, [ADA, BEN]);
  const [ada, ben] = people;
  for (const path of [...MODULES, 'api/index.ts', 'web/index.ts']) await ada.openFile(path);
  await ben.openFile('api/index.ts');

  // Too many to fit: the menu appears, and the last opened (active) tab is in view.
  const overflow = ada.page.getByTestId('tab-overflow');
  await expect(overflow).toBeVisible();
  await expect(overflow).toContainText('14');
  await expect.poll(() => inView(ada, 'web/index.ts')).toBe(true);
  expect(await inView(ada, MODULES[0])).toBe(false);

  // Two index.ts: each tab names its folder; other tabs do not.
  await expect(ada.tab('api/index.ts').getByTestId('tab-folder')).toHaveText('api');
  await expect(ada.tab('web/index.ts').getByTestId('tab-folder')).toHaveText('web');
  await expect(ada.tab(MODULES[3]).getByTestId('tab-folder')).toHaveCount(0);

  // Ben's dot on api/index.ts is explained on hover.
  await expect(ada.tab('api/index.ts').getByTestId('tab-presence')).toHaveAttribute('title', `${BEN.name} has this file open`);

  // The first file, scrolled out of sight, is reached from the menu: it opens and comes into view.
  await overflow.click();
  const menu = ada.page.getByTestId('tab-menu');
  await expect(menu.getByRole('menuitem')).toHaveCount(14);
  await ada.screenshot('tabs-overflow-menu');
  await menu.locator(`[data-path="${MODULES[0]}"]`).click();
  await expect(menu).toHaveCount(0);
  await expect(ada.tab(MODULES[0])).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => ada.activeModelPath()).toBe(MODULES[0]);
  await expect.poll(() => inView(ada, MODULES[0])).toBe(true);

  // Esc closes the menu without choosing.
  await overflow.click();
  await expect(menu).toBeVisible();
  await ada.page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await ada.screenshot('tabs-active-in-view');
  expect(ada.errors).toEqual([]);
});
