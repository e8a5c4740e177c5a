'use client';
// One pending hunk's bar above its first line: a view zone reserving the space and an overlay
// widget drawn into it (the pattern of Monaco's own zone widgets: overlay widgets receive clicks,
// view zone contents do not reliably). The bar: who wrote it, n/total, +/− lines, the mixed
// warning, Keep, Reject and ↑/↓ to the neighbouring hunks.
import type { editor as MonacoEditor } from 'monaco-editor';
import type { HunkState } from '@/lib/review/hunks.ts';
import { SHORTCUTS, VIEWER_REASON } from './reviewHints.ts';

export const BAR_HEIGHT = 26;

export interface HunkActions {
  canReview: boolean;
  keep: (hunkId: string) => void;
  reject: (hunkId: string) => void;
  move: (fromHunkId: string, direction: 1 | -1) => void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class HunkWidget implements MonacoEditor.IOverlayWidget {
  readonly hunkId: string;
  private readonly editor: MonacoEditor.IStandaloneCodeEditor;
  private readonly dom = el('div', 'tdm-hunk');
  private zoneId: string | null = null;
  private zoneKey = '';
  private contentKey = '';
  private readonly onLayout: { dispose(): void };

  constructor(editor: MonacoEditor.IStandaloneCodeEditor, hunkId: string) {
    this.editor = editor;
    this.hunkId = hunkId;
    this.dom.dataset.testid = 'hunk-widget';
    this.dom.dataset.hunkId = hunkId;
    this.dom.style.top = '-100000px';
    editor.addOverlayWidget(this);
    this.layoutWidth();
    this.onLayout = editor.onDidLayoutChange(() => this.layoutWidth());
  }

  getId(): string {
    return `tandem.hunk.${this.hunkId}`;
  }

  getDomNode(): HTMLElement {
    return this.dom;
  }

  getPosition(): MonacoEditor.IOverlayWidgetPosition | null {
    // Placed by hand at the view zone's top (see onDomNodeTop).
    return null;
  }

  private layoutWidth(): void {
    const info = this.editor.getLayoutInfo();
    this.dom.style.left = `${info.contentLeft}px`;
    // contentWidth already excludes the minimap and the vertical scrollbar.
    this.dom.style.width = `${Math.max(200, info.contentWidth - 8)}px`;
  }

  /** Puts the zone above `line` and redraws the bar and ghost lines if anything changed. */
  update(hunk: HunkState, n: number, total: number, actions: HunkActions): void {
    const line = hunk.startLine ?? 1;
    const height = BAR_HEIGHT;
    const zoneKey = `${line}:${height}`;
    if (zoneKey !== this.zoneKey) {
      this.zoneKey = zoneKey;
      this.editor.changeViewZones((acc) => {
        if (this.zoneId) acc.removeZone(this.zoneId);
        this.zoneId = acc.addZone({
          afterLineNumber: line - 1,
          heightInPx: height,
          // Above any ghost lines of deleted text that sit before the same line.
          ordinal: 0,
          domNode: document.createElement('div'),
          onDomNodeTop: (top) => {
            this.dom.style.top = `${top}px`;
          },
        });
      });
    }
    const contentKey = JSON.stringify([n, total, hunk.added, hunk.removed, hunk.mixed, hunk.personChars, hunk.reviewable, hunk.model, actions.canReview]);
    if (contentKey === this.contentKey) return;
    this.contentKey = contentKey;
    this.render(hunk, n, total, actions);
  }

  private render(hunk: HunkState, n: number, total: number, actions: HunkActions): void {
    this.dom.replaceChildren();
    this.dom.dataset.mixed = String(hunk.mixed);
    const bar = el('div', 'tdm-hunk-bar');
    bar.dataset.testid = 'hunk-bar';
    const chip = el('span', 'tdm-ai-chip', `✦ ${hunk.model ?? 'AI'}`);
    chip.title = `Change ${n} of ${total} in this run, written by the AI`;
    bar.append(chip, el('span', '', `${n}/${total}`));
    const counts = el('span', 'tdm-counts');
    counts.append(el('span', 'tdm-plus', `+${hunk.added}`), el('span', 'tdm-minus', `−${hunk.removed}`));
    bar.append(counts);
    if (hunk.mixed) {
      const mixed = el('span', 'tdm-mixed', `mixed · reject keeps ${hunk.personChars} typed character${hunk.personChars === 1 ? '' : 's'}`);
      mixed.dataset.testid = 'hunk-mixed';
      mixed.title = 'People typed inside this change. Reject removes only what the AI wrote and restores what it replaced; their characters stay.';
      bar.append(mixed);
    }
    const button = (label: string, cls: string, title: string, onClick: () => void, disabled: boolean) => {
      const b = el('button', cls, label);
      b.type = 'button';
      b.title = title;
      b.disabled = disabled;
      b.addEventListener('mousedown', (e) => e.preventDefault());
      b.addEventListener('click', (e) => {
        e.stopPropagation();
        onClick();
      });
      return b;
    };
    const blocked = !actions.canReview ? VIEWER_REASON : null;
    // Keep needs nothing but the decision; reject needs the hunk's item record.
    const rejectBlocked = blocked ?? (hunk.reviewable ? null : 'This change has no record of the characters it wrote, so it cannot be rejected exactly.');
    const keep = button('Keep', 'tdm-keep', blocked ?? `Keep this change (${SHORTCUTS.keep.keys})`, () => actions.keep(hunk.hunkId), blocked !== null);
    keep.dataset.testid = 'hunk-keep';
    const reject = button(
      'Reject',
      'tdm-reject',
      rejectBlocked ?? `Reject: remove what the AI wrote here and restore what it replaced (${SHORTCUTS.reject.keys})`,
      () => actions.reject(hunk.hunkId),
      rejectBlocked !== null,
    );
    reject.dataset.testid = 'hunk-reject';
    bar.append(
      keep,
      reject,
      button('↑', 'tdm-nav', `${SHORTCUTS.prev.label} (${SHORTCUTS.prev.keys})`, () => actions.move(hunk.hunkId, -1), false),
      button('↓', 'tdm-nav', `${SHORTCUTS.next.label} (${SHORTCUTS.next.keys})`, () => actions.move(hunk.hunkId, 1), false),
    );
    this.dom.append(bar);
  }

  dispose(): void {
    this.onLayout.dispose();
    if (this.zoneId) {
      const id = this.zoneId;
      this.editor.changeViewZones((acc) => acc.removeZone(id));
    }
    this.editor.removeOverlayWidget(this);
  }
}
