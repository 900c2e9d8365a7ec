import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Anvil, driveChain, freePort, rpc, startAnvil } from "@chainlog/devnet";
import { createSqliteBus } from "@chainlog/embedded";
import { type TestEngines, testEngines } from "@chainlog/engines";
import { type ServiceProcess, startService } from "@chainlog/launcher";
import type { ConsumedMessage, Subscription } from "@chainlog/ports";
import { createLogger } from "@chainlog/telemetry";
import { Headers, Topics } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectChainServedExactlyOnce } from "./check-chain.ts";
import { getJson, type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

const LEASE_S = 3;

interface IngestReplica {
  label: string;
  port: number;
  service: ServiceProcess;
}

interface LeaderStatus {
  leader: { role: "leader" | "standby"; token: number | null } | null;
}

/**
 * Two ingest replicas against one anvil that keeps producing blocks, on one metadata store. The leader is
 * SIGKILLed mid-stream twice; each time the standby must take over within seconds and resume from the stored
 * cursor. The checker then finds every block and transaction exactly once in the store, and the bus shows the
 * replicas never published at once: every message carries its leader's fencing token, and the tokens never go
 * back in bus order (a deposed leader's late write would).
 */
for (const metastore of ["embedded", "ferretdb"] as const) {
  describe(`ingest leader election on the ${metastore} metadata store`, () => {
    let anvil: Anvil;
    let engines: TestEngines | undefined;
    let pipeline: Pipeline;
    let checker: Subscription;
    let closeBus: () => Promise<void>;
    const onBus: ConsumedMessage[] = [];
    const replicas = new Map<string, IngestReplica>();
    const logger = createLogger("e2e", "warn");

    const startIngest = async (label: string) => {
      const port = await freePort();
      const service = startService(
        "ingest",
        { ...pipeline.env, INGEST_HTTP_PORT: String(port), POD_NAME: label, POD_NAMESPACE: "e2e" },
        logger,
        { maxRestarts: 0, keepProblemLines: 20 },
      );
      replicas.set(label, { label, port, service });
    };
    const roleOf = async (r: IngestReplica) => {
      try {
        return (await getJson<LeaderStatus>(`http://127.0.0.1:${r.port}/status`)).body.leader;
      } catch {
        return null;
      }
    };
    const leaders = async () => {
      const out: { replica: IngestReplica; token: number }[] = [];
      for (const r of replicas.values()) {
        const role = await roleOf(r);
        if (role?.role === "leader") out.push({ replica: r, token: role.token! });
      }
      return out;
    };
    const apiHead = async () =>
      (await getJson<{ number?: number }>(`${pipeline.apiUrl}/v1/blocks/latest`)).body.number ?? -1;

    beforeAll(async () => {
      anvil = await startAnvil({ noMining: true, accounts: 8 });
      const env: Record<string, string> = { CHAINLOG_LEADER_LEASE: `${LEASE_S}s` };
      if (metastore === "ferretdb") {
        engines = await testEngines(["mongo"]);
        const url = new URL(engines.mongoUrl);
        url.pathname = `/chainlog_leader_${process.pid}`;
        Object.assign(env, { CHAINLOG_METASTORE: "mongodb", MONGODB_URL: url.toString() });
      }
      pipeline = await startPipeline({ rpcUrl: anvil.rpcUrl, names: ["processor", "query-api"], env });
      // A consumer group of the test's own, there before the first publish: the bus keeps every message until
      // all groups committed it, so this one sees the whole stream in order.
      const bus = createSqliteBus({ path: join(pipeline.dataDir, "bus.db") });
      closeBus = () => bus.close();
      await bus.ensureTopics([{ name: Topics.blocks, partitions: 1 }]);
      checker = await bus.consume({
        topic: Topics.blocks,
        group: "leader-election-check",
        startFrom: "earliest",
        onBatch: async (batch) => {
          onBus.push(...batch);
        },
      });
    }, 600_000);

    afterAll(async () => {
      await Promise.all([...replicas.values()].map((r) => r.service.stop()));
      await checker?.close();
      await closeBus?.();
      await pipeline?.stop();
      await anvil?.kill();
      await engines?.stop();
    }, 120_000);

    it("a standby takes over within seconds of a kill -9; every block lands exactly once", async () => {
      const driver = driveChain(anvil.rpcUrl, { txPerBlock: 12, intervalMs: 150 });
      await startIngest("ingest-a");
      await startIngest("ingest-b");
      await waitFor("the pipeline to serve a block", async () => (await apiHead()) >= 0, 90_000);
      await waitFor(
        "one leader and one standby",
        async () => {
          const roles = await Promise.all([...replicas.values()].map(roleOf));
          return (
            roles.filter((r) => r?.role === "leader").length === 1 && roles.some((r) => r?.role === "standby")
          );
        },
        120_000,
      );

      const takeovers: { leaderMs: number; servingMs: number; token: number }[] = [];
      for (let round = 0; round < 2; round++) {
        await sleep(1500 + Math.floor(Math.random() * 2000));
        const [old] = await leaders();
        expect(old, "a leader before the kill").toBeDefined();
        const { replica: victim, token } = old!;
        const gone = new Promise<void>((r) => victim.service.child.once("exit", () => r()));
        victim.service.child.kill("SIGKILL");
        await gone;
        const killedAt = Date.now();
        const nodeHead = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
        let next: { replica: IngestReplica; token: number } | undefined;
        await waitFor(
          "the standby to take the lease",
          async () => {
            next = (await leaders()).find((l) => l.replica !== victim);
            return next !== undefined;
          },
          60_000,
          50,
        );
        const leaderMs = Date.now() - killedAt;
        // Blocks mined after the kill reach the API only through the new leader.
        await waitFor(
          "the new leader's blocks to be served",
          async () => (await apiHead()) > nodeHead,
          60_000,
          50,
        );
        takeovers.push({ leaderMs, servingMs: Date.now() - killedAt, token: next!.token });
        expect(next!.token).toBeGreaterThan(token);
        // The killed replica comes back as the standby of the next round.
        await victim.service.stop();
        replicas.delete(victim.label);
        await startIngest(victim.label);
        const back = replicas.get(victim.label)!;
        await waitFor(
          "the restarted replica to wait as standby",
          async () => (await roleOf(back))?.role === "standby",
          120_000,
        );
      }
      const head = await expectChainServedExactlyOnce({
        apiUrl: pipeline.apiUrl,
        rpcUrl: anvil.rpcUrl,
        driver,
      });
      expect(head).toBeGreaterThan(20);

      // The bus: every block published under a fencing token, tokens never going back in bus order, and
      // every height there (a replay after a takeover may repeat a few; the store keeps them once).
      await waitFor(
        "the checker to read the bus up to the head",
        async () => onBus.some((m) => Number(m.headers[Headers.blockNumber]) === head),
        60_000,
      );
      const blocks = onBus.filter((m) => m.headers[Headers.kind] === "block");
      let last = 0;
      const heights = new Set<number>();
      for (const m of onBus) {
        const token = Number(m.headers[Headers.leaderToken]);
        expect(Number.isInteger(token) && token > 0, `token on offset ${m.offset}`).toBe(true);
        expect(
          token,
          `offset ${m.offset}: a write of an earlier leader after a later one's`,
        ).toBeGreaterThanOrEqual(last);
        last = token;
      }
      for (const m of blocks) heights.add(Number(m.headers[Headers.blockNumber]));
      for (let n = 0; n <= head; n++) expect(heights.has(n), `block ${n} on the bus`).toBe(true);
      const terms = new Set(onBus.map((m) => m.headers[Headers.leaderToken]));
      expect(terms.size).toBeGreaterThanOrEqual(3);

      const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
      console.log(
        `[leader-election ${metastore}] lease ${LEASE_S}s, load ${load}: ${takeovers
          .map((t) => `token ${t.token} leader after ${t.leaderMs} ms, serving after ${t.servingMs} ms`)
          .join("; ")}; ${blocks.length} block messages for ${head + 1} blocks`,
      );
      for (const t of takeovers) expect(t.leaderMs).toBeLessThan(LEASE_S * 1000 + 15_000);
    });
  });
}
