// The model's answers in the edit-prediction benchmark (bench/predict.ts), computed from each
// request by the model server in its own process (bench/predictModelChild.ts): the answers read
// Tandem's rewrite prompt back and answer at its cursor.
import type { ModelRequest } from '../modelServer/modelServer.ts';
import { CURSOR, REGION_END, REGION_START } from '../server/ai/predict/predictionPrompt.ts';

// Typing: the snippet goes into the empty body of the function (line 3).
export const TYPING_PREFIX = '// Edit predictions while typing\nexport function summarize(values: number[]): { min: number; max: number; mean: number } {\n';
export const TYPING_SUFFIX = '\n}\n';
export const SNIPPET = [
  '  if (values.length === 0) return { min: 0, max: 0, mean: 0 };',
  '  let min = values[0];',
  '  let max = values[0];',
  '  let sum = 0;',
  '  for (const value of values) {',
  '    if (value < min) min = value;',
  '    if (value > max) max = value;',
  '    sum += value;',
  '  }',
  '  return { min, max, mean: sum / values.length };',
].join('\n');
/** The always-wrong model's answer at the cursor ('W' is nowhere in the snippet: never typed through). */
export const WRONG = 'Wrong.guess();';

interface PromptAtCursor {
  /** The file's text before the cursor as the excerpt shows it (from its start: the files are short). */
  before: string;
  /** The editable region before and after the cursor. */
  regionBefore: string;
  regionAfter: string;
}

/** Reads the rewrite prompt (predictionPrompt.ts) back: the excerpt, its region and the cursor. */
function readPrompt(request: ModelRequest): PromptAtCursor | null {
  // Chat Completions: the user message; Responses: the input (a string).
  const messages = request.body.messages as { role?: string; content?: unknown }[] | undefined;
  const user = typeof request.body.input === 'string' ? request.body.input : messages?.find((m) => m.role === 'user')?.content;
  if (typeof user !== 'string') return null;
  const head = user.lastIndexOf('Excerpt of ');
  if (head < 0) return null;
  const excerpt = user.slice(user.indexOf('\n', head) + 1);
  const start = excerpt.indexOf(REGION_START);
  const cursor = excerpt.indexOf(CURSOR);
  const end = excerpt.indexOf(REGION_END);
  if (start < 0 || cursor < start || end < cursor) return null;
  const regionBefore = excerpt.slice(start + REGION_START.length, cursor);
  return { before: excerpt.slice(0, start) + regionBefore, regionBefore, regionAfter: excerpt.slice(cursor + CURSOR.length, end) };
}

type Answer = (prompt: PromptAtCursor) => string;

/** Latency cycles: a short insertion at the cursor, numbered by the cursor's offset. */
const latencyAnswer: Answer = (p) => `${p.regionBefore} <- predicted ${p.before.length}${p.regionAfter}`;

/** The rest of the snippet's current line, when the text typed so far is the snippet's start. */
const correctLineAnswer: Answer = (p) => {
  if (!p.before.startsWith(TYPING_PREFIX)) return p.regionBefore + p.regionAfter;
  const typed = p.before.slice(TYPING_PREFIX.length);
  if (!SNIPPET.startsWith(typed)) return p.regionBefore + p.regionAfter;
  const lineEnd = SNIPPET.indexOf('\n', typed.length);
  return p.regionBefore + SNIPPET.slice(typed.length, lineEnd < 0 ? SNIPPET.length : lineEnd) + p.regionAfter;
};

const wrongAnswer: Answer = (p) => p.regionBefore + WRONG + p.regionAfter;

export const ANSWERS = { latency: latencyAnswer, 'correct-line': correctLineAnswer, 'always-wrong': wrongAnswer } as const;
export type AnswerName = keyof typeof ANSWERS;

/** The model server's default turn: the named answer after `delay` ms, unpaced. */
export function answerTurn(name: AnswerName, delay: number): (request: ModelRequest) => { text: string; firstTokenDelayMs: number; rate: number } {
  const answer = ANSWERS[name];
  return (request) => {
    const prompt = readPrompt(request);
    // An unreadable request gets the prompt back (markers and all): Tandem reads it as no prediction.
    return { text: prompt ? answer(prompt) : request.inputText, firstTokenDelayMs: delay, rate: 0 };
  };
}

/** What the benchmark and the model server's process say to each other (bench/predictModelChild.ts). */
export type PredictModelOp =
  | { op: 'answer'; name: AnswerName; delay: number }
  | { op: 'script'; text: string; firstTokenDelayMs: number }
  | { op: 'reset' }
  | { op: 'records'; from: number };

export interface PredictModelRecords {
  requests: { route: string; at: number }[];
  tokens: { responseId: string; at: number }[];
  /** The model server's abort records (streams the client left). */
  aborted: { transport: string; at: number }[];
}
