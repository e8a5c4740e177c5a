'use client';
// Starts a session: a title and, optionally, a folder or .zip whose text files seed the workspace
// (seeded server-side through POST /api/sessions, never written from the browser).
import { useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { createSession, ApiRequestError } from '@/components/shared/serverApi.ts';
import { tokenFromUrl } from '@/components/shared/sessionLinks.ts';
import { rememberSession } from '@/components/shared/rememberedSessions.ts';
import { readFolder, readZip, type UploadResult } from './readUpload.ts';
import { ArchiveIcon, ArrowRightIcon, CloseIcon, FolderIcon, UploadIcon } from '@/components/shared/icons.tsx';
import { UploadSummary } from './UploadSummary.tsx';

interface Picked {
  label: string;
  result: UploadResult;
}

export function NewSessionCard() {
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<Picked | null>(null);
  const [reading, setReading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);

  async function load(label: string, read: () => Promise<UploadResult>) {
    setError(null);
    setReading(true);
    try {
      const result = await read();
      setPicked({ label, result });
      if (!title.trim()) setTitle(label.replace(/\.zip$/i, ''));
    } catch {
      setError('That upload could not be read. Is it a valid folder or .zip?');
    } finally {
      setReading(false);
    }
  }

  function onFolder(list: FileList | null) {
    if (!list || list.length === 0) return;
    const root = list[0].webkitRelativePath.split('/')[0] || 'folder';
    void load(root, () => readFolder(list));
  }

  function onZip(list: FileList | null) {
    const file = list?.[0];
    if (!file) return;
    void load(file.name, () => readZip(file));
  }

  async function onCreate(e: React.FormEvent) {
    e.preventDefault();
    setCreating(true);
    setError(null);
    try {
      const finalTitle = title.trim() || 'Untitled session';
      const res = await createSession(finalTitle, picked?.result.files ?? {});
      const editToken = res.collab.editParams.token ?? tokenFromUrl(res.editUrl) ?? '';
      rememberSession({
        id: res.id,
        title: res.title || finalTitle,
        token: editToken,
        role: 'edit',
        editToken,
        viewToken: res.collab.viewParams.token ?? tokenFromUrl(res.viewUrl) ?? undefined,
      });
      const url = new URL(res.editUrl, window.location.origin);
      router.push(`${url.pathname}${url.hash}`);
    } catch (err) {
      setCreating(false);
      setError(err instanceof ApiRequestError ? err.message : 'Could not create the session.');
    }
  }

  const busy = reading || creating;
  return (
    <form onSubmit={onCreate} className="rounded-xl border border-line bg-panel/80 p-5 shadow-2xl shadow-black/30 backdrop-blur">
      <h2 className="text-sm font-semibold text-zinc-100">Start a new session</h2>
      <p className="mt-1 text-xs text-zinc-400">Empty, or seeded from a folder or a .zip of your project.</p>
      <label className="mt-4 block text-[11px] font-medium uppercase tracking-wider text-zinc-500" htmlFor="session-title">
        Title
      </label>
      <input
        id="session-title"
        name="title"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        maxLength={120}
        placeholder="e.g. Payments refactor"
        className="mt-1.5 w-full rounded-lg border border-line-strong bg-canvas px-3 py-2 text-sm text-zinc-100 outline-none placeholder:text-zinc-600 focus:border-accent focus:ring-2 focus:ring-accent/25"
      />
      <div className="mt-4 grid grid-cols-2 gap-2">
        <button
          type="button"
          disabled={busy}
          onClick={() => folderInput.current?.click()}
          className="flex items-center justify-center gap-2 rounded-lg border border-dashed border-line-strong px-3 py-3 text-xs text-zinc-300 transition hover:border-accent/60 hover:bg-hover disabled:opacity-50"
        >
          <FolderIcon className="text-sky-400" /> Upload folder
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => zipInput.current?.click()}
          className="flex items-center justify-center gap-2 rounded-lg border border-dashed border-line-strong px-3 py-3 text-xs text-zinc-300 transition hover:border-accent/60 hover:bg-hover disabled:opacity-50"
        >
          <ArchiveIcon className="text-amber-400" /> Upload .zip
        </button>
      </div>
      <input
        ref={folderInput}
        type="file"
        className="hidden"
        data-testid="folder-input"
        // React does not type the directory picker attributes.
        {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
        multiple
        onChange={(e) => onFolder(e.target.files)}
      />
      <input
        ref={zipInput}
        type="file"
        accept=".zip,application/zip"
        className="hidden"
        data-testid="zip-input"
        onChange={(e) => onZip(e.target.files)}
      />
      {reading && (
        <div className="mt-3 flex items-center gap-2 text-xs text-zinc-400">
          <UploadIcon className="animate-pulse text-accent" /> Reading files…
        </div>
      )}
      {picked && !reading && (
        <div className="mt-3 animate-fade-in">
          <div className="flex items-center justify-between gap-2 rounded-lg bg-raised px-3 py-2 text-xs">
            <span className="truncate text-zinc-300">
              <span className="font-medium text-zinc-100">{picked.label}</span>
            </span>
            <button
              type="button"
              aria-label="Remove upload"
              onClick={() => setPicked(null)}
              className="rounded p-0.5 text-zinc-500 hover:bg-hover hover:text-zinc-200"
            >
              <CloseIcon size={14} />
            </button>
          </div>
          <UploadSummary result={picked.result} />
        </div>
      )}
      {error && (
        <p role="alert" className="mt-3 rounded-lg border border-red-500/30 bg-red-500/10 px-3 py-2 text-xs text-red-300">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="mt-5 flex w-full items-center justify-center gap-2 rounded-lg bg-accent px-4 py-2.5 text-sm font-semibold text-white shadow-lg shadow-accent/20 transition hover:bg-accent-strong disabled:cursor-wait disabled:opacity-60"
      >
        {creating ? 'Creating…' : 'Create session'}
        {!creating && <ArrowRightIcon />}
      </button>
    </form>
  );
}
