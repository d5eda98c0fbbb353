export { Image, type ImageArgs, type RegistryCredentials } from "./image";
