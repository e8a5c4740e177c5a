// Runs the local model server standalone for development:
//   node modelServer/cli.ts --port 4010 --rate 1000
// then point Tandem at it with OPENAI_BASE_URL=http://127.0.0.1:4010/v1 OPENAI_API_KEY=test-key.
import { parseArgs } from 'node:util';
import { cannedEdit } from './cannedEdit.ts';
import { startModelServer } from './modelServer.ts';

const USAGE = `Usage: node modelServer/cli.ts [options]
  --port <n>      port (default 4010; 0 picks a free one)
  --host <h>      interface (default 127.0.0.1)
  --rate <n>      tokens per second (default 1000; 0 = unpaced)
  --chunk <n>     tokens per delta event (default 1)
  --key <k>       accepted API key (default test-key)
  --any-key       accept any key
  --model <id>    model id (default tandem-dev-model)
  --echo          reply with an echo instead of a canned edit
  --silent        reply with no text at all (a model with nothing to suggest)
  --control       mount the test-only /__control/ routes (script turns, reset, stats)`;

function main(): Promise<void> | void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      rate: { type: 'string', default: '1000' },
      chunk: { type: 'string', default: '1' },
      key: { type: 'string', default: 'test-key' },
      'any-key': { type: 'boolean', default: false },
      model: { type: 'string', default: 'tandem-dev-model' },
      echo: { type: 'boolean', default: false },
      silent: { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const rate = Number(values.rate);
  const chunkTokens = Number(values.chunk);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !(rate >= 0) || !(chunkTokens >= 1)) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const reply = values.silent ? 'silent' : values.echo ? 'echo' : 'canned';
  return run(port, values.host, rate, chunkTokens, values['any-key'] ? null : values.key, values.model, reply, values.control);
}

async function run(port: number, host: string, rate: number, chunkTokens: number, apiKey: string | null, model: string, reply: 'silent' | 'echo' | 'canned', control: boolean): Promise<void> {
  const defaultTurn = reply === 'silent' ? { defaultTurn: { text: '' } } : reply === 'canned' ? { defaultTurn: cannedEdit } : {};
  const server = await startModelServer({ port, host, rate, chunkTokens, apiKey, model, control, ...defaultTurn });
  // The key is a local test key, printed so the developer can copy it; real keys never pass through here.
  console.log(`model server listening: ${server.httpBaseUrl} (WebSocket ${server.wsUrl}), ${rate || 'unpaced'} tok/s, key ${apiKey ?? '<any>'}${control ? ', control routes on' : ''}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
