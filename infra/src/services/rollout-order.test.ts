import { describe, expect, it } from "vitest";
import { serviceNames } from "../settings.ts";
import { busReaders, rolloutOrder } from "./index.ts";

describe("rollout order", () => {
  it("rolls every service out after the services that read what it publishes", () => {
    const order = rolloutOrder();
    expect([...order].sort()).toEqual([...serviceNames].sort());
    for (const name of serviceNames)
      for (const reader of busReaders[name]) expect(order.indexOf(reader)).toBeLessThan(order.indexOf(name));
    // a newer block message reaches the processor only once it runs, and its processed notices query-api
    expect(order.indexOf("processor")).toBeLessThan(order.indexOf("ingest"));
    expect(order.indexOf("query-api")).toBeLessThan(order.indexOf("processor"));
  });
});
