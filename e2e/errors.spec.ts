// Links that cannot work say why and lead back home.
import { test, expect } from './fixtures.ts';

const SOME_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

test('a link without a token explains itself', async ({ page }) => {
  await page.goto(`/s/${SOME_ID}`);
  await expect(page.getByTestId('session-error')).toContainText('no access token');
  await page.getByRole('link', { name: 'Back to home' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('a forged token or unknown session is refused with a clear message', async ({ page }) => {
  await page.goto(`/s/${SOME_ID}#token=forged`);
  await expect(page.getByTestId('session-error')).toBeVisible();
  await expect(page.getByTestId('session-error')).toContainText(/not valid|not found/);
});

test('a malformed session id is refused', async ({ page }) => {
  await page.goto('/s/not-an-id#token=x');
  await expect(page.getByTestId('session-error')).toContainText('malformed');
});
