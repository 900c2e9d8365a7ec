-- ERC-20 and ERC-721 transfers per token and UTC day. volume_raw is in the token's smallest unit (for an
-- ERC-721 it sums token ids and means nothing: use transfers).
SELECT
  "date",
  token_address,
  count(*) AS transfers,
  sum(CAST(value AS DECIMAL(38, 0))) AS volume_raw,
  "date" < (SELECT max("date") FROM blocks) AS day_complete
FROM token_transfers
GROUP BY "date", token_address
ORDER BY "date", transfers DESC, token_address
