"""RFC 3161 trusted timestamps: asking TSAs for tokens over capture manifests, checking them."""
