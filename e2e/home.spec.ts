// The start page: create a session (empty or from a .zip), find it again under Recent sessions.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, unzipSync, strToU8, strFromU8 } from 'fflate';
import { test, expect, SessionPage } from './fixtures.ts';

test('create an empty session from the home page and reopen it from Recent sessions', async ({ person }) => {
  const me = await person('Ada');
  await me.page.goto('/');
  await expect(me.page.getByText('No sessions yet')).toBeVisible();
  await me.page.getByLabel('Title').fill('Morning pairing');
  await me.page.getByRole('button', { name: 'Create session' }).click();

  await expect(me.page).toHaveURL(/\/s\/[A-Za-z0-9_-]{22}#token=/);
  await me.waitForEditorReady();
  await me.waitSynced();
  await expect(me.page.getByTestId('session-title')).toHaveText('Morning pairing');
  await expect(me.page.getByText('No files yet')).toBeVisible();
  const url = me.page.url();

  // Share dialog shows both links (this browser created the session).
  await me.page.getByRole('button', { name: 'Share' }).click();
  await expect(me.page.getByTestId('edit-link').locator('input')).toHaveValue(url);
  await expect(me.page.getByTestId('view-link').locator('input')).toHaveValue(/#token=/);
  await me.page.keyboard.press('Escape');

  await me.page.goto('/');
  const recent = me.page.getByTestId('recent-sessions');
  await expect(recent.getByText('Morning pairing')).toBeVisible();
  await recent.getByText('Morning pairing').click();
  await expect(me.page).toHaveURL(url);
  await me.waitForEditorReady();
});

test('create a session from an uploaded .zip; binary files are skipped with a note', async ({ person }) => {
  const me: SessionPage = await person('Ada');
  const zip = zipSync({
    'project/src/main.ts': strToU8('export const answer = 42;\r\n'),
    'project/package.json': strToU8('{ "name": "demo" }\n'),
    'project/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]),
  });
  await me.page.goto('/');
  await me.page.getByTestId('zip-input').setInputFiles({ name: 'project.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  const summary = me.page.getByTestId('upload-summary');
  await expect(summary).toContainText('2 text files');
  await expect(summary).toContainText('1 skipped');
  await summary.getByRole('button', { name: '1 skipped' }).click();
  await expect(me.page.getByTestId('skipped-list')).toContainText('logo.png');
  await expect(me.page.getByLabel('Title')).toHaveValue('project');
  await me.page.getByRole('button', { name: 'Create session' }).click();

  await me.waitForEditorReady();
  await me.waitSynced();
  await expect(me.treeItem('src')).toBeVisible();
  await expect(me.treeItem('src/main.ts')).toBeVisible();
  await expect(me.treeItem('logo.png')).toHaveCount(0);
  await me.openFile('src/main.ts');
  // CRLF in the upload arrives as LF.
  await expect.poll(() => me.modelText('src/main.ts')).toBe('export const answer = 42;\n');

  // The workspace downloads as a zip with the same files.
  const [download] = await Promise.all([
    me.page.waitForEvent('download'),
    me.page.getByRole('link', { name: 'Download workspace as zip' }).click(),
  ]);
  const saved = await download.path();
  const entries = unzipSync(new Uint8Array(readFileSync(saved)));
  expect(Object.keys(entries).sort()).toEqual(['package.json', 'src/main.ts']);
  expect(strFromU8(entries['src/main.ts'])).toBe('export const answer = 42;\n');
});

test('create a session from an uploaded folder; dependencies and binaries are left out', async ({ person }) => {
  const root = join(mkdtempSync(join(tmpdir(), 'tandem-upload-')), 'webapp');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(join(root, 'src', 'index.js'), 'console.log("hi");\n');
  writeFileSync(join(root, 'README.md'), '# Web app\n');
  writeFileSync(join(root, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
  writeFileSync(join(root, 'favicon.ico'), Buffer.from([0, 0, 1, 0, 1, 0, 16, 16]));

  const me = await person('Ada');
  await me.page.goto('/');
  await me.page.getByTestId('folder-input').setInputFiles(root);
  const summary = me.page.getByTestId('upload-summary');
  await expect(summary).toContainText('2 text files');
  await expect(summary).toContainText('2 skipped');
  await me.page.getByRole('button', { name: 'Create session' }).click();

  await me.waitForEditorReady();
  await me.waitSynced();
  await expect(me.page.getByTestId('session-title')).toHaveText('webapp');
  expect((await me.treePaths()).sort()).toEqual(['README.md', 'src', 'src/index.js']);
});
