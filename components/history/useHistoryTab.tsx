'use client';
// Everything the workspace needs for version history, in one hook: the "History" side-panel tab,
// and what it shows over the workspace (the diff view of a checkpoint against now, and the
// "Restored … · Undo" notice).
import { useState, type ReactNode } from 'react';
import type * as Y from 'yjs';
import type { CheckpointChange, CheckpointInfo } from '@/lib/api.ts';
import type { EditorModules } from '@/components/editor/editorModules.ts';
import type { SideTab } from '@/components/shared/sideTab.ts';
import { Notice, NoticeAction } from '@/components/shared/Notice.tsx';
import { CheckpointDiff } from './CheckpointDiff.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { useHistory } from './useHistory.ts';

interface Options {
  doc: Y.Doc;
  sessionId: string;
  token: string;
  canEdit: boolean;
  userName: string;
  modules: EditorModules | null;
  /** Whether the History tab is the one shown (it fetches only then). */
  active: boolean;
}

interface Diffing {
  checkpoint: CheckpointInfo;
  path: string;
  differing: CheckpointChange[];
}

export function useHistoryTab({ doc, sessionId, token, canEdit, userName, modules, active }: Options): { tab: SideTab; overlay: ReactNode } {
  const state = useHistory({ doc, sessionId, token, userName, active });
  const [diffing, setDiffing] = useState<Diffing | null>(null);
  const then = diffing ? state.filesOf(diffing.checkpoint.id) : undefined;
  const restored = state.restored;

  const tab: SideTab = {
    id: 'history',
    label: 'History',
    content: <HistoryPanel doc={doc} state={state} canEdit={canEdit} onDiff={(checkpoint, path, differing) => setDiffing({ checkpoint, path, differing })} />,
  };

  const overlay = (
    <>
      {diffing && then && (
        <CheckpointDiff
          modules={modules}
          doc={doc}
          checkpoint={diffing.checkpoint}
          then={then}
          differing={diffing.differing}
          path={diffing.path}
          canRestore={canEdit}
          busy={state.busy}
          onPath={(path) => setDiffing({ ...diffing, path })}
          onRestore={(path) => {
            setDiffing(null);
            void state.restore(diffing.checkpoint, path);
          }}
          onClose={() => setDiffing(null)}
        />
      )}
      {restored && (
        <Notice testId="restore-notice">
          <span className="min-w-0 truncate">
            Restored {restored.paths.length === 1 ? <span className="font-mono">{restored.paths[0]}</span> : `${restored.paths.length} files`} from “{restored.from.label}”
          </span>
          <NoticeAction onClick={state.undoRestore} testId="restore-undo">
            Undo
          </NoticeAction>
        </Notice>
      )}
    </>
  );
  return { tab, overlay };
}
