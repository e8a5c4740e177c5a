// Placeholders shaped like the real panels, shown while the document and Monaco load.

const TREE_ROWS = [62, 48, 70, 40, 55, 66, 45];
const CODE_ROWS = [38, 62, 54, 0, 28, 71, 66, 47, 0, 33, 58, 44, 25];

export function TreeSkeleton() {
  return (
    <div className="px-4 pt-3" aria-busy="true" aria-label="Loading files">
      <div className="mb-4 h-3 w-16 rounded bg-raised" />
      {TREE_ROWS.map((w, i) => (
        <div key={i} className="mb-3 flex items-center gap-2" style={{ paddingLeft: i % 3 === 1 ? 14 : 0 }}>
          <div className="h-3.5 w-3.5 animate-pulse rounded bg-raised" />
          <div className="h-3 animate-pulse rounded bg-raised" style={{ width: `${w}%` }} />
        </div>
      ))}
    </div>
  );
}

export function EditorSkeleton() {
  return (
    <div className="h-full px-6 pt-5" aria-busy="true" aria-label="Loading editor" data-testid="editor-loading">
      {CODE_ROWS.map((w, i) => (
        <div key={i} className="mb-[9px] flex items-center gap-5">
          <div className="h-2.5 w-5 rounded bg-raised/70" />
          {w > 0 && <div className="h-2.5 animate-pulse rounded bg-raised" style={{ width: `${w}%`, animationDelay: `${i * 60}ms` }} />}
        </div>
      ))}
    </div>
  );
}

/** Full-page placeholder used before the session link has been checked. */
export function SessionSkeleton({ label = 'Opening session…' }: { label?: string }) {
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-12 shrink-0 items-center gap-3 border-b border-line bg-panel px-4">
        <div className="h-6 w-6 animate-pulse rounded-md bg-raised" />
        <div className="h-3 w-40 animate-pulse rounded bg-raised" />
        <span className="ml-auto text-xs text-zinc-500">{label}</span>
      </div>
      <div className="flex min-h-0 flex-1">
        <aside className="w-64 shrink-0 border-r border-line bg-panel"><TreeSkeleton /></aside>
        <main className="min-w-0 flex-1 bg-[#0e1015]"><EditorSkeleton /></main>
      </div>
      <div className="h-6 shrink-0 border-t border-line bg-panel" />
    </div>
  );
}
