// The checkpoint statements of PostgresStorage: insert with retention in the caller's
// transaction, list newest first, read one with its data.
import type pg from 'pg';
import { pastRetention, toCheckpointRow, type CheckpointDbRow, type CheckpointRetention, type CheckpointRow } from './Storage.ts';

export async function addCheckpoint(
  client: pg.ClientBase, room: string, row: CheckpointRow, data: Uint8Array, retention: CheckpointRetention,
): Promise<string[]> {
  await client.query('INSERT INTO checkpoints (room, id, created_at, info, bytes, data) VALUES ($1, $2, $3, $4, $5, $6)', [
    room, row.id, row.createdAt, row.info, row.bytes, Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
  const all = await client.query<{ id: string; bytes: number }>(
    'SELECT id, bytes FROM checkpoints WHERE room = $1 ORDER BY created_at DESC, id DESC',
    [room],
  );
  const dropped = pastRetention(all.rows, retention);
  if (dropped.length > 0) await client.query('DELETE FROM checkpoints WHERE room = $1 AND id = ANY($2::text[])', [room, dropped]);
  return dropped;
}

export async function listCheckpoints(pool: pg.Pool, room: string, limit: number): Promise<CheckpointRow[]> {
  const { rows } = await pool.query<CheckpointDbRow>(
    'SELECT id, created_at, info, bytes FROM checkpoints WHERE room = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
    [room, limit],
  );
  return rows.map(toCheckpointRow);
}

export async function getCheckpoint(pool: pg.Pool, room: string, id: string): Promise<{ row: CheckpointRow; data: Uint8Array } | null> {
  const { rows } = await pool.query<CheckpointDbRow & { data: Buffer }>(
    'SELECT id, created_at, info, bytes, data FROM checkpoints WHERE room = $1 AND id = $2',
    [room, id],
  );
  return rows[0] ? { row: toCheckpointRow(rows[0]), data: new Uint8Array(rows[0].data) } : null;
}
