export { allPages } from "./all-pages.ts";
export { type BusHandle, describeBusContract } from "./bus.contract.ts";
export * from "./fixtures.ts";
export { describeMetaStoreContract, type MetaStoreHandle } from "./meta-store.contract.ts";
export {
  describeOperationalStateContract,
  type OperationalStateHandle,
} from "./operational-state.contract.ts";
export { type LogEntry, recordingLogger, untilLogged } from "./recording-logger.ts";
export {
  derivedView,
  expectedDetail,
  type RichOptions,
  richActors,
  richBlock,
  splitEnrichment,
} from "./rich-block.ts";
export { type ChainDataHandle, describeChainDataContract } from "./store.contract.ts";
export type { StoreTestContext } from "./store-derived.contract.ts";
export { gate, waitFor } from "./wait.ts";
