'use client';
// The start page: begin a session or reopen a recent one.
import { LogoMark } from '@/components/shared/icons.tsx';
import { NewSessionCard } from './NewSessionCard.tsx';
import { RecentSessions } from './RecentSessions.tsx';

const FEATURES = [
  { title: 'Live cursors and presence', text: 'See who is here, which file they are in, and where they are typing, in their own colour.' },
  { title: 'Undo that is yours', text: 'Ctrl+Z reverts your own edits only, never a teammate’s typing.' },
  { title: 'Keeps working offline', text: 'Edits are saved in your browser and merged the moment you are back online.' },
];

export function HomeScreen() {
  return (
    <div className="relative min-h-full overflow-hidden">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute -top-40 left-1/2 h-[480px] w-[900px] -translate-x-1/2 rounded-full bg-gradient-to-r from-violet-600/20 via-sky-500/10 to-fuchsia-500/15 blur-3xl"
      />
      <header className="relative mx-auto flex max-w-5xl items-center gap-2.5 px-6 py-5">
        <LogoMark />
        <span className="text-[15px] font-semibold tracking-tight text-zinc-100">Tandem</span>
      </header>
      <main className="relative mx-auto max-w-5xl px-6 pb-16 pt-8">
        <h1 className="max-w-xl text-3xl font-semibold tracking-tight text-zinc-50 sm:text-4xl">
          Write code together, <span className="bg-gradient-to-r from-violet-400 to-sky-400 bg-clip-text text-transparent">live</span>.
        </h1>
        <p className="mt-3 max-w-xl text-sm leading-relaxed text-zinc-400">
          Share a link and edit the same workspace with your team in real time: shared cursors, per-person undo,
          and nothing lost when the connection drops.
        </p>
        <div className="mt-10 grid items-start gap-6 md:grid-cols-[minmax(0,380px)_minmax(0,1fr)]">
          <NewSessionCard />
          <RecentSessions />
        </div>
        <ul className="mt-12 grid gap-4 border-t border-line pt-8 sm:grid-cols-3">
          {FEATURES.map((f) => (
            <li key={f.title}>
              <p className="text-sm font-medium text-zinc-200">{f.title}</p>
              <p className="mt-1 text-xs leading-relaxed text-zinc-500">{f.text}</p>
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
