import { request } from "node:http";
import { connect, type Socket } from "node:net";

export interface LoopbackAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are probed field by field in assertions
  json: any;
  text: string;
}

/**
 * An HTTP client on a chosen loopback source address (127.0.0.0/8), so a test speaks as several clients of one
 * machine, the way distinct hosts would reach a server.
 */
export function fromAddress(localAddress: string) {
  return {
    send(
      url: string,
      options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
    ): Promise<LoopbackAnswer> {
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: options.method ?? "GET",
            localAddress,
            agent: false,
            headers: {
              ...(body === undefined ? {} : { "content-type": "application/json" }),
              ...options.headers,
            },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              text += chunk;
            });
            res.on("end", () => {
              let json: unknown = null;
              try {
                json = JSON.parse(text);
              } catch {
                // not JSON (CSV, event streams)
              }
              resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    },

    /** Writes raw bytes on a fresh connection (absolute-form targets, half-sent bodies) and returns the socket. */
    raw(port: number, bytes: string): Promise<Socket> {
      return new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port, localAddress }, () => {
          socket.write(bytes);
          resolve(socket);
        });
        socket.once("error", reject);
      });
    },

    /** A whole raw exchange: writes the request and reads until the server closes or answers in full. */
    async rawExchange(port: number, bytes: string): Promise<{ status: number; text: string }> {
      const socket = await this.raw(port, bytes);
      return new Promise((resolve) => {
        let text = "";
        socket.setEncoding("utf8");
        const done = () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
        socket.on("data", (chunk: string) => {
          text += chunk;
          const head = text.indexOf("\r\n\r\n");
          const length = /content-length: (\d+)/i.exec(text)?.[1];
          if (
            head >= 0 &&
            length !== undefined &&
            Buffer.byteLength(text.slice(head + 4)) >= Number(length)
          ) {
            socket.destroy();
            done();
          }
        });
        socket.on("close", done);
        socket.on("error", () => undefined);
      });
    },
  };
}
