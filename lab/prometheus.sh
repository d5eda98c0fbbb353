# The lab's metrics system: Prometheus from Debian's package, run as a lab process on loopback. It scrapes the
# cluster's pods annotated prometheus.io/scrape (what a stack's metricsPath sets) every 2 s: the request counts per
# version that a canary's analysis compares. Scraped often because a bad canary serves until its analysis has two
# samples of it: every second of that is failed requests. Debian builds Prometheus without Kubernetes service discovery, so a
# second lab process (prometheus-targets.sh) lists those pods into a file_sd target file. Sourced by lab/lab.sh,
# not run.

PROMETHEUS_ADDR=127.0.0.1:9090
# What it keeps: the analysis reads minutes, and the lab is rebuilt often.
PROMETHEUS_RETENTION=6h

# The scrape config: the pods the discovery loop lists, with the labels it gives them (namespace, pod).
prometheus_config() {
  cat <<YAML
global:
  scrape_interval: 2s
  scrape_timeout: 1s
  evaluation_interval: 5s
scrape_configs:
  - job_name: pods
    file_sd_configs:
      - files: [$LAB/prometheus/targets.json]
        refresh_interval: 2s
YAML
}

prometheus_ready() { curl -fs "http://$PROMETHEUS_ADDR/-/ready"; }

prometheus_up() {
  mkdir -p "$LAB/prometheus/data"
  prometheus_config >"$LAB/prometheus/prometheus.yml.new"
  # A changed config (another lab directory) restarts it; an unchanged one leaves it running.
  if ! cmp -s "$LAB/prometheus/prometheus.yml.new" "$LAB/prometheus/prometheus.yml" 2>/dev/null; then
    mv "$LAB/prometheus/prometheus.yml.new" "$LAB/prometheus/prometheus.yml"
    stop prometheus
  else
    rm -f "$LAB/prometheus/prometheus.yml.new"
  fi
  [[ -f "$LAB/prometheus/targets.json" ]] || echo "[]" >"$LAB/prometheus/targets.json"
  running prometheus-targets || start prometheus-targets bash "$root/lab/prometheus-targets.sh" "$LAB/kubeconfig" "$LAB/prometheus/targets.json"
  if ! running prometheus; then
    start prometheus prometheus --config.file "$LAB/prometheus/prometheus.yml" --storage.tsdb.path "$LAB/prometheus/data" \
      --storage.tsdb.retention.time "$PROMETHEUS_RETENTION" --web.listen-address "$PROMETHEUS_ADDR" --log.level warn
  fi
  wait_for "Prometheus at $PROMETHEUS_ADDR" 60 prometheus_ready
  still_running prometheus "$PROMETHEUS_ADDR"
  echo "    Prometheus $(prometheus --version 2>/dev/null | awk 'NR == 1 {print $3}') on http://$PROMETHEUS_ADDR, scraping annotated pods every 2 s"
}

prometheus_status() {
  if running prometheus && running prometheus-targets && prometheus_ready >/dev/null 2>&1; then
    echo "prometheus: running (pid $(cat "$LAB/prometheus.pid")), http://$PROMETHEUS_ADDR"
  else
    echo "prometheus: stopped"
    return 1
  fi
}
