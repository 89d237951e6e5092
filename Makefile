# opsdesk — thin wrapper: the build is Meson + Ninja (meson.build).
#   make run    install what is missing, build, create ./var/opsdesk.db with demo data, serve :8080
#   make test   build with ASan + UBSan and run every suite (unit, API on SQLite and PostgreSQL, browser)
#   make bench  benchmarks with ratios against nginx and bare SQLite (bench/run, then bench/tasks, bench/analysis)
#   make fuzz   run every fuzz harness for a bounded time
DB ?= sqlite:./var/opsdesk.db

.PHONY: all build run test bench fuzz clean

all: build

build:
	@scripts/bootstrap
	@[ -f build/build.ninja ] || meson setup build --buildtype=release -Db_ndebug=false >/dev/null
	@ninja -C build >/dev/null

run: build
	@mkdir -p var
	@if [ ! -f var/opsdesk.db ]; then build/opsdesk demo --db $(DB); \
	else echo "using existing var/opsdesk.db (demo logins: admin, zhangwei, lina, wangfang … password opsdesk-demo)"; fi
	@echo "opsdesk: open http://127.0.0.1:8080/ and log in as admin / opsdesk-demo (Ctrl-C stops)"
	@build/opsdesk serve --db $(DB) --listen 127.0.0.1:8080

test:
	@scripts/bootstrap
	@scripts/test-all

bench: build
	@bench/run
	@bench/tasks
	@bench/analysis

fuzz:
	@scripts/bootstrap
	@scripts/fuzz

clean:
	rm -rf build build-san build-fuzz
