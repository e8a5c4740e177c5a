// Shared Playwright helpers: sessions made through the real API, one browser context per person
// (contexts of one browser would otherwise talk over BroadcastChannel), and a page object for
// the session screen that reads editor text through Monaco's models, not the DOM.
import { test as base, expect, type Browser, type BrowserContext, type Page, type APIRequestContext } from '@playwright/test';
import type { CreateSessionResponse } from '../lib/api.ts';

export { expect };

export async function createSession(
  request: APIRequestContext,
  body: { title?: string; files?: Record<string, string> } = {},
): Promise<CreateSessionResponse> {
  const res = await request.post('/api/sessions', { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as CreateSessionResponse;
}

/** The path part of a share link (`/s/<id>#token=…`), so the test's baseURL is used. */
export function localLink(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.hash}`;
}

export class SessionPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly name: string;
  /** Console errors and uncaught exceptions seen in this page (a finished UI logs none). */
  readonly errors: string[] = [];

  constructor(context: BrowserContext, page: Page, name: string) {
    this.context = context;
    this.page = page;
    this.name = name;
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(msg.text());
    });
    page.on('pageerror', (err) => {
      // Monaco's CancellationError (its name and message are both "Canceled"): a superseded
      // request of the editor's own, which its error handler deliberately never reports; seen
      // once as an uncaught rejection while predictions were being superseded keystroke by keystroke.
      if (err.message === 'Canceled') return;
      // Monaco 0.57's inline-edit gutter marker pulses when Tab jumps to an edit, and its icon
      // element may not be rendered yet (a BugIndicatingError from its own ref helper; it skips
      // the pulse when motion is reduced). The jump and the edit work; only the pulse is lost.
      if (err.message === 'Make sure the ref is set before accessing the element. Maybe wrong initialization order?') return;
      this.errors.push(err.message);
    });
  }

  async goto(link: string): Promise<void> {
    await this.page.goto(link.startsWith('/') ? link : localLink(link));
    await this.waitForEditorReady();
  }

  /** The workspace is shown and Monaco (with its test hook) has loaded. */
  async waitForEditorReady(): Promise<void> {
    await expect(this.page.getByTestId('workspace')).toBeVisible();
    await this.page.waitForFunction(() => Boolean(window.__tandem?.monaco));
  }

  async waitSynced(): Promise<void> {
    await expect(this.status).toHaveAttribute('data-status', 'synced');
  }

  get status() {
    return this.page.getByTestId('connection-status');
  }

  treeItem(path: string) {
    return this.page.locator(`[data-testid="tree-item"][data-path="${path}"]`);
  }

  tab(path: string) {
    return this.page.locator(`[data-testid="tab"][data-path="${path}"]`);
  }

  async openFile(path: string): Promise<void> {
    await this.treeItem(path).click();
    await expect(this.tab(path)).toHaveAttribute('aria-selected', 'true');
    await expect.poll(() => this.activeModelPath()).toBe(path);
  }

  /** Puts the caret at the end of the active file and types, like a person. */
  async typeAtEnd(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }

  async typeAtStart(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('ControlOrMeta+Home');
    await this.page.keyboard.type(text);
  }

  async focusEditor(): Promise<void> {
    // The first: Monaco's inline-edit previews are editors of their own inside it.
    await this.page.locator('[data-testid="code-editor"] .view-lines').first().click();
  }

  /** Text of a file as Monaco holds it in this page (null when no model is open for it). */
  modelText(path: string): Promise<string | null> {
    return this.page.evaluate((p) => {
      const model = window.__tandem?.monaco.editor.getModels().find((m) => m.uri.path === `/${p}`);
      return model ? model.getValue() : null;
    }, path);
  }

  /** Text of a file in this page's Yjs document. */
  docText(path: string): Promise<string | null> {
    return this.page.evaluate((p) => {
      const text = window.__tandem?.doc.getMap('files').get(p) as { toString(): string } | undefined;
      return text ? text.toString() : null;
    }, path);
  }

  /**
   * How many updates this page holds in IndexedDB (what a reload offline starts from). Each of the
   * person's own edits is stored as one update as soon as IndexedDB takes it.
   */
  storedUpdates(): Promise<number> {
    return this.page.evaluate(async () => {
      let count = 0;
      for (const { name } of await indexedDB.databases()) {
        if (!name?.startsWith('tandem:')) continue;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open(name);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        try {
          if (!db.objectStoreNames.contains('updates')) continue;
          count += await new Promise<number>((resolve, reject) => {
            const req = db.transaction('updates', 'readonly').objectStore('updates').count();
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(req.error);
          });
        } finally {
          db.close();
        }
      }
      return count;
    });
  }

  activeModelPath(): Promise<string | null> {
    return this.page.evaluate(() => {
      const editors = window.__tandem?.monaco.editor.getEditors() ?? [];
      const model = editors[0]?.getModel();
      return model ? model.uri.path.slice(1) : null;
    });
  }

  treePaths(): Promise<string[]> {
    return this.page.locator('[data-testid="tree-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? ''));
  }

  presenceNames(): Promise<string[]> {
    return this.page.getByTestId('presence-avatar').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  }

  /** Names shown on remote carets in the editor (the ::after labels y-monaco's heads carry). */
  remoteCursorLabels(): Promise<string[]> {
    return this.page.locator('.yRemoteSelectionHead').evaluateAll((els) =>
      els.map((e) => getComputedStyle(e, '::after').content.replace(/^"|"$/g, '')),
    );
  }

  async undo(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('ControlOrMeta+z');
  }

  async redo(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('ControlOrMeta+Shift+z');
  }

  async screenshot(name: string): Promise<string> {
    const path = `test-results/screenshots/${name}.png`;
    await this.page.screenshot({ path });
    return path;
  }
}

/** Opens a new person: own browser context, fixed name and colour. Closed after the test. */
export type OpenPerson = (name: string, color?: string) => Promise<SessionPage>;

type Fixtures = {
  person: OpenPerson;
};

/** Who joins a session: a person's name and colour, and whether they get the view-only link. */
export interface Seat {
  name: string;
  color?: string;
  viewer?: boolean;
}

export const ADA: Seat = { name: 'Ada Lovelace', color: '#f472b6' };
export const ALAN: Seat = { name: 'Alan Turing', color: '#38bdf8' };
export const BEN: Seat = { name: 'Ben Okri', color: '#38bdf8' };

/**
 * Opens the session for each seat in its own browser context (edit link, or the view link for a
 * viewer), in order, then waits until every page is synced.
 */
export async function joinSession(person: OpenPerson, session: CreateSessionResponse, seats: Seat[]): Promise<SessionPage[]> {
  const people: SessionPage[] = [];
  for (const seat of seats) people.push(await person(seat.name, seat.color));
  for (const [i, p] of people.entries()) await p.goto(seats[i].viewer ? session.viewUrl : session.editUrl);
  for (const p of people) await p.waitSynced();
  return people;
}

/** A session made through the API and opened by `seats`, all synced. */
export async function startSession(
  request: APIRequestContext,
  person: OpenPerson,
  body: { title?: string; files?: Record<string, string> },
  seats: Seat[],
): Promise<{ session: CreateSessionResponse; people: SessionPage[] }> {
  const session = await createSession(request, body);
  return { session, people: await joinSession(person, session, seats) };
}

const COLORS = ['#f472b6', '#38bdf8', '#4ade80', '#facc15'];

export async function newPerson(browser: Browser, name: string, color: string): Promise<SessionPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
  await context.addInitScript(
    ([n, c]) => {
      if (!window.localStorage.getItem('tandem:profile')) {
        window.localStorage.setItem('tandem:profile', JSON.stringify({ name: n, color: c }));
      }
    },
    [name, color],
  );
  const page = await context.newPage();
  return new SessionPage(context, page, name);
}

export const test = base.extend<Fixtures>({
  person: async ({ browser }, use) => {
    const opened: SessionPage[] = [];
    await use(async (name, color) => {
      const p = await newPerson(browser, name, color ?? COLORS[opened.length % COLORS.length]);
      opened.push(p);
      return p;
    });
    for (const p of opened) await p.context.close();
  },
});

/** The authorship hover of a 1-based line, as text. */
export async function hoverLine(p: SessionPage, line: number): Promise<string> {
  const top = await p.page.evaluate((l) => {
    const ed = window.__tandem!.monaco.editor.getEditors()[0];
    ed.revealLineInCenter(l);
    return ed.getTopForLineNumber(l) - ed.getScrollTop();
  }, line);
  const box = (await p.page.locator('[data-testid="code-editor"] .view-lines').first().boundingBox())!;
  await p.page.mouse.move(box.x + 40, box.y + top + 10);
  const hover = p.page.locator('.monaco-hover:visible').filter({ hasText: `Line ${line} written by` });
  await expect(hover).toBeVisible();
  // Monaco adds a "Loading..." row to the same hover, 900 ms in, while another provider (the
  // TypeScript worker, slow right after a reload) has not answered: that row is not authorship.
  const text = (await hover.locator('.hover-contents').allTextContents()).filter((t) => !/^Loading/.test(t.trim())).join('');
  await p.page.mouse.move(box.x + box.width - 10, box.y + box.height - 10);
  return text;
}
