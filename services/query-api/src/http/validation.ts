import type { FastifySchemaCompiler } from "fastify";
import { z } from "zod";
import { type ApiError, InvalidParameterError } from "./errors.ts";

/**
 * Routes declare zod schemas; Fastify sees their JSON Schema (for the OpenAPI document) and validates through
 * this map back to the zod original, so the rules and the documentation cannot drift apart.
 */
const zodOf = new WeakMap<object, z.ZodType>();

/** io "input" for what a request may send (and is validated), "output" for what a response carries. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-7" }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  zodOf.set(json, schema);
  return json;
}

const PART_PREFIX: Record<string, string> = {
  body: "body.",
  params: "",
  querystring: "",
  headers: "header.",
};

/** `{"$gt": ""}` and dotted keys are MongoDB operators / paths: refused wherever they appear in a request. */
export function findOperatorKey(value: unknown, path: string[] = [], depth = 0): string[] | null {
  if (depth > 32) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findOperatorKey(value[i], [...path, String(i)], depth + 1);
      if (found) return found;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes("$") || key.includes("\0") || key === "__proto__" || key === "constructor")
        return [...path, key];
      const found = findOperatorKey(inner, [...path, key], depth + 1);
      if (found) return found;
    }
  }
  return null;
}

function issueToError(issue: z.core.$ZodIssue, prefix: string): ApiError {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "?";
    return new InvalidParameterError(`${prefix}${[...path, key].join(".")}`, "is not a known field");
  }
  const name = path.length ? `${prefix}${path.join(".")}` : prefix.replace(/\.$/, "") || "request";
  // Messages of our own schemas complete "parameter 'x' …"; zod's defaults get a neutral joint.
  const message = /^(must|is) /.test(issue.message) ? issue.message : `is invalid: ${issue.message}`;
  return new InvalidParameterError(name, message);
}

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const zod = zodOf.get(schema as object);
  const prefix = PART_PREFIX[httpPart ?? ""] ?? "";
  return (data: unknown) => {
    const operator = findOperatorKey(data);
    if (operator)
      return {
        error: new InvalidParameterError(
          `${prefix}${operator.join(".")}`.replace(/\.$/, ""),
          "is not allowed (operator-like or reserved key)",
        ),
      };
    if (!zod) return { value: data };
    const parsed = zod.safeParse(httpPart === "body" && data === null ? undefined : data);
    if (parsed.success) return { value: parsed.data };
    const issue = parsed.error.issues[0];
    return {
      error: issue ? issueToError(issue, prefix) : new InvalidParameterError("request", "is invalid"),
    };
  };
};
