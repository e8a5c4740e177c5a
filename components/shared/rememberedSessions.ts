// Sessions this browser has created or opened, kept in localStorage so they can be reopened from
// the home page. Tokens are capabilities: they stay in this browser and are never logged.
import type { Role } from '@/lib/schema.ts';
import type { SessionInfoResponse } from '@/lib/api.ts';

export interface RememberedSession {
  id: string;
  title: string;
  /** The token this browser last opened the session with. */
  token: string;
  role: Role;
  /** Known only when this browser created the session (or opened that link). */
  editToken?: string;
  viewToken?: string;
  /** The last session info the server sent, used when the page is reloaded offline. */
  collab?: SessionInfoResponse['collab'];
  lastOpened: number;
}

const KEY = 'tandem:recent';
const MAX_ENTRIES = 30;

function isRemembered(value: unknown): value is RememberedSession {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.title === 'string' &&
    typeof v.token === 'string' &&
    (v.role === 'edit' || v.role === 'view') &&
    typeof v.lastOpened === 'number'
  );
}

export function loadRemembered(): RememberedSession[] {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isRemembered).sort((a, b) => b.lastOpened - a.lastOpened);
  } catch {
    return [];
  }
}

function save(list: RememberedSession[]): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX_ENTRIES)));
  } catch {
    // Storage full or unavailable: the list is a convenience, nothing is lost with it.
  }
}

/** Adds or refreshes a session, keeping the tokens already known for it. */
export function rememberSession(entry: Omit<RememberedSession, 'lastOpened'> & { lastOpened?: number }): void {
  const list = loadRemembered();
  const previous = list.find((s) => s.id === entry.id);
  const merged: RememberedSession = {
    ...previous,
    ...entry,
    editToken: entry.editToken ?? previous?.editToken ?? (entry.role === 'edit' ? entry.token : undefined),
    viewToken: entry.viewToken ?? previous?.viewToken ?? (entry.role === 'view' ? entry.token : undefined),
    collab: entry.collab ?? previous?.collab,
    lastOpened: entry.lastOpened ?? Date.now(),
  };
  save([merged, ...list.filter((s) => s.id !== entry.id)]);
}

export function findRemembered(id: string): RememberedSession | undefined {
  return loadRemembered().find((s) => s.id === id);
}

export function forgetSession(id: string): void {
  save(loadRemembered().filter((s) => s.id !== id));
}
