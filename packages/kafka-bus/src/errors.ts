export class BusClosedError extends Error {
  override name = "BusClosedError";
  constructor() {
    super("the Kafka bus is closed");
  }
}

export class InvalidTopicSpecError extends Error {
  override name = "InvalidTopicSpecError";
  constructor(topic: string, reason: string) {
    super(`invalid topic spec for ${topic}: ${reason}`);
  }
}
