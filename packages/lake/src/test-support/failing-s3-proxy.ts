import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A proxy in front of an S3 server that answers 403 to the writes (PUT, POST, DELETE) `fails` picks by their
 * 0-based count, and passes everything else through: a process that stops at that write, or a write S3 refused,
 * as far as the bucket can tell (reads change nothing, so they always pass). The signed Host header is passed on
 * as sent, so signatures still hold.
 */
export async function startFailingS3Proxy(
  endpoint: string,
  fails: (write: number) => boolean,
): Promise<{ endpoint: string; writes(): number; close(): Promise<void> }> {
  const target = new URL(endpoint);
  let writes = 0;
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD" && fails(writes++)) {
      req.resume();
      res.writeHead(403, { "content-type": "application/xml" });
      res.end("<Error><Code>AccessDenied</Code><Message>refused by the test</Message></Error>");
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    writes: () => writes,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
