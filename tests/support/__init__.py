"""What several test files share: fakes, brokers, golden images, sound analysis, paths."""
