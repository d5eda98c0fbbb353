# The lab's object store: versitygw (github.com/versity/versitygw, built from its Go module) serving S3 on
# 127.0.0.1:7070 from a directory, so that a team's kind of Pulumi backend (an s3:// diy backend, its state and locks in
# a bucket) runs for real on this machine. Its root keys are made at its first start and kept under $LAB/s3, readable by
# root only; nothing in the repository holds them. Sourced by lab/lab.sh, not run.

S3_VERSION=v1.8.0
S3_BIN="$TAGSHIP_CACHE/lab/versitygw-$S3_VERSION"
S3_ADDR=127.0.0.1:7070
# The bucket a team's stacks keep their state in, and the backend URL that names it (path-style, plain HTTP on loopback).
S3_BUCKET=tagship-state
S3_BACKEND_URL="s3://$S3_BUCKET?endpoint=http://$S3_ADDR&region=us-east-1&use_path_style=true"

build_s3() {
  mkdir -p "$S3_BIN"
  go_build "$root/lab/versitygw" github.com/versity/versitygw/cmd/versitygw "$S3_BIN/versitygw" ""
}

s3_up() {
  mkdir -p "$LAB/s3/data/$S3_BUCKET"
  if [[ ! -f "$LAB/s3/credentials" ]]; then
    (
      umask 077
      printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$LAB/s3/credentials"
    )
  fi
  if ! running s3; then
    # versitygw reads its root keys from the environment: they stay off its command line.
    (
      set -a
      source "$LAB/s3/credentials"
      ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY
      unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
      start s3 "$S3_BIN/versitygw" --port "$S3_ADDR" posix "$LAB/s3/data"
    )
  fi
  wait_for "the S3 server" 30 curl -s -o /dev/null "http://$S3_ADDR/"
  still_running s3 "$S3_ADDR"
  echo "    S3 on $S3_ADDR: backend $S3_BACKEND_URL (keys in $LAB/s3/credentials)"
}

s3_status() {
  if running s3; then echo "s3: running (pid $(cat "$LAB/s3.pid")), $S3_BACKEND_URL"; else echo "s3: stopped"; return 1; fi
}
