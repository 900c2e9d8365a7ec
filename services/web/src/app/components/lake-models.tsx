import type { LakeModelResponse, LakeModelsResponse } from "@chainlog/tx-schema";
import { useState } from "react";
import { getJson } from "../api/client.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";
import { ErrorView } from "./common.tsx";

const ROWS = 30;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UBIGINT|DECIMAL\(\d+,\s*0\))$/;

/** A cell as its column's type asks: wei columns in ETH, whole numbers grouped, flags as words. */
function cell(value: string | number | boolean | null, column: { name: string; type: string }): string {
  if (value === null) return "—";
  if (typeof value === "boolean")
    return column.name === "day_complete" ? (value ? "final" : "not final yet") : String(value);
  if (column.name.endsWith("_wei") && typeof value === "string" && /^-?\d+$/.test(value))
    return formatEth(value);
  if (INTEGER.test(column.type)) return formatInteger(value);
  return String(value);
}

/**
 * The lake's SQL models beside the API's daily stats: the same days as the warehouse computes them (built by
 * `pnpm chainlog models build`). Hidden when no model was built.
 */
export function LakeModelsSection() {
  const list = useResource(
    (signal) => getJson<LakeModelsResponse>("/v1/lake/models", signal),
    "lake-models",
    { pollMs: 60_000 },
  );
  const models = list.data?.items ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const name = chosen ?? models.find((m) => m.name === "daily_transactions_fees")?.name ?? models[0]?.name;
  const model = useResource(
    (signal) =>
      name
        ? getJson<LakeModelResponse>(`/v1/lake/models/${encodeURIComponent(name)}?limit=${ROWS}`, signal)
        : Promise.resolve(null),
    `lake-model:${name ?? ""}`,
    { pollMs: 60_000 },
  );
  if (!name) return null;
  const table = model.data;
  return (
    <section aria-labelledby="lake-models-h" data-testid="lake-models">
      <h2 id="lake-models-h">Lake models (SQL over the Parquet lake)</h2>
      <label>
        Model{" "}
        <select value={name} onChange={(e) => setChosen(e.target.value)}>
          {models.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name} ({formatInteger(m.rows)} rows)
            </option>
          ))}
        </select>
      </label>
      {model.error && <ErrorView error={model.error} what="the model" retry={model.reload} />}
      {table && (
        <>
          <p className="muted">
            Built {new Date(table.builtAt).toISOString().replace("T", " ").slice(0, 19)} UTC
            {table.rows > table.items.length ? ` · first ${table.items.length} of ${table.rows} rows` : ""}
          </p>
          <div className="table-wrap">
            <table data-testid="lake-model-table">
              <caption className="sr-only">Rows of the {table.name} model</caption>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th key={c.name} scope="col" className={INTEGER.test(c.type) ? "num" : undefined}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.items.map((row, i) => (
                  // rows are a page of the model's own order: their place is their identity
                  // biome-ignore lint/suspicious/noArrayIndexKey: see above
                  <tr key={i}>
                    {table.columns.map((c) => (
                      <td key={c.name} className={INTEGER.test(c.type) ? "num" : undefined}>
                        {cell(row[c.name] ?? null, c)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
