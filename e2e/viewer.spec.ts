// A view-only link shows the text live, but nothing a viewer does changes the document.
import { test, expect, startSession } from './fixtures.ts';

test('a viewer sees edits live but typing changes nothing anywhere', async ({ request, person }) => {
  const seats = [{ name: 'Editor' }, { name: 'Viewer', viewer: true }];
  const { session, people: [editor, viewer] } = await startSession(request, person, { title: 'Demo', files: { 'main.py': 'print("hi")\n' } }, seats);
  await expect(viewer.page.getByTestId('status-role')).toHaveText('View only');
  await expect(viewer.page.getByRole('button', { name: 'New file' })).toHaveCount(0);

  await editor.openFile('main.py');
  await viewer.openFile('main.py');
  await editor.typeAtEnd('print("live")\n');
  await expect.poll(() => viewer.modelText('main.py')).toBe('print("hi")\nprint("live")\n');

  // Typing in the read-only editor does nothing locally...
  await viewer.typeAtEnd('hacked');
  await expect.poll(() => viewer.modelText('main.py')).toBe('print("hi")\nprint("live")\n');

  // ...and a write forced into the viewer's document (bypassing the UI) is dropped by the server.
  await viewer.page.evaluate(() => {
    const doc = window.__tandem!.doc;
    const text = doc.getMap('files').get('main.py') as unknown as { insert(i: number, s: string): void };
    doc.transact(() => text.insert(0, 'FORGED '));
  });
  await editor.typeAtEnd('# after\n');
  const final = 'print("hi")\nprint("live")\n# after\n';
  await expect.poll(() => viewer.docText('main.py')).toContain('# after');
  await expect.poll(() => editor.modelText('main.py')).toBe(final);

  // A newcomer sees the editor's text and none of the viewer's.
  const late = await person('Late');
  await late.goto(session.editUrl);
  await late.waitSynced();
  await late.openFile('main.py');
  await expect.poll(() => late.modelText('main.py')).toBe(final);

  // The editor sees the viewer's presence, marked as a viewer.
  await expect(editor.page.locator('[data-testid="presence-avatar"][data-name="Viewer"]')).toHaveAttribute('data-role', 'view');
});
