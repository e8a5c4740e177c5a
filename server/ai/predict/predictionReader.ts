// What a prediction reads from a session: the file's text as stored, and, in a live room, its
// recent edits (editHistory.ts) named for the person asking: "you" for theirs (the client ids
// their socket speaks for), the others by their presence name.
import { filesOf } from '../../../lib/schema.ts';
import { Connection } from '../../collab/Connection.ts';
import type { Room } from '../../collab/Room.ts';
import type { RoomManager } from '../../collab/RoomManager.ts';
import { diffOf, recentEditsOf } from './editHistory.ts';
import type { ReadFile } from './PredictionService.ts';

const MAX_NAME = 80;

function nameOf(room: Room, client: number | null, personKey: string): string {
  if (client === null) return 'someone';
  const owner = room.presence.ownerOf(client);
  // The same key the prediction routes give the person (socketPredictions.ts, RoomManager.requester).
  if (owner instanceof Connection && `conn${owner.id}` === personKey) return 'you';
  const state = room.awareness.getStates().get(client) as { user?: { name?: unknown } } | undefined;
  const name = state?.user?.name;
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, MAX_NAME) : 'someone';
}

export function predictionReader(rooms: RoomManager): ReadFile {
  return (id, path, personKey) =>
    rooms.withDoc(id, (doc) => {
      const file = filesOf(doc).get(path);
      if (!file) return null;
      const text = file.toString();
      const room = rooms.live(id);
      if (!room || room.doc !== doc) return { text, recentEdits: [] };
      const clientOf = (origin: unknown) => (origin && typeof origin === 'object' ? (room.presence.ownedBy(origin as Parameters<Room['presence']['ownedBy']>[0])[0] ?? null) : null);
      const edits = recentEditsOf(file, text, clientOf);
      return { text, recentEdits: edits.map((e) => ({ by: nameOf(room, e.client, personKey), diff: diffOf(e) })) };
    });
}
