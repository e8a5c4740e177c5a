// One tab of the session's side panel. Features (the AI thread, review) build their own tab; the
// session's side panel shows them.
import type { ReactNode } from 'react';

export interface SideTab {
  id: string;
  label: string;
  /** A small marker after the label (a live status dot, a count). */
  badge?: ReactNode;
  content: ReactNode;
}
