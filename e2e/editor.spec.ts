// Monaco is served from the local package with working language workers: syntax errors in
// TypeScript and JSON are found by the ts and json workers.
import { test, expect, createSession } from './fixtures.ts';

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
