-- Per pool and UTC day: swaps, volume of each token (Σ |amount|, smallest units) and the price of token0 in token1
-- (decimals applied): first, last, lowest and highest of the day's priced swaps (a swap with a zero side, or
-- unknown decimals, has no price; its ordering key is NULL too, which both engines' min_by/max_by skip).
SELECT
  "date",
  pool,
  max(token0) AS token0,
  max(token1) AS token1,
  count(*) AS swaps,
  sum(abs(CAST(amount0 AS DECIMAL(38, 0)))) AS volume0_raw,
  sum(abs(CAST(amount1 AS DECIMAL(38, 0)))) AS volume1_raw,
  min_by(price, CASE WHEN price IS NOT NULL THEN block_number * 1000000 + log_index END) AS open_price,
  max_by(price, CASE WHEN price IS NOT NULL THEN block_number * 1000000 + log_index END) AS close_price,
  min(price) AS low_price,
  max(price) AS high_price,
  "date" < (SELECT max("date") FROM blocks) AS day_complete
FROM swaps
GROUP BY "date", pool
ORDER BY "date", pool
