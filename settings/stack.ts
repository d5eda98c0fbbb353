import * as rules from "../components/rules";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import { DELIVERY_MODES, type DeliveryMode, type Settings } from "./settings";

/** What a stack ships and how: the settings every other part of the config depends on. */
export type StackSettings = Pick<Settings, "appName" | "namespace" | "production" | "deliveryMode">;

/**
 * The stack's name made into a DNS label, for the names derived from it: stack names may hold '_' and
 * capitals, which namespaces and paths in the gitops repository may not.
 */
export function stackLabel(stack: string): string {
  return stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Reads appName, namespace (default <appName>-<stack label>), production and deliveryMode. */
export function stackSettings(r: ConfigReader, label: string): StackSettings {
  const appName = r.text("appName");
  r.check("appName", appName, rules.serviceName(40));
  const namespace = r.optional("namespace") ?? `${appName}-${label}`;
  r.check("namespace", namespace, rules.dnsLabel(63));
  checkNotShared(r, namespace, `${appName}-${label}`);
  return { appName, namespace, production: r.boolean("production"), deliveryMode: deliveryMode(r) };
}

/** The cluster's own namespaces: a stack that deployed into one could disturb the cluster itself. */
const CLUSTER_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

/** Refuses the cluster's own namespaces and Argo CD's as the stack's: no stack's objects belong there. */
function checkNotShared(r: ConfigReader, namespace: string, ownDefault: string): void {
  const argocd = r.text("argocdNamespace");
  const whose = CLUSTER_NAMESPACES.includes(namespace)
    ? `${namespace} is one of the cluster's own (${CLUSTER_NAMESPACES.join(", ")})`
    : namespace === argocd
      ? `${namespace} is Argo CD's (${qualified("argocdNamespace")})`
      : undefined;
  if (whose)
    r.report(
      "namespace",
      namespace,
      `a namespace for the application's own objects, not a system one: ${whose}`,
      `run \`pulumi config set ${qualified("namespace")} ${ownDefault === namespace ? "<another name>" : ownDefault}\``,
    );
}

function deliveryMode(r: ConfigReader): DeliveryMode {
  const mode = r.text("deliveryMode");
  if (isDeliveryMode(mode)) return mode;
  r.report(
    "deliveryMode",
    mode,
    `one of ${DELIVERY_MODES.join(", ")}`,
    `run \`pulumi config set ${qualified("deliveryMode")} direct\` (or gitops)`,
  );
  // Reported; the rest of the config is still checked, as for a stack that does not use gitops.
  return "direct";
}

function isDeliveryMode(mode: string): mode is DeliveryMode {
  return (DELIVERY_MODES as readonly string[]).includes(mode);
}
