'use client';
// Work done at most once per animation frame however often it is asked for: the AI writes up to
// 60 batches a second, and whoever draws from the document (decorations, carets, panels) needs its
// newest state once per frame, not once per batch.

export interface FrameTask {
  /** Runs the task at the next animation frame, unless a run is already waiting for it. */
  schedule(): void;
  /** Drops a run still waiting. */
  cancel(): void;
}

export function oncePerFrame(run: () => void): FrameTask {
  let frame = 0;
  return {
    schedule() {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        run();
      });
    },
    cancel() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
    },
  };
}
