export { type BusHandle, describeBusContract } from "./bus.contract.ts";
export * from "./fixtures.ts";
export { describeMetaStoreContract, type MetaStoreHandle } from "./meta-store.contract.ts";
export { describeStoreContract, type StoreHandle } from "./store.contract.ts";
export { gate, sleep, waitFor } from "./wait.ts";
