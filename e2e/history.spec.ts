// Version history in the browser: checkpoints made around an AI run are listed in the History
// panel; one opens as a diff against now; restoring a file from it is seen by the other person
// and undone from the notice; a deleted file comes back from History; a named checkpoint shows
// for everyone; a viewer can look but not restore.
import { test, expect, startSession, ADA, BEN } from './fixtures.ts';
import { applyHunks, applyPatchText, resetModel, startSessionWithModel, type PatchHunk } from './aiModel.ts';

const FILE = 'src/price.ts';
const PRICE = ['export function price(cents: number): string {', '  return (cents / 100).toFixed(2);', '}', ''].join('\n');
const HUNKS: PatchHunk[] = [
  { before: ['export function price(cents: number): string {'], remove: ['  return (cents / 100).toFixed(2);'], add: ['  const euros = cents / 100;', '  return `€${euros.toFixed(2)}`;'], after: ['}'] },
];

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('checkpoints around an AI run: listed, compared with now, a file restored for everyone and undone', async ({ request, person }) => {
  const turn = { text: 'Formatting as euros.', toolCall: { name: 'apply_patch', input: applyPatchText(FILE, HUNKS) }, rate: 800 };
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'History', files: { [FILE]: PRICE, 'README.md': '# Prices\n' } }, turn);
  await ada.openFile(FILE);
  await ben.openFile(FILE);
  const withAi = applyHunks(PRICE, HUNKS);

  await ada.page.getByTestId('ai-prompt').fill(`Format ${FILE} as euros`);
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  await expect(ada.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');
  await expect.poll(() => ben.modelText(FILE)).toBe(withAi);

  // Ben's History panel lists both checkpoints of the run, newest first, with who asked.
  await ben.page.getByTestId('side-tab-history').click();
  const entries = ben.page.getByTestId('history-entry');
  await expect(entries.first()).toHaveAttribute('data-kind', 'after-run');
  const before = ben.page.locator('[data-testid="history-entry"][data-kind="before-run"]');
  await expect(before).toContainText(`Before AI: Format ${FILE} as euros`);
  await expect(before).toContainText('Ada Lovelace');

  // Opened, it compares with now: the file the AI changed, as a diff.
  await before.getByTestId('history-entry-toggle').click();
  const row = before.locator(`[data-testid="history-file"][data-path="${FILE}"]`);
  await expect(row).toHaveAttribute('data-change', 'modified');
  await expect(before.getByTestId('history-file')).toHaveCount(1);
  await row.getByTestId('history-file-diff').click();
  const diff = ben.page.getByTestId('history-diff');
  await expect(diff).toBeVisible();
  await expect(diff.locator('.editor.original .view-lines')).toContainText('return (cents / 100).toFixed(2);');
  await expect(diff.locator('.editor.modified .view-lines')).toContainText('const euros = cents / 100;');
  await expect(diff.locator('.editor.modified .line-insert, .editor.modified .char-insert').first()).toBeVisible();
  await ben.screenshot('history-diff');
  await ben.page.keyboard.press('Escape');
  await expect(diff).toHaveCount(0);
  await ben.screenshot('history-panel');

  // Ben restores the file: Ada sees the old text, as Ben's edit; a checkpoint of the AI's version is listed first.
  await row.getByTestId('history-restore-file').click();
  await expect.poll(() => ada.modelText(FILE)).toBe(PRICE);
  const notice = ben.page.getByTestId('restore-notice');
  await expect(notice).toContainText(`Restored ${FILE} from “Before AI: Format ${FILE} as euros”`);
  await ben.screenshot('history-restore-notice');
  await ada.page.getByTestId('side-tab-history').click();
  await expect(ada.page.getByTestId('history-entry').first()).toHaveAttribute('data-kind', 'before-restore');
  expect(await ada.docText('README.md')).toBe('# Prices\n');

  // Undo from the notice: the AI's version is back for both.
  await ben.page.getByTestId('restore-undo').click();
  await expect(notice).toHaveCount(0);
  await expect.poll(() => ada.modelText(FILE)).toBe(withAi);
  await expect.poll(() => ben.modelText(FILE)).toBe(withAi);
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});

test('a deleted file comes back from History; a named checkpoint shows for everyone; a viewer cannot restore', async ({ request, person }) => {
  const { people: [ada, ben, vic] } = await startSession(request, person, { title: 'History files', files: { 'a.ts': 'export const a = 1;\n', 'b.ts': 'export const b = 2;\n' } }, [ADA, BEN, { name: 'Vic Viewer', viewer: true }]);
  await ben.openFile('b.ts');

  // Ada saves a checkpoint by name; Ben and the viewer see it.
  await ada.page.getByTestId('side-tab-history').click();
  await ada.page.getByTestId('history-save').click();
  await ada.page.getByTestId('history-name').fill('Before cleanup');
  await ada.page.getByTestId('history-name').press('Enter');
  await expect(ada.page.getByTestId('history-entry').first()).toContainText('Before cleanup');
  await ben.page.getByTestId('side-tab-history').click();
  await expect(ben.page.getByTestId('history-entry').first()).toContainText('Before cleanup');

  // Ada deletes b.ts, which Ben has open: he is told, and it goes to History with its text.
  await ada.treeItem('b.ts').click();
  await ada.page.keyboard.press('Delete');
  await ada.page.getByTestId('delete-confirm').click();
  await expect(ben.page.getByTestId('deleted-by-other')).toContainText('Ada Lovelace deleted b.ts');
  const deletion = ben.page.locator('[data-testid="history-entry"][data-kind="deletion"]');
  await expect(deletion).toContainText('Deleted b.ts');
  await expect(deletion).toContainText('Ada Lovelace');

  // The viewer sees it, but cannot restore.
  await vic.page.getByTestId('side-tab-history').click();
  const vicDeletion = vic.page.locator('[data-testid="history-entry"][data-kind="deletion"]');
  await vicDeletion.getByTestId('history-entry-toggle').click();
  await expect(vicDeletion.locator('[data-testid="history-file"][data-path="b.ts"]')).toHaveAttribute('data-change', 'deleted');
  await expect(vicDeletion.getByTestId('history-restore-file')).toBeDisabled();
  await expect(vic.page.getByTestId('history-save')).toHaveCount(0);

  // Ben brings it back from History, with its text, for everyone.
  await deletion.getByTestId('history-entry-toggle').click();
  await deletion.locator('[data-testid="history-file"][data-path="b.ts"]').getByTestId('history-restore-file').click();
  await expect(ada.treeItem('b.ts')).toBeVisible();
  await expect.poll(() => ada.docText('b.ts')).toBe('export const b = 2;\n');
  await expect(ben.page.getByTestId('restore-notice')).toContainText('Restored b.ts from “Deleted b.ts”');
  // The comparison follows the document: nothing differs from that checkpoint now.
  await expect(deletion.getByTestId('history-same')).toBeVisible();
  await expect(vicDeletion.getByTestId('history-same')).toBeVisible();
  for (const p of [ada, ben, vic]) expect(p.errors).toEqual([]);
});
