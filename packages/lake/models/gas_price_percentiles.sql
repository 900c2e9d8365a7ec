-- Effective gas price (wei) percentiles per UTC day, nearest-rank: the smallest price at least p of the day's
-- transactions paid at most.
WITH ranked AS (
  SELECT
    "date",
    effective_gas_price AS price,
    row_number() OVER (PARTITION BY "date" ORDER BY effective_gas_price) AS rn,
    count(*) OVER (PARTITION BY "date") AS n
  FROM receipts
  WHERE effective_gas_price IS NOT NULL
)
SELECT
  "date",
  max(n) AS transactions,
  min(price) AS min_price,
  max(CASE WHEN rn = ceil(0.25 * n) THEN price END) AS p25,
  max(CASE WHEN rn = ceil(0.50 * n) THEN price END) AS p50,
  max(CASE WHEN rn = ceil(0.75 * n) THEN price END) AS p75,
  max(CASE WHEN rn = ceil(0.90 * n) THEN price END) AS p90,
  max(CASE WHEN rn = ceil(0.99 * n) THEN price END) AS p99,
  max(price) AS max_price,
  "date" < (SELECT max("date") FROM blocks) AS day_complete
FROM ranked
GROUP BY "date"
ORDER BY "date"
