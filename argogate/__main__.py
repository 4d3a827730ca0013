from argogate.cli import run

run()
