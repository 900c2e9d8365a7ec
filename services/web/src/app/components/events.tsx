import type { Approval, ContractCreation, Swap, TokenMap, WethEvent } from "../api/routes.ts";
import { formatRatio, formatTokenAmount, swapSides, tokenIn, tokenLabel } from "../format/tokens.ts";
import { HashLink, TokenLink } from "./common.tsx";

const MAX_UINT256 = (2n ** 256n - 1n).toString();

function Amount({
  raw,
  token,
  tokens,
}: {
  raw: string;
  token: string | null;
  tokens?: TokenMap | undefined;
}) {
  const meta = token ? tokenIn(tokens, token) : undefined;
  const symbol = token ? tokenLabel(token, meta) : "of an unknown token";
  // Six significant fraction digits read well in a table; the exact amount is in the title.
  return (
    <span data-raw={raw} title={formatTokenAmount(raw, meta?.decimals, symbol)}>
      {formatTokenAmount(raw, meta?.decimals, symbol, 6)}
    </span>
  );
}

/** Swaps as "sold X, bought Y": the pool's signed amounts turned into what the swapper paid and received. */
export function SwapTable({
  swaps,
  tokens,
  caption,
  showTransaction = false,
}: {
  swaps: Swap[];
  tokens?: TokenMap | undefined;
  caption: string;
  showTransaction?: boolean;
}) {
  if (swaps.length === 0) return <p className="muted">No swaps.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {showTransaction && <th scope="col">Transaction</th>}
            <th scope="col">Pool</th>
            <th scope="col" className="num">
              Sold
            </th>
            <th scope="col" className="num">
              Bought
            </th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col">Recipient</th>
          </tr>
        </thead>
        <tbody>
          {swaps.map((s) => {
            const sides = swapSides(s);
            const t0 = s.token0 ? tokenIn(tokens, s.token0) : undefined;
            const t1 = s.token1 ? tokenIn(tokens, s.token1) : undefined;
            return (
              <tr key={`${s.transactionHash}:${s.logIndex}`} data-swap={s.logIndex}>
                {showTransaction && (
                  <td>
                    <HashLink kind="tx" value={s.transactionHash} />
                  </td>
                )}
                <td>
                  <HashLink kind="address" value={s.pool} />{" "}
                  <span className="badge">{s.protocol === "uniswap-v2" ? "Uniswap V2" : "Uniswap V3"}</span>
                </td>
                <td className="num" data-field="sold">
                  <Amount raw={sides.amountIn} token={sides.tokenIn} tokens={tokens} />
                </td>
                <td className="num" data-field="bought">
                  <Amount raw={sides.amountOut} token={sides.tokenOut} tokens={tokens} />
                </td>
                <td className="num">
                  {s.price === null || !s.token0 || !s.token1
                    ? "—"
                    : `1 ${tokenLabel(s.token0, t0)} = ${formatRatio(s.price)} ${tokenLabel(s.token1, t1)}`}
                </td>
                <td>
                  <HashLink kind="address" value={s.recipient} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function approvalWhat(a: Approval, tokens?: TokenMap): string {
  if (a.kind === "operator") return a.approved ? "all tokens (operator)" : "revoked operator";
  if (a.kind === "erc721") return `token id ${a.tokenId ?? "?"}`;
  if (a.value === MAX_UINT256) return "unlimited";
  const meta = tokenIn(tokens, a.token);
  return a.value === null ? "—" : formatTokenAmount(a.value, meta?.decimals, tokenLabel(a.token, meta));
}

export function ApprovalTable({
  approvals,
  tokens,
}: {
  approvals: Approval[];
  tokens?: TokenMap | undefined;
}) {
  if (approvals.length === 0) return <p className="muted">No approvals.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Approvals in this transaction</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Token</th>
            <th scope="col">Owner</th>
            <th scope="col">Spender</th>
            <th scope="col" className="num">
              Allowance
            </th>
          </tr>
        </thead>
        <tbody>
          {approvals.map((a) => (
            <tr key={`${a.transactionHash}:${a.logIndex}`}>
              <td>
                <span className="badge">
                  {a.kind === "operator" ? "ApprovalForAll" : a.kind.toUpperCase()}
                </span>
              </td>
              <td>
                <TokenLink address={a.token} token={tokenIn(tokens, a.token)} />
              </td>
              <td>
                <HashLink kind="address" value={a.owner} />
              </td>
              <td>
                <HashLink kind="address" value={a.spender} />
              </td>
              <td className="num">{approvalWhat(a, tokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function WethTable({ events, tokens }: { events: WethEvent[]; tokens?: TokenMap | undefined }) {
  if (events.length === 0) return <p className="muted">No wraps or unwraps.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">WETH wraps and unwraps in this transaction</caption>
        <thead>
          <tr>
            <th scope="col">Action</th>
            <th scope="col">Contract</th>
            <th scope="col">Account</th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((w) => {
            const meta = tokenIn(tokens, w.token);
            return (
              <tr key={`${w.transactionHash}:${w.logIndex}`}>
                <td>{w.kind === "deposit" ? "Wrap (deposit)" : "Unwrap (withdrawal)"}</td>
                <td>
                  <TokenLink address={w.token} token={meta} />
                </td>
                <td>
                  <HashLink kind="address" value={w.account} />
                </td>
                {/* WETH has 18 decimals like ETH; a look-alike contract may not, so its own decimals win. */}
                <td className="num">{formatTokenAmount(w.value, meta?.decimals ?? 18, "ETH")}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function CreationTable({ creations }: { creations: ContractCreation[] }) {
  if (creations.length === 0) return <p className="muted">No contracts created.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Contracts created by this transaction</caption>
        <thead>
          <tr>
            <th scope="col">Contract</th>
            <th scope="col">Creator</th>
            <th scope="col">Found in</th>
          </tr>
        </thead>
        <tbody>
          {creations.map((c) => (
            <tr key={c.address}>
              <td>
                <HashLink kind="address" value={c.address} full />
              </td>
              <td>
                <HashLink kind="address" value={c.creator} />
              </td>
              <td>{c.source === "receipt" ? "receipt (top level)" : "trace (CREATE inside a call)"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
