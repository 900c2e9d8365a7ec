// Contract suites are added per port: bus.contract.ts, store.contract.ts, meta-store.contract.ts.
export {};
