// Edits made while the collaboration socket is down are kept in IndexedDB (even across a
// reload) and merged with everyone else's when the connection comes back; the page says so
// (a banner, then a "reconnected" notice) and asks of the AI wait for the connection.
import { test, expect, startSession } from './fixtures.ts';

const COLLAB = /\/collab\//;

test('an offline person’s edits survive a reload and merge after reconnect', async ({ request, person }) => {
  const { people: [ada, bob] } = await startSession(request, person, { title: 'Offline', files: { 'log.txt': 'start\n' } }, [{ name: 'Ada' }, { name: 'Bob' }]);
  await ada.openFile('log.txt');
  await bob.openFile('log.txt');

  // Cut Ada's collaboration socket (HTTP still works, as on a flaky network) and reload.
  let offline = true;
  await ada.page.routeWebSocket(COLLAB, (ws) => {
    if (offline) ws.close();
    else ws.connectToServer();
  });
  await ada.page.reload();
  await ada.waitForEditorReady();
  await expect(ada.status).toHaveAttribute('data-status', /offline|connecting|reconnecting/);
  await expect(ada.status).toHaveAttribute('data-status', 'offline');

  await ada.openFile('log.txt');
  const stored = await ada.storedUpdates();
  const offlineText = 'ada offline\n';
  await ada.typeAtEnd(offlineText);
  await bob.typeAtStart('bob online\n');
  await expect.poll(() => ada.modelText('log.txt')).toBe('start\nada offline\n');
  await expect.poll(() => bob.modelText('log.txt')).toBe('bob online\nstart\n');

  // Reload while still offline, once the edit is stored: it comes back from IndexedDB.
  // One update per keystroke, each stored as soon as IndexedDB takes it.
  await expect.poll(() => ada.storedUpdates()).toBeGreaterThanOrEqual(stored + offlineText.length);
  await ada.page.reload();
  await ada.waitForEditorReady();
  await expect.poll(() => ada.modelText('log.txt')).toBe('start\nada offline\n');
  await expect(ada.status).not.toHaveAttribute('data-status', 'synced');

  // The page says so plainly, and the AI cannot be asked meanwhile.
  const banner = ada.page.getByTestId('connection-banner');
  await expect(banner).toHaveAttribute('data-kind', 'offline');
  await expect(banner).toContainText('Your edits are kept in this browser and will sync when the connection is back');
  await ada.page.getByTestId('ai-prompt').fill('add a comment');
  await expect(ada.page.getByTestId('ai-send')).toBeDisabled();
  await expect(ada.page.getByTestId('ai-keys')).toContainText('Offline');
  await ada.screenshot('offline-banner');

  // Back online: both edits on both screens, a notice that says so, and the AI can be asked again.
  offline = false;
  await ada.waitSynced();
  await expect(banner).toHaveAttribute('data-kind', 'reconnected');
  await expect(ada.page.getByTestId('ai-send')).toBeEnabled();
  await expect(banner).toHaveCount(0);
  const merged = 'bob online\nstart\nada offline\n';
  await expect.poll(() => ada.modelText('log.txt')).toBe(merged);
  await expect.poll(() => bob.modelText('log.txt')).toBe(merged);
});
