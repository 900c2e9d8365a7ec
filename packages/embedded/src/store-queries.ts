/*
 * Every statement the store prepares, by name. Kept apart from the code so a test can check each read's query
 * plan: a page must be an index range scan, never a table scan.
 */
export const STORE_SQL = {
  blockAt: "SELECT hash FROM blocks WHERE number = ?",
  insertEnrichment: "INSERT OR REPLACE INTO enrichment (block_number, block_hash, data) VALUES (?, ?, ?)",
  enrichmentOf: `SELECT e.data FROM blocks b JOIN enrichment e ON e.block_number = b.number AND e.block_hash = b.hash
     WHERE b.hash = ?`,
  heights: `SELECT b.number, b.hash, e.block_hash IS NOT NULL FROM blocks b
     LEFT JOIN enrichment e ON e.block_number = b.number AND e.block_hash = b.hash
     WHERE b.number >= ? ORDER BY b.number LIMIT ?`,
  numberOf: "SELECT number FROM blocks WHERE hash = ?",
  storedTxs:
    "SELECT data, receipt FROM transactions WHERE block_number = ? AND block_hash = ? ORDER BY tx_index",
  storedLogs: "SELECT data FROM logs WHERE block_number = ? AND block_hash = ? ORDER BY log_index",
  insertBlock: "INSERT INTO blocks (number, hash, data) VALUES (?, ?, ?)",
  insertTx: `INSERT OR REPLACE INTO transactions (block_number, tx_index, hash, block_hash, data, receipt)
     VALUES (?, ?, ?, ?, ?, ?)`,
  insertLog:
    "INSERT OR REPLACE INTO logs (block_number, log_index, tx_index, block_hash, data) VALUES (?, ?, ?, ?, ?)",
  insertTransfer: `INSERT OR REPLACE INTO token_transfers (block_number, log_index, batch_index, tx_index, block_hash, data)
     VALUES (?, ?, ?, ?, ?, ?)`,
  indexTx:
    "INSERT OR IGNORE INTO address_txs (address, block_number, tx_index, block_hash) VALUES (?, ?, ?, ?)",
  indexTransfer: `INSERT OR IGNORE INTO address_token_transfers (address, block_number, log_index, batch_index, block_hash)
     VALUES (?, ?, ?, ?, ?)`,
  latest: "SELECT data FROM blocks ORDER BY number DESC LIMIT 1",
  byNumber: "SELECT data FROM blocks WHERE number = ?",
  byHash: "SELECT data FROM blocks WHERE hash = ?",
  blockTxs:
    "SELECT tx_index, data FROM transactions WHERE block_number = ? AND tx_index > ? ORDER BY tx_index LIMIT ?",
  /*
   * A transaction with its receipt and every row that belongs to it, as one row of one statement: a trip through
   * the driver costs more than these index lookups (and a row-by-row read more than one row), and a tx-by-hash
   * request would otherwise make eight. Each child list comes as one JSON array of the stored records, in its own
   * order; NULL when empty. The newest block wins should a hash be stored twice.
   */
  // Children decoded from logs (transfers, swaps, approvals, WETH events) exist only beside a log of the same
  // transaction (the writer refuses others): a transaction without logs, most of them, skips those four lookups.
  // MATERIALIZED keeps the logs subquery evaluated once (not copied into each CASE).
  txDetail: `WITH found AS MATERIALIZED (
       SELECT block_number, tx_index, block_hash, data, receipt,
         (SELECT '[' || group_concat(data, ',' ORDER BY log_index) || ']' FROM logs
           WHERE block_number = tx.block_number AND tx_index = tx.tx_index) AS logs
       FROM transactions tx WHERE substr(tx.hash, 3, 12) = substr(?1, 3, 12) AND tx.hash = ?1
       ORDER BY tx.block_number DESC LIMIT 1)
     SELECT f.data, f.receipt, f.logs,
       CASE WHEN f.logs IS NOT NULL THEN (SELECT '[' || group_concat(data, ',' ORDER BY log_index, batch_index) || ']'
         FROM token_transfers WHERE block_number = f.block_number AND tx_index = f.tx_index) END,
       CASE WHEN f.logs IS NOT NULL THEN (SELECT '[' || group_concat(data, ',' ORDER BY log_index) || ']' FROM swaps
         WHERE block_number = f.block_number AND tx_index = f.tx_index) END,
       CASE WHEN f.logs IS NOT NULL THEN (SELECT '[' || group_concat(data, ',' ORDER BY log_index) || ']' FROM approvals
         WHERE block_number = f.block_number AND tx_index = f.tx_index) END,
       CASE WHEN f.logs IS NOT NULL THEN (SELECT '[' || group_concat(data, ',' ORDER BY log_index) || ']' FROM weth_events
         WHERE block_number = f.block_number AND tx_index = f.tx_index) END,
       (SELECT '[' || group_concat(data, ',' ORDER BY address) || ']' FROM contract_creations
         WHERE block_number = f.block_number AND tx_index = f.tx_index),
       (SELECT '[' || group_concat(data, ',' ORDER BY position) || ']' FROM internal_txs
         WHERE block_number = f.block_number AND tx_index = f.tx_index),
       f.block_hash
     FROM found f`,
  logOf: "SELECT 1 FROM logs WHERE block_number = ? AND log_index = ? AND tx_index = ?",
  addressTxs: `SELECT a.block_number, a.tx_index, t.data FROM address_txs a
     JOIN transactions t ON t.block_number = a.block_number AND t.tx_index = a.tx_index
       AND t.block_hash = a.block_hash
     WHERE a.address = ? AND (a.block_number, a.tx_index) < (?, ?)
     ORDER BY a.block_number DESC, a.tx_index DESC LIMIT ?`,
  addressTransfers: `SELECT a.block_number, a.log_index, a.batch_index, t.data FROM address_token_transfers a
     JOIN token_transfers t ON t.block_number = a.block_number AND t.log_index = a.log_index
       AND t.batch_index = a.batch_index AND t.block_hash = a.block_hash
     WHERE a.address = ? AND (a.block_number, a.log_index, a.batch_index) < (?, ?, ?)
     ORDER BY a.block_number DESC, a.log_index DESC, a.batch_index DESC LIMIT ?`,
  insertInternal:
    "INSERT OR REPLACE INTO internal_txs (block_number, tx_index, position, data) VALUES (?, ?, ?, ?)",
  indexInternal: `INSERT OR IGNORE INTO address_internal_txs (address, block_number, tx_index, position)
     VALUES (?, ?, ?, ?)`,
  addressInternal: `SELECT a.block_number, a.tx_index, a.position, t.data FROM address_internal_txs a
     JOIN internal_txs t ON t.block_number = a.block_number AND t.tx_index = a.tx_index
       AND t.position = a.position
     WHERE a.address = ? AND (a.block_number, a.tx_index, a.position) < (?, ?, ?)
     ORDER BY a.block_number DESC, a.tx_index DESC, a.position DESC LIMIT ?`,
  insertSwap: "INSERT OR REPLACE INTO swaps (block_number, log_index, tx_index, data) VALUES (?, ?, ?, ?)",
  indexSwap: "INSERT OR IGNORE INTO address_swaps (address, block_number, log_index) VALUES (?, ?, ?)",
  insertVault:
    "INSERT OR REPLACE INTO vault_events (block_number, log_index, tx_index, data) VALUES (?, ?, ?, ?)",
  indexVault:
    "INSERT OR IGNORE INTO address_vault_events (address, block_number, log_index) VALUES (?, ?, ?)",
  addressVaultEvents: `SELECT a.block_number, a.log_index, v.data FROM address_vault_events a
     JOIN vault_events v ON v.block_number = a.block_number AND v.log_index = a.log_index
     WHERE a.address = ? AND (a.block_number, a.log_index) < (?, ?)
     ORDER BY a.block_number DESC, a.log_index DESC LIMIT ?`,
  insertApproval:
    "INSERT OR REPLACE INTO approvals (block_number, log_index, tx_index, data) VALUES (?, ?, ?, ?)",
  insertWeth:
    "INSERT OR REPLACE INTO weth_events (block_number, log_index, tx_index, data) VALUES (?, ?, ?, ?)",
  insertCreation:
    "INSERT OR REPLACE INTO contract_creations (block_number, tx_index, address, data) VALUES (?, ?, ?, ?)",
  insertPrice: `INSERT OR REPLACE INTO price_points (token, quote, block_number, log_index, timestamp, data)
     VALUES (?, ?, ?, ?, ?, ?)`,
  insertBalance: "INSERT OR REPLACE INTO balances (address, token, block_number, data) VALUES (?, ?, ?, ?)",
  insertStats: "INSERT OR REPLACE INTO block_stats (block_number, day, data) VALUES (?, ?, ?)",
  tokenTransfers: `SELECT block_number, log_index, batch_index, data FROM token_transfers
     WHERE json_extract(data, '$.token') = ? AND (block_number, log_index, batch_index) < (?, ?, ?)
     ORDER BY block_number DESC, log_index DESC, batch_index DESC LIMIT ?`,
  addressSwaps: `SELECT a.block_number, a.log_index, s.data FROM address_swaps a
     JOIN swaps s ON s.block_number = a.block_number AND s.log_index = a.log_index
     WHERE a.address = ? AND (a.block_number, a.log_index) < (?, ?)
     ORDER BY a.block_number DESC, a.log_index DESC LIMIT ?`,
  creation: "SELECT data FROM contract_creations WHERE address = ? ORDER BY block_number DESC LIMIT 1",
  upsertToken: "INSERT OR REPLACE INTO tokens (address, symbol_key, data) VALUES (?, ?, ?)",
  token: "SELECT data FROM tokens WHERE address = ?",
  tokensBySymbol: "SELECT data FROM tokens WHERE symbol_key = ? ORDER BY address LIMIT ?",
  // Newest first by the key; the timestamp bounds filter rows within the token's series.
  priceSeries: `SELECT block_number, log_index, data FROM price_points
     WHERE token = ? AND quote = ? AND (block_number, log_index) < (?, ?) AND timestamp BETWEEN ? AND ?
     ORDER BY block_number DESC, log_index DESC LIMIT ?`,
  latestPrice: `SELECT data FROM price_points WHERE token = ? AND quote = ?
     ORDER BY block_number DESC, log_index DESC LIMIT 1`,
  // A skip scan over the address's tokens: one index seek per token, then its newest snapshot.
  balances: `WITH RECURSIVE held(token) AS (
       SELECT min(token) FROM balances WHERE address = ?1
       UNION ALL
       SELECT (SELECT min(token) FROM balances WHERE address = ?1 AND token > held.token)
       FROM held WHERE held.token IS NOT NULL
     )
     SELECT (SELECT data FROM balances WHERE address = ?1 AND token = held.token
             ORDER BY block_number DESC LIMIT 1)
     FROM held WHERE held.token IS NOT NULL ORDER BY held.token`,
  // Holdings: one row per (address, token, token id), its balance a signed decimal (beyond 64-bit integers).
  holding: "SELECT balance FROM holdings WHERE address = ? AND token = ? AND token_id = ?",
  putHolding: `INSERT INTO holdings (address, token, token_id, standard, balance) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (address, token, token_id) DO UPDATE SET balance = excluded.balance`,
  dropHolding: "DELETE FROM holdings WHERE address = ? AND token = ? AND token_id = ?",
  holdings: `SELECT token, token_id, standard, balance FROM holdings WHERE address = ?
     ORDER BY token, token_id LIMIT ?`,
  transfersAt: "SELECT data FROM token_transfers WHERE block_number = ?",
  dayStats: "SELECT data FROM block_stats WHERE day BETWEEN ? AND ? ORDER BY day",
  putStatus: `INSERT INTO service_statuses (service, instance, updated_at, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (service, instance) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data`,
  statuses: "SELECT data FROM service_statuses WHERE updated_at > ? ORDER BY service, instance",
  getCursor: "SELECT data FROM cursors WHERE name = ?",
  setCursor:
    "INSERT INTO cursors (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
  ping: "SELECT count(*) FROM blocks WHERE number = 0",
} as const;
