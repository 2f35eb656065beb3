# pgsecure: `make run` and `make test` set up everything they need on a fresh Debian machine.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# What building and running needs.
RUN_PACKAGES := pkg-config libpq-dev libssl-dev libncurses-dev ca-certificates
# What the tests need besides: a real PostgreSQL server, openssl for the lab's PKI, real shells, real clients, tmux.
# (time: BenchScriptTests run bench/audit, whose peak-memory step calls /usr/bin/time.)
TEST_PACKAGES := $(RUN_PACKAGES) postgresql-15 openssl dash bash zsh fish tmux procps time \
	openjdk-17-jdk-headless libpostgresql-jdbc-java python3 python3-psycopg2 python3-psycopg python3-cryptography util-linux \
	nodejs golang-go golang-github-jackc-pgx-v4-dev golang-github-lib-pq-dev python3-asyncpg python3-sqlalchemy \
	python3-django ruby-pg php-cli php-pgsql
# node-postgres for the snippet tests: Debian's node-pg conflicts with a newer nodejs, but it is plain JavaScript,
# so it is downloaded (with the two modules it does not bundle) and unpacked once, then used through NODE_PATH.
NODE_PG := .build/test-clients/node-pg
NODE_PG_DEBS := node-pg node-split2 node-xtend
BENCH_PACKAGES := $(TEST_PACKAGES) hyperfine time

RELEASE_FLAGS := -c release --static-swift-stdlib --product pgsecure
PREFIX ?= /usr/local

# Installs only what is missing, as root or through sudo.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make: installing" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

.PHONY: run test build release deps test-deps bench-deps bench demo install clean node-pg

node-pg: $(NODE_PG)/usr/share/nodejs/pg/package.json

$(NODE_PG)/usr/share/nodejs/pg/package.json:
	rm -rf $(NODE_PG) && mkdir -p $(NODE_PG)/debs
	cd $(NODE_PG)/debs && { apt-get download $(NODE_PG_DEBS) 2>/dev/null \
		|| { $(SUDO) apt-get update -qq && apt-get download $(NODE_PG_DEBS); }; }
	for deb in $(NODE_PG)/debs/*.deb; do dpkg -x $$deb $(NODE_PG); done
	test -f $@

deps:
	$(call apt_install,$(RUN_PACKAGES))

test-deps:
	$(call apt_install,$(TEST_PACKAGES))

bench-deps:
	$(call apt_install,$(BENCH_PACKAGES))

build: deps
	swift build

release: deps
	swift build $(RELEASE_FLAGS)

run: release
	.build/release/pgsecure $(ARGS)

install: release
	$(SUDO) install -m 0755 .build/release/pgsecure $(PREFIX)/bin/pgsecure

# Every test: unit, property, the CLI as a process, real shells and clients, the TLS lab, the wizard through tmux.
test: test-deps node-pg
	swift build --build-tests
	Tests/lab/with-lab swift test --skip-build --parallel

# The TLS lab for a person: prints the exact `pgsecure test` / `pgsecure wizard` commands; Ctrl-C stops it.
demo: test-deps build
	Tests/lab/demo .build/debug/pgsecure

bench: bench-deps release
	bench/run

clean:
	rm -rf .build
