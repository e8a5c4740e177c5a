// Choosing the model per request: the server offers a second model; Ada picks it in the AI
// panel and asks; both threads show which model the run went to; her next ask, back on the
// default, shows the default.
import { test, expect } from './fixtures.ts';
import { MODEL_NAME, resetModel, scriptModel, startSessionWithModel } from './aiModel.ts';

const FILE = 'src/plan.ts';
const PLANNER = 'tandem-e2e-planner';

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('a person picks the model for a request; the thread shows the model each run went to', async ({ request, person }) => {
  const { people: [ada, ben] } = await startSessionWithModel(request, person, { title: 'Models', files: { [FILE]: 'export const steps = [];\n' } }, { text: 'Here is a plan.' });
  await scriptModel(request, { text: 'Done on the default.' });
  await ada.openFile(FILE);
  const select = ada.page.getByTestId('ai-model-select');
  await expect(select).toHaveValue(MODEL_NAME);
  await expect(select.locator('option')).toHaveText([MODEL_NAME, PLANNER]);
  await select.selectOption(PLANNER);
  await ada.page.getByTestId('ai-prompt').fill('Plan the steps');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  for (const p of [ada, ben]) {
    const run = p.page.locator('[data-testid="ai-run"]').first();
    await expect(run).toHaveAttribute('data-status', 'done');
    await expect(run.getByTestId('ai-run-model')).toHaveText(PLANNER);
  }
  await ada.screenshot('ai-model-choice');

  await select.selectOption(MODEL_NAME);
  await ada.page.getByTestId('ai-prompt').fill('Now the default');
  await ada.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
  for (const p of [ada, ben]) {
    const runs = p.page.locator('[data-testid="ai-run"]');
    await expect(runs).toHaveCount(2);
    await expect(runs.nth(1)).toHaveAttribute('data-status', 'done');
    await expect(runs.nth(1).getByTestId('ai-run-model')).toHaveText(MODEL_NAME);
  }
  expect(ada.errors).toEqual([]);
  expect(ben.errors).toEqual([]);
});
