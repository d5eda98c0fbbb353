import type { HttpProbeArgs, ProbesArgs } from "../components/workload";
import type { ConfigReader } from "./reader";

/** Reads the three probes' keys: <kind>Path, <kind>PeriodSeconds and <kind>FailureThreshold, and the shared probeTimeoutSeconds. */
export function probeSettings(r: ConfigReader): Required<ProbesArgs> {
  return { readiness: probe(r, "readiness"), liveness: probe(r, "liveness"), startup: probe(r, "startup") };
}

function probe(r: ConfigReader, kind: keyof ProbesArgs): Required<HttpProbeArgs> {
  return {
    path: r.text(`${kind}Path`),
    periodSeconds: r.integer(`${kind}PeriodSeconds`),
    failureThreshold: r.integer(`${kind}FailureThreshold`),
    // Read once per probe, so a value that is no integer is listed three times, as it always has been.
    timeoutSeconds: r.integer("probeTimeoutSeconds"),
  };
}
