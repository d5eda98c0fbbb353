// A stand-in Kubernetes API server on loopback, for unit tests of code that reads a cluster: it answers each
// request from `answer` (an object: 200 with it as JSON; a number: that status) and keeps the requests made.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface StandInCluster {
  /** A kubeconfig naming the stand-in as its current context's cluster. */
  readonly kubeconfig: string;
  /** Every request so far, as "METHOD /path?query". */
  readonly requests: string[];
  close(): void;
}

export async function standInCluster(answer: (url: string) => object | number | undefined): Promise<StandInCluster> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const found = answer(req.url ?? "") ?? 404;
    const status = typeof found === "number" ? found : 200;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(typeof found === "number" ? { apiVersion: "v1", kind: "Status", status: "Failure", code: found } : found));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tagship-unit-")), "kubeconfig");
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: `http://127.0.0.1:${port}`, "insecure-skip-tls-verify": true } }],
      users: [{ name: "u", user: {} }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
    }),
  );
  return { kubeconfig, requests, close: () => server.close() };
}
