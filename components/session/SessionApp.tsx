'use client';
// Opens `/s/<id>#token=<token>`: reads the token from the fragment (it never reaches the server's
// logs), asks the server for the session's title and the token's role, then joins.
import { useCallback, useEffect, useState } from 'react';
import { isSessionId } from '@/lib/protocol.ts';
import type { Role } from '@/lib/schema.ts';
import { ApiRequestError, getSessionInfo } from '@/components/shared/serverApi.ts';
import { findRemembered, rememberSession } from '@/components/shared/rememberedSessions.ts';
import { saveProfile, storedProfile, type Profile } from '@/components/shared/profile.ts';
import { tokenFromUrl } from '@/components/shared/sessionLinks.ts';
import { NamePrompt } from './NamePrompt.tsx';
import { SessionError } from './SessionError.tsx';
import { SessionSkeleton } from './Skeletons.tsx';
import { Workspace } from './Workspace.tsx';

interface Joined {
  title: string;
  role: Role;
  serverUrl: string;
  room: string;
}

type State =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; message: string; retry: boolean }
  | { kind: 'ready'; token: string; session: Joined };

function readToken(): string | null {
  const token = tokenFromUrl(window.location.href);
  return token && token.length <= 1024 ? token : null;
}

/** The session as the workspace opens it, from the server's answer or what this browser kept of it. */
function joined(title: string, role: Role, collab: { serverUrl: string; room: string }): Joined {
  return { title, role, serverUrl: collab.serverUrl, room: collab.room };
}

function explain(err: unknown): { title: string; message: string; retry: boolean } {
  if (err instanceof ApiRequestError) {
    switch (err.status) {
      case 400:
        return { title: 'This link is malformed', message: 'The session id in the address is not valid. Check that the whole link was copied.', retry: false };
      case 401:
      case 403:
        return { title: 'This link is not valid', message: 'Its access token was not accepted. Ask whoever shared it for a fresh link.', retry: false };
      case 404:
        return { title: 'Session not found', message: 'There is no session at this address. It may have been deleted, or the link is incomplete.', retry: false };
      case 0:
        return { title: 'Cannot reach Tandem', message: 'The server did not answer. Check your connection and try again.', retry: true };
      default:
        return { title: 'Something went wrong', message: err.message, retry: true };
    }
  }
  return { title: 'Something went wrong', message: 'The session could not be opened.', retry: true };
}

export default function SessionApp({ id }: { id: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  // undefined: not read yet; null: this browser has none, so the person is asked once.
  const [profile, setProfile] = useState<Profile | null | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => setProfile(storedProfile()), []);

  useEffect(() => {
    let cancelled = false;
    const open = async () => {
      const token = readToken();
      if (!isSessionId(id)) {
        return setState({ kind: 'error', title: 'This link is malformed', message: 'The session id in the address is not valid.', retry: false });
      }
      if (!token) {
        return setState({
          kind: 'error',
          title: 'This link has no access token',
          message: 'Session links end with #token=…. Ask whoever shared it for the full link.',
          retry: false,
        });
      }
      setState({ kind: 'loading' });
      try {
        const info = await getSessionInfo(id, token);
        if (cancelled) return;
        rememberSession({ id, title: info.title, token, role: info.role, collab: info.collab });
        setState({ kind: 'ready', token, session: joined(info.title, info.role, info.collab) });
      } catch (err) {
        if (cancelled) return;
        // Offline reload: the browser still has the document in IndexedDB, so open it with what
        // was learnt last time and let the provider reconnect when the server is back.
        const known = findRemembered(id);
        if (err instanceof ApiRequestError && err.status === 0 && known?.collab && known.token === token) {
          setState({ kind: 'ready', token, session: joined(known.title, known.role, known.collab) });
          return;
        }
        setState({ kind: 'error', ...explain(err) });
      }
    };
    void open();
    const onHash = () => setAttempt((n) => n + 1);
    window.addEventListener('hashchange', onHash);
    return () => {
      cancelled = true;
      window.removeEventListener('hashchange', onHash);
    };
  }, [id, attempt]);

  const onProfile = useCallback((p: Profile) => {
    saveProfile(p);
    setProfile(p);
  }, []);

  if (state.kind === 'error') {
    return <SessionError title={state.title} message={state.message} onRetry={state.retry ? () => setAttempt((n) => n + 1) : undefined} />;
  }
  if (state.kind === 'loading' || profile === undefined) return <SessionSkeleton />;
  if (profile === null) return <NamePrompt title={state.session.title} onDone={onProfile} />;
  return (
    <Workspace
      key={`${state.session.room}:${state.token}`}
      id={id}
      token={state.token}
      title={state.session.title}
      role={state.session.role}
      serverUrl={state.session.serverUrl}
      room={state.session.room}
      profile={profile}
      onProfile={onProfile}
    />
  );
}
