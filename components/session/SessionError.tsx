// A session that cannot be opened, said plainly, with a way back.
import Link from 'next/link';
import { AlertIcon, HomeIcon, LogoMark } from '@/components/shared/icons.tsx';

interface Props {
  title: string;
  message: string;
  onRetry?: () => void;
}

export function SessionError({ title, message, onRetry }: Props) {
  return (
    <div className="flex h-full items-center justify-center px-6" data-testid="session-error">
      <div className="w-full max-w-md animate-pop-in rounded-2xl border border-line bg-panel p-7 text-center shadow-2xl shadow-black/40">
        <div className="relative mx-auto w-fit">
          <LogoMark size={40} className="opacity-60 grayscale" />
          <span className="absolute -bottom-1.5 -right-1.5 flex h-6 w-6 items-center justify-center rounded-full bg-red-500/20 text-red-300 ring-4 ring-panel">
            <AlertIcon size={13} />
          </span>
        </div>
        <h1 className="mt-5 text-lg font-semibold text-zinc-50">{title}</h1>
        <p className="mt-2 text-sm leading-relaxed text-zinc-400">{message}</p>
        <div className="mt-6 flex justify-center gap-2">
          {onRetry && (
            <button type="button" onClick={onRetry} className="rounded-lg border border-line-strong px-4 py-2 text-sm text-zinc-200 hover:bg-hover">
              Try again
            </button>
          )}
          <Link href="/" className="flex items-center gap-2 rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
            <HomeIcon size={15} /> Back to home
          </Link>
        </div>
      </div>
    </div>
  );
}
