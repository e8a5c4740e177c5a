'use client';
// Joins a session's document: IndexedDB first (offline edits survive a reload), then the room
// server through the stock y-websocket provider. Exposes one connection status for the header.
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Role } from '@/lib/schema.ts';
import { batchRemoteUpdates } from './batchedPersistence.ts';
import { applyUpdatesPerFrame } from '@/components/shared/frameUpdates.ts';

export type ConnectionStatus = 'connecting' | 'synced' | 'offline' | 'reconnecting' | 'refused';

export interface Collab {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** True once the local IndexedDB copy has been loaded. */
  localReady: boolean;
  /** True once the server's state has been received at least once in this page. */
  everSynced: boolean;
  status: ConnectionStatus;
  /** The close reason when the server refused to carry on (`status === 'refused'`). */
  refusal: string | null;
}

/** Failed attempts in a row before "reconnecting" is shown as "offline". */
const OFFLINE_AFTER_FAILURES = 3;

interface Options {
  serverUrl: string;
  room: string;
  token: string;
  role: Role;
}

export function useCollab({ serverUrl, room, token, role }: Options): Collab | null {
  const [collab, setCollab] = useState<Collab | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    // Viewers keep a local copy too, so a reload shows the text at once; their writes never
    // reach the server anyway (the editor is read-only and the server drops them).
    const persistence = new IndexeddbPersistence(`tandem:${room}:${role}`, doc);
    const provider = new WebsocketProvider(serverUrl, room, doc, {
      params: { token },
      // Tabs of one browser must not sync with each other behind the server's back: a view-only
      // tab would otherwise receive edits without the server's checks.
      disableBc: true,
    });
    const perFrame = applyUpdatesPerFrame(provider);
    // y-websocket sends every awareness update back to the server, those it just received from it
    // too: each remote caret move (the AI's, at every batch it writes) would cost every page a
    // send and the server a frame from every client. Only this page's own changes are sent.
    const sendAwareness = provider._awarenessUpdateHandler;
    const sendOwnAwareness = (changes: Parameters<typeof sendAwareness>[0], origin: unknown) => {
      if (origin !== provider) sendAwareness(changes, origin);
    };
    provider.awareness.off('update', sendAwareness);
    provider.awareness.on('update', sendOwnAwareness);
    // y-websocket applies what the server sends with the provider as the transaction origin.
    const releaseStore = batchRemoteUpdates(doc, persistence, provider);
    let state: Collab = {
      doc,
      provider,
      localReady: false,
      everSynced: false,
      status: 'connecting',
      refusal: null,
    };
    let wasConnected = false;
    const publish = (patch: Partial<Collab>) => {
      state = { ...state, ...patch };
      setCollab(state);
    };
    const computeStatus = (): ConnectionStatus => {
      if (state.refusal) return 'refused';
      if (provider.wsconnected && provider.synced) return 'synced';
      if (!navigator.onLine) return 'offline';
      if (!wasConnected) return provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_FAILURES ? 'offline' : 'connecting';
      return provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_FAILURES ? 'offline' : 'reconnecting';
    };
    const refresh = () => publish({ status: computeStatus() });

    const onStatus = ({ status }: { status: string }) => {
      if (status === 'connected') wasConnected = true;
      refresh();
    };
    const onSync = (isSynced: boolean) => {
      if (isSynced) publish({ everSynced: true });
      refresh();
    };
    const onClosed = (event: { code: number; reason: string }) => {
      publish({ refusal: event.reason || `closed with code ${event.code}` });
      refresh();
    };
    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('connection-close', refresh);
    provider.on('closed', onClosed);
    window.addEventListener('online', refresh);
    window.addEventListener('offline', refresh);
    void persistence.whenSynced.then(() => publish({ localReady: true }));
    publish({});

    return () => {
      window.removeEventListener('online', refresh);
      window.removeEventListener('offline', refresh);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('connection-close', refresh);
      provider.off('closed', onClosed);
      provider.awareness.off('update', sendOwnAwareness);
      perFrame.release();
      provider.destroy();
      releaseStore();
      void persistence.destroy();
      doc.destroy();
    };
  }, [serverUrl, room, token, role]);

  return collab;
}
