# The lab's single-node Kubernetes: etcd, the control plane, containerd and the kubelet, kube-proxy.
# Sourced by lab/lab.sh, not run.
#
# Addresses: the node owns 10.244.0.1 on the bridge tagship0, which is also the pods' gateway (pods get
# 10.244.0.0/24 from the CNI bridge plugin). Kubernetes refuses a loopback node or advertise address, so
# the API server and kubelet listen there; everything else listens on 127.0.0.1. Services get 10.96.0.0/16
# and kube-proxy's iptables rules make them reachable from this machine.

NODE_NAME=tagship-lab
BRIDGE=tagship0
NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVER="https://$NODE_IP:6443"
CONTAINERD_SOCK="$LAB/containerd/containerd.sock"

kubectl() { "$KUBERNETES_BIN/kubectl" --kubeconfig "$LAB/kubeconfig" "$@"; }

network_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge || die "cannot create the bridge $BRIDGE: the lab needs root with CAP_NET_ADMIN"
  fi
  ip addr show dev "$BRIDGE" | grep -q "inet $NODE_IP/" || ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Pods reach Services through the host; replies between pods on one bridge must pass iptables too.
  sysctl -qw net.ipv4.ip_forward=1
  [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null ||
    die "kube-proxy needs the br_netfilter kernel module (modprobe br_netfilter)"
  sysctl -qw net.bridge.bridge-nf-call-iptables=1
  echo "    $BRIDGE $NODE_IP/24 (pods $POD_CIDR, services $SERVICE_CIDR)"
}

# cert <name> <subject> <extensions>: a key and a certificate signed by the lab CA, made once.
cert() {
  local d="$LAB/pki" name=$1
  [[ -f "$d/$name.crt" ]] && return
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$name.key" -subj "$2" \
    -out "$d/$name.csr" 2>/dev/null
  openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
    -extfile <(printf '%s\n' "$3") -out "$d/$name.crt" 2>/dev/null
  rm -f "$d/$name.csr"
}

# kubeconfig <file> <cert name>: a kubeconfig for the lab API server with the certificates embedded.
kubeconfig() {
  local d="$LAB/pki"
  cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: tagship-lab
  cluster:
    server: $API_SERVER
    certificate-authority-data: $(base64 -w0 "$d/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$d/$2.crt")
    client-key-data: $(base64 -w0 "$d/$2.key")
contexts:
- name: tagship-lab
  context: {cluster: tagship-lab, user: $2}
current-context: tagship-lab
YAML
  chmod 600 "$1"
}

pki_up() {
  local d="$LAB/pki"
  mkdir -p "$d" && chmod 700 "$d"
  if [[ ! -f "$d/ca.crt" ]]; then
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -keyout "$d/ca.key" -out "$d/ca.crt" -subj /CN=tagship-lab-ca 2>/dev/null
  fi
  [[ -f "$d/sa.key" ]] || { openssl genrsa -out "$d/sa.key" 2048 2>/dev/null && openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null; }
  cert apiserver /CN=kube-apiserver "extendedKeyUsage=serverAuth
subjectAltName=IP:$NODE_IP,IP:127.0.0.1,IP:${SERVICE_CIDR%.0/16}.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert admin "/O=system:masters/CN=tagship-lab-admin" "extendedKeyUsage=clientAuth"
  # The API server's client certificate towards the APIs it aggregates (metrics-server's metrics.k8s.io).
  cert front-proxy-client /CN=front-proxy-client "extendedKeyUsage=clientAuth"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
  kubeconfig "$LAB/kubeconfig" admin
  kubeconfig "$d/kubelet.kubeconfig" kubelet
  echo "    CA, certificates and $LAB/kubeconfig"
}

etcd_up() {
  if running etcd; then echo "    running"; return; fi
  # One member on loopback. --unsafe-no-fsync: the lab trades crash durability for speed on a shared disk.
  start etcd "$ETCD_BIN/etcd" --name lab --data-dir "$LAB/etcd" --log-level warn --unsafe-no-fsync \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster lab=http://127.0.0.1:2380
  wait_for "etcd at 127.0.0.1:2379" 30 "$ETCD_BIN/etcdctl" --endpoints 127.0.0.1:2379 endpoint health
  still_running etcd 127.0.0.1:2379
  echo "    serving 127.0.0.1:2379"
}

control_plane_up() {
  local d="$LAB/pki"
  # The aggregation layer, which serves metrics.k8s.io from metrics-server: the API server proxies to it as
  # front-proxy-client, passing the user in X-Remote-* headers that metrics-server trusts from a certificate of the
  # lab CA with that name only. It dials the Service's endpoint itself, without waiting for kube-proxy's rules.
  local aggregation=(--requestheader-client-ca-file "$d/ca.crt" --requestheader-allowed-names front-proxy-client
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group
    --requestheader-extra-headers-prefix X-Remote-Extra- --enable-aggregator-routing=true
    --proxy-client-cert-file "$d/front-proxy-client.crt" --proxy-client-key-file "$d/front-proxy-client.key")
  # An API server or controller manager started by an older lab/lab.sh lacks flags the lab now relies on (the
  # aggregation layer, the autoscaler's period): restarted once.
  running kube-apiserver && ! started_with kube-apiserver --proxy-client-cert-file && stop kube-apiserver
  running kube-controller-manager && ! started_with kube-controller-manager --horizontal-pod-autoscaler-sync-period &&
    stop kube-controller-manager
  if ! running kube-apiserver; then
    start kube-apiserver "$KUBERNETES_BIN/kube-apiserver" --bind-address "$NODE_IP" --advertise-address "$NODE_IP" \
      --secure-port 6443 --etcd-servers http://127.0.0.1:2379 --service-cluster-ip-range "$SERVICE_CIDR" \
      --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
      --client-ca-file "$d/ca.crt" --tls-cert-file "$d/apiserver.crt" --tls-private-key-file "$d/apiserver.key" \
      --kubelet-client-certificate "$d/admin.crt" --kubelet-client-key "$d/admin.key" \
      --service-account-key-file "$d/sa.pub" --service-account-signing-key-file "$d/sa.key" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      "${aggregation[@]}"
  fi
  wait_for "kube-apiserver at $API_SERVER" 90 kubectl get --raw /readyz
  still_running kube-apiserver "$NODE_IP:6443"
  # No leader election: one of each, and a restart must not wait out another's lease.
  # The autoscaler acts every 5 s rather than 15: a scaling test then waits on metrics-server's 15 s resolution only.
  running kube-controller-manager || start kube-controller-manager "$KUBERNETES_BIN/kube-controller-manager" \
    --kubeconfig "$LAB/kubeconfig" --bind-address 127.0.0.1 --leader-elect=false \
    --service-account-private-key-file "$d/sa.key" --root-ca-file "$d/ca.crt" \
    --cluster-signing-cert-file "$d/ca.crt" --cluster-signing-key-file "$d/ca.key" \
    --horizontal-pod-autoscaler-sync-period 5s
  running kube-scheduler || start kube-scheduler "$KUBERNETES_BIN/kube-scheduler" \
    --kubeconfig "$LAB/kubeconfig" --bind-address 127.0.0.1 --leader-elect=false
  wait_for "kube-controller-manager" 30 curl -fsk https://127.0.0.1:10257/healthz
  wait_for "kube-scheduler" 30 curl -fsk https://127.0.0.1:10259/healthz
  echo "    API server $API_SERVER ($("$KUBERNETES_BIN/kube-apiserver" --version)), controller manager, scheduler"
}

containerd_up() {
  if running containerd; then echo "    running"; return; fi
  local c="$LAB/containerd"
  mkdir -p "$LAB/cni/net.d"
  local r
  for r in "$REGISTRY" "$PRIVATE_REGISTRY"; do
    mkdir -p "$c/certs.d/$r"
    printf 'server = "http://%s"\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' "$r" "$r" >"$c/certs.d/$r/hosts.toml"
  done
  cat >"$LAB/cni/net.d/10-tagship-lab.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "tagship-lab", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$LAB/cni/ipam", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "loopback"}]}
JSON
  # Debian's containerd 1.6 (config version 2). restrict_oom_score_adj: a root without CAP_SYS_RESOURCE
  # (as in many sandboxes) may not lower oom_score_adj, which runc would otherwise do for every sandbox.
  # netns_mounts_under_state_dir keeps the pods' network namespace mounts under the lab directory.
  cat >"$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$LAB/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$c/certs.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
TOML
  start containerd containerd --config "$c/config.toml"
  wait_for "containerd at $CONTAINERD_SOCK" 30 ctr --address "$CONTAINERD_SOCK" version
  still_running containerd "$CONTAINERD_SOCK"
  echo "    containerd $(containerd --version | awk '{print $3}') at $CONTAINERD_SOCK"
}

kubelet_up() {
  if ! running kubelet; then
    local d="$LAB/pki"
    mkdir -p "$LAB/kubelet"
    cat >"$LAB/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# These machines use cgroup v1 without systemd; Kubernetes 1.34 still supports that (1.35 refuses it).
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $d/ca.crt}
authorization: {mode: AlwaysAllow}
tlsCertFile: $d/kubelet.crt
tlsPrivateKeyFile: $d/kubelet.key
# No cluster DNS in the lab (tagship's workload needs none); pods get no resolv.conf from the host either.
resolvConf: ""
enforceNodeAllocatable: []
# A lab shares its disk with builds: evict only when it is really full, never collect the images.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%}
imageGCHighThresholdPercent: 100
YAML
    start kubelet "$KUBERNETES_BIN/kubelet" --config "$LAB/kubelet/config.yaml" --kubeconfig "$d/kubelet.kubeconfig" \
      --root-dir "$LAB/kubelet/root" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
  fi
  wait_for "kubelet" 30 curl -fs http://127.0.0.1:10248/healthz
  still_running kubelet "$NODE_IP:10250"
  echo "    kubelet: node $NODE_NAME"
}

kube_proxy_up() {
  if ! running kube-proxy; then
    mkdir -p "$LAB/kube-proxy"
    # conntrack: leave the machine's limits and timeouts as they are.
    cat >"$LAB/kube-proxy/config.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $LAB/kubeconfig}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
    start kube-proxy "$KUBERNETES_BIN/kube-proxy" --config "$LAB/kube-proxy/config.yaml"
  fi
  wait_for "kube-proxy" 30 curl -fs http://127.0.0.1:10256/healthz
  still_running kube-proxy 127.0.0.1:10256
  echo "    kube-proxy (iptables)"
}

node_is_ready() {
  [[ "$(kubectl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

node_ready() {
  wait_for "node $NODE_NAME Ready" 120 node_is_ready
  # Pods can only be created once the service account controller has made the namespace's "default".
  wait_for "the default service account" 60 kubectl get serviceaccount default
  mkdir -p "$LAB/bin" && ln -sfn "$KUBERNETES_BIN/kubectl" "$LAB/bin/kubectl"
  echo "    node $NODE_NAME Ready; kubectl: KUBECONFIG=$LAB/kubeconfig $LAB/bin/kubectl"
}

cluster_up() {
  local n=$1 first=$2
  step $((first)) "$n" "network, certificates, kubeconfig"; network_up; pki_up
  step $((first + 1)) "$n" "etcd $ETCD_VERSION"; etcd_up
  step $((first + 2)) "$n" "control plane $KUBERNETES_VERSION"; control_plane_up
  step $((first + 3)) "$n" "pause image $PAUSE_IMAGE"; pause_image_up
  step $((first + 4)) "$n" "containerd, kubelet, kube-proxy"; containerd_up; kubelet_up; kube_proxy_up
  step $((first + 5)) "$n" "node Ready"; node_ready
}

# Stopping containerd does not stop the containers: each runs under its own shim. Kill the pods' tasks
# first, then whatever shim is left, so that nothing keeps running or holds a mount after `lab down`.
containers_down() {
  if running containerd; then
    local id
    for id in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    for _ in $(seq 50); do
      [[ -z "$(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls 2>/dev/null | awk 'NR > 1 && $3 == "RUNNING"')" ]] && break
      sleep 0.2
    done
  fi
  stop containerd
  pkill -KILL -f -- "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null || true
}

cluster_down() {
  stop kube-proxy
  [[ -x "$KUBERNETES_BIN/kube-proxy" ]] && "$KUBERNETES_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  stop kubelet
  containers_down
  stop kube-scheduler
  stop kube-controller-manager
  stop kube-apiserver
  stop etcd
}

network_down() {
  # kube-proxy --cleanup removed its own rules; the kubelet's few chains are removed here.
  local ipt table chain
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for table in filter nat mangle; do
      "$ipt" -t "$table" -D INPUT -j KUBE-FIREWALL 2>/dev/null || true
      "$ipt" -t "$table" -D OUTPUT -j KUBE-FIREWALL 2>/dev/null || true
      for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
        "$ipt" -t "$table" -F "$chain" 2>/dev/null && "$ipt" -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE" || true
}

cluster_status() {
  local part ok=0
  for part in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
    if running "$part"; then echo "$part: running (pid $(cat "$LAB/$part.pid"))"; else echo "$part: stopped"; ok=1; fi
  done
  if [[ -f "$LAB/kubeconfig" ]] && node_is_ready 2>/dev/null; then
    echo "node $NODE_NAME: Ready (KUBECONFIG=$LAB/kubeconfig)"
  else
    echo "node $NODE_NAME: not ready"
    ok=1
  fi
  return $ok
}
