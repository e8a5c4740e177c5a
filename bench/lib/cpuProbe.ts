// Preloaded into a server child with `node --import`: answers "cpu" over the IPC channel with
// process.cpuUsage() (microseconds), so neither server's code changes and /proc's 10 ms clock
// ticks do not blur short measurements. With --profile, "profile-start" / "profile-stop <file>"
// record a V8 CPU profile of exactly the load phase through the in-process inspector.
// The channel is unref'd so it never keeps a server alive.
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

let session: Session | null = null;

async function handle(message: unknown): Promise<void> {
  if (message === 'cpu') {
    process.send!({ cpu: process.cpuUsage() });
  } else if (message === 'profile-start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    process.send!({ profiling: true });
  } else if (typeof message === 'object' && message !== null && 'profileStop' in message && session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(String((message as { profileStop: string }).profileStop), JSON.stringify(profile));
    session.disconnect();
    session = null;
    process.send!({ profiled: true });
  }
}

if (process.send) {
  process.on('message', (message: unknown) => void handle(message));
  process.channel?.unref();
}
