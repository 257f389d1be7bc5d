# The two entry points of the README. Both install missing system packages first.
.PHONY: demo test build

build:
	scripts/install-deps
	swift build -c release

# Runs the full demo (until it exists: the CLI's help).
demo: build
	.build/release/slidemil --help

# Builds in release mode (numeric tests are 10-100x slower in debug) and runs every test.
test:
	scripts/install-deps
	swift build -c release --build-tests
	swift test -c release --skip-build
