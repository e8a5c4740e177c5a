// What the model is told: instructions and tools per provider family. Responses models get
// `apply_patch` as a freeform custom tool constrained by its Lark grammar (the format GPT-5
// class models are trained on); Chat Completions models get SEARCH/REPLACE blocks in plain
// text (the format most model families write reliably).
import type { ProviderKind } from './providers/types.ts';

/** The apply_patch grammar (docs/MODEL-PROTOCOLS.md §3). */
export const APPLY_PATCH_GRAMMAR = `start: begin_patch hunk+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

hunk: add_hunk | delete_hunk | update_hunk
add_hunk: "*** Add File: " filename LF add_line+
delete_hunk: "*** Delete File: " filename LF
update_hunk: "*** Update File: " filename LF change_move? change?

filename: /(.+)/
add_line: "+" /(.*)/ LF -> line

change_move: "*** Move to: " filename LF
change: (change_context | change_line)+ eof_line?
change_context: ("@@" | "@@ " /(.+)/) LF
change_line: ("+" | "-" | " ") /(.*)/ LF
eof_line: "*** End of File" LF

%import common.LF
`;

export const APPLY_PATCH_TOOL = {
  type: 'custom',
  name: 'apply_patch',
  description:
    'Edit workspace files. Write a patch: update files with small hunks (about 3 lines of context around each change, ' +
    '`@@ <enclosing function or class>` when it helps), add files with every line prefixed by +, delete files. ' +
    'No line numbers. Never rewrite a whole existing file.',
  format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_GRAMMAR },
} as const;

const COMMON = `You are the AI collaborator in Tandem, a shared code editor. Several people edit the same files while you work, so:
- make minimal, targeted edits; never rewrite a whole existing file and never leave placeholders;
- copy the old lines you change exactly as they are in the current file, so that each change can be located;
- keep your explanation short (one to three sentences), before the edit.
If a previous change could not be applied, you are told why: fix it against the current text.`;

const RESPONSES = `${COMMON}
Edit files only through the apply_patch tool, in one call per answer.`;

const CHAT = `${COMMON}
Edit files with SEARCH/REPLACE blocks. For each change write the file path on its own line, then:
<<<<<<< SEARCH
exact old lines (enough to be unique)
=======
new lines
>>>>>>> REPLACE
An empty SEARCH section creates the file (or appends to it). To delete a file, replace its whole content with nothing.
Write nothing after the last block.`;

export function instructionsFor(kind: ProviderKind): string {
  return kind === 'responses' ? RESPONSES : CHAT;
}

export function toolsFor(kind: ProviderKind): unknown[] | undefined {
  return kind === 'responses' ? [APPLY_PATCH_TOOL] : undefined;
}
