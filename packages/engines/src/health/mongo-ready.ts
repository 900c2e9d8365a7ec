import { MongoClient } from "mongodb";

/** One probe: the MongoDB-wire server answers a ping. */
export async function mongoReady(url: string): Promise<boolean> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
    directConnection: true,
  });
  try {
    await client.connect();
    const answer = await client.db("admin").command({ ping: 1 });
    return answer.ok === 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}
