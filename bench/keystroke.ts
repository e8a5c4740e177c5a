export async function runKeystroke(_o: { quick: boolean }): Promise<unknown> { return null; }
