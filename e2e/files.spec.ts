// File and folder create / rename / delete in one browser are seen in the other; deleting asks
// first, can be undone from a notice, and whoever had the file open is told who deleted it.
import { test, expect, startSession } from './fixtures.ts';

test('file create, rename and delete are seen by the other person', async ({ request, person }) => {
  const { people: [ada, bob] } = await startSession(request, person, { title: 'Files', files: { 'index.js': 'console.log(1);\n' } }, [{ name: 'Ada' }, { name: 'Bob' }]);

  // Create a file through the explorer's "New file" button and type into it.
  await ada.page.getByRole('button', { name: 'New file' }).click();
  await ada.page.getByTestId('tree-name-input').fill('notes.md');
  await ada.page.getByTestId('tree-name-input').press('Enter');
  await expect(ada.tab('notes.md')).toHaveAttribute('aria-selected', 'true');
  await ada.typeAtEnd('hello from ada');
  await expect(bob.treeItem('notes.md')).toBeVisible();
  await bob.openFile('notes.md');
  await expect.poll(() => bob.modelText('notes.md')).toBe('hello from ada');

  // Create a folder from the context menu, then a file in it.
  await ada.page.getByRole('tree').click({ button: 'right', position: { x: 40, y: 200 } });
  await ada.page.getByRole('menuitem', { name: 'New folder' }).click();
  await ada.page.getByTestId('tree-name-input').fill('docs');
  await ada.page.getByTestId('tree-name-input').press('Enter');
  await expect(bob.treeItem('docs')).toHaveAttribute('data-kind', 'folder');

  // Rename with F2: Bob's open tab follows the new name and keeps the content.
  await ada.treeItem('notes.md').click();
  await ada.page.keyboard.press('F2');
  await ada.page.getByTestId('tree-name-input').fill('docs/guide.md');
  await ada.page.getByTestId('tree-name-input').press('Enter');
  await expect(bob.treeItem('docs/guide.md')).toBeVisible();
  await expect(bob.treeItem('notes.md')).toHaveCount(0);
  await expect(bob.tab('docs/guide.md')).toBeVisible();
  await expect.poll(() => bob.modelText('docs/guide.md')).toBe('hello from ada');
  await expect.poll(() => bob.docText('notes.md')).toBeNull();

  // Bob keeps typing in the renamed file; Ada sees it.
  await bob.openFile('docs/guide.md');
  await bob.typeAtEnd('!');
  await ada.openFile('docs/guide.md');
  await expect.poll(() => ada.modelText('docs/guide.md')).toBe('hello from ada!');

  // Delete with the Delete key asks first; Esc keeps the file.
  await ada.treeItem('docs/guide.md').click();
  await ada.page.keyboard.press('Delete');
  const dialog = ada.page.getByTestId('delete-dialog');
  await expect(dialog).toContainText('Delete docs/guide.md?');
  await ada.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await ada.docText('docs/guide.md')).toBe('hello from ada!');

  // Asked again, Enter deletes: gone for both, Bob's tab closes and he is told who deleted it.
  await ada.treeItem('docs/guide.md').click();
  await ada.page.keyboard.press('Delete');
  await expect(dialog).toBeVisible();
  await ada.screenshot('delete-dialog');
  await ada.page.keyboard.press('Enter');
  await expect(bob.treeItem('docs/guide.md')).toHaveCount(0);
  await expect(bob.tab('docs/guide.md')).toHaveCount(0);
  await expect.poll(() => bob.docText('docs/guide.md')).toBeNull();
  await expect(bob.page.getByTestId('deleted-by-other')).toContainText('Ada deleted docs/guide.md, which you had open.');
  await bob.screenshot('deleted-by-other');

  // The notice's Undo brings it back for everyone, with its text.
  const notice = ada.page.getByTestId('delete-notice');
  await expect(notice).toContainText('Deleted docs/guide.md');
  await ada.screenshot('delete-undo-notice');
  await ada.page.getByTestId('delete-undo').click();
  await expect(notice).toHaveCount(0);
  await expect(bob.treeItem('docs/guide.md')).toBeVisible();
  await expect.poll(() => bob.docText('docs/guide.md')).toBe('hello from ada!');
  await expect(ada.tab('docs/guide.md')).toHaveAttribute('aria-selected', 'true');

  // Deleting the folder from its hover button says how many files go, and removes it for Bob too.
  await ada.treeItem('docs').hover();
  await ada.page.getByRole('button', { name: 'Delete docs' }).click();
  await expect(dialog).toContainText('Delete folder docs?');
  await expect(dialog).toContainText('Its 1 file will be deleted for everyone');
  await ada.page.getByTestId('delete-confirm').click();
  await expect(bob.treeItem('docs')).toHaveCount(0);
  expect(await bob.treePaths()).toEqual(['index.js']);
  expect(ada.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
