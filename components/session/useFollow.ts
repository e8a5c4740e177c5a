'use client';
// Following someone (a person or the AI): this view opens the file they have open and keeps their
// caret in view as it moves, until this person takes over — typing, scrolling, clicking in the
// editor, opening another file themselves, or pressing Esc. Their file and caret come from
// awareness (`file`, and y-monaco's `selection` as Yjs relative positions), so following the AI
// needs nothing the people do not already publish.
import { useCallback, useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { editor as MonacoEditor } from 'monaco-editor';
import { filesOf } from '@/lib/schema.ts';
import type { Peer } from '@/components/shared/presence.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';

export interface Follow {
  /** The peer being followed, while they are here. */
  peer: Peer | null;
  follow: (clientId: number) => void;
  stop: () => void;
}

interface Options {
  awareness: Awareness;
  doc: Y.Doc;
  editor: MonacoEditor.IStandaloneCodeEditor | null;
  peers: Peer[];
  activePath: string | null;
  open: (path: string) => void;
}

/** Keys that do not change anything and so do not end following. */
const PASSIVE_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock']);
/** Monaco's ScrollType.Immediate: following must not lag behind a fast typist. */
const SCROLL_IMMEDIATE = 1;

/** The head of a peer's caret as an offset in their file, if it resolves in this document. */
export function caretOffset(doc: Y.Doc, state: Record<string, unknown> | undefined): { file: string; index: number } | null {
  const file = typeof state?.file === 'string' ? state.file : null;
  const selection = state?.selection as { head?: unknown } | null | undefined;
  if (!file || !selection?.head) return null;
  const text = filesOf(doc).get(file);
  if (!text) return null;
  try {
    const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(selection.head), doc);
    if (!abs || abs.type !== text) return null;
    return { file, index: abs.index };
  } catch {
    // Awareness comes from other browsers: a malformed position is simply not followed.
    return null;
  }
}

export function useFollow({ awareness, doc, editor, peers, activePath, open }: Options): Follow {
  const [target, setTarget] = useState<number | null>(null);
  const peer = target === null ? null : peers.find((p) => p.clientId === target && !p.isSelf) ?? null;
  const peerFile = peer?.file ?? null;
  const stop = useCallback(() => setTarget(null), []);
  const follow = useCallback((clientId: number) => setTarget(clientId), []);

  // They left the session: nothing to follow any more.
  useEffect(() => {
    if (target !== null && !peer) setTarget(null);
  }, [target, peer]);

  // Go where they are.
  useEffect(() => {
    if (target !== null && peerFile) open(peerFile);
  }, [target, peerFile, open]);

  // Opening another file oneself ends following (only a change of *this* view's file counts:
  // their switching files is handled above and lands on their file).
  const lastActive = useRef(activePath);
  useEffect(() => {
    const changed = lastActive.current !== activePath;
    lastActive.current = activePath;
    if (changed && target !== null && peerFile && activePath && activePath !== peerFile) setTarget(null);
  }, [activePath, target, peerFile]);

  // Keep their caret in view, at most once per frame however fast they (or the AI) type.
  useEffect(() => {
    if (target === null || !editor) return;
    const frame = oncePerFrame(() => {
      const at = caretOffset(doc, awareness.getStates().get(target));
      const model = editor.getModel();
      if (!at || !model || model.uri.path !== `/${at.file}`) return;
      editor.revealPositionInCenterIfOutsideViewport(model.getPositionAt(at.index), SCROLL_IMMEDIATE);
    });
    const schedule = frame.schedule;
    schedule();
    awareness.on('change', schedule);
    doc.on('update', schedule);
    const onModel = editor.onDidChangeModel(schedule);
    return () => {
      awareness.off('change', schedule);
      doc.off('update', schedule);
      onModel.dispose();
      frame.cancel();
    };
  }, [target, editor, doc, awareness]);

  // Taking over the view ends following.
  useEffect(() => {
    if (target === null || !editor) return;
    const disposers = [
      editor.onKeyDown((e) => {
        if (!PASSIVE_KEYS.has(e.browserEvent.key)) setTarget(null);
      }),
    ];
    // Wheel and pointer on the editor's DOM catch the scrollbar and minimap too, which Monaco's
    // own mouse events do not report.
    const dom = editor.getDomNode();
    const takeOver = () => setTarget(null);
    dom?.addEventListener('wheel', takeOver, { passive: true });
    dom?.addEventListener('pointerdown', takeOver);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setTarget(null);
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      for (const d of disposers) d.dispose();
      dom?.removeEventListener('wheel', takeOver);
      dom?.removeEventListener('pointerdown', takeOver);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [target, editor]);

  return { peer, follow, stop };
}
