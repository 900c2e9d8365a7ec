export { createKafkaBus, type KafkaBus, type KafkaBusParameters } from "./create-kafka-bus.ts";
export { BusClosedError, InvalidTopicSpecError } from "./errors.ts";
export type { BusLogger } from "./logger.ts";
