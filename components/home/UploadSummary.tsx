'use client';
// What an upload will put into the workspace, and what it left out and why.
import { useState } from 'react';
import type { UploadResult } from './readUpload.ts';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function UploadSummary({ result }: { result: UploadResult }) {
  const [open, setOpen] = useState(false);
  const kept = Object.keys(result.files).length;
  const skipped = result.skipped.length;
  return (
    <div className="mt-2 text-xs" data-testid="upload-summary">
      <p className="text-zinc-400">
        <span className="font-medium text-emerald-400">{kept} text {kept === 1 ? 'file' : 'files'}</span> ·{' '}
        {formatBytes(result.totalBytes)}
        {skipped > 0 && (
          <>
            {' · '}
            <button type="button" onClick={() => setOpen(!open)} className="text-amber-400 underline-offset-2 hover:underline">
              {skipped} skipped
            </button>
          </>
        )}
      </p>
      {kept === 0 && <p className="mt-1 text-amber-300">No text files found: the session will start empty.</p>}
      {open && skipped > 0 && (
        <ul className="mt-2 max-h-32 overflow-auto rounded-lg border border-line bg-canvas p-2 font-mono text-[11px] text-zinc-400" data-testid="skipped-list">
          {result.skipped.slice(0, 200).map((s) => (
            <li key={s.path + s.reason} className="flex justify-between gap-3">
              <span className="truncate">{s.path}</span>
              <span className="shrink-0 text-amber-400/80">{s.reason}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
