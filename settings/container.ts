// The container's share of the node and its way out: both go to the Workload as they are, checked by its rules.
import type { ResourcesArgs, ShutdownArgs } from "../components/workload";
import type { ConfigReader } from "./reader";

/** Reads the container's CPU and memory requests and limits. The Workload's rules check them as quantities. */
export function resourceSettings(r: ConfigReader): Required<ResourcesArgs> {
  return {
    cpuRequest: r.text("cpuRequest"),
    cpuLimit: r.text("cpuLimit"),
    memoryRequest: r.text("memoryRequest"),
    memoryLimit: r.text("memoryLimit"),
  };
}

/** Reads how a pod stops: the preStop pause and the grace period before SIGKILL. */
export function shutdownSettings(r: ConfigReader): Required<ShutdownArgs> {
  return { preStopSeconds: r.integer("preStopSeconds"), terminationGracePeriodSeconds: r.integer("terminationGracePeriodSeconds") };
}
