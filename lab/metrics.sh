# The lab's metrics-server: the resource metrics API (metrics.k8s.io) that `kubectl top` and the controller
# manager's horizontal pod autoscaler read, run as a lab process that scrapes the kubelet. Sourced by lab/lab.sh,
# not run.

METRICS_SERVER_VERSION=v0.8.0
METRICS_SERVER_BIN="$TAGSHIP_CACHE/lab/metrics-server-$METRICS_SERVER_VERSION"
# On the node address, not loopback: the API server proxies the metrics API to it through a Service's endpoint,
# and an endpoint may not be a loopback address.
METRICS_SERVER_ADDR="$NODE_IP:4443"

# Stamped as its own release is: its version comes from client-go's version package.
build_metrics_server() {
  mkdir -p "$METRICS_SERVER_BIN"
  go_build "$root/lab/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server "$METRICS_SERVER_BIN/metrics-server" \
    "-X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
}

# Its registration: a Service without a selector whose one endpoint is the process on the node, and the
# APIService that has the API server's aggregation layer proxy metrics.k8s.io to it, trusting the lab CA that
# signed its certificate.
metrics_api_up() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: kube-system
spec:
  ports:
  - {name: https, port: 443, protocol: TCP, targetPort: ${METRICS_SERVER_ADDR##*:}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: metrics-server
  namespace: kube-system
  labels:
    kubernetes.io/service-name: metrics-server
    endpointslice.kubernetes.io/managed-by: lab.tagship.local
addressType: IPv4
ports:
- {name: https, port: ${METRICS_SERVER_ADDR##*:}, protocol: TCP}
endpoints:
- addresses: ["${METRICS_SERVER_ADDR%:*}"]
  conditions: {ready: true}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: {name: metrics-server, namespace: kube-system, port: 443}
  caBundle: $(base64 -w0 "$LAB/pki/ca.crt")
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
}

metrics_api_available() {
  [[ "$(kubectl get apiservice v1beta1.metrics.k8s.io -o 'jsonpath={.status.conditions[?(@.type=="Available")].status}')" == True ]]
}

# The kubelet's serving certificate is signed by the lab CA for the node's InternalIP; the lab's admin credentials
# (the kubeconfig) are what the kubelet and the API server accept from it. It delegates the authentication and
# authorization of its own clients (the API server's front proxy) to the API server.
metrics_server_up() {
  local d="$LAB/pki"
  cert metrics-server /CN=metrics-server "extendedKeyUsage=serverAuth
subjectAltName=DNS:metrics-server.kube-system.svc,IP:${METRICS_SERVER_ADDR%:*}"
  if ! running metrics-server; then
    start metrics-server "$METRICS_SERVER_BIN/metrics-server" --bind-address "${METRICS_SERVER_ADDR%:*}" \
      --secure-port "${METRICS_SERVER_ADDR##*:}" --tls-cert-file "$d/metrics-server.crt" --tls-private-key-file "$d/metrics-server.key" \
      --kubeconfig "$LAB/kubeconfig" --authentication-kubeconfig "$LAB/kubeconfig" --authorization-kubeconfig "$LAB/kubeconfig" \
      --kubelet-certificate-authority "$d/ca.crt" --kubelet-preferred-address-types InternalIP --metric-resolution 15s
  fi
  metrics_api_up
  # Not its readiness, which waits for a second scrape of the kubelet (CPU usage is a rate), one resolution
  # later: a cluster's metrics lag that much anyway, and `lab up` need not.
  wait_for "metrics-server at $METRICS_SERVER_ADDR" 60 curl -fs --cacert "$d/ca.crt" "https://$METRICS_SERVER_ADDR/livez"
  still_running metrics-server "$METRICS_SERVER_ADDR"
  wait_for "the APIService v1beta1.metrics.k8s.io Available" 60 metrics_api_available
  echo "    metrics-server $METRICS_SERVER_VERSION on $METRICS_SERVER_ADDR: metrics.k8s.io (kubectl top, the HPA), metrics every 15 s"
}

metrics_status() {
  local ok=0
  if running metrics-server; then echo "metrics-server: running (pid $(cat "$LAB/metrics-server.pid"))"; else echo "metrics-server: stopped"; ok=1; fi
  if metrics_api_available 2>/dev/null; then echo "metrics API: Available"; else echo "metrics API: not available"; ok=1; fi
  return $ok
}
