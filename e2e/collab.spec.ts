// Two people in one session: text, named cursors and presence flow both ways; a reload loses
// nothing.
import { test, expect, createSession, startSession, ADA, ALAN } from './fixtures.ts';

const SEED = { 'src/app.ts': 'export function greet(name: string) {\n  return `Hello ${name}`;\n}\n', 'README.md': '# Demo\n' };

test('two people co-edit a file and see each other’s text, named cursors and presence', async ({ request, person }) => {
  const { people: [ada, alan] } = await startSession(request, person, { title: 'Pairing', files: SEED }, [ADA, ALAN]);
  await expect(ada.page.getByTestId('session-title')).toHaveText('Pairing');

  await ada.openFile('src/app.ts');
  await alan.openFile('src/app.ts');

  await ada.typeAtEnd('// from Ada\n');
  await alan.typeAtStart('// from Alan\n');

  const expected = '// from Alan\n' + SEED['src/app.ts'] + '// from Ada\n';
  await expect.poll(() => ada.modelText('src/app.ts')).toBe(expected);
  await expect.poll(() => alan.modelText('src/app.ts')).toBe(expected);

  // Presence: each sees both names, and the other as an editor.
  await expect.poll(async () => (await ada.presenceNames()).sort()).toEqual(['Ada Lovelace', 'Alan Turing']);
  await expect.poll(async () => (await alan.presenceNames()).sort()).toEqual(['Ada Lovelace', 'Alan Turing']);

  // Named remote cursors: each editor shows the other person's caret with their name.
  await expect.poll(() => alan.remoteCursorLabels()).toContain('Ada Lovelace');
  await expect.poll(() => ada.remoteCursorLabels()).toContain('Alan Turing');

  // The status bar names the language from the file's extension.
  await expect(alan.page.getByTestId('status-language')).toHaveText('TypeScript');
  // Renaming oneself shows up for the other person, on the avatar and on the caret label.
  await ada.page.getByTestId('name-chip').click();
  await ada.page.getByLabel('Your name').fill('Countess Ada');
  await ada.page.getByLabel('Your name').press('Enter');
  await expect.poll(async () => (await alan.presenceNames()).sort()).toEqual(['Alan Turing', 'Countess Ada']);
  await expect.poll(() => alan.remoteCursorLabels()).toContain('Countess Ada');

  // Monaco, its workers and the icon all loaded without a console error.
  expect(ada.errors).toEqual([]);
  expect(alan.errors).toEqual([]);
});

test('reloading keeps every edit, for the writer and for a newcomer', async ({ request, person }) => {
  const session = await createSession(request, { title: 'Reload', files: SEED });
  const ada = await person('Ada');
  await ada.goto(session.editUrl);
  await ada.waitSynced();
  await ada.openFile('README.md');
  await ada.typeAtEnd('Kept after reload.\n');
  await expect.poll(() => ada.docText('README.md')).toBe('# Demo\nKept after reload.\n');

  await ada.page.reload();
  await ada.waitForEditorReady();
  await ada.waitSynced();
  // The tab that was open comes back with its content.
  await expect.poll(() => ada.modelText('README.md')).toBe('# Demo\nKept after reload.\n');

  const grace = await person('Grace');
  await grace.goto(session.editUrl);
  await grace.waitSynced();
  await grace.openFile('README.md');
  await expect.poll(() => grace.modelText('README.md')).toBe('# Demo\nKept after reload.\n');
});
