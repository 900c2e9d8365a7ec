-- Blocks, transactions, gas and fees (Σ gas_used × effective_gas_price, in wei) per UTC day.
WITH fees AS (
  SELECT
    "date",
    count(*) AS transactions,
    sum(CAST(gas_used AS DECIMAL(38, 0)) * CAST(effective_gas_price AS DECIMAL(38, 0))) AS fees_wei
  FROM receipts
  GROUP BY "date"
),
days AS (
  SELECT "date", count(*) AS blocks, sum(CAST(gas_used AS DECIMAL(38, 0))) AS gas_used FROM blocks GROUP BY "date"
)
SELECT
  d."date",
  d.blocks,
  coalesce(f.transactions, 0) AS transactions,
  d.gas_used,
  coalesce(f.fees_wei, CAST(0 AS DECIMAL(38, 0))) AS fees_wei,
  d."date" < (SELECT max("date") FROM blocks) AS day_complete
FROM days d
LEFT JOIN fees f ON f."date" = d."date"
ORDER BY d."date"
