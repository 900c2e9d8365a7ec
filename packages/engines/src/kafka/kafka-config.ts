export interface KafkaNodeConfig {
  /** 1-based KRaft node id. */
  nodeId: number;
  nodes: number;
  clientPort: number;
  controllerPort: number;
  /** The static voter list, same on every node: "1@127.0.0.1:9093,2@…". */
  voters: string;
  dataDir: string;
}

/** Broker i (0-based) serves clients on base + 2i and its controller on base + 2i + 1. */
export function kafkaPorts(basePort: number, index: number): { clientPort: number; controllerPort: number } {
  return { clientPort: basePort + 2 * index, controllerPort: basePort + 2 * index + 1 };
}

export function kafkaVoters(basePort: number, nodes: number): string {
  return Array.from(
    { length: nodes },
    (_, i) => `${i + 1}@127.0.0.1:${kafkaPorts(basePort, i).controllerPort}`,
  ).join(",");
}

/** server.properties for a combined broker+controller in KRaft mode, loopback only. */
export function kafkaServerProperties(c: KafkaNodeConfig): string {
  const replicated = c.nodes >= 3;
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": c.nodeId,
    "controller.quorum.voters": c.voters,
    listeners: `PLAINTEXT://127.0.0.1:${c.clientPort},CONTROLLER://127.0.0.1:${c.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${c.clientPort}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": c.dataDir,
    "num.partitions": 1,
    "default.replication.factor": replicated ? 3 : 1,
    "min.insync.replicas": replicated ? 2 : 1,
    "offsets.topic.replication.factor": replicated ? 3 : 1,
    "transaction.state.log.replication.factor": replicated ? 3 : 1,
    "transaction.state.log.min.isr": replicated ? 2 : 1,
    // fewer internal partitions: the first consumer group and transaction come up in seconds on 2 cores
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.num.partitions": 10,
    // topics are created by the adapters with their partitions and RF; a typo must not create one silently
    "auto.create.topics.enable": false,
    "unclean.leader.election.enable": false,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
    "log.retention.hours": 168,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

export const kafkaLog4jProperties = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.org.apache.kafka.raft=INFO
`;

/** JVM flags in the spirit of kafka-run-class.sh / kafka-server-start.sh, with a small heap. */
export function kafkaJvmArgs(heap: string, nodeDir: string): string[] {
  return [
    `-Xms${heap === "512m" ? "256m" : heap}`,
    `-Xmx${heap}`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
    `-Dkafka.logs.dir=${nodeDir}/logs`,
    `-Dlog4j.configuration=file:${nodeDir}/log4j.properties`,
  ];
}
