# The entry points of the README. Each installs missing system packages first.
.PHONY: demo test build dist

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

# A slidemil for compute nodes without Swift: the Swift runtime linked in statically, built in
# its own folder; dist/shared-libraries.txt lists the system libraries the nodes still need.
dist:
	scripts/install-deps
	swift build -c release --static-swift-stdlib --product slidemil --scratch-path .build-dist
	scripts/make-dist .build-dist/release/slidemil
