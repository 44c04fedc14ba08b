from mtqa.cli.main import entry

entry()
