'use client';
// Styles for review decorations, ghost lines and hunk bars inside Monaco. Injected once per page
// from here rather than the global stylesheet so the editor's review look lives with its code.
// Nothing here animates: a streaming hunk marks every visible line it writes, and an animation per
// line would make the page paint and composite every frame for as long as the AI writes.
const CSS = `
.tdm-ai-ins { background: rgba(52, 211, 153, 0.16); border-radius: 2px; }
.tdm-ai-line { background: rgba(52, 211, 153, 0.06); }
.tdm-ai-gutter { border-left: 3px solid #34d399; margin-left: 3px; }
.tdm-ai-gutter-streaming { border-left: 3px solid #a78bfa; margin-left: 3px; }
.tdm-human-ins { background: rgba(251, 191, 36, 0.16); border-bottom: 1px dashed rgba(251, 191, 36, 0.8); }
.tdm-ai-kept-gutter { border-left: 2px solid rgba(139, 92, 246, 0.45); margin-left: 4px; }
.tdm-hunk { position: absolute; font-family: var(--font-sans, system-ui); pointer-events: none; }
.tdm-hunk-bar { pointer-events: auto; display: flex; align-items: center; gap: 6px; height: 24px; margin: 1px 0;
  padding: 0 4px 0 8px; width: max-content; max-width: 100%; border-radius: 6px; font-size: 11px; color: #d4d4d8;
  background: #1a1730; border: 1px solid rgba(139, 92, 246, 0.35); box-shadow: 0 4px 14px rgba(0,0,0,0.35); }
.tdm-hunk-bar > * { flex-shrink: 0; white-space: nowrap; }
.tdm-hunk-bar .tdm-ai-chip { display: inline-flex; align-items: center; gap: 4px; color: #c4b5fd; font-weight: 600; }
.tdm-hunk-bar .tdm-counts { font-family: var(--font-mono, monospace); font-size: 10.5px; }
.tdm-hunk-bar .tdm-plus { color: #6ee7b7; }
.tdm-hunk-bar .tdm-minus { color: #fca5a5; margin-left: 4px; }
.tdm-hunk-bar .tdm-mixed { flex-shrink: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; color: #fcd34d; background: rgba(251, 191, 36, 0.12); border-radius: 4px; padding: 1px 6px; }
.tdm-hunk-bar .tdm-writing { color: #a78bfa; font-style: italic; }
.tdm-hunk-bar button { height: 18px; padding: 0 8px; border-radius: 4px; font-size: 11px; font-weight: 600; cursor: pointer; border: 0; }
.tdm-hunk-bar button:disabled { opacity: 0.45; cursor: not-allowed; }
.tdm-hunk-bar .tdm-keep { background: #059669; color: #fff; }
.tdm-hunk-bar .tdm-keep:enabled:hover { background: #10b981; }
.tdm-hunk-bar .tdm-reject { background: #3f3f46; color: #fecaca; }
.tdm-hunk-bar .tdm-reject:enabled:hover { background: #7f1d1d; color: #fff; }
.tdm-hunk-bar .tdm-nav { background: transparent; color: #a1a1aa; padding: 0 4px; }
.tdm-hunk-bar .tdm-nav:enabled:hover { background: #2e323d; color: #fff; }
.tdm-ghost { font-family: "JetBrains Mono", "Fira Code", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 13px; line-height: 20px; white-space: pre; color: rgba(252, 165, 165, 0.75); text-decoration: line-through;
  text-decoration-color: rgba(248, 113, 113, 0.5); background: rgba(248, 113, 113, 0.09); padding-left: 6px;
  border-left: 3px solid #f87171; overflow: hidden; }
`;

let mounted = false;

export function mountReviewStyles(): void {
  if (mounted || typeof document === 'undefined') return;
  mounted = true;
  const style = document.createElement('style');
  style.dataset.tandem = 'review';
  style.textContent = CSS;
  document.head.appendChild(style);
}
