# Entry points. Every target installs what it needs first.
.PHONY: test lint fmt

## test: install Node.js 22 and the npm packages, type-check, lint, and run every test
test:
	bash scripts/test.sh

## fmt: format every file with Prettier
fmt:
	bash -c 'export PATH="$$(bash scripts/ensure-node.sh):$$PATH" && npm run --silent format'
