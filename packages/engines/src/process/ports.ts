import { readFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { EngineStartError, PortInUseError } from "../errors.ts";

/** Fails with PortInUseError when host:port cannot be bound. */
export async function assertPortFree(host: string, port: number, purpose: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES")
        reject(new PortInUseError(host, port, purpose));
      else
        reject(
          new EngineStartError(`cannot bind ${host}:${port} (${purpose}): ${error.message}`, {
            cause: error,
          }),
        );
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** True when something accepts TCP connections on host:port. */
export async function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Where this machine's outgoing connections take their local ports from (Linux; elsewhere the IANA range). */
export function ephemeralPortRange(file = "/proc/sys/net/ipv4/ip_local_port_range"): [number, number] {
  try {
    const [low, high] = readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low! > 0 && high! >= low!) return [low!, high!];
  } catch {
    // no /proc (macOS): the IANA dynamic range, which BSD-derived systems use
  }
  return [49152, 65535];
}

/** The lowest port handed out: above the well-known ports of the engines and the devnet (9042, 9092, 27017…). */
const LOWEST = 15_000;
/** Handed out by this process already: two callers in a row must not get the same port before either binds. */
const handedOut = new Set<number>();

async function bindable(port: number): Promise<boolean> {
  return assertPortFree("127.0.0.1", port, "a free port").then(
    () => true,
    (error) => {
      if (error instanceof PortInUseError) return false;
      throw error;
    },
  );
}

/**
 * A port that is free on 127.0.0.1 now, for a server that a test or the devnet starts next (so it does not
 * collide with a developer's engines). It is taken below the ephemeral range: a port the OS hands out for
 * listen(0) is also one it hands to the next outgoing connection, and kube-apiserver failed with "bind: address
 * already in use" after its own connections to etcd took the port picked for it.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralPortRange();
  const span = low - LOWEST;
  if (span < 1000) return kernelPort(); // no room below the ephemeral range: the OS's pick is the best there is
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * span);
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  return kernelPort();
}

/** A port the OS hands out as free on 127.0.0.1. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
