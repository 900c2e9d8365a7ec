import { describe, expect, it } from "vitest";
import { databaseOf } from "./create-mongo-meta-store.ts";

describe("databaseOf", () => {
  it("takes the database from the URL path, else chainlog", () => {
    expect(databaseOf("mongodb://127.0.0.1:27017/")).toBe("chainlog");
    expect(databaseOf("mongodb://127.0.0.1:27017")).toBe("chainlog");
    expect(databaseOf("mongodb://u:p@h1:1,h2:2/meta?replicaSet=rs0")).toBe("meta");
    expect(databaseOf("mongodb+srv://cluster.example.com/prod%5Fmeta?tls=true")).toBe("prod_meta");
  });
});
