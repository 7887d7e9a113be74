#!/usr/bin/env bash
# Builds the real components of the stack from their Go modules, at the versions in
# deploy/versions.env, into .tools/<name>-<version>/ (ignored by git):
#   otelcol       the Collector distribution of deploy/otel-collector/builder-config.yaml, made
#                 with the OpenTelemetry Collector Builder
#   jaeger        Jaeger v2 (wrapper module scripts/components/jaeger)
#   prometheus    Prometheus v3, promtool, and openmetrics-check (Prometheus's own OpenMetrics
#                 parser as a checker: promtool check metrics reads only the text format)
#                 (wrapper module scripts/components/prometheus)
#   alertmanager  Alertmanager and amtool (wrapper module scripts/components/alertmanager)
# A component whose binaries exist and whose inputs (versions, manifest, wrapper go.mod/go.sum)
# are unchanged is skipped, so a second run costs nothing. Go's own caches (GOMODCACHE, GOCACHE:
# `go env` shows them; by default ~/go/pkg/mod and ~/.cache/go-build) make a rebuild after a bump cheap.
#
# usage: scripts/build-components.sh [--check] [component ...]   (all components by default)
#   --check  only verify that the manifest and the wrapper modules pin the versions of versions.env
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../deploy/versions.env
source "$root/deploy/versions.env"
tools="$root/.tools"
manifest="$root/deploy/otel-collector/builder-config.yaml"
wrappers="$root/scripts/components"

# Small, reproducible, static binaries: no symbol tables, no local paths, no VCS stamp, no cgo.
export CGO_ENABLED=0 GOFLAGS="-buildvcs=false -trimpath"
strip="-s -w"

fail() { printf 'build-components: %s\n' "$*" >&2; exit 1; }

# The manifest and the wrapper modules must pin exactly the versions of versions.env.
check_pins() {
  local line module version expected problems=()
  while read -r line; do
    module="${line%% *}" version="${line##* v}"
    case "$module" in
      github.com/open-telemetry/opentelemetry-collector-contrib/*) expected="$OTELCOL_VERSION" ;;
      go.opentelemetry.io/collector/confmap/*) expected="$OTELCOL_STABLE_VERSION" ;;
      *) expected="$OTELCOL_VERSION" ;;
    esac
    [[ "$version" == "$expected" ]] || problems+=("$manifest: $module v$version, versions.env says v$expected")
  done < <(sed -n 's/^ *\(- \)\{0,1\}gomod: *\([^ ]*\) *\(v[^ ]*\).*/\2 \3/p' "$manifest")
  grep -q "^  version: $OTELCOL_VERSION\$" "$manifest" || problems+=("$manifest: dist.version is not $OTELCOL_VERSION")
  grep -Eq "^	github.com/jaegertracing/jaeger v$JAEGER_MODULE_VERSION( // indirect)?\$" "$wrappers/jaeger/go.mod" ||
    problems+=("$wrappers/jaeger/go.mod does not require github.com/jaegertracing/jaeger v$JAEGER_MODULE_VERSION")
  grep -Eq "^	github.com/prometheus/prometheus v$PROMETHEUS_MODULE_VERSION( // indirect)?\$" "$wrappers/prometheus/go.mod" ||
    problems+=("$wrappers/prometheus/go.mod does not require github.com/prometheus/prometheus v$PROMETHEUS_MODULE_VERSION")
  grep -Eq "^	github.com/prometheus/alertmanager v$ALERTMANAGER_VERSION( // indirect)?\$" "$wrappers/alertmanager/go.mod" ||
    problems+=("$wrappers/alertmanager/go.mod does not require github.com/prometheus/alertmanager v$ALERTMANAGER_VERSION")
  ((${#problems[@]} == 0)) || fail "$(printf '%s\n' "${problems[@]}")"
}

# build NAME VERSION "BINARY..." INPUT_FILE... -- runs build_NAME into a scratch folder, then
# moves the binaries into .tools/NAME-VERSION/ with a stamp of its inputs: the version, the
# recipe (the build_NAME function) and the input files. The scratch folder is outside the repo
# (in $TMPDIR): a build copies upstream source there, and CI type-checks and lints the repo while
# the components build.
build() {
  local name="$1" version="$2" binaries="$3"
  shift 3
  local dir="$tools/$name-$version" stamp binary missing=0
  stamp="$({ echo "$name $version"; declare -f "build_$name"; cat "$@"; } | sha256sum | cut -c1-16)"
  for binary in $binaries; do [[ -x "$dir/$binary" ]] || missing=1; done
  if ((missing == 0)) && [[ "$(cat "$dir/.inputs" 2>/dev/null)" == "$stamp" ]]; then
    printf '%-13s %-8s cached in %s\n' "$name" "$version" "${dir#"$root"/}"
    return
  fi
  local scratch started=$SECONDS
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/build-components.$name-$version.XXXXXX")"
  "build_$name" "$scratch" >"$scratch.log" 2>&1 || { tail -n 40 "$scratch.log" >&2; fail "$name $version failed to build (log: $scratch.log)"; }
  rm -rf "$dir" && mkdir -p "$dir"
  for binary in $binaries; do mv "$scratch/bin/$binary" "$dir/$binary"; done
  printf '%s\n' "$stamp" >"$dir/.inputs"
  rm -rf "$scratch" "$scratch.log"
  printf '%-13s %-8s built in %ds into %s\n' "$name" "$version" $((SECONDS - started)) "${dir#"$root"/}"
}

build_otelcol() {
  local scratch="$1"
  GOBIN="$scratch/bin" go install -ldflags="$strip" "go.opentelemetry.io/collector/cmd/builder@v$OTELCOL_VERSION"
  # The builder generates a module in output_path (relative: inside the scratch folder) and
  # compiles it with -trimpath and -ldflags="-s -w" itself.
  (cd "$scratch" && "$scratch/bin/builder" --config="$manifest")
  mv "$scratch/distribution/otelcol-trading" "$scratch/bin/otelcol-trading"
}

build_jaeger() {
  local scratch="$1" version=github.com/jaegertracing/jaeger/internal/version
  (cd "$wrappers/jaeger" && go build -mod=readonly -o "$scratch/bin/jaeger" \
    -ldflags="$strip -X $version.latestVersion=v$JAEGER_VERSION" github.com/jaegertracing/jaeger/cmd/jaeger)
}

# Prometheus's own module has exclude lines, so `go install …@version` refuses it; the wrapper
# module pins it (and its go.sum) instead. openmetrics-check is the wrapper's own small program
# over Prometheus's OpenMetrics parser, at the same version. remove_all_sd is Prometheus's own
# build tag that leaves out the cloud and Kubernetes service discoveries, whose SDKs are half the
# build (prometheus and promtool took 434 s cold without it, 229 s with it). The shipped configs
# use static_configs only; promtool built so refuses a config that asks for a discovery left out.
build_prometheus() {
  local scratch="$1" tool version=github.com/prometheus/common/version
  for tool in prometheus promtool; do
    (cd "$wrappers/prometheus" && go build -mod=readonly -tags=remove_all_sd -o "$scratch/bin/$tool" \
      -ldflags="$strip -X $version.Version=$PROMETHEUS_VERSION" "github.com/prometheus/prometheus/cmd/$tool")
  done
  (cd "$wrappers/prometheus" && go build -mod=readonly -o "$scratch/bin/openmetrics-check" -ldflags="$strip" ./openmetrics-check)
}

# Alertmanager's module does not carry its built web UI (ui/app/dist, made by npm and elm), so
# neither `go install` nor a plain build compiles it. Build the module's own source from a scratch
# copy with a one-page stand-in for the UI; the API, routing and receivers are untouched. The
# wrapper module pins the version and go.sum.
build_alertmanager() {
  local scratch="$1" source tool version=github.com/prometheus/common/version
  source="$(cd "$wrappers/alertmanager" && go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)"
  [[ -n "$source" ]] || (cd "$wrappers/alertmanager" && go mod download github.com/prometheus/alertmanager)
  source="$(cd "$wrappers/alertmanager" && go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)"
  cp -r "$source" "$scratch/alertmanager" && chmod -R u+w "$scratch/alertmanager"
  for ui in elm mantine; do
    mkdir -p "$scratch/alertmanager/ui/app/dist/$ui"
    printf '<!doctype html><title>Alertmanager</title><p>Built without its web UI; see /api/v2.\n' >"$scratch/alertmanager/ui/app/dist/$ui/index.html"
  done
  mkdir -p "$scratch/wrapper"
  cp "$wrappers/alertmanager/go.mod" "$wrappers/alertmanager/go.sum" "$scratch/wrapper/"
  (cd "$scratch/wrapper" && go mod edit -replace "github.com/prometheus/alertmanager=$scratch/alertmanager")
  for tool in alertmanager amtool; do
    (cd "$scratch/wrapper" && go build -mod=mod -o "$scratch/bin/$tool" \
      -ldflags="$strip -X $version.Version=$ALERTMANAGER_VERSION" "github.com/prometheus/alertmanager/cmd/$tool")
  done
}

check_pins
if [[ "${1:-}" == "--check" ]]; then
  echo "build-components: the manifest and wrapper modules pin the versions of deploy/versions.env"
  exit 0
fi
command -v go >/dev/null || fail "needs Go (go1.26 or newer) on PATH"
components=("$@")
((${#components[@]})) || components=(otelcol jaeger prometheus alertmanager)
# One after another: the builds are CPU-bound, and builds running at once compile the modules they
# share (gRPC, OpenTelemetry, protobuf) each for itself. On a cold two-core machine all four at
# once took 738 s, in turn 841 s, and remove_all_sd (build_prometheus) saves 150-200 s of that.
for component in "${components[@]}"; do
  case "$component" in
    otelcol) build otelcol "$OTELCOL_VERSION" otelcol-trading "$manifest" ;;
    jaeger) build jaeger "$JAEGER_VERSION" jaeger "$wrappers/jaeger/go.mod" "$wrappers/jaeger/go.sum" ;;
    prometheus) build prometheus "$PROMETHEUS_VERSION" "prometheus promtool openmetrics-check" "$wrappers/prometheus/go.mod" "$wrappers/prometheus/go.sum" "$wrappers/prometheus/openmetrics-check/main.go" ;;
    alertmanager) build alertmanager "$ALERTMANAGER_VERSION" "alertmanager amtool" "$wrappers/alertmanager/go.mod" "$wrappers/alertmanager/go.sum" ;;
    *) fail "unknown component $component (otelcol, jaeger, prometheus, alertmanager)" ;;
  esac
done
