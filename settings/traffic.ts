// How many pods run, where, and how requests reach them: autoscaling, topologySpread, ingress and httpRoute. Only the
// shape of each structured key is read here; the Workload's rules check the values (min <= max, host names, ...).
import type { AutoscalingArgs, HttpRouteArgs, IngressArgs, TopologySpreadArgs } from "../components/workload";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import { fieldsOf, parsedJson, readFields, type FieldKind } from "./structured";

export interface TrafficSettings {
  readonly autoscaling?: AutoscalingArgs;
  readonly topologySpread?: readonly TopologySpreadArgs[];
  readonly ingress?: IngressArgs;
  readonly httpRoute?: HttpRouteArgs;
}

const AUTOSCALING: Record<keyof AutoscalingArgs, FieldKind> = {
  minReplicas: "integer",
  maxReplicas: "integer",
  cpuUtilization: "integer",
  memoryUtilization: "integer",
  scaleDownStabilizationSeconds: "integer",
};
const INGRESS: Record<keyof IngressArgs, FieldKind> = { host: "text", path: "text", className: "text", tlsSecretName: "text" };
const HTTP_ROUTE: Record<keyof HttpRouteArgs, FieldKind> = { hostnames: "textList", path: "text", gateway: "text", sectionName: "text" };
const SPREAD: Record<keyof TopologySpreadArgs, FieldKind> = { topologyKey: "text", maxSkew: "integer", whenUnsatisfiable: "text" };

/** Reads autoscaling, topologySpread, ingress and httpRoute; each absent when not set. */
export function trafficSettings(r: ConfigReader): TrafficSettings {
  const example = (path: string, value: string) => `pulumi config set --path '${qualified(path)}' ${value}`;
  const autoscaling = readFields(r, { key: "autoscaling", example: example("autoscaling.maxReplicas", "10") }, AUTOSCALING, [
    "maxReplicas",
  ]);
  const ingress = readFields(r, { key: "ingress", example: example("ingress.host", "shop.example.com") }, INGRESS, ["host"]);
  const httpRoute = readFields(r, { key: "httpRoute", example: example("httpRoute.gateway", "gateways/public") }, HTTP_ROUTE, [
    "hostnames",
    "gateway",
  ]);
  const topologySpread = readSpread(r);
  return {
    ...(autoscaling && "maxReplicas" in autoscaling ? { autoscaling: autoscaling as unknown as AutoscalingArgs } : {}),
    ...(topologySpread ? { topologySpread } : {}),
    ...(ingress && "host" in ingress ? { ingress: ingress as unknown as IngressArgs } : {}),
    ...(httpRoute && "hostnames" in httpRoute && "gateway" in httpRoute ? { httpRoute: httpRoute as unknown as HttpRouteArgs } : {}),
  };
}

/** topologySpread: a list of label keys, or of objects of topologyKey, maxSkew and whenUnsatisfiable. */
function readSpread(r: ConfigReader): TopologySpreadArgs[] | undefined {
  const raw = r.text("topologySpread").trim();
  if (raw === "") return undefined;
  const parsed = parsedJson(raw);
  const fix = `run \`pulumi config rm ${qualified("topologySpread")}\`, then \`pulumi config set --path '${qualified("topologySpread[0]")}' topology.kubernetes.io/zone\``;
  if (!Array.isArray(parsed)) {
    r.report("topologySpread", raw, "a list of node label keys, or of objects of topologyKey, maxSkew and whenUnsatisfiable", fix);
    return undefined;
  }
  const spread: TopologySpreadArgs[] = [];
  parsed.forEach((entry: unknown, i) => {
    if (typeof entry === "string") {
      spread.push({ topologyKey: entry });
      return;
    }
    const path = `topologySpread[${i}]`;
    const one = fieldsOf(
      r,
      { path, example: `pulumi config set --path '${qualified(`${path}.topologyKey`)}' kubernetes.io/hostname` },
      entry,
      SPREAD,
      ["topologyKey"],
    );
    if (one && "topologyKey" in one) spread.push(one as unknown as TopologySpreadArgs);
  });
  return spread;
}
