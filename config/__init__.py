"""Settings: deploy-time from the environment, community defaults from defaults.toml."""
