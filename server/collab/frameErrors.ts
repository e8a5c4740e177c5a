// Errors a frame handler throws to close its own connection with a named code (lib/protocol.ts).
import { CLOSE, type CloseSpec } from '../../lib/protocol.ts';

export class FrameError extends Error {
  readonly close: CloseSpec;
  constructor(close: CloseSpec, message: string) {
    super(message);
    this.close = close;
  }
}

export function malformed(message: string): FrameError {
  return new FrameError(CLOSE.malformedFrame, message);
}

export function documentTooLarge(message: string): FrameError {
  return new FrameError(CLOSE.documentTooLarge, message);
}

export function missingDependencies(message: string): FrameError {
  return new FrameError(CLOSE.missingDependencies, message);
}

export function invalidPath(message: string): FrameError {
  return new FrameError(CLOSE.invalidPath, message);
}

export function awarenessTooLarge(message: string): FrameError {
  return new FrameError(CLOSE.awarenessTooLarge, message);
}
