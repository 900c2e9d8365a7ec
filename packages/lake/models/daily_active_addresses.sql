-- Distinct transaction senders and recipients per UTC day (query-api's activeAddresses), and senders alone.
WITH participants AS (
  SELECT "date", from_address AS address, 1 AS sent FROM transactions
  UNION ALL
  SELECT "date", to_address AS address, 0 AS sent FROM transactions WHERE to_address IS NOT NULL AND to_address <> ''
)
SELECT
  "date",
  count(DISTINCT address) AS active_addresses,
  count(DISTINCT CASE WHEN sent = 1 THEN address END) AS senders,
  "date" < (SELECT max("date") FROM blocks) AS day_complete
FROM participants
GROUP BY "date"
ORDER BY "date"
