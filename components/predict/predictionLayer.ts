'use client';
// Edit predictions in the typist's own editor: Monaco's inline suggestions (ghost text; Tab
// accepts, Esc dismisses, typing through a suggestion keeps it) fed by the server's prediction
// endpoint, asked on the collab socket when it is open (predictionSocket.ts), else by HTTP. Monaco
// cancels the request of a keystroke that a newer one supersedes; the request is cancelled with
// it, and the server aborts its upstream request when the newer one (or the cancel) arrives. A typed
// character starts its request at once (Monaco calls providers a frame or so after the change);
// the provider call for that same version and caret then takes the request in flight.
// Nothing reaches the shared document until the person accepts: then Monaco inserts the text in
// their editor and the binding writes it as their own edit.
import * as Y from 'yjs';
import type { editor as MonacoEditor, IDisposable, languages } from 'monaco-editor';
import { acceptedPredictionsOf } from '@/lib/schema.ts';
import { PREDICTION_ORIGIN } from '@/lib/origins.ts';
import { predictEdit } from '@/components/shared/serverApi.ts';
import type { PredictionSocket } from './predictionSocket.ts';
import type { PredictResponse } from '@/lib/api.ts';
import type { EditorLayerFactory } from '@/components/editor/EditorLayer.ts';

export interface PredictionOptions {
  sessionId: string;
  token: string;
  /** Read on every keystroke: the status bar's toggle. */
  enabled: () => boolean;
  /** Predictions are off on the server, or it refused (read-only): stop asking. */
  onUnavailable?: (reason: string) => void;
  /** The collab socket's prediction channel; requests go by HTTP while it is not open. */
  socket?: () => PredictionSocket | null;
}

/**
 * How long a keystroke waits before asking (a newer keystroke within it asks instead): a few ms
 * while the model answers faster than the person types, so the answer can land before the next
 * key; when it answers slower, a request started at once would only be superseded, so it waits
 * for a pause longer than the person's usual gap between keys.
 */
const MIN_DEBOUNCE_MS = 8;
const MAX_DEBOUNCE_MS = 250;
/** Weight of the newest sample in the running averages. */
const EMA = 0.3;

class Pacing {
  private lastKeyAt = 0;
  /** Running average of the gap between keystrokes, and of the time an answer takes. */
  private gapMs = 200;
  private answerMs = 0;
  private version = -1;

  /** Counts a keystroke (once per model version) and returns how long its request waits. */
  keystroke(now: number, version: number): number {
    if (version !== this.version) {
      this.version = version;
      if (this.lastKeyAt > 0) {
        const gap = now - this.lastKeyAt;
        // A long pause is not typing speed.
        if (gap < 2000) this.gapMs += EMA * (gap - this.gapMs);
      }
      this.lastKeyAt = now;
    }
    return this.answerMs <= this.gapMs ? MIN_DEBOUNCE_MS : Math.min(MAX_DEBOUNCE_MS, this.gapMs * 1.2);
  }

  /** The model answers within the person's usual gap between keys: ask at every key. */
  answersFast(): boolean {
    return this.answerMs <= this.gapMs;
  }

  answered(ms: number): void {
    this.answerMs = this.answerMs === 0 ? ms : this.answerMs + EMA * (ms - this.answerMs);
  }

  /** A request superseded after `ms`: its answer would have taken at least that long. */
  unanswered(ms: number): void {
    if (ms > this.answerMs) this.answered(ms);
  }
}

const ACCEPT_COMMAND = 'tandem.predictionAccepted';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** A request started for one version of the model and one caret position. */
interface Asked {
  version: number;
  line: number;
  column: number;
  askedAt: number;
  abort: AbortController;
  answer: Promise<PredictResponse>;
}

export function predictionLayer(options: PredictionOptions): EditorLayerFactory {
  return (monaco, editor, doc) => {
    let unavailable = false;
    const pacing = new Pacing();
    const disposables: IDisposable[] = [];
    let asked: Asked | null = null;
    const ask = (model: MonacoEditor.ITextModel, line: number, column: number): Asked => {
      asked?.abort.abort();
      const abort = new AbortController();
      const file = model.uri.path.slice(1);
      const socket = options.socket?.();
      const answer = socket?.open
        ? socket.ask({ file, cursor: { line, column }, clock: Y.getState(doc.store, doc.clientID) }, abort.signal)
        : predictEdit(
        options.sessionId,
        options.token,
        {
          file,
          cursor: { line, column },
          requestedBy: { clientId: doc.clientID },
          // This page's own changes are what the prediction must see (the keystroke among them).
          stateVector: toBase64(Y.encodeStateVector(new Map([[doc.clientID, Y.getState(doc.store, doc.clientID)]]))),
        },
        abort.signal,
      );
      // Whoever takes it handles a failure; one nobody took must not surface as unhandled.
      answer.catch(() => {});
      return (asked = { version: model.getVersionId(), line, column, askedAt: performance.now(), abort, answer });
    };
    const usable = (model: MonacoEditor.ITextModel) => !unavailable && options.enabled() && model === editor.getModel() && model.uri.scheme === 'tandem';
    // A typed character asks at once when the model answers faster than the person types (the
    // pacing's shortest wait); otherwise the provider call below waits as the pacing says. Typed
    // here means: one insertion right after a key went down in this editor (a collaborator's
    // edit arriving through the binding is not this person typing).
    let keyAt = Number.NEGATIVE_INFINITY;
    disposables.push(editor.onKeyDown(() => void (keyAt = performance.now())));
    // Listened to on the model itself, not the editor: the editor's event comes after Monaco has
    // updated its view for the change (measured: ~1.5 ms later on a keystroke). The binding's
    // listener was registered on the model when it was created, so the keystroke's update has
    // gone out on the socket before this asks.
    const onContent = (model: MonacoEditor.ITextModel, e: MonacoEditor.IModelContentChangedEvent) => {
      if (model !== editor.getModel() || e.isFlush || e.changes.length !== 1 || performance.now() - keyAt > 100 || !usable(model) || !pacing.answersFast()) return;
      const [c] = e.changes;
      if (c.rangeLength !== 0 || c.text.length === 0) return;
      const end = model.getPositionAt(c.rangeOffset + c.text.length);
      pacing.keystroke(performance.now(), e.versionId);
      ask(model, end.lineNumber, end.column);
    };
    let modelListener: IDisposable | null = null;
    const follow = () => {
      modelListener?.dispose();
      const model = editor.getModel();
      modelListener = model ? model.onDidChangeContent((e) => onContent(model, e)) : null;
    };
    follow();
    disposables.push(editor.onDidChangeModel(follow), { dispose: () => modelListener?.dispose() });
    // The clocks of this client's last local change: accepting inserts the text in one
    // transaction, and its items are what the record names.
    let lastLocal: { from: number; to: number } | null = null;
    const onTransaction = (tr: Y.Transaction) => {
      if (!tr.local || tr.origin === PREDICTION_ORIGIN) return;
      const from = tr.beforeState.get(doc.clientID) ?? 0;
      const to = tr.afterState.get(doc.clientID) ?? 0;
      if (to > from) lastLocal = { from, to };
    };
    doc.on('afterTransaction', onTransaction);
    disposables.push({ dispose: () => doc.off('afterTransaction', onTransaction) });
    disposables.push(
      monaco.editor.registerCommand(ACCEPT_COMMAND, (_accessor, model: string) => {
        const written = lastLocal;
        if (!written) return;
        const length = written.to - written.from;
        // Recorded in the document: everyone's authorship hover says "predicted by, accepted by".
        doc.transact(() => acceptedPredictionsOf(doc).set(`${doc.clientID}:${written.from}`, { client: doc.clientID, clock: written.from, length, model }), PREDICTION_ORIGIN);
      }),
    );
    const provider: languages.InlineCompletionsProvider = {
      // Monaco waits 75 ms before calling a provider unless it says otherwise; the pacing above is
      // this provider's own wait (measured: that default was most of keystroke → ghost text).
      debounceDelayMs: 0,
      async provideInlineCompletions(model: MonacoEditor.ITextModel, position, _context, token) {
        if (!usable(model)) return { items: [] };
        const version = model.getVersionId();
        let request = asked;
        if (!request || request.version !== version || request.line !== position.lineNumber || request.column !== position.column || request.abort.signal.aborted) {
          await new Promise((r) => setTimeout(r, pacing.keystroke(performance.now(), version)));
          if (token.isCancellationRequested) return { items: [] };
          request = ask(model, position.lineNumber, position.column);
        }
        const { abort, askedAt } = request;
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          const answer = await request.answer;
          if (answer.source === 'model') pacing.answered(performance.now() - askedAt);
          const p = answer.prediction;
          if (!p || token.isCancellationRequested || model.getVersionId() !== version) return { items: [] };
          const range = new monaco.Range(p.range.startLine, p.range.startColumn, p.range.endLine, p.range.endColumn);
          // Ghost text at the caret when the prediction continues what is there (one line whose
          // current text is a prefix of the new one, on the caret's line); any other shape (a
          // replacement, several lines, further down) is an inline edit: Monaco shows it as a
          // diff where it is, and from elsewhere Tab first jumps to it, then accepts it.
          const replaced = model.getValueInRange(range);
          const ghost = p.range.startLine === p.range.endLine && p.range.startLine === position.lineNumber && p.text.startsWith(replaced);
          const command = { id: ACCEPT_COMMAND, title: 'Prediction accepted', arguments: [answer.model] };
          return { items: [ghost ? { insertText: p.text, range, command } : { insertText: p.text, range, command, isInlineEdit: true }] };
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'ai_unavailable' || code === 'read_only') {
            unavailable = true;
            options.onUnavailable?.(code);
          }
          return { items: [] };
        } finally {
          cancel.dispose();
          if (abort.signal.aborted) pacing.unanswered(performance.now() - askedAt);
        }
      },
      disposeInlineCompletions() {},
    };
    disposables.push(monaco.languages.registerInlineCompletionsProvider({ pattern: '**' }, provider));
    return { destroy: () => disposables.forEach((d) => d.dispose()) };
  };
}
