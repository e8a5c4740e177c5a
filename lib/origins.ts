// Transaction origins of Tandem's own writes. Yjs hands a transaction's origin to every observer
// and undo manager, so these say who wrote what: the AI (which run and hunk), a review action,
// a person's file-tree edit or identity entry, the server's upkeep. Writes from the network carry the connection
// (server) or the provider (browser) as their origin instead; those are objects of their own.

export type AiOrigin = { readonly kind: 'ai'; readonly runId: string; readonly hunkId?: string };
export type ReviewOrigin = { readonly kind: 'review'; readonly action: 'keep' | 'reject' | 'undo'; readonly by: string };

export type TandemOrigin =
  | AiOrigin
  | ReviewOrigin
  | { readonly kind: 'file-tree' }
  | { readonly kind: 'identity' }
  | { readonly kind: 'prediction' }
  | { readonly kind: 'identity-prune' }
  | { readonly kind: 'storage-load' }
  | { readonly kind: 'restore' }
  | { readonly kind: 'history' }
  | { readonly kind: 'folder' };

const KINDS = new Set<string>(['ai', 'review', 'file-tree', 'identity', 'prediction', 'identity-prune', 'storage-load', 'restore', 'history', 'folder']);

/** Every file-tree write (create, rename, delete) by a person in the browser. */
export const FILE_TREE_ORIGIN: TandemOrigin = { kind: 'file-tree' };
/** A person's browser recording who writes with its clientID (the document's identities). */
export const IDENTITY_ORIGIN: TandemOrigin = { kind: 'identity' };
/** A person's browser recording that text it just wrote was an accepted edit prediction. */
export const PREDICTION_ORIGIN: TandemOrigin = { kind: 'prediction' };
/** The server's removal of identities that wrote nothing (stored and relayed like any write). */
export const PRUNE_ORIGIN: TandemOrigin = { kind: 'identity-prune' };
/** The server's own replay of stored state while loading a room (never stored again). */
export const LOAD_ORIGIN: TandemOrigin = { kind: 'storage-load' };

/** A person putting files back as a checkpoint had them (lib/history/restoreFiles.ts). */
export const RESTORE_ORIGIN: TandemOrigin = { kind: 'restore' };
/** A local folder's changes, brought into the session by the folder sync (cli/FolderSync.ts). */
export const FOLDER_ORIGIN: TandemOrigin = { kind: 'folder' };
/** The server noting in the document that a checkpoint was stored (so History panels refresh). */
export const HISTORY_ORIGIN: TandemOrigin = { kind: 'history' };

/** One AI run's writes, or one hunk's (each hunk has its own, so its undo is its own). */
export function aiOrigin(runId: string, hunkId?: string): AiOrigin {
  return hunkId === undefined ? { kind: 'ai', runId } : { kind: 'ai', runId, hunkId };
}

export function reviewOrigin(action: ReviewOrigin['action'], by: string): ReviewOrigin {
  return { kind: 'review', action, by };
}

export function isTandemOrigin(origin: unknown): origin is TandemOrigin {
  return typeof origin === 'object' && origin !== null && KINDS.has((origin as { kind?: unknown }).kind as string);
}
