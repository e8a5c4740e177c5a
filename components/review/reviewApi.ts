// Browser calls to the review endpoint (POST /api/sessions/<id>/review). The server checks the
// edit token and applies keep / reject / undo to the document, so every participant sees it.
export type ReviewAction = 'keep' | 'reject' | 'undo';

export interface ReviewRequest {
  action: ReviewAction;
  hunkIds?: string[];
  runId?: string;
  file?: string;
  /** For undo: which log entry (the last one not undone when absent). */
  entryId?: string;
}

/** Who decides: shown in the review log and as the author of text a reject restores. */
export interface Reviewer {
  name: string;
  clientId: number;
}

export async function postReview(sessionId: string, token: string, request: ReviewRequest, by: Reviewer): Promise<unknown> {
  const body = { ...request, by: { name: by.name.trim().slice(0, 80) || 'an editor', clientId: by.clientId } };
  let res: Response;
  try {
    res = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/review`, {
      method: 'POST',
      cache: 'no-store',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error('The Tandem server could not be reached.');
  }
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(json?.error?.message ?? `Review failed (${res.status})`);
  return json;
}

/** Why a viewer's keep/reject buttons are disabled. */
export const VIEWER_REASON = 'You are viewing this session: ask for an edit link to keep or reject changes.';

/** Keyboard shortcuts, shown in tooltips and the review panel. */
export const SHORTCUTS = {
  next: { keys: 'Alt+] or F7', label: 'Next change' },
  prev: { keys: 'Alt+[ or Shift+F7', label: 'Previous change' },
  keep: { keys: 'Ctrl/⌘+Alt+Y', label: 'Keep the change at the cursor' },
  reject: { keys: 'Ctrl/⌘+Alt+N', label: 'Reject the change at the cursor' },
} as const;
