"""Reading files into typed values: the config file, the pin map and routine files."""
