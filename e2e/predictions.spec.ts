// Edit predictions: a person types, sees a multi-line prediction as ghost text in their own
// editor only, accepts it with Tab (then both people have the text), dismisses one with Esc, and
// keeps one while typing through it. The predictions come from their own model server
// (playwright.config.ts), scripted here with the rewritten editable region.
import { expect as baseExpect, type APIRequestContext } from '@playwright/test';
import { test, expect, createSession, hoverLine, joinSession, ADA, BEN } from './fixtures.ts';
import { CURSOR, editableRegion } from '../server/ai/predict/predictionPrompt.ts';

const tandemPort = Number(process.env.E2E_PORT ?? 3100);
const PREDICT_URL = `http://127.0.0.1:${Number(process.env.E2E_PREDICT_PORT ?? tandemPort + 3)}`;

const FILE = 'src/math.ts';
const TEXT = ['export function add(a: number, b: number) {', '  return a + b;', '}', '', 'export function sub(a: number, b: number) {', '  ', '}', ''].join('\n');

/** What the model answers once the person has typed `typed` at the end of line 6: the region rewritten. */
function predictionFor(typed: string, body: string): string {
  const text = TEXT.replace('  \n}', `  ${typed}\n}`);
  const cursor = text.indexOf(`  ${typed}\n}`) + 2 + typed.length;
  const region = editableRegion(text, cursor);
  const current = text.slice(region.start, region.end);
  return current.replace(`  ${typed}\n}`, `  ${body}\n}`);
}

/**
 * Scripts the model's answer for the request whose prompt contains `when` (the text around the
 * cursor marker): the page asks on every keystroke (and after an accept), so a turn taken in queue
 * order would go to whichever request came first.
 */
async function scriptPrediction(request: APIRequestContext, text: string, when: string): Promise<void> {
  const reset = await request.post(`${PREDICT_URL}/__control/reset`);
  baseExpect(reset.status()).toBe(200);
  const turn = { text, whenInputIncludes: when };
  const res = await request.post(`${PREDICT_URL}/__control/script`, { data: { turns: [turn] } });
  baseExpect(res.status(), await res.text()).toBe(200);
}

const ghost = '.ghost-text-decoration, .ghost-text';

test('a prediction shows only in the typist’s editor; Tab accepts it for everyone, Esc dismisses, typing through keeps it', async ({ request, person }) => {
  const session = await createSession(request, { title: 'Predictions', files: { [FILE]: TEXT } });
  const [ada, ben] = await joinSession(person, session, [ADA, BEN]);
  await ada.openFile(FILE);
  await ben.openFile(FILE);
  await expect(ada.page.getByTestId('toggle-predictions')).toHaveText(/Predictions on/);
  // The page asks on its collab socket (lib/protocol.ts MESSAGE.predict), not by HTTP.
  const httpPredictions: string[] = [];
  ada.page.on('request', (r) => void (r.url().endsWith('/predict') && httpPredictions.push(r.url())));

  // Ada types on line 6; the model predicts two lines.
  await scriptPrediction(request, predictionFor('c', 'const d = a - b;\n  return d;'), `  c${CURSOR}\n}`);
  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+Home');
  for (let i = 0; i < 5; i++) await ada.page.keyboard.press('ArrowDown');
  await ada.page.keyboard.press('End');
  await ada.page.keyboard.type('c');
  await expect(ada.page.locator(ghost).first()).toBeVisible();
  await expect(ada.page.locator('[data-testid="code-editor"]')).toContainText('onst d = a - b;');
  await ada.screenshot('prediction-ghost-text');
  // Ben sees Ada's "c" but no prediction; nothing of it is in the document.
  await expect.poll(() => ben.modelText(FILE)).toBe(TEXT.replace('  \n}', '  c\n}'));
  await expect(ben.page.locator(ghost)).toHaveCount(0);
  expect(await ada.docText(FILE)).toBe(TEXT.replace('  \n}', '  c\n}'));

  // Typing through it keeps it: "o" is what it predicted next.
  await ada.page.keyboard.type('o');
  await expect(ada.page.locator(ghost).first()).toBeVisible();
  await expect(ada.page.locator('[data-testid="code-editor"]')).toContainText('nst d = a - b;');

  // Tab accepts: both have the two lines.
  await ada.page.keyboard.press('Tab');
  const accepted = TEXT.replace('  \n}', '  const d = a - b;\n  return d;\n}');
  await expect.poll(() => ada.modelText(FILE)).toBe(accepted);
  await expect.poll(() => ben.modelText(FILE)).toBe(accepted);
  await expect(ada.page.locator(ghost)).toHaveCount(0);
  // Everyone's authorship hover says whose prediction Ada accepted.
  expect(await hoverLine(ben, 6)).toContain('predicted by tandem-e2e-predict, accepted by Ada Lovelace');

  // Esc dismisses the next one and leaves the text as Ada typed it.
  await ada.page.keyboard.press('Enter');
  const withNewLine = accepted.replace('  return d;\n}', '  return d;\n  \n}');
  const typed = withNewLine.replace('  return d;\n  \n}', '  return d;\n  /\n}');
  const region = editableRegion(typed, typed.indexOf('  /\n}') + 3);
  await scriptPrediction(request, typed.slice(region.start, region.end).replace('  /\n}', '  // the difference\n}'), `  /${CURSOR}\n}`);
  await ada.page.keyboard.type('/');
  await expect(ada.page.locator(ghost).first()).toBeVisible();
  await ada.page.keyboard.press('Escape');
  await expect(ada.page.locator(ghost)).toHaveCount(0);
  await expect.poll(() => ben.modelText(FILE)).toBe(typed);
  expect(httpPredictions).toEqual([]);
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});

test('a prediction that changes a line further down shows as an inline edit there, only for the typist: Tab jumps to it and accepts it, and everyone has it', async ({ request, person }) => {
  const file = 'src/volume.ts';
  const filler = Array.from({ length: 6 }, (_, i) => `  const unused${i} = ${i};`);
  const text = ['export function volume(width: number, height: number) {', ...filler, '  return width * height;', '}', ''].join('\n');
  const session = await createSession(request, { title: 'Next edit', files: { [file]: text } });
  const [ada, ben] = await joinSession(person, session, [ADA, BEN]);
  await ada.openFile(file);
  await ben.openFile(file);
  // (A default value, not a type: typing an identifier last would open the suggestion list.)
  const typed = text.replace('height: number)', 'height: number, depth = 1)');
  const cursor = typed.indexOf('depth = 1') + 'depth = 1'.length;
  const region = editableRegion(typed, cursor);
  const predicted = typed.replace('width * height;', 'width * height * depth;');
  await scriptPrediction(request, predicted.slice(region.start, region.end + (predicted.length - typed.length)), `depth = 1${CURSOR}) {`);
  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+Home');
  await ada.page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await ada.page.keyboard.press('ArrowLeft');
  await ada.page.keyboard.type(', depth = 1');
  // Shown where it applies, 7 lines down, with a Tab marker; only in Ada's editor.
  await expect(ada.page.locator('.inlineCompletions-char-insert, .inline-edit-jump-to-widget, .inline-edits-long-distance-hint-widget').first()).toBeVisible();
  await ada.screenshot('prediction-inline-edit');
  await expect(ben.page.locator('.inlineCompletions-char-insert:visible, .inline-edit-jump-to-widget:visible, .inline-edits-long-distance-hint-widget:visible')).toHaveCount(0);
  expect(await ada.modelText(file)).toBe(typed);
  // Tab jumps to it (Monaco marks it with a jump arrow from afar): the caret moves, nothing is written.
  await ada.page.keyboard.press('Tab');
  await expect(ada.page.getByText('Ln 8, Col', { exact: false })).toBeVisible();
  expect(await ada.modelText(file)).toBe(typed);
  // Tab again accepts it.
  await ada.page.keyboard.press('Tab');
  await expect.poll(() => ada.modelText(file)).toBe(predicted);
  await expect.poll(() => ben.modelText(file)).toBe(predicted);
  expect(await hoverLine(ben, 8)).toContain('predicted by tandem-e2e-predict, accepted by Ada Lovelace');
  expect(ada.errors).toEqual([]);
});
