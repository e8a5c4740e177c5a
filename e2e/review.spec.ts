// Live review of the AI's edits: three people — A and B edit, C views.
// A asks for a three-hunk change; everyone sees it highlighted while it streams; B types inside
// hunk 2 during the stream; hunk 2 is marked mixed; A rejects it (the replaced text is back, B's
// characters stay); hunks 1 and 3 stay pending; B keeps hunk 1 and A sees it; C cannot decide
// (disabled buttons, 403 from the API); the reject is undone from the panel; a reload shows the
// same pending state and authorship. Production build, local model server as the provider.
import { test, expect, hoverLine, ADA, BEN as BEN_SEAT, type Seat, type SessionPage } from './fixtures.ts';
import { applyHunks, applyPatchText, isPaused, MODEL_NAME, releaseModel, resetModel, startSessionWithModel, waitPaused, type PatchHunk } from './aiModel.ts';

const FILE = 'src/calc.ts';
const CALC = [
  '// calc.ts: small arithmetic helpers',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function sub(a: number, b: number): number {',
  '  return a - b;',
  '}',
  '',
  'export function div(a: number, b: number): number {',
  '  return a / b;',
  '}',
  '',
].join('\n');

const LAST_LINE = '  return quotient;';
const HUNKS: PatchHunk[] = [
  { before: ['export function add(a: number, b: number): number {'], remove: ['  return a + b;'], add: ['  const sum = a + b;', '  return sum;'], after: ['}'] },
  { before: ['export function sub(a: number, b: number): number {'], remove: ['  return a - b;'], add: ['  const difference = a - b;', '  return difference;'], after: ['}'] },
  {
    before: ['export function div(a: number, b: number): number {'],
    remove: ['  return a / b;'],
    add: [
      '  // Divides, refusing a zero divisor and results that are not finite.',
      '  if (b === 0) throw new RangeError("division by zero");',
      '  if (!Number.isFinite(a)) throw new RangeError("the dividend must be finite");',
      '  if (!Number.isFinite(b)) throw new RangeError("the divisor must be finite");',
      '  const quotient = a / b;',
      '  if (!Number.isFinite(quotient)) throw new RangeError("the quotient overflowed");',
      LAST_LINE,
    ],
    after: ['}'],
  },
];
const FINAL = applyHunks(CALC, HUNKS);
/** What B types inside hunk 2 while the AI writes (no brackets or quotes: Monaco would close them). */
const BEN = ' // Ben checks this';
/** The run's result with B's characters where B typed them: at the end of hunk 2's first line. */
const FINAL_B = FINAL.replace('  const difference = a - b;\n', `  const difference = a - b;${BEN}\n`);
/**
 * Hunk 2 rejected: its replaced line is back, and B's characters stay, on a line of their own
 * (removing the AI's line would otherwise join them to the restored line).
 */
const REJECTED_B = applyHunks(CALC, [HUNKS[0], HUNKS[2]]).replace('  return a - b;\n', `${BEN}\n  return a - b;\n`);
/** The model holds right after writing hunk 2's first line, until B has typed inside it. */
const PAUSE_AT = '+  const difference = a - b;\n';

async function ask(p: SessionPage, prompt: string): Promise<void> {
  await p.page.getByTestId('ai-prompt').fill(prompt);
  await p.page.getByTestId('ai-prompt').press('ControlOrMeta+Enter');
}

/** AI characters highlighted while the run is still writing (its last line not yet there). */
async function highlightedMidStream(p: SessionPage): Promise<boolean> {
  const status = await p.page.locator('[data-testid="ai-run"]').getAttribute('data-status').catch(() => null);
  const highlighted = await p.page.locator('[data-testid="code-editor"] .tdm-ai-ins').count();
  const text = (await p.modelText(FILE)) ?? '';
  return highlighted > 0 && status === 'editing' && text !== CALC && !text.includes(LAST_LINE);
}

async function openReview(p: SessionPage): Promise<void> {
  await p.page.getByTestId('side-tab-review').click();
  await expect(p.page.getByTestId('review-panel')).toBeVisible();
}

/** Ids of the hunk bars on screen, in document order. */
function barIds(p: SessionPage): Promise<string[]> {
  return p.page.getByTestId('hunk-widget').evaluateAll((els) =>
    els
      .filter((e) => e.querySelector('[data-testid="hunk-bar"]'))
      .sort((x, y) => parseFloat((x as HTMLElement).style.top) - parseFloat((y as HTMLElement).style.top))
      .map((e) => e.getAttribute('data-hunk-id') ?? ''),
  );
}

function panelIds(p: SessionPage): Promise<string[]> {
  return p.page.getByTestId('review-hunk').evaluateAll((els) => els.map((e) => e.getAttribute('data-hunk-id') ?? ''));
}

/** Pending hunks, as every page shows them: bars in the editor and rows in the Review panel. */
async function expectPending(pages: SessionPage[], ids: string[]): Promise<void> {
  for (const p of pages) {
    await expect.poll(() => barIds(p), { message: `${p.name}: hunk bars` }).toEqual(ids);
    await expect.poll(() => panelIds(p), { message: `${p.name}: review panel` }).toEqual(ids);
  }
}

/** The file as every page's Monaco model holds it, exactly (B's characters included). */
async function expectText(pages: SessionPage[], expected: string): Promise<void> {
  expect(expected, "B's characters are part of it").toContain(BEN);
  for (const p of pages) {
    await expect.poll(() => p.modelText(FILE), { message: `${p.name}: text` }).toBe(expected);
  }
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

test.beforeEach(async ({ request }) => {
  await resetModel(request);
});

test('three people review an AI change live: mixed reject keeps a person’s typing, keep is shared, the viewer cannot decide, undo, reload', async ({ request, person }) => {
  test.setTimeout(480_000);
  const seats: Seat[] = [ADA, BEN_SEAT, { name: 'Cleo Viewer', color: '#facc15', viewer: true }];
  const { session, people: [a, b, c] } = await startSessionWithModel(request, person, { title: 'Review', files: { [FILE]: CALC } }, {
    id: 'review',
    text: 'Making the helpers explicit.',
    toolCall: { name: 'apply_patch', input: applyPatchText(FILE, HUNKS) },
    rate: 50,
    firstTokenDelayMs: 200,
    // The model stops inside hunk 2 until B has typed there: the run is mid-stream by construction.
    pauseAt: PAUSE_AT,
  }, seats);
  const everyone = [a, b, c];
  for (const p of everyone) await p.openFile(FILE);

  await ask(a, `Make the helpers explicit in ${FILE}`);

  // Everyone sees the AI's characters highlighted while the run is still writing.
  await waitPaused(request, 'review');
  await Promise.all(everyone.map((p) => expect.poll(() => highlightedMidStream(p), { intervals: [50] }).toBe(true)));
  await a.screenshot('review-streaming');

  // B types inside hunk 2 once its first line is there, while the AI is still writing.
  await expect.poll(() => b.modelText(FILE).then((t) => (t ?? '').includes('  const difference = a - b;\n')), { intervals: [25] }).toBe(true);
  await b.page.evaluate(() => {
    const ed = window.__tandem!.monaco.editor.getEditors()[0];
    const model = ed.getModel()!;
    const line = model.findMatches('const difference = a - b;', false, false, true, null, false)[0].range.startLineNumber;
    ed.setPosition({ lineNumber: line, column: model.getLineMaxColumn(line) });
    ed.focus();
  });
  await b.page.keyboard.type(BEN);
  const afterTyping = (await b.modelText(FILE)) ?? '';
  expect(afterTyping).toContain(`const difference = a - b;${BEN}`);
  expect(afterTyping, 'B typed while the AI was still writing').not.toContain(LAST_LINE);
  // B's characters reached everyone while the model was still held inside hunk 2.
  for (const p of everyone) await expect.poll(() => p.modelText(FILE).then((t) => (t ?? '').includes(`const difference = a - b;${BEN}`)), { message: `${p.name} sees B's typing` }).toBe(true);
  expect(await isPaused(request, 'review'), 'the model is still mid-run').toBe(true);
  for (const p of everyone) await expect(p.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'editing');
  await releaseModel(request, 'review');

  for (const p of everyone) await expect(p.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');
  await expectText(everyone, FINAL_B);

  // The run's three hunks, in order, from the API.
  const runId = await a.page.locator('[data-testid="ai-run"]').getAttribute('data-run-id');
  const editAuth = { authorization: `Bearer ${session.collab.editParams.token}` };
  const run = await (await request.get(`/api/sessions/${session.id}/ai/${runId}`, { headers: editAuth })).json();
  const [h1, h2, h3] = (run.hunks as { id: string }[]).map((h) => h.id);
  expect(run.hunks).toHaveLength(3);

  for (const p of everyone) await openReview(p);
  await expectPending(everyone, [h1, h2, h3]);
  await expect(a.page.getByTestId('hunk-ghost').first()).toContainText('return a + b;');
  await expect(a.page.getByTestId('review-run')).toContainText(MODEL_NAME);
  await expect(a.page.getByTestId('review-run')).toContainText('Make the helpers explicit');

  // Hunk 2 is marked mixed for everyone, in its bar and in the panel, saying what a reject keeps.
  for (const p of everyone) {
    const bar = p.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${h2}"]`);
    await expect(bar).toHaveAttribute('data-mixed', 'true');
    await expect(bar.getByTestId('hunk-mixed')).toHaveText(`mixed · reject keeps ${BEN.length} typed characters`);
    await expect(p.page.locator(`[data-testid="review-hunk"][data-hunk-id="${h2}"]`)).toContainText(`mixed · keeps ${BEN.length}`);
    for (const other of [h1, h3]) await expect(p.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${other}"]`)).toHaveAttribute('data-mixed', 'false');
    await expect(p.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${h2}"] [data-testid="hunk-reject"]`)).toBeEnabled({ enabled: p !== c });
  }
  await a.screenshot('review-mixed');

  // A rejects hunk 2: the replaced line is back, B's characters stay (on their own line), in all three editors.
  await a.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${h2}"] [data-testid="hunk-reject"]`).click();
  await expectText(everyone, REJECTED_B);
  // Hunks 1 and 3 are still pending for everyone.
  await expectPending(everyone, [h1, h3]);

  // B keeps hunk 1; A (and C) see it kept, by B, in the log.
  await b.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${h1}"] [data-testid="hunk-keep"]`).click();
  await expectPending(everyone, [h3]);
  for (const p of everyone) {
    await expect(p.page.locator('[data-testid="review-log-entry"][data-action="keep"]')).toContainText('Ben Okri kept 1 change');
    await expect(p.page.locator('[data-testid="review-log-entry"][data-action="reject"]')).toContainText('Ada Lovelace rejected 1 change');
  }
  await expectText(everyone, REJECTED_B);
  await a.screenshot('review-after-keep-reject');

  // C cannot keep or reject: every decision button is disabled, and the API refuses the view token.
  for (const id of ['hunk-keep', 'hunk-reject', 'review-run-keep', 'review-run-reject', 'review-file-keep', 'review-file-reject', 'review-undo', 'review-log-undo']) {
    await expect(c.page.getByTestId(id).first(), id).toBeDisabled();
  }
  await expect(c.page.getByTestId('hunk-keep').first()).toHaveAttribute('title', /viewing this session/);
  await expect(c.page.getByTestId('review-viewer-note')).toBeVisible();
  for (const action of ['keep', 'reject'] as const) {
    const res = await request.post(`/api/sessions/${session.id}/review`, {
      headers: { authorization: `Bearer ${session.collab.viewParams.token}` },
      data: { action, hunkIds: [h3] },
    });
    expect(res.status()).toBe(403);
  }
  await expectPending(everyone, [h3]);

  // A undoes the reject from the panel's log: hunk 2 is pending again with the AI's text, B's stays.
  await a.page.locator('[data-testid="review-log-entry"][data-action="reject"]').getByTestId('review-log-undo').click();
  await expectPending(everyone, [h2, h3]);
  await expectText(everyone, FINAL_B);
  for (const p of everyone) {
    await expect(p.page.locator('[data-testid="review-log-entry"][data-action="reject"]')).toHaveClass(/line-through/);
    await expect(p.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${h2}"]`)).toHaveAttribute('data-mixed', 'true');
  }

  // Authorship before a reload: the kept AI line, the mixed line, an original line.
  const text = (await a.modelText(FILE))!;
  const lines = { kept: lineOf(text, 'const sum = a + b;'), mixed: lineOf(text, BEN), original: 1 };
  const hovers = async (p: SessionPage) => ({
    kept: await hoverLine(p, lines.kept),
    mixed: await hoverLine(p, lines.mixed),
    original: await hoverLine(p, lines.original),
  });
  const before = await hovers(b);
  expect(before.kept).toContain('AI');
  expect(before.kept).toContain(MODEL_NAME);
  expect(before.kept).toContain('Make the helpers explicit');
  // Each line reads its own hunk's state: hunk 1 is kept while hunks 2 and 3 are pending.
  expect(before.kept).toContain('· kept');
  expect(before.kept).not.toContain('pending');
  expect(before.mixed).toContain('pending review');
  expect(before.mixed).toContain('Ben Okri');
  expect(before.mixed).toContain(MODEL_NAME);
  // The run card counts hunk 3's lines as its bar in the editor does.
  const cardCounts = ((await a.page.locator(`[data-testid="ai-hunk"][data-hunk-id="${h3}"] [data-testid="ai-hunk-lines"]`).textContent()) ?? '').match(/[+−]\d+/g)?.join(' ');
  const barCounts = (await a.page.locator(`[data-testid="hunk-widget"][data-hunk-id="${h3}"] [data-testid="hunk-bar"]`).locator('.tdm-plus, .tdm-minus').allInnerTexts()).join(' ');
  expect(cardCounts).toBe('+7 −1');
  expect(barCounts).toBe('+7 −1');
  expect(before.original).toContain('original files');
  expect(await hovers(c)).toEqual(before);

  // After reloading, B (an editor) and C (the viewer) see the same pending hunks and authorship.
  for (const p of [b, c]) {
    await p.page.reload();
    await p.waitForEditorReady();
    await p.waitSynced();
    if ((await p.activeModelPath()) !== FILE) await p.openFile(FILE);
    await openReview(p);
  }
  await expectPending(everyone, [h2, h3]);
  await expectText(everyone, FINAL_B);
  expect(await hovers(b)).toEqual(before);
  expect(await hovers(c)).toEqual(before);

  for (const p of everyone) expect(p.errors, p.name).toEqual([]);
});

test('the authorship gutter toggles from the status bar and the keyboard, one colour bar per line by author', async ({ request, person }) => {
  const turn = { text: 'Done.', toolCall: { name: 'apply_patch', input: applyPatchText(FILE, HUNKS.slice(0, 1)) }, rate: 2000 };
  const { people: [a] } = await startSessionWithModel(request, person, { title: 'Authors', files: { [FILE]: CALC } }, turn, [ADA]);
  await a.openFile(FILE);
  await a.typeAtEnd('// Ada was here\n');
  await ask(a, `Make add explicit in ${FILE}`);
  await expect(a.page.locator('[data-testid="ai-run"]')).toHaveAttribute('data-status', 'done');

  const bars = a.page.locator('[data-testid="code-editor"] .tdm-author');
  await expect(bars).toHaveCount(0);
  await a.page.getByTestId('toggle-authorship').click();
  await expect(a.page.getByTestId('toggle-authorship')).toHaveAttribute('aria-pressed', 'true');
  // Every line has a bar: the original lines grey, the AI's lines and Ada's in their colours.
  const lineCount = await a.page.evaluate(() => window.__tandem!.monaco.editor.getEditors()[0].getModel()!.getLineCount());
  await expect.poll(() => bars.count()).toBeGreaterThanOrEqual(lineCount - 1);
  await expect(a.page.locator('.tdm-author-ai')).toHaveCount(2);
  await expect(a.page.locator('.tdm-author-human')).toHaveCount(1);
  const colorOf = (cls: string) => a.page.locator(cls).first().evaluate((e) => getComputedStyle(e).backgroundImage);
  expect(await colorOf('.tdm-author-human')).toContain('rgb(244, 114, 182)');
  expect(await colorOf('.tdm-author-ai')).not.toContain('rgb(244, 114, 182)');
  // Hover still explains who wrote the line.
  const ai = await hoverLine(a, 3);
  expect(ai).toContain(MODEL_NAME);
  await a.screenshot('review-authorship-gutter');

  // The shortcut from the editor hides it again; the choice is remembered across a reload.
  await a.focusEditor();
  await a.page.keyboard.press('ControlOrMeta+Alt+g');
  await expect(bars).toHaveCount(0);
  await a.page.keyboard.press('ControlOrMeta+Alt+g');
  await expect(bars.first()).toBeVisible();
  await a.page.reload();
  await a.waitForEditorReady();
  await a.waitSynced();
  if ((await a.activeModelPath()) !== FILE) await a.openFile(FILE);
  await expect(a.page.getByTestId('toggle-authorship')).toHaveAttribute('aria-pressed', 'true');
  await expect(bars.first()).toBeVisible();
  expect(a.errors).toEqual([]);
});
