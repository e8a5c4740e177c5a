'use client';
// The editor binding (MonacoYBinding, as y-monaco does) marks each remote selection with `.yRemoteSelection-<clientID>` and its caret with
// `.yRemoteSelectionHead-<clientID>`; this writes the per-person colour and name label rules.
// Names and colours come from other browsers: colours are validated hex (see presence.ts) and
// names are escaped as CSS strings, so awareness cannot inject style rules.
import type { Peer } from '@/components/shared/presence.ts';

function cssString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\n\r\f]/g, ' ')}"`;
}

export function remoteCursorCss(peers: Peer[]): string {
  const rules: string[] = [];
  for (const p of peers) {
    if (p.isSelf || !Number.isSafeInteger(p.clientId)) continue;
    const id = p.clientId;
    const label = p.role === 'view' ? `${p.name} (viewing)` : p.name;
    rules.push(
      `.yRemoteSelection-${id}{background-color:${p.colorLight};}`,
      `.yRemoteSelectionHead-${id}{border-color:${p.color};}`,
      `.yRemoteSelectionHead-${id}::after{content:${cssString(label)};background:${p.color};}`,
    );
  }
  return rules.join('\n');
}

/** Keeps one <style> element in sync with the people in the room; returns its disposer. */
export function mountRemoteCursorStyles(): { update: (peers: Peer[]) => void; dispose: () => void } {
  const style = document.createElement('style');
  style.dataset.tandem = 'remote-cursors';
  document.head.appendChild(style);
  return {
    update: (peers) => {
      // textContent never parses markup, so a name cannot close the element.
      style.textContent = remoteCursorCss(peers);
    },
    dispose: () => style.remove(),
  };
}
