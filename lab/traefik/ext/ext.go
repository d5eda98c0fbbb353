// Package ext stands in for Traefik's dynamic-configuration extension module, a nested module of its
// repository (pkg/config/dynamic/ext) that the published module does not contain (Go module zips leave nested
// modules out), so its relative replace cannot be met from the module cache. Traefik embeds these two types
// inline in its router and HTTP configuration; in the open-source build they carry nothing.
package ext

// HTTP extends Traefik's dynamic HTTP configuration.
type HTTP struct{}

// Router extends Traefik's dynamic router configuration.
type Router struct{}
