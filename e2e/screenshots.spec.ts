// Screenshots of the session page with two people, for review by eye (test-results/screenshots).
import { test, expect, startSession, ADA, ALAN } from './fixtures.ts';

const FILES = {
  'src/server.ts': [
    "import { createServer } from 'node:http';",
    "import { route } from './router.ts';",
    '',
    'const port = Number(process.env.PORT ?? 3000);',
    '',
    'export const server = createServer(async (req, res) => {',
    '  const handler = route(req.method ?? "GET", req.url ?? "/");',
    '  if (!handler) {',
    '    res.writeHead(404).end();',
    '    return;',
    '  }',
    '  await handler(req, res);',
    '});',
    '',
    'server.listen(port, () => console.log(`listening on ${port}`));',
    '',
  ].join('\n'),
  'src/router.ts': "export function route(method: string, url: string) {\n  return null;\n}\n",
  'src/styles/app.css': 'body {\n  margin: 0;\n}\n',
  'package.json': '{\n  "name": "demo",\n  "type": "module"\n}\n',
  'README.md': '# Demo service\n',
};

test('session page with two people', async ({ request, person }) => {
  const { session, people: [ada, alan] } = await startSession(request, person, { title: 'Demo service', files: FILES }, [ADA, ALAN]);
  await ada.openFile('README.md');
  await ada.openFile('src/server.ts');
  await alan.openFile('src/router.ts');
  await alan.openFile('src/server.ts');

  await ada.focusEditor();
  await ada.page.keyboard.press('ControlOrMeta+Home');
  for (let i = 0; i < 6; i++) await ada.page.keyboard.press('ArrowDown');
  await ada.page.keyboard.press('End');
  await ada.page.keyboard.type('\n  // TODO: log every request');
  await alan.focusEditor();
  await alan.page.keyboard.press('ControlOrMeta+Home');
  await alan.page.keyboard.press('ArrowDown');
  await alan.page.keyboard.press('ArrowDown');
  await alan.page.keyboard.press('ArrowDown');
  await alan.page.keyboard.press('Shift+End');

  await expect.poll(() => ada.remoteCursorLabels()).toContain('Alan Turing');
  await expect.poll(() => alan.remoteCursorLabels()).toContain('Ada Lovelace');
  await ada.page.mouse.move(0, 0);
  await ada.screenshot('session-ada');
  await alan.screenshot('session-alan');

  await ada.page.getByRole('button', { name: 'Share' }).click();
  await ada.screenshot('share-dialog');
  await ada.page.keyboard.press('Escape');

  const viewer = await person('Grace Hopper', '#4ade80');
  await viewer.goto(session.viewUrl);
  await viewer.waitSynced();
  await viewer.openFile('src/server.ts');
  await expect.poll(() => viewer.remoteCursorLabels()).toContain('Ada Lovelace');
  await viewer.screenshot('session-viewer');

  await ada.page.goto('/');
  await ada.screenshot('home');

  await ada.page.goto(`/s/${session.id}#token=not-a-real-token`);
  await expect(ada.page.getByTestId('session-error')).toBeVisible();
  await ada.screenshot('error-bad-token');
});
