const USAGE = `usage: chainlog <command>

commands:
  start     run ingest, processor, query-api and web on this machine (embedded by default);
            starts an anvil devnet and a workload when neither ETH_RPC_URL nor ETH_RPC_URLS is set
            --cluster: run them on Kafka, Cassandra and FerretDB started locally (pnpm start --cluster)
  export    export a block range in ethereum-etl's format (see chainlog export --help)
  sql       run SQL over the lake with DuckDB: chainlog sql "select …" [--format table|csv|json]
  models    chainlog models build: run the SQL models over the lake, write them as Parquet
  config    every environment variable, its default and meaning, and what is wrong with this environment's
            (chainlog config --help)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    // each command loads only what it runs: an export starts without the devnet and the engines (`pnpm chainlog`
    // runs these two from their bundles, see bin/chainlog.mjs; here, as under `pnpm dev`, from their sources)
    case "start": {
      const { runCommand } = await import("./start.ts");
      return runCommand(rest);
    }
    case "export": {
      const { runExportCommand } = await import("./export-command.ts");
      return runExportCommand(rest);
    }
    case "sql": {
      const { runSqlCommand } = await import("./lake-commands.ts");
      return runSqlCommand(rest);
    }
    case "config": {
      const { runConfigCommand } = await import("./config-command.ts");
      return runConfigCommand(rest);
    }
    case "models": {
      const { runModelsCommand } = await import("./lake-commands.ts");
      return runModelsCommand(rest);
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
