import { afterAll, beforeAll } from "vitest";

/**
 * Opens an adapter once before a contract suite's tests and cleans it up after them. `ready` takes the handle
 * (the suite keeps the ports it tests) and returns the ports to migrate; each is migrated twice, in that order,
 * since migrating an up-to-date store must change nothing.
 */
export function openForSuite<H extends { cleanup(): Promise<void> }>(
  open: () => Promise<H>,
  ready: (handle: H) => readonly { migrate(): Promise<void> }[],
  timeout: number,
): void {
  let handle: H | undefined;
  beforeAll(async () => {
    handle = await open();
    const ports = ready(handle);
    for (const port of [...ports, ...ports]) await port.migrate();
  }, timeout);
  afterAll(async () => {
    await handle?.cleanup();
  }, timeout);
}
