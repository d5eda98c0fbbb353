# Entry points. Every target installs what it needs first.
.PHONY: test up fmt lab-up lab-down lab-status

## test: install Node.js 22 and the npm packages, type-check, lint, and run every test
test:
	bash scripts/test.sh

## up: the main job, a real `pulumi up` of the dev stack (STACK=name for another)
up:
	bash scripts/up.sh $(STACK)

## lab-up, lab-down, lab-status: the local lab (registry, BuildKit, builder, base image, Kubernetes, Argo CD), state under .lab/
lab-up:
	bash lab/lab.sh up
lab-down:
	bash lab/lab.sh down
lab-status:
	bash lab/lab.sh status

## fmt: format every file with Prettier
fmt:
	bash -c 'export PATH="$$(bash toolchain/node.sh):$$PATH" && npm run --silent format'
