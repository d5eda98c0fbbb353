// The policy pack: every rule is mandatory, so a violation stops the preview or the update before anything
// changes. The engine runs it with the stack's program: `pulumi preview --policy-pack policy`.
import { PolicyPack } from "@pulumi/policy";
import { appProjectScope, applicationInItsProject } from "./argocd";
import { appLabels, namespaceRestricted } from "./labels";
import { podPolicies } from "./pods";
import { productionSecretsNotPublished } from "./secrets";
import { routesNameTheirHosts } from "./traffic";

new PolicyPack("tagship", {
  enforcementLevel: "mandatory",
  policies: [
    ...podPolicies,
    appLabels,
    namespaceRestricted,
    appProjectScope,
    applicationInItsProject,
    routesNameTheirHosts,
    productionSecretsNotPublished,
  ],
});
