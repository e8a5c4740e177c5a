// Monaco is served from the local package with working language workers: syntax errors in
// TypeScript and JSON are found by the ts and json workers.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, createSession } from './fixtures.ts';

/** Monaco's chunks in the test build: its scripts over 1 MB (nothing else comes close). */
function largeChunks(): Set<string> {
  const dir = join(import.meta.dirname, '..', '.next-test', 'static', 'chunks');
  return new Set(readdirSync(dir).filter((f) => f.endsWith('.js') && statSync(join(dir, f)).size > 1_000_000));
}

test('language workers run: syntax errors are marked in TypeScript and JSON', async ({ request, person }) => {
  const session = await createSession(request, { title: 'Workers', files: { 'a.ts': 'const ok = 1;\n', 'b.json': '{ "a": 1 }\n' } });
  const ada = await person('Ada');
  await ada.goto(session.editUrl);
  await ada.waitSynced();

  const markers = (path: string) =>
    ada.page.evaluate((p) => {
      const m = window.__tandem!.monaco;
      const model = m.editor.getModels().find((x) => x.uri.path === `/${p}`);
      return model ? m.editor.getModelMarkers({ resource: model.uri }).length : -1;
    }, path);

  await ada.openFile('a.ts');
  await expect(ada.page.getByTestId('status-language')).toHaveText('TypeScript');
  await expect.poll(() => markers('a.ts')).toBe(0);
  await ada.typeAtEnd('const = ;');
  await expect.poll(() => markers('a.ts')).toBeGreaterThan(0);

  await ada.openFile('b.json');
  await expect(ada.page.getByTestId('status-language')).toHaveText('JSON');
  await ada.typeAtStart('{{');
  await expect.poll(() => markers('b.json')).toBeGreaterThan(0);
  expect(ada.errors).toEqual([]);
});

test('a language worker whose script fails to load is started again, and its features work', async ({ request, person }) => {
  const session = await createSession(request, { title: 'Worker retry', files: { 'a.ts': 'const ok = 1;\n' } });
  const ada = await person('Ada');
  // The first two worker scripts fetched (the editor's and TypeScript's, each through the
  // bundler's worker entry) fail to load: a network blip, a proxy reset.
  let fetches = 0;
  await ada.context.route('**/turbopack-worker-*.js', (route) => (++fetches <= 2 ? route.abort('connectionreset') : route.continue()));
  await ada.goto(session.editUrl);
  await ada.waitSynced();
  await ada.openFile('a.ts');
  await ada.typeAtEnd('const = ;');
  await expect
    .poll(() => ada.page.evaluate(() => {
      const m = window.__tandem!.monaco;
      const model = m.editor.getModels().find((x) => x.uri.path === '/a.ts')!;
      return m.editor.getModelMarkers({ resource: model.uri }).length;
    }), { timeout: 20_000 })
    .toBeGreaterThan(0);
  expect(fetches).toBeGreaterThanOrEqual(3);
  // The failed fetch itself is the only thing reported.
  expect(ada.errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_RESET/.test(e))).toEqual([]);
});

test('the editor’s code that fails to load is fetched again, automatically and then from “Try again”', async ({ request, person }) => {
  const session = await createSession(request, { title: 'Editor retry', files: { 'a.ts': 'const ok = 1;\n' } });
  const ada = await person('Ada');
  // Monaco's own chunk (the one large script) fails to load for a while: every automatic try
  // (the bundler fetches a failed chunk twice per try) fails, then the network is back.
  let failing = true;
  let monacoFetches = 0;
  const large = largeChunks();
  await ada.context.route('**/_next/static/chunks/*.js', (route) => {
    if (!large.has(new URL(route.request().url()).pathname.split('/').pop()!)) return route.continue();
    monacoFetches++;
    return failing ? route.abort('connectionreset') : route.continue();
  });
  await ada.page.goto(new URL(session.editUrl).pathname + new URL(session.editUrl).hash);
  const failed = ada.page.getByTestId('editor-load-failed');
  await expect(failed).toBeVisible({ timeout: 30_000 });
  expect(monacoFetches).toBeGreaterThanOrEqual(6);
  await expect(failed).toContainText('Your files are safe');
  await ada.screenshot('editor-load-failed');
  failing = false;
  await ada.page.getByTestId('editor-load-retry').click();
  await ada.waitForEditorReady();
  await ada.openFile('a.ts');
  await expect.poll(() => ada.modelText('a.ts')).toBe('const ok = 1;\n');
});
