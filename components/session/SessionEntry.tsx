'use client';
// Client boundary for the session page: everything below touches `window` (Monaco, IndexedDB,
// the URL fragment), so it is loaded in the browser only.
import dynamic from 'next/dynamic';
import { SessionSkeleton } from './Skeletons.tsx';

const SessionApp = dynamic(() => import('./SessionApp.tsx'), {
  ssr: false,
  loading: () => <SessionSkeleton />,
});

export function SessionEntry({ id }: { id: string }) {
  return <SessionApp id={id} />;
}
