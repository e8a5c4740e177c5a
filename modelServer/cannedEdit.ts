// The development server's default reply: a small, valid edit to the file the request names.
import type { ModelRequest, ScriptedTurn } from './modelServerTypes.ts';

const PATH_RE = /(?:^|[\s'"`(=])((?:[\w.@-]+\/)*[\w@-][\w.@-]*\.[A-Za-z][A-Za-z0-9]{0,7})(?=$|[\s'"`):,;])/gm;
const NOTE = 'Edited by the Tandem model server';

/** The first file path mentioned in the request, if any. */
export function findPath(text: string): string | null {
  for (const m of text.matchAll(PATH_RE)) {
    const path = m[1]!;
    if (!/^\d/.test(path) && !path.startsWith('.')) return path;
  }
  return null;
}

function commentFor(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (['py', 'sh', 'rb', 'yaml', 'yml', 'toml', 'r', 'pl'].includes(ext)) return `# ${NOTE}`;
  if (['html', 'md', 'xml', 'svg', 'vue'].includes(ext)) return `<!-- ${NOTE} -->`;
  if (['css', 'scss'].includes(ext)) return `/* ${NOTE} */`;
  if (ext === 'sql' || ext === 'lua') return `-- ${NOTE}`;
  return `// ${NOTE}`;
}

/** A line of the file's content as quoted after its path in the request, to anchor the edit. */
function anchorLine(text: string, path: string): string | null {
  const at = text.indexOf(path);
  if (at < 0) return null;
  const lines = text.slice(at + path.length).split('\n').slice(1, 400);
  return lines.find((l) => l.trim().length > 3 && !l.startsWith('*** ') && !/^[+\-@]/.test(l) && !l.includes('```')) ?? null;
}

/**
 * apply_patch for Responses requests, a SEARCH/REPLACE block for Chat Completions, and for a
 * fill-in-the-middle completion the note as a line of its own when the cursor is at a line start
 * (elsewhere nothing, so the completion never splits a line).
 * With a line of the file in the request, the comment goes after it; otherwise the patch is a
 * pure addition (applied at the end of the file).
 */
export function cannedEdit(request: ModelRequest): ScriptedTurn {
  const path = findPath(request.inputText);
  if (request.transport === 'completions') {
    const prompt = typeof request.body.prompt === 'string' ? request.body.prompt : '';
    return { text: path && (prompt === '' || prompt.endsWith('\n')) ? `${commentFor(path)}\n` : '' };
  }
  if (!path) return { text: 'Name a file in your request and I will make a small edit to it.' };
  const comment = commentFor(path);
  const anchor = anchorLine(request.inputText, path);
  if (request.transport === 'chat-completions') {
    if (!anchor) return { text: `I could not see ${path}'s contents, so I made no edit.` };
    return { text: `Adding a note to ${path}.\n\n${path}\n<<<<<<< SEARCH\n${anchor}\n=======\n${anchor}\n${comment}\n>>>>>>> REPLACE\n` };
  }
  const hunk = anchor ? `@@\n ${anchor}\n+${comment}\n` : `@@\n+${comment}\n`;
  return {
    text: `Adding a note to ${path}.`,
    toolCall: { name: 'apply_patch', input: `*** Begin Patch\n*** Update File: ${path}\n${hunk}*** End Patch\n` },
  };
}
