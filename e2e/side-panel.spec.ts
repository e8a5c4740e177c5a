// The AI/review side panel: resizable from its edge (remembered), collapsible, collapsed by itself
// on a narrow window where it opens over the editor, its header in full view.
import { test, expect, startSession, ADA } from './fixtures.ts';

test('the side panel resizes from its edge and remembers it; on a narrow window it starts collapsed and opens over the editor', async ({ request, person }) => {
  const { people } = await startSession(request, person, { title: 'Side panel', files: { 'a.ts': 'export const a = 1;\n' } }, [ADA]);
  const [ada] = people;
  const { page } = ada;
  const panel = page.getByTestId('side-panel');
  await expect(panel).toHaveAttribute('data-open', 'true');
  const width = async () => (await panel.boundingBox())!.width;
  const before = await width();

  // Drag the left edge 150 px to the left: 150 px wider.
  const handle = page.getByTestId('side-resize');
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 75, box.y + 200, { steps: 5 });
  await page.mouse.move(box.x + box.width / 2 - 150, box.y + 200, { steps: 5 });
  await page.mouse.up();
  await expect.poll(width).toBeGreaterThan(before + 140);
  const wider = await width();
  // The keyboard moves the edge too.
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(width).toBeLessThan(wider - 20);
  const chosen = await width();
  await page.reload();
  await ada.waitForEditorReady();
  await expect.poll(width).toBe(chosen);

  // Collapse and reopen by hand.
  await page.getByTestId('side-collapse').click();
  await expect(panel).toHaveAttribute('data-open', 'false');
  await page.getByTestId('side-rail-ai').click();
  await expect(panel).toHaveAttribute('data-open', 'true');

  // A narrow window: collapsed by itself; opened, it lies over the editor with its header in view.
  await page.setViewportSize({ width: 900, height: 760 });
  await expect(panel).toHaveAttribute('data-open', 'false');
  await page.getByTestId('side-rail-ai').click();
  await expect(panel).toHaveAttribute('data-overlay', 'true');
  const header = (await page.getByTestId('ai-header').boundingBox())!;
  expect(header.x).toBeGreaterThanOrEqual(0);
  expect(header.x + header.width).toBeLessThanOrEqual(900);
  await expect(page.getByTestId('ai-model')).toBeVisible();
  await ada.screenshot('side-panel-narrow-overlay');
  await page.getByTestId('side-collapse').click();
  await expect(panel).toHaveAttribute('data-open', 'false');
  await ada.screenshot('side-panel-narrow-collapsed');

  // Wide again: the remembered layout is back.
  await page.setViewportSize({ width: 1440, height: 860 });
  await expect(panel).toHaveAttribute('data-open', 'true');
  await expect(panel).not.toHaveAttribute('data-overlay', 'true');
  await expect.poll(width).toBe(chosen);
  expect(ada.errors).toEqual([]);
});
