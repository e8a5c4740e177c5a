// Where a turn's output goes: apply_patch tool input through its patch parser, SEARCH/REPLACE
// blocks in the text (chat models) through theirs, both into the EditApplier; the rest of the
// text into the run's explanation. Counts tokens as they arrive and remembers the tool calls the
// model will hear the results of next turn.
import { ApplyPatchParser } from '../../lib/edits/applyPatchParser.ts';
import { SearchReplaceParser } from '../../lib/edits/searchReplaceParser.ts';
import type { ProviderError, ProviderKind, TurnEvent, Usage } from './providers/types.ts';
import { CHARS_PER_TOKEN } from './context.ts';
import type { EditApplier } from './EditApplier.ts';
import type { RunRecord } from './RunRecord.ts';

export class TurnOutput {
  /** Output tokens estimated from the text (until the provider reports usage). */
  approxTokens = 0;
  usage: Usage | null = null;
  /** Tool calls of the response being read, in order. */
  readonly toolCalls: string[] = [];
  private readonly applier: EditApplier;
  private readonly record: RunRecord;
  private readonly patchParsers = new Map<string, ApplyPatchParser>();
  private srParser: SearchReplaceParser | null = null;

  constructor(applier: EditApplier, record: RunRecord) {
    this.applier = applier;
    this.record = record;
  }

  /** A new request of the run: chat models' text is read for SEARCH/REPLACE blocks. */
  startRequest(kind: ProviderKind): void {
    if (kind === 'chat') this.srParser = new SearchReplaceParser();
  }

  /** Forgets what the parsers hold and the calls made (a redirected or steered response). */
  drop(): void {
    this.patchParsers.clear();
    this.toolCalls.length = 0;
  }

  /** One provider event: text, tool calls and their input, the end of the response. Returns an error event's error. */
  handle(event: TurnEvent): ProviderError | null {
    switch (event.type) {
      case 'text':
        this.approxTokens += Math.max(1, Math.round(event.delta.length / CHARS_PER_TOKEN));
        if (this.srParser) this.feedSearchReplace(this.srParser.push(event.delta));
        else this.record.appendExplanation(event.delta);
        break;
      case 'tool_call_start':
        this.toolCalls.push(event.callId);
        if (event.name === 'apply_patch') this.patchParsers.set(event.callId, new ApplyPatchParser());
        break;
      case 'tool_input': {
        this.approxTokens += Math.max(1, Math.round(event.delta.length / CHARS_PER_TOKEN));
        const parser = this.patchParsers.get(event.callId);
        if (parser) for (const e of parser.push(event.delta)) this.applier.place(e);
        break;
      }
      case 'tool_call_done': {
        if (!this.toolCalls.includes(event.callId)) this.toolCalls.push(event.callId);
        if (!this.patchParsers.has(event.callId) && event.name === 'apply_patch') {
          // Input delivered whole (no deltas): parse it now.
          const parser = new ApplyPatchParser();
          for (const e of parser.push(event.input)) this.applier.place(e);
          this.patchParsers.set(event.callId, parser);
        }
        break;
      }
      case 'completed':
        // Only a completed response makes the last line of an edit final: a failed one may
        // still close its tool call, and that cut-off line must not be applied.
        this.usage = event.usage;
        for (const parser of this.patchParsers.values()) for (const e of parser.finish()) this.applier.place(e);
        if (this.srParser) this.feedSearchReplace(this.srParser.finish());
        break;
      case 'error':
        return event.error;
      default:
        break;
    }
    return null;
  }

  private feedSearchReplace(events: ReturnType<SearchReplaceParser['push']>): void {
    for (const e of events) {
      if (e.type === 'text') this.record.appendExplanation(`${e.text}\n`);
      else this.applier.place(e);
    }
  }
}
