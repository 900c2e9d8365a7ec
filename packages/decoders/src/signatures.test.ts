import { toEventSelector } from "viem";
import { describe, expect, it } from "vitest";
import { EventSignatures, EventTopics } from "./signatures.ts";

describe("EventTopics", () => {
  it.each(Object.entries(EventSignatures))("%s is keccak256 of %s", (name, signature) => {
    expect(EventTopics[name as keyof typeof EventTopics]).toBe(toEventSelector(signature));
  });
});
