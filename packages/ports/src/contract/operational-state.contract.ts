import { type IngestStatus, type ProcessorStatus, ServiceStatus } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import type { OperationalState } from "../store.ts";
import { hashOf, uniqueName } from "./fixtures.ts";
import { openForSuite } from "./open-for-suite.ts";

export interface OperationalStateHandle {
  state: OperationalState;
  cleanup(): Promise<void>;
}

const TIMEOUT = 120_000;

function ingest(instance: string, updatedAt: number, head = 1000): IngestStatus {
  return ServiceStatus.parse({
    service: "ingest",
    instance,
    updatedAt,
    leader: true,
    head,
    published: head - 2,
    lagBlocks: 2,
    failovers: 1,
    lastProgressAt: updatedAt - 500,
    endpoints: [
      {
        label: "http://127.0.0.1:8545",
        priority: 0,
        healthy: true,
        head,
        lag: 0,
        latencyMs: 1.5,
        consecutiveFailures: 0,
        rateLimitRps: null,
        lastError: null,
      },
      {
        label: "https://rpc.example.org/<redacted>",
        priority: 1,
        healthy: false,
        head: head - 40,
        lag: 40,
        latencyMs: 250,
        consecutiveFailures: 3,
        rateLimitRps: 12.5,
        lastError: "HTTP 429 'slow down' \u00fc",
      },
    ],
  }) as IngestStatus;
}

function processor(instance: string, updatedAt: number): ProcessorStatus {
  return ServiceStatus.parse({
    service: "processor",
    instance,
    updatedAt,
    lastBlock: 998,
    consumerLag: 3,
    blocksPerSecond: 41.25,
    rollbacks: 2,
    lastProgressAt: updatedAt - 100,
  }) as ProcessorStatus;
}

/**
 * The behaviour every OperationalState must show, whether opened alone (as ingest opens it) or as part of the
 * whole store: cursors by name, service reports replaced per instance and expiring by age.
 */
export function describeOperationalStateContract(
  name: string,
  open: () => Promise<OperationalStateHandle>,
): void {
  describe(`OperationalState contract: ${name}`, { timeout: TIMEOUT }, () => {
    let state: OperationalState;

    openForSuite(
      open,
      (handle) => {
        state = handle.state;
        return [state];
      },
      TIMEOUT,
    );

    it("is healthy, and an unknown cursor is null, not an error", async () => {
      expect((await state.health()).ok).toBe(true);
      expect(await state.getCursor(uniqueName("never-set"))).toBeNull();
    });

    it("ingest cursors round-trip and overwrite; hostile names are plain data", async () => {
      const cursor = {
        chainId: 1,
        tip: { number: 20_000_000, hash: hashOf("tip") },
        recent: [
          { number: 19_999_999, hash: hashOf("tip-1") },
          { number: 20_000_000, hash: hashOf("tip") },
        ],
        updatedAt: 1_700_000_000_000,
      };
      const names = ["ingest:1", "'; DROP TABLE blocks; --", "nul\u0000name", "ünï 🙂"];
      for (const name of names) {
        await state.setCursor(name, { ...cursor, chainId: names.indexOf(name) + 1 });
      }
      for (const name of names)
        expect(await state.getCursor(name)).toEqual({ ...cursor, chainId: names.indexOf(name) + 1 });
      await state.setCursor("ingest:1", { ...cursor, tip: { number: 20_000_001, hash: hashOf("next") } });
      expect((await state.getCursor("ingest:1"))?.tip.number).toBe(20_000_001);
      expect(await state.getCursor("nul")).toBeNull();
    });

    it("putServiceStatus replaces per (service, instance); getServiceStatuses drops expired ones, ingest first", async () => {
      const id = uniqueName("inst");
      const now = Date.now();
      const mine = async (maxAgeMs: number) => {
        const all = await state.getServiceStatuses(maxAgeMs);
        // The whole answer is ordered, whoever else reports on this state.
        const keys = all.map((s) => [s.service === "ingest" ? 0 : 1, s.instance] as const);
        const sorted = [...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
        expect(keys).toEqual(sorted);
        return all.filter((s) => s.instance.startsWith(id));
      };

      await state.putServiceStatus(ingest(`${id}-b`, now));
      await state.putServiceStatus(processor(`${id}-a`, now));
      await state.putServiceStatus(ingest(`${id}-a`, now - 1000, 900));
      await state.putServiceStatus(processor(`${id}-old`, now - 120_000));
      expect(await mine(60_000)).toEqual([
        ingest(`${id}-a`, now - 1000, 900),
        ingest(`${id}-b`, now),
        processor(`${id}-a`, now),
      ]);
      expect((await mine(600_000)).map((s) => `${s.service}/${s.instance}`)).toEqual([
        `ingest/${id}-a`,
        `ingest/${id}-b`,
        `processor/${id}-a`,
        `processor/${id}-old`,
      ]);

      // A newer report replaces the old one of the same (service, instance) only.
      await state.putServiceStatus(ingest(`${id}-a`, now + 10, 1001));
      await state.putServiceStatus(processor(`${id}-old`, now + 10));
      expect(await mine(60_000)).toEqual([
        ingest(`${id}-a`, now + 10, 1001),
        ingest(`${id}-b`, now),
        processor(`${id}-a`, now),
        processor(`${id}-old`, now + 10),
      ]);
      // A report replaced by an older one (a restarted clock) expires by the new updatedAt.
      await state.putServiceStatus(ingest(`${id}-b`, now - 90_000));
      expect((await mine(60_000)).map((s) => `${s.service}/${s.instance}`)).toEqual([
        `ingest/${id}-a`,
        `processor/${id}-a`,
        `processor/${id}-old`,
      ]);
    });
  });
}
