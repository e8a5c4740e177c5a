// The development CLI and its canned edit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { cannedEdit, findPath } from './cannedEdit.ts';
import { makeRequest } from './turnScript.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('cannedEdit', () => {
  it('finds the first file path in free text', () => {
    assert.equal(findPath('Please rename x in src/lib/util.ts, thanks'), 'src/lib/util.ts');
    assert.equal(findPath('fix "app.py" now'), 'app.py');
    assert.equal(findPath('no file here, version 1.2 only'), null);
  });

  it('anchors an apply_patch edit on a line of the quoted file, or adds at the end', () => {
    const input = 'Active file: src/main.ts\n```\nimport x from "y";\nconst total = 1;\n```\nAdd a note.';
    const turn = cannedEdit(makeRequest('responses-ws', { input }, 1));
    assert.equal(turn.toolCall?.name, 'apply_patch');
    assert.equal(turn.toolCall?.input, '*** Begin Patch\n*** Update File: src/main.ts\n@@\n import x from "y";\n+// Edited by the Tandem model server\n*** End Patch\n');
    const bare = cannedEdit(makeRequest('responses-http', { input: 'edit notes.md please' }, null));
    assert.equal(bare.toolCall?.input, '*** Begin Patch\n*** Update File: notes.md\n@@\n+<!-- Edited by the Tandem model server -->\n*** End Patch\n');
  });

  it('answers chat requests with a SEARCH/REPLACE block', () => {
    const turn = cannedEdit(makeRequest('chat-completions', { messages: [{ role: 'user', content: 'File run.py:\ndef main():\n    pass\n' }] }, null));
    assert.match(turn.text ?? '', /run\.py\n<<<<<<< SEARCH\ndef main\(\):\n=======\ndef main\(\):\n# Edited by the Tandem model server\n>>>>>>> REPLACE\n$/);
  });

  it('completes a fill-in-the-middle request with a note line only at a line start', () => {
    const at = (prompt: string) => cannedEdit(makeRequest('completions', { prompt, suffix: 'rest();\n' }, null)).text;
    assert.equal(at('// src/a.ts\nconst x = 1;\n'), '// Edited by the Tandem model server\n');
    assert.equal(at('// run.py\nx = 1\n'), '# Edited by the Tandem model server\n');
    assert.equal(at('// src/a.ts\nconst x = '), '', 'nothing mid-line');
  });
});

describe('cli', () => {
  it('serves a canned apply_patch edit on the port it prints', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--rate', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const base = /listening: (http:\/\/\S+\/v1)/.exec(line.toString())?.[1];
      assert.ok(base, line.toString());
      const client = new OpenAI({ apiKey: 'test-key', baseURL: base, maxRetries: 0 });
      let patch = '';
      for await (const e of await client.responses.create({ model: 'm', input: 'Edit lib/a.ts', stream: true })) {
        if (e.type === 'response.custom_tool_call_input.delta') patch += e.delta;
      }
      assert.match(patch, /^\*\*\* Begin Patch\n\*\*\* Update File: lib\/a\.ts\n/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
