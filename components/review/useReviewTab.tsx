'use client';
// Everything the workspace needs for review, in one hook: the "Review" side-panel tab (with a
// count badge), and the review layer the editor draws (keep / reject through the server, reveal a
// hunk in another file), kept here for jumping from the panel to a change.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { HunkState } from '@/lib/review/hunks.ts';
import type { EditorLayerFactory } from '@/components/editor/EditorLayer.ts';
import type { SideTab } from '@/components/shared/sideTab.ts';
import { postReview, type Reviewer } from '@/components/shared/serverApi.ts';
import { ReviewPanel } from './ReviewPanel.tsx';
import { ReviewLayer, type ReviewLayerOptions } from './ReviewLayer.ts';
import { useReview } from './useReview.ts';

interface Options {
  doc: Y.Doc;
  sessionId: string;
  token: string;
  canReview: boolean;
  reviewer: Reviewer;
  open: (path: string) => void;
}

export function useReviewTab({ doc, sessionId, token, canReview, reviewer, open }: Options): {
  tab: SideTab;
  editorLayer: EditorLayerFactory;
} {
  const state = useReview(doc);
  const layerRef = useRef<ReviewLayer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { name, clientId } = reviewer;

  const editorReview = useMemo<ReviewLayerOptions>(() => {
    const send = (action: 'keep' | 'reject', hunkIds: string[]) => {
      setError(null);
      postReview(sessionId, token, { action, hunkIds }, { name, clientId }).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    };
    return {
      canReview,
      keep: (ids) => send('keep', ids),
      reject: (ids) => send('reject', ids),
      reveal: (h: HunkState) => open(h.file),
    };
  }, [sessionId, token, canReview, open, name, clientId]);
  const currentOptions = useRef(editorReview);
  currentOptions.current = editorReview;

  const editorLayer = useCallback<EditorLayerFactory>((monaco, editor, doc) => {
    const layer = new ReviewLayer(monaco, editor, doc, currentOptions.current);
    layerRef.current = layer;
    return {
      destroy() {
        layer.destroy();
        if (layerRef.current === layer) layerRef.current = null;
      },
    };
  }, []);

  // Callbacks change identity on every render; the bars only need redrawing when the role does.
  useEffect(() => {
    const layer = layerRef.current;
    if (!layer) return;
    const roleChanged = layer.options.canReview !== editorReview.canReview;
    layer.options = editorReview;
    if (roleChanged) layer.refresh();
  }, [editorReview]);

  const count = state.pending.length;
  const tab: SideTab = {
    id: 'review',
    label: 'Review',
    badge:
      count > 0 ? (
        <span className="rounded-full bg-emerald-500/20 px-1.5 text-[10px] font-semibold text-emerald-200" data-testid="review-badge">
          {count}
        </span>
      ) : null,
    content: (
      <>
        {error && (
          <p className="border-b border-line bg-red-500/10 px-3 py-1.5 text-xs text-red-300" role="alert">
            {error}
          </p>
        )}
        <ReviewPanel
          state={state}
          sessionId={sessionId}
          token={token}
          canReview={canReview}
          reviewer={reviewer}
          onJump={(h) => (layerRef.current ? layerRef.current.show(h) : open(h.file))}
        />
      </>
    ),
  };
  return { tab, editorLayer };
}
