# The toolchain's pinned versions. Sourced by toolchain/toolchain.sh; tests/unit/toolchain.test.ts checks that
# each equals the npm package it serves (package.json), so the CLI and plugins match the SDKs.

# Pulumi CLI: the release of @pulumi/pulumi. Built from github.com/pulumi/pulumi/pkg/v3 (toolchain/pulumi).
PULUMI_VERSION=3.260.0
# Node.js language host: see toolchain/language-nodejs/go.mod for why it is v3.68.0.
PULUMI_LANGUAGE_NODEJS_VERSION=3.68.0
# Provider plugins: the releases of @pulumi/kubernetes and @pulumi/docker-build.
KUBERNETES_PROVIDER_VERSION=4.25.0
DOCKER_BUILD_PROVIDER_VERSION=0.0.22
# crane, which copies an image between registries by digest for `tagship promote` (toolchain/crane.sh), from
# github.com/google/go-containerregistry (toolchain/crane).
CRANE_VERSION=0.22.1
