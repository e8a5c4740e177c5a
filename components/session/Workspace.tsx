'use client';
// The session screen once the link checked out: header, explorer, tabs + editor, status bar.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { Role } from '@/lib/schema.ts';
import { identitiesOf, metaOf } from '@/lib/schema.ts';
import { IDENTITY_ORIGIN } from '@/lib/origins.ts';
import type { Profile } from '@/components/shared/profile.ts';
import { FileTree } from '@/components/files/FileTree.tsx';
import { AUTHORSHIP_KEYS, CodeEditor, type CursorInfo } from '@/components/editor/CodeEditor.tsx';
import { TabBar } from '@/components/editor/TabBar.tsx';
import { useEditorModules } from '@/components/editor/editorModules.ts';
import { mountRemoteCursorStyles } from '@/components/editor/remoteCursorStyles.ts';
import { SessionHeader } from './SessionHeader.tsx';
import { StatusBar } from './StatusBar.tsx';
import { EditorSkeleton, TreeSkeleton } from './Skeletons.tsx';
import { EmptyEditor } from './EmptyEditor.tsx';
import { PeoplePanel } from './PeoplePanel.tsx';
import { presenceFor, usePeers } from '@/components/shared/presence.ts';
import { useCollab, type Collab } from './useCollab.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { useSideLayout } from './useSideLayout.ts';
import { DeletedByOthers } from '@/components/files/useDeletion.tsx';
import { useTabs } from './useTabs.ts';
import { useYMapValue } from '@/components/shared/useYMap.ts';
import { useStoredFlag } from '@/components/shared/useStoredFlag.ts';
import { usePredictions } from '@/components/predict/usePredictions.ts';
import { SidePanel } from './SidePanel.tsx';
import type { SideTab } from '@/components/shared/sideTab.ts';
import { AiPanel } from '@/components/ai/AiPanel.tsx';
import { useFollow } from './useFollow.ts';
import { useActiveAi } from './useAiPresence.ts';
import { FollowAiOffer, FollowBar } from './FollowBar.tsx';
import { useReviewTab } from '@/components/review/useReviewTab.tsx';
import { useHistoryTab } from '@/components/history/useHistoryTab.tsx';

interface Props {
  id: string;
  token: string;
  title: string;
  role: Role;
  serverUrl: string;
  room: string;
  profile: Profile;
  onProfile: (p: Profile) => void;
}

export function Workspace(props: Props) {
  const collab = useCollab({ serverUrl: props.serverUrl, room: props.room, token: props.token, role: props.role });
  if (!collab) return <LoadingFrame />;
  return <Connected {...props} collab={collab} />;
}

function LoadingFrame() {
  return (
    <div className="flex h-full flex-col">
      <div className="h-12 shrink-0 border-b border-line bg-panel" />
      <div className="flex min-h-0 flex-1">
        <aside className="w-64 shrink-0 border-r border-line bg-panel"><TreeSkeleton /></aside>
        <main className="min-w-0 flex-1"><EditorSkeleton /></main>
      </div>
    </div>
  );
}

function Connected({ id, token, title, role, profile, onProfile, collab }: Props & { collab: Collab }) {
  const { doc, provider } = collab;
  const awareness = provider.awareness;
  const peers = usePeers(awareness);
  const tabs = useTabs(doc, `tandem:tabs:${id}`);
  const liveTitle = useYMapValue<string>(metaOf(doc), 'title');
  const editorLoad = useEditorModules();
  const modules = editorLoad.modules;
  const [cursor, setCursor] = useState<CursorInfo | null>(null);
  const readOnly = role !== 'edit';
  const [editor, setEditor] = useState<MonacoEditor.IStandaloneCodeEditor | null>(null);
  const follow = useFollow({ awareness, doc, editor, peers, activePath: tabs.activePath, open: tabs.open });
  const activeAi = useActiveAi(awareness);

  // Publish who this is and which file they are looking at.
  useEffect(() => {
    const { user, role: r, kind, file } = presenceFor(profile, role, tabs.activePath);
    awareness.setLocalStateField('user', user);
    awareness.setLocalStateField('role', r);
    awareness.setLocalStateField('kind', kind);
    awareness.setLocalStateField('file', file);
  }, [awareness, profile, role, tabs.activePath]);

  // Record who writes with this clientID, once the server's state is here (editors only: the
  // server drops viewers' writes anyway).
  useEffect(() => {
    if (readOnly || !collab.everSynced) return;
    const identities = identitiesOf(doc);
    const key = String(doc.clientID);
    const current = identities.get(key);
    if (current && current.name === profile.name && current.color === profile.color) return;
    doc.transact(() => identities.set(key, { kind: 'human', name: profile.name, color: profile.color }), IDENTITY_ORIGIN);
  }, [doc, readOnly, collab.everSynced, profile]);

  const cursorStyles = useRef<ReturnType<typeof mountRemoteCursorStyles> | null>(null);
  useEffect(() => {
    const styles = mountRemoteCursorStyles();
    cursorStyles.current = styles;
    return () => {
      styles.dispose();
      cursorStyles.current = null;
    };
  }, []);
  useEffect(() => cursorStyles.current?.update(peers), [peers]);

  const side = useSideLayout();
  const setSideOpen = side.setOpen;
  const [authorGutter, setAuthorGutter] = useStoredFlag('tandem:author-gutter', false);
  const predictions = usePredictions(id, token, !readOnly, provider);
  const toggleAuthorGutter = useCallback(() => setAuthorGutter((on) => !on), [setAuthorGutter]);
  const [sideTab, setSideTab] = useState('ai');
  const aiPeer = peers.find((p) => p.kind === 'ai') ?? null;
  const revealAi = useCallback(() => {
    setSideTab('ai');
    setSideOpen(true);
  }, [setSideOpen]);
  // The side panel's tabs; each is one entry here.
  const review = useReviewTab({ doc, sessionId: id, token, canReview: !readOnly, reviewer: { name: profile.name, clientId: doc.clientID }, open: tabs.open });
  const history = useHistoryTab({ doc, sessionId: id, token, canEdit: !readOnly, userName: profile.name, modules, active: side.open && sideTab === 'history' });
  const sideTabs: SideTab[] = [
    {
      id: 'ai',
      label: 'AI',
      badge: aiPeer?.status === 'thinking' || aiPeer?.status === 'editing' ? <span className="h-1.5 w-1.5 rounded-full bg-violet-400" /> : null,
      content: (
        <AiPanel
          doc={doc}
          awareness={awareness}
          sessionId={id}
          token={token}
          canEdit={!readOnly}
          userName={profile.name}
          activeFile={tabs.activePath}
          aiPeer={aiPeer}
          onReveal={revealAi}
          online={collab.status === 'synced'}
        />
      ),
    },
    review.tab,
    history.tab,
  ];

  useEffect(() => {
    document.title = `${liveTitle || title || 'Session'} · Tandem`;
  }, [liveTitle, title]);

  const ready = collab.localReady || collab.everSynced;
  return (
    <div className="flex h-full flex-col" data-testid="workspace" data-role={role}>
      <SessionHeader
        id={id}
        token={token}
        title={liveTitle || title}
        role={role}
        status={collab.status}
        statusDetail={collab.refusal}
        peers={peers}
        profile={profile}
        onProfile={onProfile}
        followingId={follow.peer?.clientId ?? null}
        onFollow={follow.follow}
        onStopFollowing={follow.stop}
      />
      <ConnectionBanner status={collab.status} />
      <DeletedByOthers doc={doc} awareness={awareness} openPaths={tabs.openPaths} />
      {history.overlay}
      <div className="relative flex min-h-0 flex-1">
        <aside className="flex w-64 shrink-0 flex-col border-r border-line bg-panel">
          <div className="min-h-0 flex-1">
          {ready ? (
            <FileTree
              doc={doc}
              readOnly={readOnly}
              activePath={tabs.activePath}
              peers={peers}
              onOpen={tabs.open}
              onRenamed={tabs.renamed}
              onDeleted={tabs.deleted}
            />
          ) : (
            <TreeSkeleton />
          )}
          </div>
          <PeoplePanel peers={peers} followingId={follow.peer?.clientId ?? null} onFollow={follow.follow} onStopFollowing={follow.stop} />
        </aside>
        <main className="flex min-w-0 flex-1 flex-col bg-[#0e1015]">
          <TabBar paths={tabs.openPaths} active={tabs.activePath} peers={peers} onSelect={tabs.open} onClose={tabs.close} />
          <FollowAiOffer follow={follow} activeAi={activeAi} />
          <div className="relative min-h-0 flex-1">
            {editorLoad.failed ? (
              <div className="flex h-full flex-col items-center justify-center gap-3 text-sm" role="alert" data-testid="editor-load-failed">
                <p className="text-red-300">The editor’s code could not be loaded. Your files are safe; check the connection and try again.</p>
                <button type="button" onClick={editorLoad.retry} data-testid="editor-load-retry" className="rounded-md bg-accent px-3 py-1.5 text-xs font-semibold text-white hover:bg-accent-strong">
                  Try again
                </button>
              </div>
            ) : !modules || !ready ? (
              <EditorSkeleton />
            ) : (
              <>
                <CodeEditor
                  modules={modules}
                  doc={doc}
                  awareness={awareness}
                  readOnly={readOnly}
                  openPaths={tabs.openPaths}
                  activePath={tabs.activePath}
                  onCursor={setCursor}
                  onEditor={setEditor}
                  layers={[review.editorLayer, predictions.editorLayer]}
                  authorGutter={authorGutter}
                  onToggleAuthorGutter={toggleAuthorGutter}
                />
                <FollowBar follow={follow} />
                {!tabs.activePath && <EmptyEditor readOnly={readOnly} />}
              </>
            )}
          </div>
        </main>
        <SidePanel tabs={sideTabs} active={sideTab} layout={side} onActive={setSideTab} />
      </div>
      <StatusBar
        role={role}
        path={tabs.activePath}
        cursor={tabs.activePath ? cursor : null}
        people={peers.length}
        authorGutter={authorGutter}
        onToggleAuthorGutter={toggleAuthorGutter}
        authorGutterKeys={AUTHORSHIP_KEYS}
        predictions={predictions}
      />
    </div>
  );
}
