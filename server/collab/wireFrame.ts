// Server-to-client WebSocket messages framed once and written as-is to every socket of a room.
// ws frames each send() on its own (a header buffer, a cork, a two-buffer write per socket) and
// has no API for one message to many sockets; a room's fan-out sends the same bytes to every
// connection, so it frames the message once (RFC 6455 §5.2: FIN, binary opcode, unmasked as a
// server's frames are, payload length) and hands that one Buffer to each socket.
// Safe alongside ws's own writes (pings, pongs, close frames) because, with permessage-deflate
// off, ws writes every frame to the socket synchronously in call order: nothing is queued that
// a direct write could overtake.

const FIN_BINARY = 0x82;

/** The complete wire bytes of one binary message (header + payload, a single copy). */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(headerLength + length);
  wire[0] = FIN_BINARY;
  if (length < 126) {
    wire[1] = length;
  } else if (length < 65536) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  wire.set(payload, headerLength);
  return wire;
}

/** Several framed messages as one write (one syscall for a socket that gets all of them). */
export function joinFrames(frames: readonly Buffer[]): Buffer {
  return frames.length === 1 ? frames[0] : Buffer.concat(frames);
}
