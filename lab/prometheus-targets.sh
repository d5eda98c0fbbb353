#!/usr/bin/env bash
# prometheus-targets.sh <kubeconfig> <targets.json>: the lab's pod discovery for Prometheus. Debian's Prometheus is
# built without Kubernetes service discovery, so this loop lists the cluster's running pods annotated
# prometheus.io/scrape=true every second and writes them as a file_sd target list (address from the pod's IP and
# prometheus.io/port, path from prometheus.io/path, labels namespace and pod, and the pod's labels
# app.kubernetes.io/name, version and instance as app_kubernetes_io_name, ... as the common `labelmap` relabelling of
# Prometheus' own pod discovery names them: what a canary's analysis selects by), replaced whole so that Prometheus
# never reads half a file. Run by lab/prometheus.sh as a lab process.
set -uo pipefail
kubeconfig=$1 out=$2
# One JSON array from one `kubectl get`: Go's %q quoting is JSON's for the names, IPs and paths pods carry.
template='[{{$first := true}}{{range .items}}{{$a := .metadata.annotations}}{{if and $a (eq (index $a "prometheus.io/scrape") "true") (eq .status.phase "Running") .status.podIP (index $a "prometheus.io/port")}}{{if not $first}},{{end}}{{$first = false}}{"targets":[{{printf "%q" (printf "%s:%s" .status.podIP (index $a "prometheus.io/port"))}}],"labels":{"__metrics_path__":{{printf "%q" (or (index $a "prometheus.io/path") "/metrics")}},"namespace":{{printf "%q" .metadata.namespace}},"pod":{{printf "%q" .metadata.name}}{{range $k, $v := .metadata.labels}}{{if eq $k "app.kubernetes.io/name" "app.kubernetes.io/version" "app.kubernetes.io/instance"}},{{printf "%q" (printf "app_kubernetes_io_%s" (slice $k 18))}}:{{printf "%q" $v}}{{end}}{{end}}}}{{end}}{{end}}]'
while true; do
  if kubectl --kubeconfig "$kubeconfig" get pods --all-namespaces -o "go-template=$template" >"$out.new" 2>/dev/null; then
    cmp -s "$out.new" "$out" || mv "$out.new" "$out"
  fi
  sleep 1
done
