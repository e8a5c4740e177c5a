'use client';
// Document updates from the server, applied at most once per animation frame.
//
// The server relays the AI's writes up to 60 times a second, and every update applied to the
// document is one round of everything that observes it (the editor binding and Monaco's content
// listeners, review state, the thread). When the page falls behind (a busy main thread, a shared
// machine), y-websocket would still apply the queued messages one at a time, each paying that
// round in full. Here the first update after a quiet frame is applied at once (a keystroke from
// someone else costs no extra latency), and the ones that arrive before the next frame are
// merged and applied in one transaction in it: the page's work per frame is bounded, and the more
// it lags, the more each round carries. The document is only as far behind the socket as the
// screen already was, which Yjs treats like any network delay: a local edit made meanwhile is an
// ordinary concurrent edit, so no keystroke is ever applied at a stale position.
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { WebsocketProvider } from 'y-websocket';

/** y-websocket's message type for sync messages (its `messageSync`). */
const MESSAGE_SYNC = 0;
/** A hidden tab gets no animation frames: apply there after this long instead. */
const HIDDEN_MS = 100;

type Handler = WebsocketProvider['messageHandlers'][number];

export interface FrameUpdates {
  /** Applies every update still waiting (before something reads the document at its newest). */
  flush(): void;
  /** Puts y-websocket's own handler back and applies what waits. */
  release(): void;
}

const byDoc = new WeakMap<Y.Doc, FrameUpdates>();

/** Applies the updates still waiting for `doc`'s next frame, if any (e.g. before drawing carets that may point into them). */
export function flushFrameUpdates(doc: Y.Doc): void {
  byDoc.get(doc)?.flush();
}

/** Takes over the provider's handling of incoming sync messages. */
export function applyUpdatesPerFrame(provider: WebsocketProvider): FrameUpdates {
  const doc = provider.doc;
  const original: Handler = provider.messageHandlers[MESSAGE_SYNC];
  let pending: Uint8Array[] = [];
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const apply = (updates: Uint8Array[]) => {
    // Origin: the provider, as y-websocket applies them (persistence and observers rely on it).
    if (updates.length === 1) Y.applyUpdate(doc, updates[0], provider);
    else doc.transact(() => updates.forEach((u) => Y.applyUpdate(doc, u, provider)), provider);
  };
  const flush = () => {
    if (pending.length === 0) return;
    const updates = pending;
    pending = [];
    apply(updates);
  };
  const endWindow = () => {
    if (frame) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = 0;
    timer = null;
    flush();
  };
  const openWindow = () => {
    frame = requestAnimationFrame(endWindow);
    timer = setTimeout(endWindow, HIDDEN_MS);
  };

  const handler: Handler = (encoder, decoder, p, emitSynced, messageType) => {
    const type = decoding.readVarUint(decoding.clone(decoder));
    if (type !== syncProtocol.messageYjsUpdate) {
      // Sync steps keep their order after the updates that came before them.
      flush();
      original(encoder, decoder, p, emitSynced, messageType);
      return;
    }
    decoding.readVarUint(decoder);
    const update = decoding.readVarUint8Array(decoder);
    // Nothing to answer; written as y-websocket does, so its "send if non-empty" check holds.
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    if (frame || timer !== null) {
      pending.push(update);
      return;
    }
    apply([update]);
    openWindow();
  };
  provider.messageHandlers[MESSAGE_SYNC] = handler;

  const self: FrameUpdates = {
    flush,
    release() {
      if (provider.messageHandlers[MESSAGE_SYNC] === handler) provider.messageHandlers[MESSAGE_SYNC] = original;
      if (byDoc.get(doc) === self) byDoc.delete(doc);
      endWindow();
    },
  };
  byDoc.set(doc, self);
  return self;
}
