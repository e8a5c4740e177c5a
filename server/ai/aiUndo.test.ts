// Undo boundaries with the real AI peer: a person's Y.UndoManager configured as
// the browser configures it (components/editor/FileBinding.ts: scoped to the file's Y.Text,
// tracking only the person's own binding origin, 500 ms capture) undoes only what that person
// typed, even after an AI run has edited the same file around and next to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { filesOf } from '../../lib/schema.ts';
import { ask, authorsOf, createSession, fileText, joined, startAiStack, waitFinished, waitFor } from '../../testing/aiTestKit.ts';

const FILE = Array.from({ length: 12 }, (_, i) => `export function f${i}(x: number) {\n  return x + ${i};\n}\n`).join('\n');
const PATCH = '*** Begin Patch\n*** Update File: a.ts\n'
  + '@@ export function f2(x: number) {\n-  return x + 2;\n+  return x * 2;\n+  // doubled\n'
  + '@@ export function f9(x: number) {\n-  return x + 9;\n+  return x * 9;\n'
  + '*** End Patch\n';
const AI_ONLY = FILE.replace('  return x + 2;\n', '  return x * 2;\n  // doubled\n').replace('return x + 9;', 'return x * 9;');

test('a person\'s undo after an AI run removes only the person\'s edits; the AI text stays', async () => {
  const stack = await startAiStack({ rate: 2000 });
  const clients: { destroy(): void }[] = [];
  try {
    const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
    const person = await joined(session);
    const other = await joined(session);
    clients.push(person, other);
    const text = filesOf(person.doc).get('a.ts')!;
    // What y-monaco's MonacoBinding is to the browser's UndoManager: the origin of local edits.
    const binding = { kind: 'binding' };
    const undo = new Y.UndoManager(text, { trackedOrigins: new Set([binding]), captureTimeout: 500 });
    const type = (at: number, s: string) => person.doc.transact(() => text.insert(at, s), binding);

    // Typing next to the AI's future hunk (the line after f2's body), elsewhere, and a deletion.
    type(0, '// header by the person\n');
    const f3 = text.toString().indexOf('  return x + 3;');
    type(f3 + '  return x + 3'.length, ' + 100');
    await new Promise((r) => setTimeout(r, 600));
    const f6 = text.toString().indexOf('x + 6');
    person.doc.transact(() => text.delete(f6 + 1, 4), binding);
    const typed = text.toString();
    assert.ok(typed.includes(' + 100') && typed.includes('return x;\n') && typed.startsWith('// header'), typed);
    assert.ok(undo.undoStack.length >= 2, 'two undo steps recorded');

    stack.model.script({ text: 'Multiplying.', toolCall: { name: 'apply_patch', input: PATCH } });
    const res = await ask(stack.server, session, { prompt: 'multiply', file: 'a.ts' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    assert.deepEqual(run.hunks.map((h) => h.status), ['applied', 'applied']);
    await waitFor(() => fileText(person, 'a.ts')?.includes('// doubled') === true && fileText(person, 'a.ts')?.includes('x * 9') === true, 'the AI edit at the person');
    const aiStackSize = undo.undoStack.length;

    while (undo.undoStack.length > 0) undo.undo();
    assert.ok(aiStackSize >= 2);
    // Every edit of the person is gone, every edit of the AI is there, character for character.
    assert.equal(text.toString(), AI_ONLY);
    await waitFor(() => fileText(other, 'a.ts') === AI_ONLY, 'the undo reaches the other client');
    const authors = authorsOf(text);
    const star = text.toString().indexOf('x * 9');
    assert.equal(authors[star + 2], run.aiClientId, 'the AI\'s character keeps its author');
    // Redo brings back only the person's edits.
    while (undo.redoStack.length > 0) undo.redo();
    const redone = text.toString();
    assert.ok(redone.startsWith('// header by the person\n') && redone.includes('x + 3 + 100') && redone.includes('// doubled') && redone.includes('x * 9'), redone);
    undo.destroy();
  } finally {
    for (const c of clients) c.destroy();
    await stack.dispose();
  }
});
