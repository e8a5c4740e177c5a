// What the server accepts into a session document from a client, and what it drops from the
// document that nobody needs: pure functions over a Y.Doc, used by Room.
import * as Y from 'yjs';
import { DOC_KEYS, identitiesOf, isFileKey } from '../../lib/schema.ts';
import { invalidPath, malformed, missingDependencies } from './frameErrors.ts';

/**
 * The checks that can be made before applying, with one decode of the update: gaps, changes
 * that start past what this document has of their client (Yjs would keep them pending,
 * unbounded), and new file keys that are not workspace paths. Throws FrameError.
 */
export function vetUpdate(doc: Y.Doc, update: Uint8Array): void {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    throw malformed(`undecodable update: ${(err as Error).message}`);
  }
  const first = new Map<number, number>();
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) throw missingDependencies('the update has gaps');
    if (!first.has(struct.id.client)) first.set(struct.id.client, struct.id.clock);
    // A new key of the files map names its map and key (later writes to the key inherit it);
    // in a decoded update a root parent is its name.
    if (struct instanceof Y.Item && (struct.parent as unknown) === DOC_KEYS.files && typeof struct.parentSub === 'string' && !isFileKey(struct.parentSub)) {
      throw invalidPath(`file key ${JSON.stringify(struct.parentSub.slice(0, 100))} is not a workspace path`);
    }
    // An accepted prediction names its own writer's text: nobody can label another's as predicted.
    if (struct instanceof Y.Item && (struct.parent as unknown) === DOC_KEYS.predictions && !ownPrediction(struct)) {
      throw malformed('an accepted prediction must name the text of the client that records it');
    }
  }
  for (const [client, clock] of first) {
    if (clock > Y.getState(doc.store, client)) throw missingDependencies(`changes of client ${client} from clock ${clock} without the ones before`);
  }
}

function ownPrediction(item: Y.Item): boolean {
  const content = item.content;
  if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) return false;
  const record = content.arr[0] as { client?: unknown; clock?: unknown; length?: unknown; model?: unknown } | null;
  return (
    typeof record === 'object' && record !== null && record.client === item.id.client &&
    typeof record.clock === 'number' && typeof record.length === 'number' && record.length > 0 && record.length <= 100_000 &&
    typeof record.model === 'string' && record.model.length <= 100 &&
    item.parentSub === `${record.client}:${record.clock}`
  );
}

/**
 * Identities of clients that wrote nothing but that identity and are not `present`: each page
 * load names its clientID, and without pruning the map grows by one per visit forever.
 * Identities that authorship needs (a client with any other item) are kept.
 */
export function staleIdentities(doc: Y.Doc, present: ReadonlySet<number>): string[] {
  const identities = identitiesOf(doc);
  const stale: string[] = [];
  for (const key of identities.keys()) {
    const client = Number(key);
    if (!Number.isSafeInteger(client) || present.has(client)) continue;
    const structs = doc.store.clients.get(client) ?? [];
    if (structs.every((s) => s instanceof Y.GC || (s instanceof Y.Item && s.parent === identities))) stale.push(key);
  }
  return stale;
}
