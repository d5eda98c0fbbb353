# The lab's ingress controller: Traefik, run as a lab process against the cluster, serving the Ingresses of the
# IngressClass traefik (the cluster's default class) and the routes attached to the Gateway lab-gateway/lab
# (Gateway API, standard channel), all on 127.0.0.1:18000. Sourced by lab/lab.sh, not run.

TRAEFIK_VERSION=v3.7.13
TRAEFIK_BIN="$TAGSHIP_CACHE/lab/traefik-$TRAEFIK_VERSION"
# A Gateway listener is served by the entryPoint with its port, so the lab's Gateway listens on this port too.
INGRESS_ADDR=127.0.0.1:18000
TRAEFIK_PING_ADDR=127.0.0.1:18088
GATEWAY_NAMESPACE=lab-gateway
GATEWAY_NAME=lab
# Upstream go-http-auth, in place of the fork Traefik replaces it with (see build_traefik), and its go.sum lines.
GO_HTTP_AUTH=github.com/abbot/go-http-auth@v0.4.1-0.20220112235402-e1cee1c72f2f
GO_HTTP_AUTH_SUM="github.com/abbot/go-http-auth v0.4.1-0.20220112235402-e1cee1c72f2f h1:R2ZVGCZzU95oXFJxncosHS9LsX8N4/MYUdGGWOb2cFk=
github.com/abbot/go-http-auth v0.4.1-0.20220112235402-e1cee1c72f2f/go.mod h1:l2P3JyHa+fjy5Bxol6y1u2o4DV/mv3QMBdBu2cNR53w="

# module_dir <module>@<version>: its directory in the module cache, downloaded if need be (read-only).
module_dir() {
  local json dir
  json="$(cd / && go mod download -json "$1" 2>&1)" || die "could not download the Go module $1: $json"
  dir="$(sed -n 's/.*"Dir": "\(.*\)".*/\1/p' <<<"$json")"
  [[ -d "$dir" ]] || die "the Go module $1 has no directory: $json"
  echo "$dir"
}

# replace_text <file> <text> <replacement>: fails unless the text is there, so that a new Traefik version whose
# source moved on stops the build instead of building something else.
replace_text() {
  local content
  content="$(cat "$1")"
  [[ "$content" == *"$2"* ]] || die "$1 no longer contains: $2"
  printf '%s\n' "${content/"$2"/"$3"}" >"$1"
}

# Traefik is built from its own module's source, as its release is, not as a dependency of a wrapper module: its
# go.mod replaces github.com/traefik/traefik/dynamic/ext with a directory of its repository. That directory is a
# nested module, which Go module zips leave out, and two of its dependencies are not served by the registry these
# machines reach. So a copy of the source is built, changed in three ways:
# - the extension module: lab/traefik/ext, its two (empty) types, put where the replace points;
# - go-http-auth: upstream's module instead of Traefik's fork (not served). Traefik's basic and digest auth build
#   against it but for one call, the reply to a stale digest nonce, which becomes a plain 401 challenge;
# - ACME's DNS-01 providers (the SDKs of many DNS vendors, several not served) left out: the lab asks no CA for
#   certificates.
build_traefik() {
  local src="$TRAEFIK_BIN.src"
  rm -rf "$src"
  cp -r "$(module_dir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")" "$src"
  chmod -R u+w "$src"
  cp -r "$root/lab/traefik/ext" "$src/pkg/config/dynamic/ext"
  (cd "$src" && go mod edit "-replace=github.com/abbot/go-http-auth=$GO_HTTP_AUTH")
  printf '%s\n' "$GO_HTTP_AUTH_SUM" >>"$src/go.sum"
  replace_text "$src/pkg/middlewares/auth/digest_auth.go" "d.auth.RequireAuthStale(rw, req)" "d.auth.RequireAuth(rw, req)"
  replace_text "$src/pkg/provider/acme/provider.go" $'\t"github.com/go-acme/lego/v5/providers/dns"\n' ""
  replace_text "$src/pkg/provider/acme/provider.go" "provider, err = dns.NewDNSChallengeProviderByName(p.DNSChallenge.Provider)" \
    "err = fmt.Errorf(\"DNS challenge provider %q: this build of Traefik has none\", p.DNSChallenge.Provider)"
  mkdir -p "$TRAEFIK_BIN"
  go_build "$src" ./cmd/traefik "$TRAEFIK_BIN/traefik" "-X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION"
  rm -rf "$src"
}

# The Gateway API CRDs of the release Traefik is built against (its go.mod's sigs.k8s.io/gateway-api), standard
# channel. Its ValidatingAdmissionPolicy, which only guards against installing older or experimental CRDs over
# these, is left out. Applied only when one is missing or of another release (each is annotated with its
# release): applying them all takes seconds.
gateway_api_crds() {
  local traefik version dir
  traefik="$(module_dir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")"
  version="$(awk '$1 == "sigs.k8s.io/gateway-api" {print $2; exit}' "$traefik/go.mod")"
  dir="$(module_dir "sigs.k8s.io/gateway-api@$version")/config/crd/standard"
  local files=() names=() f name
  for f in "$dir"/gateway.networking.k8s.io_*.yaml; do
    [[ "$f" == *_vap_* ]] && continue
    files+=(-f "$f")
    name="$(basename "$f" .yaml)"
    names+=("${name#gateway.networking.k8s.io_}.gateway.networking.k8s.io")
  done
  if [[ "$(kubectl get crd "${names[@]}" -o 'jsonpath={range .items[*]}{.metadata.annotations.gateway\.networking\.k8s\.io/bundle-version}{"\n"}{end}' 2>/dev/null |
    grep -cxF "$version")" != "${#names[@]}" ]]; then
    kubectl apply --server-side --force-conflicts "${files[@]}" >/dev/null
  fi
  kubectl wait --for condition=Established --timeout 60s crd/gateways.gateway.networking.k8s.io \
    crd/gatewayclasses.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io >/dev/null
  echo "    Gateway API $version CRDs (standard channel)"
}

# The classes the controller serves and the lab's Gateway. The IngressClass is the default one: the API server then
# gives it to every new Ingress that names none.
ingress_classes_up() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: traefik
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: traefik.io/ingress-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: traefik
spec:
  controllerName: traefik.io/gateway-controller
---
apiVersion: v1
kind: Namespace
metadata:
  name: $GATEWAY_NAMESPACE
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: $GATEWAY_NAME
  namespace: $GATEWAY_NAMESPACE
spec:
  gatewayClassName: traefik
  listeners:
  - name: http
    protocol: HTTP
    port: ${INGRESS_ADDR##*:}
    allowedRoutes:
      namespaces: {from: All}
YAML
}

# Traefik's static configuration. Its Kubernetes providers reach the API server through KUBECONFIG (set when it
# starts). Ingresses and Gateways get 127.0.0.1 as their address: Argo CD and Pulumi count an Ingress healthy only
# once its status has one. A Service without ready endpoints answers 503 rather than 404, as other controllers do.
# Request headers whose names alias another's (X_User for X-User) are dropped, as ingress-nginx does by default
# (and Traefik warns until told what to do with them).
traefik_config() {
  mkdir -p "$LAB/traefik"
  cat >"$LAB/traefik/traefik.yaml" <<YAML
global: {checkNewVersion: false, sendAnonymousUsage: false}
log: {level: INFO, noColor: true}
entryPoints:
  web: {address: "$INGRESS_ADDR", http: {aliasHeadersStrategy: delete}}
  traefik: {address: "$TRAEFIK_PING_ADDR", http: {aliasHeadersStrategy: delete}}
ping: {entryPoint: traefik}
providers:
  kubernetesIngress:
    ingressEndpoint: {ip: 127.0.0.1}
    allowEmptyServices: true
  kubernetesGateway:
    statusAddress: {ip: 127.0.0.1}
YAML
}

gateway_programmed() {
  [[ "$(kubectl -n "$GATEWAY_NAMESPACE" get gateway "$GATEWAY_NAME" \
    -o 'jsonpath={.status.conditions[?(@.type=="Programmed")].status}')" == True ]]
}

ingress_up() {
  gateway_api_crds
  ingress_classes_up
  if ! running traefik; then
    traefik_config
    KUBECONFIG="$LAB/kubeconfig" start traefik "$TRAEFIK_BIN/traefik" --configFile "$LAB/traefik/traefik.yaml"
  fi
  wait_for "Traefik at $TRAEFIK_PING_ADDR" 60 curl -fs "http://$TRAEFIK_PING_ADDR/ping"
  still_running traefik "$INGRESS_ADDR"
  wait_for "the Gateway $GATEWAY_NAMESPACE/$GATEWAY_NAME Programmed" 60 gateway_programmed
  echo "    Traefik $TRAEFIK_VERSION on http://$INGRESS_ADDR: IngressClass traefik (default), Gateway $GATEWAY_NAMESPACE/$GATEWAY_NAME"
}

ingress_status() {
  local ok=0
  if running traefik; then echo "traefik: running (pid $(cat "$LAB/traefik.pid")), http://$INGRESS_ADDR"; else echo "traefik: stopped"; ok=1; fi
  if gateway_programmed 2>/dev/null; then
    echo "gateway $GATEWAY_NAMESPACE/$GATEWAY_NAME: Programmed"
  else
    echo "gateway $GATEWAY_NAMESPACE/$GATEWAY_NAME: not programmed"
    ok=1
  fi
  return $ok
}
