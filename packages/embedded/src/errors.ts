export class UnknownTopicError extends Error {
  override name = "UnknownTopicError";
  constructor(topic: string) {
    super(`unknown topic ${JSON.stringify(topic)}: call ensureTopics first`);
  }
}

export class BusClosedError extends Error {
  override name = "BusClosedError";
  constructor() {
    super("bus is closed");
  }
}

export class InvalidMessageError extends Error {
  override name = "InvalidMessageError";
}
