from mtqa.cli.app import entry

entry()
