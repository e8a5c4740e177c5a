// A setting in the environment that Tandem cannot run with; its message says which and why.
// On its own so that every module reading configuration (server/config.ts, server/ai/aiConfig.ts)
// throws the same error without importing the other.
export class ConfigError extends Error {}
