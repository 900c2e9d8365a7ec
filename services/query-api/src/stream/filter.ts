import { z } from "zod";
import { AddressParam, UintParam } from "../http/params.ts";

export type LiveEventType = "transaction" | "token_transfer" | "retracted";

/** One event as the feed keeps it: the frame is serialised once and written to every matching client. */
export interface LiveEvent {
  seq: number;
  type: LiveEventType;
  from: string | null;
  to: string | null;
  token: string | null;
  value: bigint;
  /** `<epoch>.<seq>`, the resume id. */
  id: string;
  /** The record as JSON, serialised once for every client and both transports. */
  json: string;
  /** SSE frame, built once. */
  frame: string;
  /** WebSocket message, built on first use. */
  wsMessage?: string;
}

export function wsMessageOf(e: LiveEvent): string {
  e.wsMessage ??= `{"id":"${e.id}","event":"${e.type}","data":${e.json}}`;
  return e.wsMessage;
}

export const StreamQuery = z.object({
  from: AddressParam.optional(),
  to: AddressParam.optional(),
  address: AddressParam.optional(),
  token: AddressParam.optional(),
  minValue: UintParam.optional(),
  type: z
    .enum(["transaction", "token_transfer"], { error: "must be transaction or token_transfer" })
    .optional(),
});
export type StreamQuery = z.output<typeof StreamQuery>;

export type StreamFilter = (event: LiveEvent) => boolean;

/** All given conditions must hold. Retractions always pass: a client must learn that rows it saw are gone. */
export function compileFilter(q: StreamQuery): StreamFilter {
  const minValue = q.minValue === undefined ? null : BigInt(q.minValue);
  return (e) => {
    if (e.type === "retracted") return true;
    if (q.type && e.type !== q.type) return false;
    if (q.token && e.token !== q.token) return false;
    if (q.from && e.from !== q.from) return false;
    if (q.to && e.to !== q.to) return false;
    if (q.address && e.from !== q.address && e.to !== q.address) return false;
    if (minValue !== null && e.value < minValue) return false;
    return true;
  };
}
