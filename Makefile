# effekt — the one gate is `make check` (CI runs it through .ci/run).
GO        ?= go
TOOLS     := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(PATH)

.PHONY: demo check build install vet test integration browser fuzz bench tools clean

## demo: sample exports → ingest → compute → exports + dashboards, summary printed
demo:
	$(GO) run ./cmd/effekt demo

## build: ./effekt, stamped with the VCS revision (effekt --version); install: into $(go env GOPATH)/bin
build:
	$(GO) build -buildvcs=auto -o effekt ./cmd/effekt

install:
	$(GO) install -buildvcs=auto ./cmd/effekt

## vet: gofmt (every tracked Go file formatted) and go vet, with and without the integration tag
vet:
	@unformatted="$$("$$($(GO) env GOROOT)/bin/gofmt" -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.tools/*'))"; \
		if [ -n "$$unformatted" ]; then echo "gofmt -l: not formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags integration ./...

## tools: a Prometheus + promtool for the integration tests (no system service started) and
## Grafana's frontend packages for the render test (.tools/grafana-node, from integration/grafana/package-lock.json)
tools:
	@bash scripts/prometheus.sh >/dev/null
	@bash scripts/grafana-node.sh >/dev/null

test:
	$(GO) test -count=1 ./...

integration: tools
	EFFEKT_PROMETHEUS="$$(bash scripts/prometheus.sh)" EFFEKT_PROMTOOL="$$(dirname "$$(bash scripts/prometheus.sh)")/promtool" \
	EFFEKT_GRAFANA_NODE="$$(bash scripts/grafana-node.sh)" \
		$(GO) test -count=1 -tags integration -timeout 10m ./integration/...

## check: vet, all unit tests (incl. fuzz seed corpora, golden files), the Insatskarta in headless Chromium
## (scripts/chromium.sh installs Debian's chromium when missing), integration tests against a real Prometheus
check: tools vet
	EFFEKT_PROMETHEUS="$$(bash scripts/prometheus.sh)" EFFEKT_PROMTOOL="$$(dirname "$$(bash scripts/prometheus.sh)")/promtool" \
	EFFEKT_CHROMIUM="$$(bash scripts/chromium.sh)" \
		$(GO) test -count=1 -timeout 15m ./...
	$(MAKE) integration

## browser: only the browser test of the Insatskarta (screenshots in insatser/testdata/artifacts or $$EFFEKT_ARTIFACTS)
browser:
	EFFEKT_CHROMIUM="$$(bash scripts/chromium.sh)" $(GO) test -count=1 -run TestBrowser -v ./insatser/

## fuzz: run every fuzz target briefly (FUZZTIME=30s to go longer)
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## bench: ingest throughput against DuckDB's raw read_csv (prints figures)
bench:
	$(GO) run ./cmd/effekt bench ingest --scale county

clean:
	rm -rf data effekt
