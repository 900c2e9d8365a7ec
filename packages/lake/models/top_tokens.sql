-- The 100 tokens with the most transfers over the whole lake, with how many distinct addresses sent or received.
WITH parties AS (
  SELECT token_address, from_address AS address FROM token_transfers
  UNION ALL
  SELECT token_address, to_address AS address FROM token_transfers
),
counts AS (
  SELECT token_address, count(*) AS transfers, min(block_number) AS first_block, max(block_number) AS last_block
  FROM token_transfers
  GROUP BY token_address
),
holders AS (
  SELECT token_address, count(DISTINCT address) AS addresses FROM parties GROUP BY token_address
)
SELECT
  row_number() OVER (ORDER BY c.transfers DESC, c.token_address) AS rank,
  c.token_address,
  c.transfers,
  h.addresses,
  c.first_block,
  c.last_block
FROM counts c
JOIN holders h ON h.token_address = c.token_address
ORDER BY rank
LIMIT 100
