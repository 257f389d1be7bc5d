# The two entry points of the README. Both install missing system packages first.
.PHONY: demo test build

build:
	scripts/install-deps
	swift build -c release

# Runs the demo: synthetic slides to heatmaps, then MNIST bags, in a few minutes; outputs in demo/.
demo: build
	.build/release/slidemil demo

# Builds in release mode (numeric tests are 10-100x slower in debug) and runs every test.
test:
	scripts/install-deps
	scripts/install-test-deps
	swift build -c release --build-tests
	swift test -c release --skip-build
