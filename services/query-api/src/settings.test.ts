import { variableRows } from "@chainlog/runtime-config";
import { Address, Hash, SafeInt, Uint, UtcDay, utcDay } from "@chainlog/tx-schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddressParam, HashParam, UintParam, UnixSecondsParam, UtcDayParam } from "./http/params.ts";
import { defaultSettings, SettingsError, settingsFromEnv } from "./settings.ts";

describe("settingsFromEnv", () => {
  it("has the defaults `chainlog config` shows for the API_* variables", () => {
    const shown = variableRows().filter(
      (r) =>
        r.slice === "query-api" && r.name.startsWith("API_") && r.default && !r.default.startsWith("none"),
    );
    expect(shown.length).toBeGreaterThan(30);
    const env = Object.fromEntries(shown.map((r) => [r.name, r.default]));
    expect(settingsFromEnv(env)).toEqual(defaultSettings);
  });

  it("defaults everything and reads the API_* variables", () => {
    expect(settingsFromEnv({})).toEqual(defaultSettings);
    const s = settingsFromEnv({
      API_CORS_ORIGINS: "https://a.example, https://b.example",
      API_RATE_LIMIT_IP_RPS: "0",
      API_HTTPS: "always",
      API_TRUST_PROXY: "10.0.0.0/8, 127.0.0.1",
      API_QUOTA_JOBS_ACTIVE: "7",
      API_SESSION_TTL_HOURS: "2",
      API_EXPORT_WORKER: "false",
      API_BODY_LIMIT: "",
    });
    expect(s.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(s.ipRateLimit.perSecond).toBe(0);
    expect(s.https).toBe("always");
    expect(s.trustProxy).toEqual(["10.0.0.0/8", "127.0.0.1"]);
    expect(s.quotas.jobsActive).toBe(7);
    expect(settingsFromEnv({ API_TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(settingsFromEnv({ API_TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(s.sessionTtlMs).toBe(2 * 3600_000);
    expect(s.exportWorker).toBe(false);
    expect(s.bodyLimit).toBe(defaultSettings.bodyLimit);
  });

  it("names the bad variable", () => {
    expect(() => settingsFromEnv({ API_RATE_LIMIT_IP_RPS: "fast" })).toThrow(SettingsError);
    expect(() => settingsFromEnv({ API_HTTPS: "yes" })).toThrow(/API_HTTPS/);
    // Trusting every hop lets a client pick its own address: refused, with what to give instead.
    expect(() => settingsFromEnv({ API_TRUST_PROXY: "true" })).toThrow(/hop count|number of proxies/);
    expect(() => settingsFromEnv({ API_TRUST_PROXY: "10.0.0.0/33" })).toThrow(/API_TRUST_PROXY/);
    expect(() => settingsFromEnv({ API_COOKIE_SECURE: "true" })).toThrow(/replaced by API_HTTPS/);
  });
});

describe("parameter schemas agree with tx-schema", () => {
  it("whatever a route accepts, the records accept", () => {
    const hexish = fc.stringMatching(/^0x[0-9a-fA-Fg]{0,66}$/);
    fc.assert(
      fc.property(hexish, (s) => {
        if (HashParam.safeParse(s).success) expect(Hash.safeParse(s).success).toBe(true);
        if (AddressParam.safeParse(s).success) expect(Address.safeParse(s).success).toBe(true);
        expect(HashParam.safeParse(s).success).toBe(Hash.safeParse(s).success);
        expect(AddressParam.safeParse(s).success).toBe(Address.safeParse(s).success);
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 256n }).map(String), fc.string()), (s) => {
        expect(UintParam.safeParse(s).success).toBe(Uint.safeParse(s).success);
      }),
    );
  });

  it("accepts exactly the real UTC days and unix seconds that are safe integers", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          fc.integer({ min: -100_000, max: 2_900_000 }).map((d) => utcDay(d * 86_400)),
        ),
        (s) => {
          const ok = UtcDayParam.safeParse(s).success;
          if (ok) expect(UtcDay.safeParse(s).success).toBe(true);
          // A real day (it round-trips through Date) is accepted, anything else refused.
          const t = Date.parse(`${s}T00:00:00Z`);
          const real = Number.isFinite(t) && utcDay(t / 1000) === s;
          expect(ok).toBe(real);
        },
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -10n, max: 10n ** 14n }).map(String), fc.string()), (s) => {
        const parsed = UnixSecondsParam.safeParse(s);
        if (parsed.success) expect(SafeInt.safeParse(parsed.data).success).toBe(true);
      }),
    );
  });
});
