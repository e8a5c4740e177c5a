// Ctrl+Z undoes only the person's own edits, never someone else's.
import { test, expect, startSession } from './fixtures.ts';

test('per-person undo removes only one’s own edits, and redo brings them back', async ({ request, person }) => {
  const { people: [ada, bob] } = await startSession(request, person, { title: 'Undo', files: { 'a.txt': 'middle\n' } }, [{ name: 'Ada' }, { name: 'Bob' }]);
  await ada.openFile('a.txt');
  await bob.openFile('a.txt');

  await ada.typeAtStart('ada ');
  await expect.poll(() => bob.modelText('a.txt')).toBe('ada middle\n');
  await bob.typeAtEnd('bob');
  await expect.poll(() => ada.modelText('a.txt')).toBe('ada middle\nbob');

  // Ada undoes: her text goes, Bob's (typed after hers) stays, on both screens.
  await ada.undo();
  await expect.poll(() => ada.modelText('a.txt')).toBe('middle\nbob');
  await expect.poll(() => bob.modelText('a.txt')).toBe('middle\nbob');

  // Undoing again has nothing of Ada's left: Bob's text is untouched.
  await ada.undo();
  await ada.page.waitForTimeout(300);
  await expect.poll(() => bob.modelText('a.txt')).toBe('middle\nbob');

  // Redo restores Ada's edit.
  await ada.redo();
  await expect.poll(() => bob.modelText('a.txt')).toBe('ada middle\nbob');

  // Bob's undo removes only Bob's text.
  await bob.undo();
  await expect.poll(() => ada.modelText('a.txt')).toBe('ada middle\n');
});
