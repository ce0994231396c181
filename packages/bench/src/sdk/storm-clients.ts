/**
 * A process holding many `@ensign/node` clients for the reconnect storm (`reconnect-storm.ts`
 * forks several). Each client has default reconnect settings; its `fetch` and `logger` seams only
 * record, with the shared clock, when its stream opened, failed or was interrupted.
 */
import { createClient, type EnsignClient, type Logger } from '@ensign/node';
import { type StormCommand, type StormEvent, wallClockMs } from './storm-protocol.js';

const send = (event: StormEvent) => process.send?.(event);

function recordingFetch(client: number): typeof globalThis.fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const isStream = url.endsWith('/sdk/v1/stream');
    if (isStream) send({ type: 'attempt', client, at: wallClockMs() });
    try {
      const response = await globalThis.fetch(input, init);
      if (isStream)
        send({ type: response.status === 200 ? 'open' : 'attempt-failed', client, at: wallClockMs() });
      return response;
    } catch (error) {
      if (isStream) send({ type: 'attempt-failed', client, at: wallClockMs() });
      throw error;
    }
  };
}

function recordingLogger(client: number): Logger {
  return {
    debug() {},
    info() {},
    warn(message) {
      // The client's one warning about its stream: "connection interrupted: …; reconnecting".
      if (message.startsWith('connection interrupted'))
        send({ type: 'interrupted', client, at: wallClockMs() });
    },
    error: (message) => console.error(`[client ${client}] ${message}`),
  };
}

let clients: EnsignClient[] = [];

process.on('message', (command: StormCommand) => {
  if (command.type === 'start') {
    clients = Array.from({ length: command.clients }, (_, i) =>
      createClient({
        sdkKey: command.sdkKey,
        baseUrl: command.baseUrl,
        fetch: recordingFetch(command.firstClient + i),
        logger: recordingLogger(command.firstClient + i),
      }),
    );
    Promise.all(clients.map((c) => c.ready({ timeoutMs: 60_000 }))).then(
      () => send({ type: 'ready' }),
      (e: unknown) => {
        console.error(`clients not ready: ${String(e)}`);
        process.exit(1);
      },
    );
  } else if (command.type === 'close') {
    Promise.allSettled(clients.map((c) => c.close())).then(() => {
      send({ type: 'closed' });
      process.disconnect();
    });
  }
});
