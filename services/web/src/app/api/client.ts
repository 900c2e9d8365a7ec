/** An error answer of query-api ({ error: { code, message, parameter? } }) or a failure to reach it. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; parameter?: unknown };
}

/** GETs JSON from query-api through the web server's same-origin proxy. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>("GET", path, undefined, signal);
}

export async function requestJson<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      signal: signal ?? null,
      credentials: "same-origin",
      headers:
        body === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "network", "The API could not be reached. Check your connection and retry.");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(
      res.status,
      "bad_response",
      `The API answered ${res.status} with something that is not JSON.`,
    );
  }
  if (!res.ok) {
    const e = (json as ErrorBody | undefined)?.error;
    throw new ApiError(
      res.status,
      typeof e?.code === "string" ? e.code : `http_${res.status}`,
      typeof e?.message === "string" ? e.message : `The API answered ${res.status}.`,
      typeof e?.parameter === "string" ? e.parameter : undefined,
    );
  }
  return json as T;
}
