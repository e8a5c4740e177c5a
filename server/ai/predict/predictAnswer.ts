// One prediction for one person, as both transports answer it: `POST …/predict` and the collab
// socket's predict frames (socketPredictions.ts). Offsets and 1-based lines and columns both ways.
import type { PredictResponse } from '../../../lib/api.ts';
import { lineColumn, offsetAt } from '../../../lib/textPosition.ts';
import type { PredictionService } from './PredictionService.ts';

export type PredictCursor = number | { line: number; column: number };

export async function predictAnswer(
  predictions: PredictionService,
  sessionId: string,
  personKey: string,
  path: string,
  cursor: PredictCursor,
  mark: (stage: 'read' | 'model') => void,
): Promise<PredictResponse> {
  const result = await predictions.predict(sessionId, personKey, path, typeof cursor === 'number' ? cursor : (text) => offsetAt(text, cursor.line, cursor.column), mark);
  const { edit, text } = result;
  let prediction: PredictResponse['prediction'] = null;
  if (edit) {
    const a = lineColumn(text, edit.start);
    const b = lineColumn(text, edit.end);
    prediction = { range: { start: edit.start, end: edit.end, startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column }, text: edit.text };
  }
  return { prediction, source: result.source, model: result.model };
}
