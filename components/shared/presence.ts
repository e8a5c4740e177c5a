'use client';
// Who is in the room, read from y-websocket awareness. Every field comes from another browser,
// so each one is checked before it reaches the page (names are shown, colours become CSS).
import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { isHexColor, lightColor, MAX_NAME_LENGTH, type Profile } from './profile.ts';
import type { Role } from '@/lib/schema.ts';
import { isAiPresenceStatus, type AiPresenceStatus } from '@/lib/ai/aiAwareness.ts';

export interface Peer {
  clientId: number;
  name: string;
  color: string;
  colorLight: string;
  role: Role;
  kind: 'human' | 'ai';
  /** What an AI peer is doing (idle, queued, thinking, editing, error); null for people. */
  status: AiPresenceStatus | null;
  /** The file this person has open, if any. */
  file: string | null;
  isSelf: boolean;
}

/** Awareness fields this app publishes for its own client. */
export interface LocalPresence {
  user: { name: string; color: string; colorLight: string };
  role: Role;
  kind: 'human';
  file: string | null;
}

export function presenceFor(profile: Profile, role: Role, file: string | null): LocalPresence {
  return {
    user: { name: profile.name, color: profile.color, colorLight: lightColor(profile.color) },
    role,
    kind: 'human',
    file,
  };
}

function readPeer(clientId: number, state: Record<string, unknown>, selfId: number): Peer | null {
  const user = state.user as Record<string, unknown> | undefined;
  if (!user || typeof user.name !== 'string') return null;
  const color = isHexColor(user.color) ? user.color : '#a1a1aa';
  return {
    clientId,
    name: user.name.slice(0, MAX_NAME_LENGTH) || 'Anonymous',
    color,
    colorLight: lightColor(color),
    role: state.role === 'view' ? 'view' : 'edit',
    kind: state.kind === 'ai' ? 'ai' : 'human',
    status: state.kind === 'ai' && isAiPresenceStatus(state.status) ? state.status : null,
    file: typeof state.file === 'string' ? state.file.slice(0, 512) : null,
    isSelf: clientId === selfId,
  };
}

export function readPeers(awareness: Awareness): Peer[] {
  const peers: Peer[] = [];
  awareness.getStates().forEach((state, clientId) => {
    const peer = readPeer(clientId, state, awareness.clientID);
    if (peer) peers.push(peer);
  });
  // Self first, then others by name: a stable order keeps avatars from jumping around.
  return peers.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

function samePeers(a: Peer[], b: Peer[]): boolean {
  return a.length === b.length && a.every((p, i) => JSON.stringify(p) === JSON.stringify(b[i]));
}

/**
 * The people in the room, as a new array only when something shown changed. Awareness changes
 * with every caret move (the AI's moves at every batch it writes), and the workspace renders
 * from this list: a caret is y-monaco's to draw, not a reason to re-render the page.
 */
export function usePeers(awareness: Awareness): Peer[] {
  const [peers, setPeers] = useState<Peer[]>(() => readPeers(awareness));
  useEffect(() => {
    let shown: Peer[] | null = null;
    const update = () => {
      const next = readPeers(awareness);
      if (shown && samePeers(shown, next)) return;
      shown = next;
      setPeers(next);
    };
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness]);
  return peers;
}
