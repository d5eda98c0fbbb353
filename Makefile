# Entry points. Every target installs what it needs first.
.PHONY: test up fmt

## test: install Node.js 22 and the npm packages, type-check, lint, and run every test
test:
	bash scripts/test.sh

## up: the main job, a real `pulumi up` of the dev stack (STACK=name for another)
up:
	bash scripts/up.sh $(STACK)

## fmt: format every file with Prettier
fmt:
	bash -c 'export PATH="$$(bash scripts/ensure-node.sh):$$PATH" && npm run --silent format'
