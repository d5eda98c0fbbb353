/**
 * Just enough of a Kubernetes client for the lab tests: GET and WATCH against the API server named in a
 * kubeconfig with embedded client certificates (the lab's kind), over node:https.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { parse } from "yaml";
import { gitSandbox, newStack, ROOT, runCommand } from "./engine";

export const LAB = process.env.TAGSHIP_LAB_DIR ?? path.join(ROOT, ".lab");
export const LAB_KUBECONFIG = path.join(LAB, "kubeconfig");
/** Stack config for the lab: its registry, builder, base image and cluster. */
export const LAB_STACK = {
  registry: "127.0.0.1:5000",
  builder: "tagship-lab",
  baseImage: "127.0.0.1:5000/tagship/node-base:22",
  kubeconfig: LAB_KUBECONFIG,
} as const;

/**
 * The lab's ingress controller (Traefik, lab/ingress.sh): its HTTP entry point on loopback, its IngressClass and the
 * shared Gateway it serves.
 */
export const LAB_INGRESS = { url: "http://127.0.0.1:18000", className: "traefik", gateway: "lab-gateway/lab" } as const;

/** kubectl against the lab's cluster; never throws on a non-zero exit. */
export function kubectl(...args: string[]) {
  return runCommand(path.join(LAB, "bin", "kubectl"), args, { env: { KUBECONFIG: LAB_KUBECONFIG } });
}

/** Deletes a namespace an earlier run may have left, and waits until it is gone: a stack then starts clean. */
export function clearNamespace(namespace: string) {
  return kubectl("delete", "namespace", namespace, "--ignore-not-found", "--wait=true", "--timeout=240s");
}

/** Deletes a namespace without waiting: the clean-up after a test, in case its stack's destroy failed. */
export function dropNamespace(namespace: string) {
  return kubectl("delete", "namespace", namespace, "--ignore-not-found", "--wait=false");
}

/**
 * A stack of the program for a lab test: its namespace cleared of what an earlier run left (it would hand the
 * stack its old Deployment), a fresh sandbox that is a git checkout with a bare remote (the stack's repoUrl,
 * unless `opts.repoUrl` is false), and the lab's registry, builder, base image and cluster under the test's
 * own config.
 */
export async function labStack(name: string, namespace: string, config: Record<string, string>, opts = { repoUrl: true }) {
  await clearNamespace(namespace);
  const sandbox = await gitSandbox();
  const repoUrl: Record<string, string> = opts.repoUrl ? { repoUrl: `file://${sandbox.remote}` } : {};
  const stack = await newStack(sandbox.box, name, { ...LAB_STACK, ...repoUrl, ...config });
  return { ...sandbox, stack };
}

interface Kubeconfig {
  "current-context": string;
  contexts: { name: string; context: { cluster: string; user: string } }[];
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
  users: { name: string; user: { "client-certificate-data": string; "client-key-data": string } }[];
}

/** What the tests read of an Argo CD Application's status. */
export interface ApplicationStatus {
  readonly sync?: { readonly status?: string; readonly revision?: string };
  readonly health?: { readonly status?: string };
  readonly conditions?: readonly { readonly type: string; readonly message: string }[];
}

export class Kube {
  private readonly server: URL;
  private readonly tls: https.AgentOptions;

  constructor(kubeconfigPath = LAB_KUBECONFIG) {
    const kc = parse(fs.readFileSync(kubeconfigPath, "utf8")) as Kubeconfig;
    const ctx = kc.contexts.find((c) => c.name === kc["current-context"])?.context;
    const cluster = kc.clusters.find((c) => c.name === ctx?.cluster)?.cluster;
    const user = kc.users.find((u) => u.name === ctx?.user)?.user;
    if (!cluster || !user) throw new Error(`${kubeconfigPath}: no cluster or user for its current context`);
    const b64 = (s: string) => Buffer.from(s, "base64");
    this.server = new URL(cluster.server);
    this.tls = {
      ca: b64(cluster["certificate-authority-data"]),
      cert: b64(user["client-certificate-data"]),
      key: b64(user["client-key-data"]),
    };
  }

  private request(apiPath: string, timeoutMs: number) {
    return https.request(new URL(apiPath, this.server), { ...this.tls, method: "GET", timeout: timeoutMs });
  }

  /** GETs an API path; null on 404. */
  get<T>(apiPath: string): Promise<T | null> {
    return new Promise((resolve, reject) => {
      const req = this.request(apiPath, 15_000);
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          if (res.statusCode === 404) resolve(null);
          else if (res.statusCode !== 200) reject(new Error(`GET ${apiPath}: ${res.statusCode} ${body}`));
          else resolve(JSON.parse(body) as T);
        });
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${apiPath}: timed out`)));
      req.on("error", reject);
      req.end();
    });
  }

  /**
   * A namespace read until it is gone (null) or `timeoutMs` pass: after a deletion returns, its last
   * finalizers can take a few seconds.
   */
  namespaceAfterDeletion(namespace: string, timeoutMs = 30_000) {
    return pollUntil(
      () => this.get(`/api/v1/namespaces/${namespace}`),
      (ns) => ns === null,
      timeoutMs,
    );
  }

  /** The URL of a path on a Service, at its cluster IP (reachable from the lab's host). */
  async serviceUrl(namespace: string, urlPath: string, service = "hello"): Promise<string> {
    const svc = await this.get<{ spec: { clusterIP: string } }>(`/api/v1/namespaces/${namespace}/services/${service}`);
    if (!svc) throw new Error(`no Service ${namespace}/${service}`);
    return `http://${svc.spec.clusterIP}${urlPath}`;
  }

  /** The URL of a Service's `/version`, at its cluster IP (reachable from the lab's host). */
  versionUrl(namespace: string, service = "hello"): Promise<string> {
    return this.serviceUrl(namespace, "/version", service);
  }

  /** The status of an Argo CD Application in the lab's `argocd` namespace; undefined when there is none yet. */
  async applicationStatus(name: string): Promise<ApplicationStatus | undefined> {
    return (await this.get<{ status?: ApplicationStatus }>(`/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${name}`))?.status;
  }

  /**
   * Watches a collection (the path without ?watch), calling onEvent for every event in order, from the
   * current state on. Resolves once the watch is open; stop() ends it.
   */
  watch<T>(apiPath: string, onEvent: (type: string, object: T) => void): Promise<{ stop(): void }> {
    return new Promise((resolve, reject) => {
      const sep = apiPath.includes("?") ? "&" : "?";
      const req = this.request(`${apiPath}${sep}watch=true&allowWatchBookmarks=false`, 0);
      req.on("response", (res) => {
        if (res.statusCode !== 200) return reject(new Error(`WATCH ${apiPath}: ${res.statusCode}`));
        let buffered = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffered += chunk;
          let nl;
          while ((nl = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line) as { type: string; object: T };
            onEvent(event.type, event.object);
          }
        });
        resolve({ stop: () => req.destroy() });
      });
      req.on("error", (e) => {
        if (!req.destroyed) reject(e);
      });
      req.end();
    });
  }
}

export interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}

/** Ready and not terminating: a pod the Service routes to and that is not on its way out. */
export function isServing(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

/**
 * Watches the pods of a namespace from a listing on, and records after every event how many are serving:
 * the minimum over the watch is the capacity a rollout never went below.
 */
export async function watchServingPods(kube: Kube, namespace: string) {
  const listed = await kube.get<{ metadata: { resourceVersion: string }; items: Pod[] }>(`/api/v1/namespaces/${namespace}/pods`);
  const pods = new Map<string, Pod>((listed?.items ?? []).map((p) => [p.metadata.uid, p]));
  const serving = () => [...pods.values()].filter(isServing).length;
  const timeline: { at: number; serving: number }[] = [{ at: Date.now(), serving: serving() }];
  let firstPodAddedAt: number | undefined;
  const watcher = await kube.watch<Pod>(
    `/api/v1/namespaces/${namespace}/pods?resourceVersion=${listed?.metadata.resourceVersion ?? "0"}`,
    (type, pod) => {
      if (type === "DELETED") pods.delete(pod.metadata.uid);
      else pods.set(pod.metadata.uid, pod);
      if (type === "ADDED") firstPodAddedAt ??= Date.now();
      timeline.push({ at: Date.now(), serving: serving() });
    },
  );
  return {
    timeline,
    /** min: the fewest serving pods at any moment; firstPodAddedAt: when the rollout created its first pod. */
    stop(): { min: number; events: number; firstPodAddedAt?: number } {
      watcher.stop();
      return { min: Math.min(...timeline.map((t) => t.serving)), events: timeline.length - 1, firstPodAddedAt };
    },
  };
}

/** Calls `read` every `everyMs` until `done` holds for its value or `timeoutMs` passes; returns the last value. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
