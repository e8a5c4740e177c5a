// One-line structured logs on stderr. Callers pass ids and counts, never document text or tokens.
type Fields = Record<string, string | number | boolean | null | undefined>;

let quiet = false;

/** Tests silence routine logs; errors are always printed. */
export function setQuiet(value: boolean): void {
  quiet = value;
}

function line(level: string, event: string, fields: Fields): string {
  let out = `tandem ${level} ${event}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out += ` ${key}=${value}`;
  }
  return out;
}

export const log = {
  info(event: string, fields: Fields = {}): void {
    if (!quiet) console.error(line('info', event, fields));
  },
  warn(event: string, fields: Fields = {}): void {
    if (!quiet) console.error(line('warn', event, fields));
  },
  error(event: string, err: unknown, fields: Fields = {}): void {
    const message = err instanceof Error ? err.message : String(err);
    console.error(line('error', event, { ...fields, error: JSON.stringify(message) }));
  },
};
