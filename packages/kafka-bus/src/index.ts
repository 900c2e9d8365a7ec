export { createKafkaBus, type KafkaBus, type KafkaBusParameters } from "./create-kafka-bus.ts";
export {
  BusClosedError,
  InvalidTopicSpecError,
  KafkaConfigError,
  TopicLeadersTimeoutError,
  TopicMetadataError,
} from "./errors.ts";
export { awsMskIamToken, type KafkaAuth, kafkaAuthOptions, type MskTokenGenerator } from "./kafka-auth.ts";
