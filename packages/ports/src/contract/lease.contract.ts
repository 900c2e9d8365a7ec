import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { InvalidLeaseError, type LeaseStore } from "../lease.ts";
import { uniqueName } from "./fixtures.ts";

/**
 * Leases, as leader election needs them: one holder at a time, a standby gets the lease only once the holder's
 * time ran out or it let go, and the fencing token grows with every change of holder. Called inside a
 * MetaStore contract's describe; `store` is read when each test runs.
 */
export function leaseContract(store: () => LeaseStore): void {
  it("a lease has one holder until it expires; then the next taker gets a larger token", async () => {
    const leases = store();
    const name = uniqueName("lease");
    expect(await leases.getLease(name)).toBeNull();
    const before = Date.now();
    const a = await leases.acquireLease(name, "pod-a", 800);
    expect(a).toMatchObject({ name, holder: "pod-a" });
    expect(a!.expiresAt).toBeGreaterThanOrEqual(before + 800);
    expect(await leases.getLease(name)).toEqual(a);

    // Another holder is refused while it is live; the holder itself renews under the same token.
    expect(await leases.acquireLease(name, "pod-b", 800)).toBeNull();
    const again = await leases.acquireLease(name, "pod-a", 800);
    expect(again?.token).toBe(a!.token);
    const renewed = await leases.renewLease(again!, 800);
    expect(renewed).toMatchObject({ holder: "pod-a", token: a!.token });
    expect(renewed!.expiresAt).toBeGreaterThanOrEqual(again!.expiresAt);

    await sleep(renewed!.expiresAt - Date.now() + 50);
    const b = await leases.acquireLease(name, "pod-b", 5_000);
    expect(b).toMatchObject({ holder: "pod-b" });
    expect(b!.token).toBeGreaterThan(a!.token);
    // The old holder's renewal fails once its lease is gone, and changes nothing.
    expect(await leases.renewLease(renewed!, 5_000)).toBeNull();
    expect(await leases.acquireLease(name, "pod-a", 800)).toBeNull();
    expect(await leases.getLease(name)).toEqual(b);
  });

  it("an expired lease cannot be renewed, even when nobody took it", async () => {
    const leases = store();
    const name = uniqueName("lapsed");
    const a = await leases.acquireLease(name, "pod-a", 300);
    await sleep(a!.expiresAt - Date.now() + 50);
    expect(await leases.renewLease(a!, 5_000)).toBeNull();
    // Taking it again is a new term: a new token, so writes of the lapsed term are told apart.
    const next = await leases.acquireLease(name, "pod-a", 5_000);
    expect(next!.token).toBeGreaterThan(a!.token);
  });

  it("release hands over at once; releasing a lost lease changes nothing", async () => {
    const leases = store();
    const name = uniqueName("release");
    const a = await leases.acquireLease(name, "pod-a", 60_000);
    await leases.releaseLease(a!);
    const b = await leases.acquireLease(name, "pod-b", 60_000);
    expect(b!.token).toBeGreaterThan(a!.token);
    await leases.releaseLease(a!);
    expect(await leases.getLease(name)).toEqual(b);
    expect(await leases.acquireLease(name, "pod-a", 60_000)).toBeNull();
    // Leases are independent of each other by name.
    expect(await leases.acquireLease(`${name}-other`, "pod-a", 60_000)).toMatchObject({ holder: "pod-a" });
  });

  it("of many takers racing for a free lease, exactly one wins, round after round", async () => {
    const leases = store();
    const name = uniqueName("race");
    let last = 0;
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => leases.acquireLease(name, `pod-${round}-${i}`, 60_000)),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(winners[0]!.token).toBeGreaterThan(last);
      expect(await leases.getLease(name)).toEqual(winners[0]);
      last = winners[0]!.token;
      await leases.releaseLease(winners[0]!);
    }
  });

  it("refuses bad arguments with a clear error, writing nothing", async () => {
    const leases = store();
    await expect(leases.acquireLease("", "pod-a", 1000)).rejects.toBeInstanceOf(InvalidLeaseError);
    await expect(leases.acquireLease(uniqueName("x"), "", 1000)).rejects.toBeInstanceOf(InvalidLeaseError);
    const name = uniqueName("bad-ttl");
    await expect(leases.acquireLease(name, "pod-a", 0)).rejects.toThrow(/duration/);
    await expect(leases.acquireLease(name, "pod-a", Number.NaN)).rejects.toThrow(/duration/);
    expect(await leases.getLease(name)).toBeNull();
  });
}
