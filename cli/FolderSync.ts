// Keeps a local folder and a session's document in step, both ways, live. For each file it
// remembers the text both sides last agreed on (the base). When either side changes, the file is
// reconciled against that base: only the folder changed → the document gets a minimal diff of
// it; only the document changed → the file is rewritten atomically; both changed → the two edits
// are merged through the CRDT (mergeText.ts) and the result goes to both. A file deleted on one
// side while the other changed it is kept, never lost. All of the document's changes from one
// batch are one transaction, so a rename in the folder is a rename in the session too.
import { relative, sep } from 'node:path';
import * as Y from 'yjs';
import { watch, type FSWatcher } from 'chokidar';
import { filesOf } from '../lib/schema.ts';
import { FOLDER_ORIGIN } from '../lib/origins.ts';
import { writeMinimal } from '../lib/history/restoreFiles.ts';
import type { FolderRules } from './folderRules.ts';
import { readDisk, removeIfUnchanged, textOf, writeIfUnchanged, type DiskState } from './diskFiles.ts';
import { mergeText } from './mergeText.ts';

/** Changes within this long are taken together (a save of several files, a rename). */
const BATCH_MS = 30;

export type SyncNote =
  | { kind: 'up' | 'down' | 'merged' | 'deleted-up' | 'deleted-down'; path: string }
  | { kind: 'kept'; path: string; why: string }
  | { kind: 'skipped'; path: string; why: string }
  | { kind: 'error'; message: string };

/** What one reconcile decided for the folder, carried out after the document's transaction. */
type DiskAction =
  | { op: 'write'; path: string; text: string; expected: string | null; base: string }
  | { op: 'remove'; path: string; expected: string };

export class FolderSync {
  private readonly root: string;
  private readonly doc: Y.Doc;
  private readonly rules: FolderRules;
  private readonly note: (n: SyncNote) => void;
  private readonly base = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly skippedOnce = new Set<string>();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(root: string, doc: Y.Doc, rules: FolderRules, note: (n: SyncNote) => void) {
    this.root = root;
    this.doc = doc;
    this.rules = rules;
    this.note = note;
  }

  /** Files known to be the same in the folder and in the document (what was just shared or pulled). */
  adopt(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) this.base.set(path, text);
  }

  /** Starts watching; `alsoCheck` are folder files to reconcile at once (the watcher reports only changes). */
  async start(alsoCheck: Iterable<string> = []): Promise<void> {
    filesOf(this.doc).observeDeep(this.onDoc);
    const watcher = watch(this.root, {
      ignoreInitial: true,
      ignored: (abs, stats) => this.rules.ignores(this.rel(abs), stats?.isDirectory() ?? false),
      awaitWriteFinish: { stabilityThreshold: 60, pollInterval: 20 },
    });
    this.watcher = watcher;
    watcher.on('add', (abs) => this.onDisk(abs));
    watcher.on('change', (abs) => this.onDisk(abs));
    watcher.on('unlink', (abs) => this.onDisk(abs));
    watcher.on('unlinkDir', (abs) => {
      const dir = `${this.rel(abs)}/`;
      for (const path of this.base.keys()) if (path.startsWith(dir)) this.dirty.add(path);
      this.schedule();
    });
    watcher.on('error', (err) => this.note({ kind: 'error', message: `watching the folder: ${(err as Error).message}` }));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    // Whatever changed between the share and the watch starting.
    for (const path of new Set([...this.base.keys(), ...filesOf(this.doc).keys(), ...alsoCheck])) this.dirty.add(path);
    this.schedule();
  }

  /** Stops watching after the work in hand is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    filesOf(this.doc).unobserveDeep(this.onDoc);
    await this.watcher?.close();
    await this.work;
  }

  /** Resolves once every change seen so far has been reconciled. */
  async settled(): Promise<void> {
    while (this.timer || this.dirty.size > 0) {
      await new Promise((r) => setTimeout(r, BATCH_MS));
      await this.work;
    }
    await this.work;
  }

  private rel(abs: string): string {
    return relative(this.root, abs).split(sep).join('/');
  }

  private onDisk(abs: string): void {
    const path = this.rel(abs);
    if (path.endsWith('.gitignore')) this.rules.load(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
    this.dirty.add(path);
    this.schedule();
  }

  private onDoc = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction): void => {
    if (tr.origin === FOLDER_ORIGIN) return;
    const files = filesOf(this.doc);
    for (const event of events) {
      if (event.target === (files as unknown)) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) this.dirty.add(key);
      else if (typeof event.path[0] === 'string') this.dirty.add(event.path[0]);
    }
    this.schedule();
  };

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.work = this.work.then(() => this.syncBatch()).catch((err) => this.note({ kind: 'error', message: (err as Error).message }));
    }, BATCH_MS);
  }

  private async syncBatch(): Promise<void> {
    const paths = Array.from(this.dirty).sort();
    this.dirty.clear();
    const disk = new Map<string, DiskState>();
    for (const path of paths) {
      if (this.rules.ignores(path, false)) continue;
      disk.set(path, await readDisk(this.root, path));
    }
    const actions: DiskAction[] = [];
    this.doc.transact(() => {
      for (const [path, state] of disk) this.reconcile(path, state, actions);
    }, FOLDER_ORIGIN);
    for (const action of actions) {
      const done = action.op === 'write'
        ? await writeIfUnchanged(this.root, action.path, action.text, action.expected)
        : await removeIfUnchanged(this.root, action.path, action.expected);
      if (done) {
        if (action.op === 'write') this.base.set(action.path, action.text);
        else this.base.delete(action.path);
      } else {
        // Saved again meanwhile: what the merge was based on is the base; the new save is reconciled next.
        if (action.op === 'write') this.base.set(action.path, action.base);
        this.dirty.add(action.path);
        this.schedule();
      }
    }
  }

  /** One file: decides from the base, the folder and the document; changes the document here. */
  private reconcile(path: string, state: DiskState, actions: DiskAction[]): void {
    const onDisk = textOf(state);
    if (onDisk === undefined) {
      if (!this.skippedOnce.has(path)) this.note({ kind: 'skipped', path, why: state.kind === 'binary' ? 'not text' : state.kind === 'large' ? 'too large' : 'not a workspace path' });
      this.skippedOnce.add(path);
      return;
    }
    const files = filesOf(this.doc);
    const ytext = files.get(path);
    const inDoc = ytext instanceof Y.Text ? ytext.toString() : null;
    const base = this.base.get(path) ?? null;
    if (onDisk === inDoc) {
      if (onDisk === null) this.base.delete(path);
      else this.base.set(path, onDisk);
      return;
    }
    const setDoc = (text: string) => {
      if (ytext instanceof Y.Text) writeMinimal(ytext, text);
      else files.set(path, new Y.Text(text));
    };
    if (onDisk === base) {
      // Only the session changed.
      if (inDoc === null) actions.push({ op: 'remove', path, expected: onDisk! });
      else actions.push({ op: 'write', path, text: inDoc, expected: onDisk, base: onDisk ?? inDoc });
      this.note({ kind: inDoc === null ? 'deleted-down' : 'down', path });
    } else if (inDoc === base) {
      // Only the folder changed.
      if (onDisk === null) {
        files.delete(path);
        this.base.delete(path);
        this.note({ kind: 'deleted-up', path });
      } else {
        setDoc(onDisk);
        this.base.set(path, onDisk);
        this.note({ kind: 'up', path });
      }
    } else if (onDisk === null) {
      // Deleted here, changed in the session: the session's text stays, and comes back here.
      actions.push({ op: 'write', path, text: inDoc!, expected: null, base: inDoc! });
      this.note({ kind: 'kept', path, why: 'it was changed in the session after it was deleted here' });
    } else if (inDoc === null) {
      // Deleted in the session, changed here: it goes back into the session.
      setDoc(onDisk);
      this.base.set(path, onDisk);
      this.note({ kind: 'kept', path, why: 'it was changed here after it was deleted in the session' });
    } else {
      const merged = mergeText(base ?? '', onDisk, inDoc);
      setDoc(merged);
      actions.push({ op: 'write', path, text: merged, expected: onDisk, base: onDisk });
      this.note({ kind: 'merged', path });
    }
  }
}
