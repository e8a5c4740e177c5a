'use client';
// The workspace explorer: files from the document's `files` map plus its `folders`, with inline
// create / rename, a context menu, hover actions, F2 and Delete.
import { useCallback, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { filesOf, foldersOf } from '@/lib/schema.ts';
import { useYMapKeys } from '@/components/shared/useYMap.ts';
import type { Peer } from '@/components/shared/presence.ts';
import { ChevronIcon, FilePlusIcon, FolderIcon, FolderOpenIcon, FolderPlusIcon, PencilIcon, TrashIcon } from '@/components/shared/icons.tsx';
import { buildTree, baseName, joinPath, parentOf, type TreeNode } from './pathTree.ts';
import { createFile, createFolder, renamePath } from './fileOps.ts';
import { useDeletion } from './useDeletion.tsx';
import { InlineNameInput } from './InlineNameInput.tsx';
import { ContextMenu, type MenuItem } from './ContextMenu.tsx';
import { FileGlyph } from '@/components/shared/fileIcon.tsx';

type Editing = { mode: 'new-file' | 'new-folder'; parent: string } | { mode: 'rename'; path: string; kind: TreeNode['kind'] };

interface Props {
  doc: Y.Doc;
  readOnly: boolean;
  activePath: string | null;
  peers: Peer[];
  onOpen: (path: string) => void;
  /** Called after this person renamed or deleted paths, so open tabs can follow. */
  onRenamed: (from: string, to: string) => void;
  onDeleted: (path: string) => void;
}

export function FileTree({ doc, readOnly, activePath, peers, onOpen, onRenamed, onDeleted }: Props) {
  const fileKeys = useYMapKeys(filesOf(doc));
  const folderKeys = useYMapKeys(foldersOf(doc));
  const tree = useMemo(() => buildTree(fileKeys, folderKeys), [fileKeys, folderKeys]);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [selected, setSelected] = useState<{ path: string; kind: TreeNode['kind'] } | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; node: TreeNode | null } | null>(null);

  const viewersByFile = useMemo(() => {
    const map = new Map<string, Peer[]>();
    for (const p of peers) {
      if (p.isSelf || !p.file) continue;
      map.set(p.file, [...(map.get(p.file) ?? []), p]);
    }
    return map;
  }, [peers]);

  const startCreate = useCallback((mode: 'new-file' | 'new-folder', parent: string) => {
    setEditing({ mode, parent });
    if (parent) setCollapsed((c) => { const n = new Set(c); n.delete(parent); return n; });
  }, []);

  const deletion = useDeletion(doc, onDeleted, onOpen);
  const { ask: askDelete } = deletion;
  const remove = useCallback((path: string) => {
    askDelete(path, !filesOf(doc).has(path));
    setSelected(null);
  }, [doc, askDelete]);

  const targetFolder = selected ? (selected.kind === 'folder' ? selected.path : parentOf(selected.path)) : '';

  function onKeyDown(e: React.KeyboardEvent) {
    if (readOnly || !selected || editing) return;
    if (e.key === 'F2') {
      e.preventDefault();
      setEditing({ mode: 'rename', path: selected.path, kind: selected.kind });
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && (e.metaKey || e.ctrlKey))) {
      e.preventDefault();
      remove(selected.path);
    }
  }

  function menuItems(node: TreeNode | null): MenuItem[] {
    const folder = node ? (node.kind === 'folder' ? node.path : parentOf(node.path)) : '';
    const items: MenuItem[] = [
      { label: 'New file', onSelect: () => startCreate('new-file', folder) },
      { label: 'New folder', onSelect: () => startCreate('new-folder', folder) },
    ];
    if (node) {
      items.push(
        { label: 'Rename', shortcut: 'F2', onSelect: () => setEditing({ mode: 'rename', path: node.path, kind: node.kind }) },
        { label: 'Delete', shortcut: 'Del', danger: true, onSelect: () => remove(node.path) },
      );
    }
    return items;
  }

  function renderCreateRow(parent: string, depth: number) {
    if (!editing || editing.mode === 'rename' || editing.parent !== parent) return null;
    const isFolder = editing.mode === 'new-folder';
    return (
      <InlineNameInput
        initial=""
        depth={depth}
        icon={isFolder ? <FolderIcon size={15} className="text-zinc-400" /> : <FilePlusIcon size={15} className="text-zinc-400" />}
        onCancel={() => setEditing(null)}
        onSubmit={(name) => {
          const res = (isFolder ? createFolder : createFile)(doc, joinPath(parent, name));
          if (!res.ok) return res.error;
          setEditing(null);
          setSelected({ path: res.path, kind: isFolder ? 'folder' : 'file' });
          if (!isFolder) onOpen(res.path);
          return null;
        }}
      />
    );
  }

  function renderNode(node: TreeNode, depth: number): React.ReactNode {
    if (editing?.mode === 'rename' && editing.path === node.path) {
      return (
        <InlineNameInput
          key={node.path}
          initial={node.name}
          depth={depth}
          icon={node.kind === 'folder' ? <FolderIcon size={15} className="text-zinc-400" /> : <FileGlyph name={node.name} />}
          onCancel={() => setEditing(null)}
          onSubmit={(name) => {
            const res = renamePath(doc, node.path, joinPath(parentOf(node.path), name));
            if (!res.ok) return res.error;
            setEditing(null);
            setSelected({ path: res.path, kind: node.kind });
            onRenamed(node.path, res.path);
            return null;
          }}
        />
      );
    }
    const isOpen = node.kind === 'folder' && !collapsed.has(node.path);
    const isActive = node.kind === 'file' && node.path === activePath;
    const isSelected = selected?.path === node.path;
    const others = viewersByFile.get(node.path) ?? [];
    return (
      <div key={node.path} role="treeitem" aria-selected={isSelected} aria-expanded={node.kind === 'folder' ? isOpen : undefined}>
        <div
          data-testid="tree-item"
          data-path={node.path}
          data-kind={node.kind}
          onClick={() => {
            setSelected({ path: node.path, kind: node.kind });
            if (node.kind === 'folder') {
              setCollapsed((c) => { const n = new Set(c); if (n.has(node.path)) n.delete(node.path); else n.add(node.path); return n; });
            } else onOpen(node.path);
          }}
          onContextMenu={(e) => {
            if (readOnly) return;
            e.preventDefault();
            setSelected({ path: node.path, kind: node.kind });
            setMenu({ x: e.clientX, y: e.clientY, node });
          }}
          className={`group flex h-[26px] cursor-pointer items-center gap-1.5 pr-2 text-[13px] ${
            isActive ? 'bg-accent/15 text-zinc-50' : isSelected ? 'bg-hover text-zinc-100' : 'text-zinc-300 hover:bg-hover/70'
          }`}
          style={{ paddingLeft: 8 + depth * 12 }}
        >
          {node.kind === 'folder' ? (
            <>
              <ChevronIcon size={12} className={`shrink-0 text-zinc-500 transition-transform ${isOpen ? 'rotate-90' : ''}`} />
              {isOpen ? <FolderOpenIcon size={15} className="shrink-0 text-sky-300/80" /> : <FolderIcon size={15} className="shrink-0 text-sky-300/80" />}
            </>
          ) : (
            <>
              <span className="w-3 shrink-0" />
              <FileGlyph name={node.name} />
            </>
          )}
          <span className="min-w-0 flex-1 truncate">{node.name}</span>
          {others.length > 0 && (
            <span className="flex shrink-0 gap-0.5 group-hover:hidden" aria-label={`Open by ${others.map((p) => p.name).join(', ')}`}>
              {others.slice(0, 3).map((p) => (
                <span key={p.clientId} title={p.name} className="h-1.5 w-1.5 rounded-full" style={{ background: p.color }} />
              ))}
            </span>
          )}
          {!readOnly && (
            <span className="hidden shrink-0 items-center gap-0.5 group-hover:flex">
              <TreeButton label={`Rename ${node.name}`} onClick={() => setEditing({ mode: 'rename', path: node.path, kind: node.kind })}>
                <PencilIcon size={13} />
              </TreeButton>
              <TreeButton label={`Delete ${node.name}`} onClick={() => remove(node.path)}>
                <TrashIcon size={13} />
              </TreeButton>
            </span>
          )}
        </div>
        {isOpen && (
          <div role="group">
            {renderCreateRow(node.path, depth + 1)}
            {node.children.map((c) => renderNode(c, depth + 1))}
          </div>
        )}
      </div>
    );
  }

  return (
    <nav className="flex h-full min-h-0 flex-col" aria-label="Files">
      <div className="flex h-9 shrink-0 items-center justify-between pl-4 pr-2">
        <span className="text-[11px] font-semibold uppercase tracking-wider text-zinc-500">Explorer</span>
        {!readOnly && (
          <span className="flex items-center gap-0.5">
            <TreeButton label="New file" onClick={() => startCreate('new-file', targetFolder)}>
              <FilePlusIcon size={15} />
            </TreeButton>
            <TreeButton label="New folder" onClick={() => startCreate('new-folder', targetFolder)}>
              <FolderPlusIcon size={15} />
            </TreeButton>
          </span>
        )}
      </div>
      <div
        role="tree"
        tabIndex={0}
        onKeyDown={onKeyDown}
        onContextMenu={(e) => {
          if (readOnly || e.defaultPrevented) return;
          e.preventDefault();
          setMenu({ x: e.clientX, y: e.clientY, node: null });
        }}
        className="min-h-0 flex-1 overflow-y-auto pb-6 outline-none"
      >
        {renderCreateRow('', 0)}
        {tree.map((n) => renderNode(n, 0))}
        {tree.length === 0 && !editing && (
          <div className="mx-3 mt-3 rounded-lg border border-dashed border-line-strong px-3 py-6 text-center">
            <p className="text-xs text-zinc-400">No files yet</p>
            {!readOnly && (
              <button
                type="button"
                onClick={() => startCreate('new-file', '')}
                className="mt-2 rounded-md bg-accent/15 px-2.5 py-1 text-xs font-medium text-accent-strong hover:bg-accent/25"
              >
                Create a file
              </button>
            )}
          </div>
        )}
      </div>
      {menu && <ContextMenu x={menu.x} y={menu.y} items={menuItems(menu.node)} onClose={() => setMenu(null)} />}
      {deletion.dialog}
      {deletion.notice}
    </nav>
  );
}

function TreeButton({ label, onClick, children }: { label: string; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
      className="rounded p-1 text-zinc-400 hover:bg-raised hover:text-zinc-100"
    >
      {children}
    </button>
  );
}
