import { parseArgs } from "node:util";
import { engineControl } from "./engine-control.ts";
import { enginesStatus } from "./engines-status.ts";
import { EngineOptionsError, EngineStateError } from "./errors.ts";
import { logTail } from "./health/wait-until.ts";
import { installCassandra } from "./install/install-cassandra.ts";
import { installFerretDb } from "./install/install-ferretdb.ts";
import { installEtcd, installKubeApiServer } from "./install/install-go-tools.ts";
import { installKafka } from "./install/install-kafka.ts";
import { checkJava } from "./install/toolchain.ts";
import { AllEngines, type EngineName } from "./options.ts";
import { cacheDir, defaultBaseDir } from "./paths.ts";
import { installVersityGw } from "./s3/install-versitygw.ts";
import { startEngines } from "./start-engines.ts";
import { type EnginesState, readState } from "./state.ts";
import { stopEngines } from "./stop-engines.ts";

const usage = `usage: engines <command> [options]
  up       [--nodes 1|3] [--engines kafka,cassandra,mongo] [--fresh]   install (once) and start, then exit
  down                                                                stop what \`up\` started
  status   [--json]                                                   processes and endpoints
  logs     [name] [--lines N]                                         tail of each engine's log
  kill     <name>                                                     SIGKILL one process (e.g. kafka-2), for fault drills
  restart  <name>                                                     start it again and wait until healthy
  install  [--engines …] [--s3] [--kube]                              download/build into the cache only (--s3: also
                                                                      the S3-compatible server the export tests use;
                                                                      --kube: etcd and kube-apiserver, infra's suite)
common: [--base-dir DIR]  (default: CHAINLOG_ENGINES_DIR or <cache>/run; cache: CHAINLOG_CACHE_DIR or ~/.cache/chainlog)
ports:  CHAINLOG_KAFKA_PORT=9092 CHAINLOG_CASSANDRA_PORT=9042 CHAINLOG_CASSANDRA_STORAGE_PORT=7000
        CHAINLOG_CASSANDRA_JMX_PORT=7100 CHAINLOG_MONGO_PORT=27017`;

function parseEngines(raw: string | undefined): EngineName[] {
  if (!raw) return [...AllEngines];
  const names = raw.split(",").map((s) => s.trim());
  for (const n of names)
    if (!AllEngines.includes(n as EngineName)) throw new EngineOptionsError(`unknown engine "${n}"`);
  return names as EngineName[];
}

function attachState(baseDir: string): EnginesState {
  const state = readState(baseDir);
  if (!state) throw new EngineStateError(`no engines recorded in ${baseDir}`);
  return state;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: "string", default: "1" },
      "base-dir": { type: "string" },
      engines: { type: "string" },
      fresh: { type: "boolean", default: false },
      s3: { type: "boolean", default: false },
      kube: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      lines: { type: "string", default: "40" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  const baseDir = values["base-dir"] ?? defaultBaseDir();
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case "up": {
      const nodes = Number(values.nodes);
      if (nodes !== 1 && nodes !== 3)
        throw new EngineOptionsError(`--nodes must be 1 or 3, not ${values.nodes}`);
      const engines = await startEngines({
        nodes,
        baseDir,
        engines: parseEngines(values.engines),
        fresh: values.fresh,
        ownedByCaller: false,
      });
      // The variables runtime-config reads, as shell lines: `eval "$(pnpm -s engines:up)"` then `pnpm start`.
      console.log("export CHAINLOG_MODE=cluster");
      if (engines.kafkaBrokers.length > 0)
        console.log(`export KAFKA_BROKERS=${engines.kafkaBrokers.join(",")}`);
      if (engines.cassandraContactPoints.length > 0) {
        console.log(`export CASSANDRA_CONTACT_POINTS=${engines.cassandraContactPoints.join(",")}`);
        console.log(`export CASSANDRA_LOCAL_DC=${engines.cassandraLocalDc}`);
      }
      if (nodes === 3) console.log("export KAFKA_REPLICATION_FACTOR=3 CASSANDRA_REPLICATION_FACTOR=3");
      if (engines.mongoUrl) console.log(`export MONGODB_URL=${engines.mongoUrl.replace(/\/$/, "")}/chainlog`);
      return 0;
    }
    case "down": {
      const t = Date.now();
      const stopped = await stopEngines({ baseDir });
      console.log(
        stopped.length
          ? `stopped ${stopped.join(", ")} in ${((Date.now() - t) / 1000).toFixed(1)} s`
          : `nothing running in ${baseDir}`,
      );
      return 0;
    }
    case "status": {
      const status = enginesStatus(baseDir);
      if (values.json) console.log(JSON.stringify(status, null, 2));
      else if (status.processes.length === 0) console.log(`nothing running in ${baseDir}`);
      else {
        for (const p of status.processes)
          console.log(`${p.name.padEnd(12)} ${p.running ? "running" : "STOPPED"} pid ${p.pid}  ${p.log}`);
        console.log(JSON.stringify(status.endpoints));
      }
      return status.processes.every((p) => p.running) ? 0 : 1;
    }
    case "logs": {
      const status = enginesStatus(baseDir);
      const wanted = rest[0];
      const chosen = status.processes.filter((p) => !wanted || p.name === wanted);
      if (chosen.length === 0)
        throw new EngineStateError(wanted ? `no engine named ${wanted}` : `nothing recorded in ${baseDir}`);
      for (const p of chosen) console.log(`==> ${p.log} <==\n${logTail(p.log, Number(values.lines))}\n`);
      return 0;
    }
    case "kill":
    case "restart": {
      const name = rest[0];
      if (!name) throw new EngineOptionsError(`${command} needs a process name (see \`status\`)`);
      const control = engineControl(baseDir, attachState(baseDir), true);
      const t = Date.now();
      await (command === "kill" ? control.kill(name) : control.restart(name));
      console.log(
        `${command === "kill" ? "killed" : "restarted"} ${name} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
      return 0;
    }
    case "install": {
      const engines = parseEngines(values.engines);
      const t = Date.now();
      const dir = cacheDir();
      if (engines.includes("kafka") || engines.includes("cassandra")) await checkJava();
      await Promise.all([
        engines.includes("kafka") && installKafka(dir),
        engines.includes("cassandra") && installCassandra(dir),
        engines.includes("mongo") && installFerretDb(dir),
        values.s3 && installVersityGw(dir),
        // Go builds one after the other: two at once only fight over the same two cores and module cache
        values.kube && installEtcd(dir).then(() => installKubeApiServer(dir)),
      ]);
      const installed = [
        ...engines,
        ...(values.s3 ? ["s3 (versitygw)"] : []),
        ...(values.kube ? ["etcd + kube-apiserver"] : []),
      ];
      console.log(`installed ${installed.join(", ")} in ${dir} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`engines: ${error.message}`);
    process.exit(1);
  },
);
