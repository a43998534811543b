/**
 * The prober script: POSIX sh + awk + curl (7.84 or later: `%header{}` in -w), the same text
 * in a real cluster (busybox sh and awk in curlimages/curl) and in the sandbox (Debian's dash
 * and mawk, curl 7.88, with http_proxy set to the sandbox mesh). Parameters come from
 * SSP_* environment variables (`probeEnv`), never from the text, so the text is a constant.
 *
 * How it reaches the rate: each worker is one curl process per batch of requests (about two
 * seconds' worth, at most 1000) reading its URL list as a config on stdin and pacing itself
 * with `--rate`; curl writes each body followed by a marker line (`-w`) into one awk per
 * worker, which digests the body and prints one line per response. One process per request
 * would cost a fork and an exec per response; this costs one per batch. A worker sends one
 * request at a time, so it cannot beat its latency: `probeWorkers` runs one per 50
 * requests/s. Lines from parallel workers interleave whole (each is one short write).
 *
 * Without a sidecar every request says `Connection: close`, so each uses a new connection and
 * kube-proxy picks an endpoint per request, as the baseline needs.
 */
import { DEFAULT_LEARN_REPEAT, DEFAULT_PROBE_TIMEOUT_SECONDS, probeCount, probeWorkers, type ProbeSpec } from './spec';

// String.raw keeps the backslashes the shell and awk need; the script avoids the
// two-character sequence dollar-brace, which a template literal would interpolate.
/** The script, run as `sh -c PROBE_SCRIPT` with the environment from `probeEnv`. */
export const PROBE_SCRIPT = String.raw`# Splitscope prober: one "ssp/1" line per response (docs/probe-line-format.md).
export LC_ALL=C
fmt='
function enc(s) { gsub(/%/, "%25", s); gsub(/ /, "%20", s); gsub(/\t/, "%09", s); gsub(/\r/, "%0D", s); return s }
BEGIN {
  for (c = 1; c < 256; c++) ord[sprintf("%c", c)] = c
  mark = ENVIRON["SSP_MARK"] " "; ml = length(mark); P = 2147483647; lim = 16384
  head = "ssp/1 " ENVIRON["SSP_KIND"]
  if (ENVIRON["SSP_KIND"] == "learn") head = head " name=" enc(ENVIRON["SSP_NAME"]); else head = head " w=" ENVIRON["SSP_W"]
  h = 7; seen = 0; more = 0; i = 0
}
substr($0, 1, ml) == mark {
  srand(); t = srand()
  tag = $0; for (k = 0; k < 6; k++) sub(/^[^ ]* /, "", tag)
  line = head " t=" t " i=" i " code=" $2 " ms=" sprintf("%.3f", $3 * 1000) " exit=" $4 " conn=" $6 " len=" $5 " digest=" sprintf("%08x", h)
  if (tag != "") line = line " tag=" enc(substr(tag, 1, 256))
  # One string, one write: mawk -W interactive writes unbuffered, and workers share the pipe.
  printf "%s", line "\n"; fflush()
  i++; h = 7; seen = 0; more = 0
  next
}
{
  if (more && seen < lim) { h = (h * 31 + 10) % P; seen++ }
  more = 1; n = length($0)
  for (j = 1; j <= n && seen < lim; j++) { h = (h * 31 + ord[substr($0, j, 1)]) % P; seen++ }
}'
now() { awk 'BEGIN { srand(); print srand() }'; }
if ! command -v curl >/dev/null 2>&1; then echo "ssp/1 end t=$(now) reason=no-curl"; exit 1; fi
# mawk reads its input in blocks unless told otherwise; busybox awk does not need it.
case "$(awk -W version 2>&1 </dev/null)" in mawk*) AWKI='-W interactive' ;; *) AWKI= ;; esac
reqs() { awk -v n="$1" -v u="$2" 'BEGIN { for (i = 0; i < n; i++) print "url = \"" u "\"" }'; }
export SSP_MARK="@@ssp-$SSP_ID@@"
wfmt="\\n$SSP_MARK %{response_code} %{time_total} %{exitcode} %{size_download} %{num_connects}"
[ -n "$SSP_TAG_HEADER" ] && wfmt="$wfmt %header{$SSP_TAG_HEADER}"
set -- -q -s -N --globoff -K - -A splitscope-probe/1 -m "$SSP_TIMEOUT" --connect-timeout "$SSP_TIMEOUT" -w "$wfmt\\n"
[ "$SSP_SIDECAR" = 1 ] || set -- "$@" -H 'Connection: close'
W=$SSP_WORKERS
wrate=$(awk -v w="$W" 'BEGIN { r = ENVIRON["SSP_RATE"] * 3600 / w; printf "%d", (r < 1 ? 1 : r + 0.5) }')
batch=$(awk -v w="$W" 'BEGIN { b = int(ENVIRON["SSP_RATE"] * 2 / w); printf "%d", (b < 1 ? 1 : (b > 1000 ? 1000 : b)) }')
t0=$(now)
stop=; [ -n "$SSP_SECONDS" ] && stop=$((t0 + SSP_SECONDS))
proxy=$(curl -q -s -o /dev/null -w '%{response_code}' -m 2 http://127.0.0.1:15021/healthz/ready)
echo "ssp/1 start t=$t0 id=$SSP_ID count=$SSP_COUNT rate=$SSP_RATE workers=$W sidecar=$SSP_SIDECAR proxy=$proxy learn=$SSP_LEARN_COUNT"
l=0
while [ "$l" -lt "$SSP_LEARN_COUNT" ]; do
  eval "name=\$SSP_LEARN_NAME_$l url=\$SSP_LEARN_URL_$l"
  reqs "$SSP_LEARN_REPEAT" "$url" | curl "$@" | SSP_KIND=learn SSP_NAME=$name awk $AWKI "$fmt"
  l=$((l + 1))
done
worker() {
  w=$1; shift
  left=$((SSP_COUNT / W + (w < SSP_COUNT % W)))
  while [ "$left" -gt 0 ]; do
    [ -n "$stop" ] && [ "$(now)" -ge "$stop" ] && break
    b=$batch; [ "$left" -lt "$b" ] && b=$left
    reqs "$b" "$SSP_URL" | curl "$@" --rate "$wrate/h"
    left=$((left - b))
  done | SSP_KIND=resp SSP_W=$w awk $AWKI "$fmt"
}
w=0
while [ "$w" -lt "$W" ]; do worker "$w" "$@" & w=$((w + 1)); done
wait
echo "ssp/1 end t=$(now) reason=done"
# Stop the Istio sidecar so that the pod completes; nothing listens there without one.
[ "$SSP_SIDECAR" = 1 ] && curl -q -s -o /dev/null -m 2 -X POST http://127.0.0.1:15020/quitquitquit
exit 0
`;

/** An environment variable of the prober container (a type alias: it must fit K8sContainer's env). */
export type ProbeEnvVar = { name: string; value: string };

/**
 * The script's parameters. Every variable is always set (empty when unused) so that the
 * script needs no defaults of its own.
 */
export function probeEnv(spec: ProbeSpec): ProbeEnvVar[] {
  const learn = spec.learn ?? [];
  const env: ProbeEnvVar[] = [
    { name: 'SSP_ID', value: spec.id },
    { name: 'SSP_URL', value: spec.url },
    { name: 'SSP_RATE', value: String(spec.rate) },
    { name: 'SSP_COUNT', value: String(probeCount(spec)) },
    { name: 'SSP_SECONDS', value: spec.seconds === undefined ? '' : String(spec.seconds) },
    { name: 'SSP_WORKERS', value: String(spec.workers ?? probeWorkers(spec.rate)) },
    { name: 'SSP_TIMEOUT', value: String(spec.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_SECONDS) },
    { name: 'SSP_SIDECAR', value: spec.sidecar ? '1' : '0' },
    { name: 'SSP_TAG_HEADER', value: spec.tagHeader ?? '' },
    { name: 'SSP_LEARN_COUNT', value: String(learn.length) },
    { name: 'SSP_LEARN_REPEAT', value: String(spec.learnRepeat ?? DEFAULT_LEARN_REPEAT) },
  ];
  learn.forEach((target, i) => {
    env.push({ name: `SSP_LEARN_NAME_${i}`, value: target.name }, { name: `SSP_LEARN_URL_${i}`, value: target.url });
  });
  return env;
}
