// Preloaded into a server child with `node --import`: answers "cpu" over the IPC channel with
// process.cpuUsage() (microseconds), so neither server's code changes and /proc's 10 ms clock
// ticks do not blur short measurements. The channel is unref'd so it never keeps a server alive.
if (process.send) {
  process.on('message', (message: unknown) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
  process.channel?.unref();
}
