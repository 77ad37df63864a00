"""Evidence bundles: BagIt bags that a court or a partner can verify offline, years later."""
