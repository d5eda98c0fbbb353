import type { Naming } from "../naming";
import * as rules from "../rules";
import type { Problem } from "../validation";
import { problemCollector } from "./problems";
import type { ResolvedWorkload } from "./resolve";

/** Problems with how requests reach the service: its Ingress and its HTTPRoute. */
export function exposureProblems(w: ResolvedWorkload, naming: Naming): Problem[] {
  const { problems, check } = problemCollector(naming);
  const subdomain = rules.dnsSubdomain;
  if (w.ingress) {
    check("ingress.host", w.ingress.host, rules.hostname);
    check("ingress.path", w.ingress.path, rules.routePath);
    if (w.ingress.className !== undefined) check("ingress.className", w.ingress.className, subdomain);
    if (w.ingress.tlsSecretName !== undefined) check("ingress.tlsSecretName", w.ingress.tlsSecretName, subdomain);
  }
  if (w.httpRoute) {
    const hostnames = w.httpRoute.hostnames;
    if (!Array.isArray(hostnames) || hostnames.length === 0) {
      check("httpRoute.hostnames", hostnames, () => ({
        allowed: "a list of at least one host name: a route without one would take every host of a shared Gateway",
        fix: 'give the names it serves, e.g. ["shop.example.com"]',
      }));
    } else {
      for (const h of hostnames as readonly string[]) check("httpRoute.hostnames", h, rules.hostname);
    }
    check("httpRoute.path", w.httpRoute.path, rules.routePath);
    check("httpRoute.gateway", w.httpRoute.gateway, rules.gatewayReference);
    if (w.httpRoute.sectionName !== undefined) check("httpRoute.sectionName", w.httpRoute.sectionName, subdomain);
  }
  return problems;
}
