/**
 * Bucket registrations already written by this process. They are never deleted, so once one is stored it
 * need not be written again; bounded so a long-running processor's memory stays flat (oldest forgotten first).
 */
export function createRegisteredSet(max = 200_000) {
  const seen = new Set<string>();
  return {
    has: (key: string) => seen.has(key),
    add(key: string) {
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > max) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
    },
  };
}
