// What bench/ai/modelChild.ts and its parent (modelHandle.ts) say to each other.
import type { RecordedRequest, ScriptedTurn } from '../../modelServer/modelServer.ts';

export const MODEL_KEY = 'bench-key';
export const MODEL_NAME = 'tandem-bench-model';

export type ModelOp =
  | { op: 'script'; turns: ScriptedTurn[] }
  | { op: 'reset' }
  | { op: 'tokens' }
  | { op: 'requests' };

/** A request as the benchmark reads it: size and the chaining fields, not the body. */
export interface RequestSummary {
  transport: RecordedRequest['transport'];
  connectionId: number | null;
  bytes: number;
  at: number;
  generate: boolean;
  previousResponseId: string | null;
  inputItems: number;
}
