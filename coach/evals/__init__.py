"""Offline evaluation: typed case loaders, one suite per capability, a runner that gates on thresholds."""
