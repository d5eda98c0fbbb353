// tagship: one release of one stack. `pulumi config set imageTag X && pulumi up` is a release.
import { loadSettings } from "./config";
import { release } from "./release";

const outputs = release(loadSettings());

export const imageRef = outputs.imageRef;
export const imageTag = outputs.imageTag;
export const deliveryMode = outputs.deliveryMode;
export const namespace = outputs.namespace;
export const deploymentName = outputs.deploymentName;
export const serviceName = outputs.serviceName;
export const applicationName = outputs.applicationName;
export const renderDirectory = outputs.renderDirectory;
