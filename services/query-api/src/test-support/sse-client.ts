import { request } from "node:http";
import { vi } from "vitest";

export interface SseEvent {
  id?: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are probed field by field in assertions
  data: any;
  receivedAt: number;
}

export interface SseConnection {
  status: number;
  events: SseEvent[];
  closed: Promise<void>;
  close(): void;
  waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
}

/** A minimal EventSource over node:http, collecting parsed events. */
export function connectSse(
  url: string,
  headers: Record<string, string> = {},
  /** false: keep event names and ids only, so a long burst does not grow the test process itself. */
  retainData = true,
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      const events: SseEvent[] = [];
      let buffer = "";
      let closedResolve: () => void = () => {};
      const closed = new Promise<void>((r) => {
        closedResolve = r;
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let at = buffer.indexOf("\n\n");
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf("\n\n");
          const fields: Record<string, string> = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const i = line.indexOf(":");
            if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
          }
          if (fields.data !== undefined)
            events.push({
              ...(fields.id ? { id: fields.id } : {}),
              event: fields.event ?? "message",
              data: retainData ? JSON.parse(fields.data) : null,
              receivedAt: Date.now(),
            });
        }
      });
      res.on("close", closedResolve);
      res.on("error", closedResolve);
      resolve({
        status: res.statusCode ?? 0,
        events,
        closed,
        close: () => req.destroy(),
        async waitFor(predicate, timeoutMs = 5000) {
          await vi.waitFor(
            () => {
              if (!predicate(events)) throw new Error(`timed out; ${events.length} events so far`);
            },
            { timeout: timeoutMs, interval: 10 },
          );
        },
      });
    });
    req.on("error", reject);
    req.end();
  });
}
