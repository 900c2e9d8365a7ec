import { useEffect, useRef, useState } from "react";

export type StreamState = "connecting" | "open" | "unavailable";

/**
 * Subscribes to query-api's server-sent events for as long as the component is mounted. EventSource reconnects
 * by itself and sends Last-Event-ID, so the server replays what was missed; `onEvent` sees each event once.
 */
export function useEventStream(
  url: string | null,
  events: string[],
  onEvent: (type: string, data: unknown) => void,
): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const eventKey = events.join(",");
  useEffect(() => {
    if (!url) return;
    setState("connecting");
    const source = new EventSource(url);
    const listeners = eventKey.split(",").map((type) => {
      const listener = (event: MessageEvent<string>) => {
        try {
          handler.current(type, JSON.parse(event.data));
        } catch {
          // A malformed event is skipped; the stream itself stays useful.
        }
      };
      source.addEventListener(type, listener as EventListener);
      return [type, listener] as const;
    });
    source.onopen = () => setState("open");
    source.onerror = () => {
      // CLOSED means the browser gave up (e.g. the route answered 404): no stream on this server.
      setState(source.readyState === EventSource.CLOSED ? "unavailable" : "connecting");
    };
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener as EventListener);
      source.close();
    };
  }, [url, eventKey]);
  return state;
}
