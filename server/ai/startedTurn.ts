// Starts a model turn before the caller iterates it. The provider sends the request as soon as
// the turn's iterator is first pulled; the AI peer pulls it at once, does its bookkeeping (the
// thread entry, its identity, its presence: document writes that would otherwise delay the
// request), and only then reads the events, which the provider buffers meanwhile.

/** The turn with its request already on its way; iterate it like the original. */
export function startTurn<T>(turn: AsyncIterable<T>): AsyncIterable<T> {
  const it = turn[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | null = it.next();
  // A failure surfaces when the caller reads it, not as an unhandled rejection meanwhile.
  first.catch(() => {});
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const next = first ?? it.next();
        first = null;
        return next;
      },
      // Stopping early (break) closes the provider's turn, as a for-await over it would.
      return: (value?: unknown) => (it.return ? it.return(value as never) : Promise.resolve({ done: true as const, value: undefined as never })),
    }),
  };
}

/** Resolves after the current I/O callbacks and microtasks (a request just started is sent). */
export function afterSend(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
