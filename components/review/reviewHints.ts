// What review controls tell people: why a viewer's keep/reject buttons are disabled, and the
// review keys, shown in tooltips, on the hunk bars and in the review panel.

/** Why a viewer's keep/reject buttons are disabled. */
export const VIEWER_REASON = 'You are viewing this session: ask for an edit link to keep or reject changes.';

/** Keyboard shortcuts, shown in tooltips and the review panel. */
export const SHORTCUTS = {
  next: { keys: 'Alt+] or F7', label: 'Next change' },
  prev: { keys: 'Alt+[ or Shift+F7', label: 'Previous change' },
  keep: { keys: 'Ctrl/⌘+Alt+Y', label: 'Keep the change at the cursor' },
  reject: { keys: 'Ctrl/⌘+Alt+N', label: 'Reject the change at the cursor' },
} as const;
