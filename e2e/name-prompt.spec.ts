// Someone opening a session link for the first time in this browser is asked for their name
// once: the others see it, and it is remembered (no second prompt, not even in another session).
import { test, expect, createSession, localLink, ADA, joinSession } from './fixtures.ts';

test('a first-time visitor is asked for their name once; the others see it', async ({ browser, request, person }) => {
  const session = await createSession(request, { title: 'Name prompt', files: { 'a.ts': 'export const a = 1;\n' } });
  const [ada] = await joinSession(person, session, [ADA]);
  // A browser that has never opened Tandem: no profile remembered.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(localLink(session.editUrl));
    const prompt = page.getByTestId('name-prompt');
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('Join “Name prompt”');
    await expect(page.getByTestId('name-prompt-input')).toBeFocused();
    await page.screenshot({ path: 'test-results/screenshots/name-prompt.png' });
    await page.getByRole('button', { name: 'Colour #4ade80' }).click();
    await page.getByTestId('name-prompt-input').fill('Grace Hopper');
    await page.getByTestId('name-prompt-input').press('Enter');
    await expect(prompt).toHaveCount(0);
    await expect(page.getByTestId('name-chip')).toHaveText('Grace Hopper');
    // Ada sees Grace by that name.
    await expect(ada.page.locator('[data-testid="presence-avatar"][data-name="Grace Hopper"]')).toBeVisible();

    // Remembered: another session opens straight into the workspace with the same name.
    const other = await createSession(request, { title: 'Second', files: { 'b.ts': '' } });
    await page.goto(localLink(other.viewUrl));
    await expect(page.getByTestId('name-chip')).toHaveText('Grace Hopper');
    await expect(page.getByTestId('name-prompt')).toHaveCount(0);
    const stored = await page.evaluate(() => JSON.parse(window.localStorage.getItem('tandem:profile') ?? 'null'));
    expect(stored).toEqual({ name: 'Grace Hopper', color: '#4ade80' });
  } finally {
    await context.close();
  }
});

test('an empty name takes the suggestion shown', async ({ browser, request }) => {
  const session = await createSession(request, { title: 'Suggested', files: { 'a.ts': '' } });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(localLink(session.editUrl));
    const input = page.getByTestId('name-prompt-input');
    const suggestion = await input.getAttribute('placeholder');
    expect(suggestion).toMatch(/^\w+ \w+$/);
    await page.getByTestId('name-prompt-join').click();
    await expect(page.getByTestId('name-chip')).toHaveText(suggestion!);
  } finally {
    await context.close();
  }
});
