import { describe, expect, it } from "vitest";
import { newKafkaClusterId } from "./kafka-cluster-id.ts";

describe("newKafkaClusterId", () => {
  it("gives 16-byte base64url ids, none starting with '-' (about one in 64 random ids would)", () => {
    const ids = Array.from({ length: 2000 }, newKafkaClusterId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, "base64url")).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
