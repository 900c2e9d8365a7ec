import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ALICE,
  type ApiHarness,
  BOB,
  openApiHarness,
  signUpUser,
  TOKEN,
} from "../test-support/api-harness.ts";
import { createExportWorker } from "./export-worker.ts";

let h: ApiHarness;
let cookie = "";
beforeAll(async () => {
  h = await openApiHarness({
    blocks: Array.from({ length: 30 }, (_, i) =>
      buildBlock({
        number: i + 1,
        txs: [
          { from: ALICE, to: BOB },
          { from: BOB, to: TOKEN, transfers: [{ token: TOKEN, from: BOB, to: ALICE, value: "12345" }] },
        ],
      }),
    ),
  });
  ({ cookie } = await signUpUser(h.app, "exporter@example.com"));
});
afterAll(async () => h?.close());

const call = async (method: "GET" | "POST", url: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload: payload as object } : {}) });

describe("export worker", () => {
  it("exports an address's transactions as CSV under the owner, and token transfers as JSON", async () => {
    const worker = createExportWorker({ store: h.store, meta: h.meta, logger: createLogger("t", "silent") });
    const csvJob = (
      await call("POST", "/v1/jobs", { kind: "export_address_txs", params: { address: ALICE } })
    ).json();
    const jsonJob = (
      await call("POST", "/v1/jobs", {
        kind: "export_address_token_transfers",
        params: { address: ALICE, format: "json" },
      })
    ).json();
    expect((await call("GET", `/v1/jobs/${csvJob.id}/result`)).statusCode).toBe(404);
    expect(await worker.drain()).toBe(2);

    expect((await call("GET", `/v1/jobs/${csvJob.id}`)).json()).toMatchObject({
      status: "done",
      progress: 1,
      error: null,
    });
    const csv = await call("GET", `/v1/jobs/${csvJob.id}/result`);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.headers["content-disposition"]).toContain(`export_address_txs-${ALICE}.csv`);
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe("blockNumber,transactionIndex,hash,from,to,value,nonce,gas,gasPrice,type,input");
    expect(lines).toHaveLength(31);
    expect(lines[1]!.startsWith("30,0,0x")).toBe(true);

    const json = await call("GET", `/v1/jobs/${jsonJob.id}/result`);
    const rows = json.json() as { value: string; token: string }[];
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.value === "12345" && r.token === TOKEN)).toBe(true);
  });

  it("skips cancelled jobs and cuts exports at maxRows", async () => {
    const worker = createExportWorker({
      store: h.store,
      meta: h.meta,
      logger: createLogger("t", "silent"),
      maxRows: 10,
    });
    const cancelled = (
      await call("POST", "/v1/jobs", { kind: "export_address_txs", params: { address: BOB } })
    ).json();
    await call("POST", `/v1/jobs/${cancelled.id}/cancel`);
    const big = (
      await call("POST", "/v1/jobs", { kind: "export_address_txs", params: { address: BOB } })
    ).json();
    const none = (
      await call("POST", "/v1/jobs", { kind: "export_address_txs", params: { address: addressOf("nobody") } })
    ).json();
    await worker.drain();
    expect((await call("GET", `/v1/jobs/${cancelled.id}`)).json().status).toBe("cancelled");
    expect((await call("GET", `/v1/jobs/${big.id}`)).json()).toMatchObject({
      status: "done",
      error: "truncated at 10 rows",
    });
    expect((await call("GET", `/v1/jobs/${big.id}/result`)).body.trim().split("\n")).toHaveLength(11);
    expect((await call("GET", `/v1/jobs/${none.id}/result`)).body.trim().split("\n")).toHaveLength(1);
  });
});
