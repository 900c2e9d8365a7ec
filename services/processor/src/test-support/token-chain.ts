import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Anvil, createDevnetClient, deployErc20, startAnvil } from "@chainlog/devnet";

export interface TokenChain {
  anvil: Anvil;
  /** The block that deployed the token: the chain's head. */
  head: number;
  /** A fresh directory for the test's bus and store files. */
  dir: string;
  stop(): Promise<void>;
}

/** An anvil whose last block deploys an ERC-20 (a block with something to trace and a token to read). */
export async function startTokenChain(symbol: string): Promise<TokenChain> {
  const anvil = await startAnvil({});
  const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
  await deployErc20(client, { symbol });
  const head = Number(await client.getBlockNumber());
  const dir = mkdtempSync(join(tmpdir(), `chainlog-${symbol.toLowerCase()}-`));
  return {
    anvil,
    head,
    dir,
    async stop() {
      await anvil.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
