import type { Metadata } from 'next';
import { SessionEntry } from '@/components/session/SessionEntry.tsx';

export const metadata: Metadata = {
  title: 'Session · Tandem',
  // Session pages are private by construction (the token is in the fragment).
  robots: { index: false, follow: false },
};

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="h-dvh overflow-hidden">
      <SessionEntry id={id} />
    </div>
  );
}
