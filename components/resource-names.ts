/**
 * The names of every resource of one service, as release.ts and the components it composes name them (Image:
 * `<name>-build`; Workload: `<name>-deployment`, `-service`, `-pdb`, `-env`, `-account`, `-hpa`, `-ingress`, `-route`; the service's Secret:
 * `<name>-secret-env`): what a release of that service alone targets (`tagship ship --service`). A module of its own,
 * free of the SDKs, so that the command loads fast; tests/unit/release.test.ts checks it against what the program
 * registers.
 */
export function serviceResourceNames(service: string): string[] {
  return [
    service,
    `${service}-build`,
    `${service}-secret-env`,
    ...["deployment", "service", "pdb", "env", "account", "hpa", "ingress", "route"].map((child) => `${service}-${child}`),
  ];
}
