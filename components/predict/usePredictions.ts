'use client';
// Whether edit predictions are on for this person (remembered per browser) and available on the
// server (its AI status names a prediction model), and the editor layer that shows them.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { aiStatus } from '@/components/shared/serverApi.ts';
import { useStoredFlag } from '@/components/shared/useStoredFlag.ts';
import type { EditorLayerFactory } from '@/components/editor/EditorLayer.ts';
import { predictionLayer } from './predictionLayer.ts';
import { PredictionSocket } from './predictionSocket.ts';

export interface Predictions {
  /** The server's prediction model, or null when predictions are off there (or for viewers). */
  model: string | null;
  on: boolean;
  toggle: () => void;
  editorLayer: EditorLayerFactory;
}

export function usePredictions(sessionId: string, token: string, canEdit: boolean, provider: WebsocketProvider): Predictions {
  const [on, setOn] = useStoredFlag('tandem:predictions', true);
  const [model, setModel] = useState<string | null>(null);
  const live = useRef({ on, model, canEdit });
  live.current = { on, model, canEdit };

  useEffect(() => {
    if (!canEdit) return;
    let cancelled = false;
    aiStatus(sessionId, token)
      .then((status) => !cancelled && setModel(status.predictions?.model ?? null))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [sessionId, token, canEdit]);

  // One channel per socket: it answers the frames of every editor this page has.
  const socket = useRef<PredictionSocket | null>(null);
  useEffect(() => {
    if (!canEdit) return;
    const channel = new PredictionSocket(provider);
    socket.current = channel;
    return () => {
      socket.current = null;
      channel.destroy();
    };
  }, [provider, canEdit]);

  const editorLayer = useMemo(
    () =>
      predictionLayer({
        sessionId,
        token,
        enabled: () => live.current.on && live.current.canEdit && live.current.model !== null,
        onUnavailable: () => setModel(null),
        socket: () => socket.current,
      }),
    [sessionId, token],
  );
  return { model, on, toggle: () => setOn((v) => !v), editorLayer };
}
